"""Helpers for tests that switch stores: drop cached handles, and share one real store per session."""
from __future__ import annotations

import contextlib

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from index import config
from index.build import ensure_built

ROOT = Path(__file__).resolve().parent.parent
REAL_SEEDS = ROOT / "seeds"


CHROMA = ROOT / ".venv" / "bin" / "chroma"


def shared_real_store(tmp_path_factory) -> Path:
    """A store built from the real seeds with the real model, made once per test session and
    copied by each test that needs one (same folder under pytest's basetemp for every file).

    When the session's own test store (tests/conftest.py: SF_BUILD_DIR) is embedded and built
    from the real seeds, it is brought up to date and copied rather than built a second time.
    """
    base = tmp_path_factory.getbasetemp() / "sf-shared-real-build"
    if not (base / "store" / "manifest.json").exists():
        session_store, session_seeds = os.environ.get("SF_BUILD_DIR"), os.environ.get("SF_SEEDS_DIR")
        reusable = (session_store and not os.environ.get("CHROMA_HOST")
                    and (not session_seeds or Path(session_seeds).resolve() == REAL_SEEDS.resolve()))
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SF_SEEDS_DIR", str(REAL_SEEDS))
            if reusable:
                ensure_built(progress=False)
                shutil.copytree(config.db_path().parent, base / "store")
            else:
                mp.setenv("SF_BUILD_DIR", str(base))
                mp.delenv("CHROMA_HOST", raising=False)
                ensure_built(progress=False)
    return base / "store"


class FakeEmbeddings(Embeddings):
    """384-dimensional bag-of-hashed-words vectors: deterministic and fast. `fail_on` the n-th call."""

    def __init__(self, fail_on: int | None = None):
        self.calls, self.fail_on = 0, fail_on

    def _vec(self, text: str) -> list[float]:
        v = np.zeros(384, dtype=np.float32)
        for word in text.lower().split():
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 384] += 1.0
        n = np.linalg.norm(v)
        return (v / n if n else v + 1 / np.sqrt(384)).tolist()

    def embed_documents(self, texts):
        self.calls += 1
        if self.fail_on is not None and self.calls >= self.fail_on:
            raise RuntimeError("injected failure mid-build")
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return self._vec(text)


def tree_digest(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `folder`."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def free_port() -> int:
    """A free loopback TCP port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def chroma_server_process(data: Path, log_path: Path):
    """A real `chroma run` on a free loopback port, in its own process group (so it can be paused with
    SIGSTOP); yields {"port", "pgid", "data"} once its heartbeat answers; stopped afterwards."""
    import signal
    import subprocess
    import time
    import urllib.request

    executable = CHROMA if CHROMA.exists() else shutil.which("chroma")
    if not executable:
        pytest.skip("the chroma CLI (chromadb package) is not installed")
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen([str(executable), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield {"port": port, "pgid": proc.pid, "data": data}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGCONT)  # in case a test left it paused
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
