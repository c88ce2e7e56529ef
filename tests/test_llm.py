"""The optional language model: used only when its numbers check out, and never in the way of an answer.

LangChain's fake chat models for the rewriting; a bad SF_LLM through the real CLI and app; a real local
HTTP "model server" that never replies for the deadline (SF_LLM_TIMEOUT)."""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from qa import llm


@pytest.fixture
def fake_model():
    def use(*responses):
        model = FakeListChatModel(responses=list(responses))
        llm.configure(model)
        return model
    yield use
    llm.configure(None)


def test_off_by_default_and_nothing_contacted(ask, monkeypatch):
    monkeypatch.delenv("SF_LLM", raising=False)
    llm.configure(None)
    assert llm.chat_model() is None
    assert ask("How many outcomes did Leeds achieve in 2024-25?").text.startswith("Leeds achieved 2,102")


def test_model_answer_used_when_its_numbers_are_in_the_sources(ask, fake_model):
    fake_model("In 2024-25 Leeds achieved 2,102 of its 2,540 funded outcomes, 83%.")
    answer = ask("How many outcomes did Leeds achieve in 2024-25?")
    assert answer.text.startswith("In 2024-25 Leeds achieved 2,102")
    assert "Annex A" in answer.text  # citations stay


def test_model_answer_with_an_invented_number_is_thrown_away(ask, fake_model):
    fake_model("Leeds achieved 2,500 outcomes in 2024-25.")
    answer = ask("How many outcomes did Leeds achieve in 2024-25?")
    assert "2,500" not in answer.text
    assert answer.text.startswith("Leeds achieved 2,102")


def test_refusals_never_go_to_the_model(ask, fake_model):
    fake_model("Paris.")
    answer = ask("What is the capital of France?")
    assert answer.route == "none" and "Paris" not in answer.text


# ------------------------------------------------------------------ misconfiguration and a stalled model

