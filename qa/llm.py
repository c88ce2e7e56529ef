"""Optional: a language model writes the answer from the quoted passages and table rows.

Off by default, and nothing is contacted when off. Switch it on with SF_LLM, "provider:MODEL" as
LangChain's `init_chat_model` reads it:
    SF_LLM=ollama:llama3.1                      (a local Ollama; pip install '.[llm]')
    SF_LLM=openai:MODEL SF_LLM_BASE_URL=http://127.0.0.1:8080/v1   (any OpenAI-compatible server)
or from code with `configure(chat_model)` (any LangChain chat model, in force until the SF_LLM settings change).
Every number the model writes must appear in the sources it was given; otherwise its text is
thrown away and the extractive answer stands. Numbers are never generated.

The model can never stop or stall an answer: a bad SF_LLM is reported once at start-up by
`check()` (one line) and the model is left off; any error from the model, or no reply within
DEADLINE_S seconds (SF_LLM_TIMEOUT), keeps the extractive answer.
"""
from __future__ import annotations

import logging
import math
import re
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from index import config

log = logging.getLogger("sf.llm")

DEADLINE_S = 20.0  # seconds to wait for the model's reply before keeping the extractive answer
MAX_IN_FLIGHT = 8  # model calls waiting at once; past that (a stalled server) the model is skipped

# (the SF_LLM settings it was made for, the model or None, why SF_LLM could not be used): remade when they change
_state: tuple[tuple, object, str | None] | None = None
_lock = threading.Lock()
_in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)

PROMPT = """You answer questions about the Supporting Families programme annual reports (2023-24, 2024-25).
Use ONLY the sources below. Do not add facts or numbers that are not in them. Answer in two or three plain
English sentences and name the report year for each fact.

Question: {question}

Sources:
{sources}
"""


def configure(model) -> None:
    """Use this LangChain chat model (None switches the language model off) until the SF_LLM settings change."""
    global _state
    with _lock:
        _state = (_settings_key(), model, None)


def _settings_key() -> tuple:
    s = config.settings()
    return s.sf_llm, s.sf_llm_base_url, s.sf_llm_api_key, s.sf_llm_timeout


def deadline() -> float:
    """Seconds to wait for the model: SF_LLM_TIMEOUT if it is a positive number, else DEADLINE_S."""
    raw = config.settings().sf_llm_timeout
    return float(raw) if _positive_number(raw) else DEADLINE_S


def _build(spec: str):
    """The chat model SF_LLM names, through LangChain's init_chat_model (raises when it can't be made)."""
    from langchain.chat_models import init_chat_model

    provider, _, name = spec.partition(":")
    provider, name = provider.strip().lower(), name.strip()
    if not provider or not name:
        raise ValueError("expected 'provider:MODEL'")
    kwargs: dict = {"temperature": 0}
    base_url = config.settings().sf_llm_base_url
    if provider == "ollama":
        kwargs["base_url"] = base_url or "http://127.0.0.1:11434"
    elif provider == "openai":
        kwargs.update(base_url=base_url, api_key=config.settings().sf_llm_api_key,
                      timeout=deadline(), max_retries=0)  # the client gives up too, freeing its thread
    elif base_url:
        kwargs["base_url"] = base_url
    return init_chat_model(name, model_provider=provider, **kwargs)


def _describe(spec: str, error: Exception) -> str:
    """One line saying what is wrong with SF_LLM and what happens instead."""
    provider = spec.partition(":")[0].strip().lower()
    if isinstance(error, ImportError):
        named = re.search(r"requires the ([\w.-]+) package", str(error))
        package = named.group(1) if named else f"langchain-{provider}"
        how = "pip install '.[llm]'" if provider in ("ollama", "openai") else f"pip install {package}"
        why = f"{package} is not installed ({how})"
    elif ":" not in spec or not spec.partition(":")[2].strip():
        why = "expected 'provider:MODEL', e.g. ollama:llama3.1 or openai:MODEL"
    elif "Unsupported" in str(error) and "provider" in str(error):
        why = f"unknown provider {provider!r} (use ollama:MODEL or openai:MODEL)"
    else:
        first = (str(error).strip().splitlines() or [""])[0][:160]
        why = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return f"SF_LLM={spec!r} can't be used: {why}; answering without a language model."


