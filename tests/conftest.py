"""Shared fixtures: one built store for the whole session, under build/test-store (reused when current),
and real app servers whose logs and feedback files live in the session's temporary folders.

A test that needs other state points the settings at its own temporary folder with monkeypatch
(SF_BUILD_DIR, SF_SEEDS_DIR, CHROMA_HOST, SF_LLM…); the answering side's cached stores and model are
keyed on those settings (qa.stores.per_build, qa.llm), so nothing needs clearing by hand.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SF_BUILD_DIR", str(ROOT / "build" / "test-store"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def built():
    """The stores, built (or confirmed current) once per session."""
    from index.build import ensure_built

    return ensure_built(progress=False)


@pytest.fixture(scope="session")
def tool(built):
    from qa.tabletool import default_tool

    return default_tool()


@pytest.fixture(scope="session")
def ask(built):
    from qa import ask as ask_fn

    return ask_fn


@pytest.fixture(scope="session")
def converse(ask):
    """A conversation: each turn asked with the ones before it and their answers as history (as the chat page
    sends them); the last turn's answer."""
    def run(*turns):
        history = []
        for turn in turns[:-1]:
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": ask(turn, history).text}]
        return ask(turns[-1], history)

    return run


class AppServer:
    """A real `app.py` on a free loopback port, its log and likes/dislikes file in `folder`.

    Args:
        folder: a temporary folder of the test session's.
        env: settings for the app on top of this process's environment.
    """

    def __init__(self, folder: Path, **env: str):
        from eval.appserver import AppProcess

        self.feedback_file = folder / "feedback.jsonl"
        self.process = AppProcess(folder / "app.log", host="127.0.0.1",
                                  env={"SF_FEEDBACK_FILE": str(self.feedback_file), **env})
        self.url, self.log_path = self.process.url, self.process.log_path

    def stop(self) -> None:
        self.process.stop()


@pytest.fixture(scope="session")
def start_app(built, tmp_path_factory):
    """Start an app server (`start_app(SF_LLM=...)`); every one started is stopped when the session ends."""
    started: list[AppServer] = []

    def start(**env: str) -> AppServer:
        started.append(AppServer(tmp_path_factory.mktemp("app"), **env))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def app_server(start_app) -> AppServer:
    """The app server the app, browser and load tests share."""
    return start_app()


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server.url
