"""Scale-out: with CHROMA_HOST/CHROMA_PORT set, the vectors live in a Chroma server.

Starts a real server (`chroma run` from the chromadb package) on a free loopback port,
builds into it, answers from it, checks that a failed build leaves the live collections
alone, and stops it.
"""
from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest

from index import config, vectors
from index.build import BuildError, ensure_built, read_manifest, store_problem
from stores_support import REAL_SEEDS, chroma_server_process, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent




@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Chroma server on 127.0.0.1:<free port>, data in a tmp folder; stopped afterwards."""
    data = tmp_path_factory.mktemp("chroma-server")
    with chroma_server_process(data, data.parent / "chroma-server.log") as running:
        yield running


@pytest.fixture(scope="module")
def built(server, tmp_path_factory):
    """The stores built with the vectors in the server (tables + manifest in a tmp build folder)."""
    folder = tmp_path_factory.mktemp("server-mode")
    seeds = folder / "seeds"
    shutil.copytree(REAL_SEEDS, seeds)
    for p in seeds.iterdir():
        p.chmod(0o644)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHROMA_HOST", "127.0.0.1")
        mp.setenv("CHROMA_PORT", str(server["port"]))
        mp.setenv("SF_BUILD_DIR", str(folder / "build"))
        mp.setenv("SF_SEEDS_DIR", str(seeds))
        report = ensure_built(progress=False)
        yield {"report": report, "folder": folder, "seeds": seeds, **server}


def test_build_goes_to_the_server(built):
    report = built["report"]
    assert report.built and report.rows == 282 and report.chunks > 100
    manifest = read_manifest()
    assert manifest["vector_target"] == f"http://127.0.0.1:{built['port']}"
    assert not config.chroma_dir().exists()  # no embedded store was written
    names = {c.name for c in vectors.client().list_collections()}
    assert names == {vectors.CHUNKS, vectors.SENTENCES}  # staging collections renamed, none left over
    assert vectors.client().get_collection(vectors.CHUNKS).count() == manifest["chunks"]
    assert type(vectors.client()).__name__ != "PersistentClient"
    assert store_problem() is None and not ensure_built(progress=False).built


def test_answers_come_from_the_server(built):
    from qa import ask
    from qa.retrieval import default_retriever

    answer = ask("How much was Leeds awarded for the SEND project?")
    assert "£112,268" in answer.text and answer.route == "documents"
    assert "Http" in default_retriever().source or config.chroma_server()
    table = ask("How many successful family outcomes did Leeds achieve in 2024-25?")
    assert "2,102" in table.text


def test_failed_build_keeps_the_live_collections(built, monkeypatch):
    live = vectors.client().get_collection(vectors.CHUNKS)
    build_id, count = live.metadata["build_id"], live.count()

    class Failing:
        def embed_documents(self, texts):
            raise RuntimeError("injected failure while embedding")

        def embed_query(self, text):
            raise RuntimeError("injected failure while embedding")

    (built["seeds"] / "supporting-families-annual-report-2025-26.txt").write_text(
        "Supporting Families annual report 2025-26\n\nUpdate\n\nThe Gullhaven pilot opened in May.\n")
    monkeypatch.setattr(vectors, "embeddings", lambda: Failing())
    try:
        with pytest.raises(BuildError, match="injected failure.*last good store was left in place"):
            ensure_built(progress=False, strict=True)
    finally:
        (built["seeds"] / "supporting-families-annual-report-2025-26.txt").unlink()
    names = {c.name for c in vectors.client().list_collections()}
    assert names == {vectors.CHUNKS, vectors.SENTENCES}  # staging dropped, live untouched
    live = vectors.client().get_collection(vectors.CHUNKS)
    assert live.metadata["build_id"] == build_id == read_manifest()["build_id"] and live.count() == count
    assert store_problem() is None


def test_incremental_add_swaps_by_name(built):
    seeds = built["seeds"]
    before = set(vectors.client().get_collection(vectors.CHUNKS).get(include=[])["ids"])
    (seeds / "supporting-families-annual-report-2025-26.txt").write_text(
        "Supporting Families annual report 2025-26\n\nUpdate\n\nThe Gullhaven pilot opened in May 2025 "
        "with four family practitioners.\n")
    try:
        report = ensure_built(progress=False)
        assert report.mode == "incremental" and 0 < report.embedded < 10
        live = vectors.client().get_collection(vectors.CHUNKS)
        after = set(live.get(include=[])["ids"])
        assert before < after and live.metadata["build_id"] == read_manifest()["build_id"]
        assert {c.name for c in vectors.client().list_collections()} == {vectors.CHUNKS, vectors.SENTENCES}
    finally:
        (seeds / "supporting-families-annual-report-2025-26.txt").unlink()
    assert ensure_built(progress=False).embedded == 0  # removing it re-embeds nothing


def test_second_replica_adopts_the_server_collections(built, tmp_path, monkeypatch):
    """Another app instance with its own build folder and the same seeds and code: it builds its
    tables locally and uses the server's collections as they are (nothing embedded, nothing swapped)."""
    first_manifest = read_manifest()
    live_id = vectors.client().get_collection(vectors.CHUNKS).metadata["build_id"]
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path))
    report = ensure_built(progress=False)
    assert report.built and report.mode == "adopted" and report.embedded == 0
    assert read_manifest()["build_id"] == live_id
    assert vectors.client().get_collection(vectors.CHUNKS).metadata["build_id"] == live_id
    monkeypatch.setenv("SF_BUILD_DIR", str(built["folder"] / "build"))
    assert read_manifest() == first_manifest and store_problem() is None  # the first replica is undisturbed


def test_unreachable_server_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path))
    with pytest.raises(BuildError, match="does not answer"):
        ensure_built(progress=False)
    assert not (tmp_path / "store").exists()


def test_hung_server_is_a_clear_error_not_a_hang(tmp_path, monkeypatch):
    """A port that accepts connections but never replies: start-up fails within the timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("CHROMA_PORT", str(listener.getsockname()[1]))
        monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path))
        monkeypatch.setattr(vectors, "SERVER_TIMEOUT", 1.0)
        started = time.monotonic()
        with pytest.raises(BuildError, match="does not answer"):
            ensure_built(progress=False)
        assert time.monotonic() - started < 10


def test_bad_port_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "eighty")
    with pytest.raises(ValueError, match="CHROMA_PORT"):
        config.chroma_server()