def chat_model():
    """The configured chat model, or None (the default: no language model, no network). Never raises."""
    return _current()[1]


def _current() -> tuple[tuple, object, str | None]:
    """The state for the SF_LLM settings in force, made (once per change of them) when it isn't."""
    global _state
    key = _settings_key()
    state = _state
    if state is not None and state[0] == key:
        return state
    with _lock:
        if _state is not None and _state[0] == key:
            return _state
        spec = key[0]
        model, problem = None, None
        if spec:
            try:
                model = _build(spec)
            except Exception as e:  # a bad SF_LLM must not stop the answers: off, and say why once
                problem = _describe(spec, e)  # check() reports it, once, at start-up
                log.debug("%s", problem, exc_info=True)
        _state = (key, model, problem)
        return _state


def check() -> str | None:
    """At start-up: one line saying why the language model set in SF_LLM can't be used, or None.

    A model that can't be made is switched off (answers stay extractive). The model server is
    not contacted here; a server that fails or doesn't reply is handled per answer (see DEADLINE_S).
    """
    _key, model, problem = _current()
    problems = [problem] if problem else []
    raw = config.settings().sf_llm_timeout
    if model is not None and raw and not _positive_number(raw):
        problems.append(f"SF_LLM_TIMEOUT={raw!r} is not a positive number of seconds; using {DEADLINE_S:g} s.")
    return " ".join(problems) or None


def _positive_number(text: str) -> bool:
    try:
        return math.isfinite(float(text)) and float(text) > 0
    except ValueError:
        return False


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def source_text(answer) -> str:
    parts = []
    for s in answer.sources:
        body = s.quote or "; ".join(", ".join(f"{k}: {v}" for k, v in row.items()) for row in s.rows)
        parts.append(f"[{s.year} report, {s.section}] {body}")
    return "\n".join(parts) + "\n" + answer.text


def _invoke_with_deadline(model, prompt: str, seconds: float):
    """model.invoke(prompt) on a daemon thread; its reply, or TimeoutError after `seconds`.

    A daemon thread (not an executor's) so a model that never replies can't hold up the process
    at exit; at most MAX_IN_FLIGHT such calls wait at once, past that the model is skipped.
    """
    slots = _in_flight
    if not slots.acquire(blocking=False):
        raise TimeoutError("too many language model calls are still waiting for a reply")
    reply: Future = Future()

    def run():
        try:
            reply.set_result(model.invoke(prompt))
        except BaseException as e:
            reply.set_exception(e)
        finally:
            slots.release()

    try:
        threading.Thread(target=run, name="sf-llm-call", daemon=True).start()
    except BaseException:
        slots.release()
        raise
    try:
        return reply.result(timeout=seconds)
    except FutureTimeout:
        raise TimeoutError(f"no reply from the language model within {seconds:g} s") from None


def rewrite(question: str, answer) -> str | None:
    """The model's answer when every number in it is in the sources; None to keep the extractive one.

    Never raises and never waits longer than deadline(): whatever goes wrong, the extractive answer stands.
    """
    try:
        model = chat_model()
        if model is None or answer.route == "none":
            return None
        sources = source_text(answer)
        reply = _invoke_with_deadline(model, PROMPT.format(question=question, sources=sources), deadline())
        text = getattr(reply, "content", str(reply))
        if not isinstance(text, str) or not text.strip():
            return None
        if not _numbers(text) <= _numbers(sources) | _numbers(question):
            return None
        return text.strip()
    except Exception as e:  # an unreachable, slow or failing model must not stop the answer
        log.warning("language model not used for this answer: %s", f"{type(e).__name__}: {e}"[:200])
        return None