ROOT = Path(__file__).resolve().parent.parent
LEEDS = "How many outcomes did Leeds achieve in 2024-25?"
TEST_DEADLINE = 1.0  # seconds, SF_LLM_TIMEOUT in these tests
MARGIN = 2.0  # seconds past the deadline allowed for the answer itself


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.fixture
def from_env(monkeypatch):
    """Set SF_LLM and friends; the model follows them (and the defaults again after the test)."""
    def use(**env):
        for key in ("SF_LLM", "SF_LLM_BASE_URL", "SF_LLM_TIMEOUT"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
    return use


BAD_SPECS = ["bogus:x", "llama3.1", "openai:"]
if not _installed("langchain_ollama"):
    BAD_SPECS.append("ollama:llama3.1")  # the extra not installed


@pytest.mark.parametrize("spec", BAD_SPECS)
def test_bad_sf_llm_is_one_line_and_answers_still_come(ask, from_env, spec):
    from_env(SF_LLM=spec)
    problem = llm.check()
    assert problem and "\n" not in problem
    assert f"SF_LLM={spec!r}" in problem and "without a language model" in problem
    assert llm.chat_model() is None  # switched off, not retried per answer
    assert ask(LEEDS).text.startswith("Leeds achieved 2,102")


def test_missing_extra_names_the_package(from_env):
    if _installed("langchain_ollama"):
        pytest.skip("langchain-ollama is installed here")
    from_env(SF_LLM="ollama:llama3.1")
    assert "langchain-ollama is not installed" in llm.check()


def test_good_or_no_sf_llm_reports_nothing(from_env):
    from_env()
    assert llm.check() is None
    llm.configure(FakeListChatModel(responses=["x"]))
    assert llm.check() is None


def test_deadline_setting(from_env, monkeypatch):
    from_env()
    assert llm.deadline() == llm.DEADLINE_S
    monkeypatch.setenv("SF_LLM_TIMEOUT", "2.5")
    assert llm.deadline() == 2.5
    for bad in ("soon", "0", "-1", "inf", "nan"):
        monkeypatch.setenv("SF_LLM_TIMEOUT", bad)
        assert llm.deadline() == llm.DEADLINE_S
    llm.configure(FakeListChatModel(responses=["x"]))
    assert "SF_LLM_TIMEOUT='nan'" in llm.check()


def test_cli_with_bad_sf_llm_prints_one_line_and_answers(built):
    env = dict(os.environ, SF_LLM="bogus:x", PYTHONUNBUFFERED="1")
    run = subprocess.run([sys.executable, "-m", "qa", LEEDS], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Leeds achieved 2,102")
    assert "Traceback" not in run.stderr
    assert [line for line in run.stderr.splitlines() if "SF_LLM" in line] == [
        "SF_LLM='bogus:x' can't be used: unknown provider 'bogus' (use ollama:MODEL or openai:MODEL); "
        "answering without a language model."]


@pytest.mark.slow
def test_app_with_bad_sf_llm_prints_one_line_and_answers(start_app):
    """The issue's case: the app's first answer was "Sorry… (ModuleNotFoundError)"."""
    from gradio_client import Client

    spec = "bogus:x" if _installed("langchain_ollama") else "ollama:llama3.1"
    server = start_app(SF_LLM=spec)  # its own server: the shared one runs without SF_LLM
    try:
        text = Client(server.url, analytics_enabled=False, verbose=False).predict(LEEDS, None, api_name="/ask")
        log = server.log_path.read_text(errors="replace")
    finally:
        server.stop()
    assert text.startswith("Leeds achieved 2,102")
    assert "Traceback" not in log
    assert len([line for line in log.splitlines() if f"SF_LLM={spec!r}" in line]) == 1


class SilentServer:
    """A real local HTTP "model server" that reads each request and never answers."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.requests: list[bytes] = []
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            try:
                self.requests.append(conn.recv(65536))  # the request line and headers; then silence
            except OSError:
                pass

    def close(self):
        self.sock.close()
        for conn in self.conns:  # the waiting client calls now fail, and their threads end
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()


class OpenAICompatibleChat(BaseChatModel):
    """A minimal OpenAI-compatible chat model over HTTP, with no timeout of its own (as a stuck client)."""

    base_url: str

    @property
    def _llm_type(self) -> str:
        return "openai-compatible-test"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        body = json.dumps({"model": "test", "messages": [{"role": "user", "content": m.content} for m in messages]})
        request = urllib.request.Request(self.base_url + "/chat/completions", data=body.encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:  # no timeout: only the caller's deadline helps
            content = json.load(response)["choices"][0]["message"]["content"]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=content))])


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


SILENT_MODELS = ["http chat model"]
if _installed("langchain_openai"):
    SILENT_MODELS.append("SF_LLM=openai:")


@pytest.mark.parametrize("how", SILENT_MODELS)
def test_model_server_that_never_replies_hits_the_deadline(ask, from_env, silent_server, how):
    ask(LEEDS)  # warm, with no model
    if how == "http chat model":
        from_env(SF_LLM_TIMEOUT=str(TEST_DEADLINE))
        llm.configure(OpenAICompatibleChat(base_url=silent_server.url))
    else:
        from_env(SF_LLM="openai:test", SF_LLM_BASE_URL=silent_server.url, SF_LLM_TIMEOUT=str(TEST_DEADLINE))
        assert llm.check() is None
    started = time.perf_counter()
    answer = ask(LEEDS)
    elapsed = time.perf_counter() - started
    assert answer.text.startswith("Leeds achieved 2,102")  # the extractive answer
    assert silent_server.requests and b"/chat/completions" in silent_server.requests[0]  # the model was called
    assert TEST_DEADLINE * 0.9 <= elapsed < TEST_DEADLINE + MARGIN


def test_stalled_calls_are_capped(ask, from_env, silent_server, monkeypatch):
    """With every slot held by a call that never returns, answers skip the model instead of queueing."""
    monkeypatch.setattr(llm, "_in_flight", threading.BoundedSemaphore(1))
    from_env(SF_LLM_TIMEOUT="0.3")
    llm.configure(OpenAICompatibleChat(base_url=silent_server.url))
    first, second = ask(LEEDS), ask(LEEDS)
    assert first.text.startswith("Leeds achieved 2,102") and second.text == first.text
    time.sleep(0.2)
    assert len(silent_server.requests) == 1  # the second answer never reached the model


class FailingChatModel(FakeListChatModel):
    calls: int = 0

    def _call(self, *args, **kwargs):
        self.calls += 1
        raise ConnectionError("model server refused the connection")


def test_model_error_keeps_the_extractive_answer(ask, from_env):
    from_env()
    model = FailingChatModel(responses=["unused"])
    llm.configure(model)
    assert ask(LEEDS).text.startswith("Leeds achieved 2,102")
    assert model.calls == 1
