"""Reaching the stores: a current store in a read-only build folder opens and answers (only a build
needs write access, and a build there gets a one-line message); a Chroma server that stops answering
(paused with SIGSTOP) raises index.vectors.StoreUnavailable within config.CHROMA_HTTP_TIMEOUT instead
of hanging.

The read-only folder is real: `chmod -R a-w` when the tests run as a normal user; as root, where
chmod does not stop writes, a read-only bind mount in a private mount namespace (`unshare -m`).
The server is a real `chroma run`.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import config, vectors
from index.build import BuildError, ensure_built
from index.vectors import StoreUnavailable
from stores_support import REAL_SEEDS, chroma_server_process, free_port, shared_real_store

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------ read-only build folder

READ_ONLY_START = """
import json, os, tempfile
from index import config
from index.build import BuildError, ensure_built
from qa import ask

try:
    (config.build_dir() / "probe").write_text("x")
    writable = True
except OSError:
    writable = False
report = ensure_built(progress=False)
answer = ask("How much was Leeds awarded for the SEND project?")
table = ask("How many successful family outcomes did Leeds achieve in 2024-25?")
try:
    ensure_built(progress=False, force=True, strict=True)
    forced = "built"
except BuildError as e:
    forced = str(e)
print(json.dumps({"writable": writable, "built": report.built, "reason": report.reason, "answer": answer.text,
                  "table": table.text, "forced": forced, "tmp": os.listdir(tempfile.gettempdir())}))
"""


def read_only_runner(folder: Path):
    """A function running a command with `folder` read-only to it; skips when that can't be arranged."""
    if os.geteuid() != 0:
        def run_chmod(command: list[str], env: dict) -> subprocess.CompletedProcess:
            modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
            for path, mode in modes.items():
                path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            try:
                return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
            finally:
                for path, mode in modes.items():
                    path.chmod(mode)

        return run_chmod
    unshare = shutil.which("unshare")
    mount = ['mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"', str(folder)]
    probe = unshare and subprocess.run([unshare, "-m", "sh", "-c", *mount, "sh", "-c", f'! touch "{folder}/.probe"'],
                                       capture_output=True, text=True)
    if not probe or probe.returncode != 0:
        pytest.skip("running as root (chmod does not stop root's writes) and no private mount namespace for a "
                    f"read-only bind mount (unshare -m): {probe.stderr.strip() if probe else 'unshare not found'}")

    def run_mounted(command: list[str], env: dict) -> subprocess.CompletedProcess:
        return subprocess.run([unshare, "-m", "sh", "-c", *mount, *command], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    return run_mounted


@pytest.fixture(scope="module")
def read_only_store(tmp_path_factory):
    """(run, env, build folder): a copy of the real store, current for the real seeds, and a runner that
    makes that build folder read-only to the commands it runs."""
    folder = tmp_path_factory.mktemp("read-only")
    build_dir = folder / "build"
    shutil.copytree(shared_real_store(tmp_path_factory), build_dir / "store")
    session_plan = Path(os.environ.get("SF_BUILD_DIR", "")) / "plan"
    if session_plan.is_dir():  # the question classifier fitted this session: saves refitting on every start
        shutil.copytree(session_plan, build_dir / "plan")
    scratch = folder / "tmp"
    scratch.mkdir()
    env = {**os.environ, "SF_BUILD_DIR": str(build_dir), "SF_SEEDS_DIR": str(REAL_SEEDS), "TMPDIR": str(scratch)}
    env.pop("CHROMA_HOST", None)
    return read_only_runner(build_dir), env, build_dir


def test_current_store_in_a_read_only_folder_answers(read_only_store):
    run, env, build_dir = read_only_store
    before = sorted(p.name for p in build_dir.rglob("*"))
    done = run([sys.executable, "-c", READ_ONLY_START], env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["writable"]  # the folder really was read-only to it
    assert not result["built"] and result["reason"] == "up to date"
    assert "£112,268" in result["answer"] and "2,102" in result["table"]
    assert result["forced"].startswith("Cannot build: the build folder") and "read-only" in result["forced"]
    assert "\n" not in result["forced"]
    assert [name for name in result["tmp"] if name.startswith(vectors.READ_ONLY_COPY_PREFIX)]  # read from a copy
    assert list(Path(env["TMPDIR"]).iterdir()) == []  # ... removed at exit
    assert sorted(p.name for p in build_dir.rglob("*")) == before  # no lock file, nothing written


def test_build_into_a_read_only_folder_is_a_one_line_message(read_only_store):
    run, env, _ = read_only_store
    done = run([sys.executable, "-m", "index", "build", "--force", "--quiet", "--strict"], env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot build: the build folder") and "read-only" in lines[0]


# ------------------------------------------------------------------ a Chroma server that stops answering

@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on a free loopback port (its own process group, so it can be paused)."""
    data = tmp_path_factory.mktemp("paused-chroma")
    with chroma_server_process(data, data.parent / "paused-chroma.log") as running:
        yield running


@pytest.fixture
def paused(chroma_server, monkeypatch, tmp_path):
    """Server mode pointed at the real server (build folder in tmp); call the returned function to
    pause it (SIGSTOP). It is resumed afterwards."""
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server["port"]))
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path / "build"))
    state = {"stopped": False}

    def pause():
        os.killpg(chroma_server["pgid"], signal.SIGSTOP)
        state["stopped"] = True

    yield pause
    if state["stopped"]:
        os.killpg(chroma_server["pgid"], signal.SIGCONT)


def probe_collection():
    """A small collection on the server, made afresh (explicit vectors: no embedding model involved)."""
    chroma = vectors.client()
    try:
        chroma.delete_collection("timeout_probe")
    except Exception:
        pass
    collection = chroma.create_collection("timeout_probe", embedding_function=None)
    collection.add(ids=["a", "b"], embeddings=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], documents=["first", "second"])
    return chroma, collection


def test_http_client_has_the_timeout(paused):
    chroma, collection = probe_collection()
    assert config.CHROMA_HTTP_TIMEOUT == 5.0
    assert chroma._server._session.timeout.read == config.CHROMA_HTTP_TIMEOUT
    assert collection.count() == 2


def test_paused_server_raises_store_unavailable_within_the_timeout(paused):
    chroma, collection = probe_collection()
    pause = paused
    pause()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="did not answer within 5s"):
        collection.count()
    assert config.CHROMA_HTTP_TIMEOUT - 0.5 < time.monotonic() - started < config.CHROMA_HTTP_TIMEOUT + 5


def test_every_access_path_raises_store_unavailable_on_a_paused_server(paused, monkeypatch):
    chroma, collection = probe_collection()
    monkeypatch.setattr(config, "CHROMA_HTTP_TIMEOUT", 1.0)
    chroma, collection = vectors.client(), vectors.client().get_collection("timeout_probe")  # with the 1 s timeout
    paused()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        vectors.client()  # connecting: Chroma's first requests, made while the client is built
    with pytest.raises(StoreUnavailable):
        chroma.get_collection("timeout_probe")
    with pytest.raises(StoreUnavailable):
        collection.query(query_embeddings=[[1.0, 0.0, 0.0]], n_results=1)
    with pytest.raises(StoreUnavailable):
        chroma.heartbeat()
    from qa.retrieval import HybridRetriever

    with pytest.raises(StoreUnavailable):
        HybridRetriever(chroma)  # the answering side's way in (qa.retrieval.default_retriever())
    assert time.monotonic() - started < 5 * (1.0 + 2)
    monkeypatch.setattr(vectors, "SERVER_TIMEOUT", 1.0)
    with pytest.raises(BuildError, match="does not answer"):
        ensure_built(progress=False)


def test_server_answers_again_after_resuming(paused, chroma_server):
    _, collection = probe_collection()
    paused()
    os.killpg(chroma_server["pgid"], signal.SIGCONT)
    assert collection.count() == 2 and vectors.client().heartbeat() > 0


def test_refused_connection_is_store_unavailable(monkeypatch, tmp_path):
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(free_port()))  # nothing listens there
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        vectors.client()
    assert time.monotonic() - started < config.CHROMA_HTTP_TIMEOUT


@pytest.fixture
def text_store_down(built, monkeypatch):
    """The built store's tables, with the text store pointed at a Chroma server that refuses connections."""
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(free_port()))  # nothing listens there
    yield
    monkeypatch.delenv("CHROMA_HOST")


def test_table_questions_answer_while_the_text_store_is_down(text_store_down):
    from qa import ask

    table = ask("how did leeds do in 2024-25")
    assert table.route == "table" and "2,102" in table.text
    follow = ask("and the year before?", [{"role": "user", "content": "how did leeds do in 2024-25"},
                                          {"role": "assistant", "content": table.text}])
    assert "1,029" in follow.text
    text = ask("What is Earned Autonomy?")
    assert text.route == "none" and "Text search is unavailable right now" in text.text


def test_cli_starts_and_answers_tables_while_the_text_store_is_down(built):
    env = dict(os.environ, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(free_port()))
    out = subprocess.run([sys.executable, "-m", "qa", "how did leeds do in 2024-25"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "2,102" in out.stdout
    assert "Traceback" not in out.stderr
    assert sum(line.startswith("Warning:") for line in out.stderr.splitlines()) == 1
