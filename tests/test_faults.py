"""Faults: a missing, partial or corrupted store is found at start-up and rebuilt with a message;
a failed build (a known report's table check fails, or an exception mid-build) leaves the last
good store in place and raises a clear error.

Most tests embed with a fast deterministic stand-in for MiniLM (they test detection, staging
and swapping, not retrieval quality); one rebuilds a corrupted store with the real model and
answers from it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from index import build, config, vectors
from index.build import BuildError, TableCheckError, ensure_built, read_manifest, store_problem
from index.tables import TableError
from stores_support import REAL_SEEDS, clear_caches, shared_real_store

ROOT = Path(__file__).resolve().parent.parent
SEED_2024_25 = "supporting-families-annual-report-2024-25.txt"


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
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def fake_base(tmp_path_factory):
    """A complete store built with the stand-in embeddings, once for the module."""
    base = tmp_path_factory.mktemp("fake-base")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SF_BUILD_DIR", str(base))
        mp.setenv("SF_SEEDS_DIR", str(REAL_SEEDS))
        mp.delenv("CHROMA_HOST", raising=False)
        mp.setattr(vectors, "embeddings", lambda: FakeEmbeddings())
        report = ensure_built(progress=False)
        assert report.built and report.rows == 282
    vectors.forget_clients()
    return base / "store"


@pytest.fixture
def store(fake_base, tmp_path, monkeypatch):
    """This test's own copy of the fake store and of the seeds; returns the store folder."""
    seeds = tmp_path / "seeds"
    shutil.copytree(REAL_SEEDS, seeds)
    for p in seeds.iterdir():
        p.chmod(0o644)
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("SF_SEEDS_DIR", str(seeds))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings())
    shutil.copytree(fake_base, tmp_path / "build" / "store")
    vectors.forget_clients()
    assert store_problem() is None
    yield tmp_path / "build" / "store"
    clear_caches()


def rebuilt_with_message(capsys, expected_words: str) -> build.BuildReport:
    problem = store_problem()
    assert problem and expected_words in problem, problem
    report = ensure_built(progress=False)
    err = capsys.readouterr().err
    assert report.built and f"Building the stores ({problem}" in err
    assert store_problem() is None
    assert read_manifest()["rows"] == 282
    return report


# ------------------------------------------------------------------ detected and rebuilt

def test_garbage_manifest_is_detected_and_rebuilt(store, capsys):
    (store / "manifest.json").write_bytes(b"\x00\xffnot json{{{")
    report = rebuilt_with_message(capsys, "no readable manifest")
    assert report.mode == "full"  # nothing in a store without a manifest is trusted


def test_manifest_of_the_wrong_shape_is_detected(store, capsys):
    (store / "manifest.json").write_text(json.dumps(["a", "list"]))
    rebuilt_with_message(capsys, "no readable manifest")


def test_deleted_sqlite_is_rebuilt_keeping_the_vectors(store, capsys):
    (store / "tables.sqlite").unlink()
    report = rebuilt_with_message(capsys, "tables database missing or corrupted")
    assert report.mode == "incremental" and report.embedded == 0  # healthy vectors are reused
    with sqlite3.connect(store / "tables.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0] == 282


def test_garbage_sqlite_is_rebuilt(store, capsys):
    (store / "tables.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    rebuilt_with_message(capsys, "tables database missing or corrupted")


def test_truncated_chroma_file_is_rebuilt(store, capsys):
    chroma_db = store / "chroma" / "chroma.sqlite3"
    with chroma_db.open("r+b") as f:
        f.truncate(chroma_db.stat().st_size // 3)
    report = rebuilt_with_message(capsys, "vector store")
    assert report.mode == "full"


def test_scribbled_chroma_file_is_rebuilt(store, capsys):
    chroma_db = store / "chroma" / "chroma.sqlite3"
    with chroma_db.open("r+b") as f:
        f.seek(8192)
        f.write(np.random.default_rng(0).bytes(8192))
    rebuilt_with_message(capsys, "vector store")


def test_deleted_chroma_folder_is_rebuilt(store, capsys):
    shutil.rmtree(store / "chroma")
    rebuilt_with_message(capsys, "vector store")


def test_missing_collection_is_rebuilt(store, capsys):
    vectors.client().delete_collection(vectors.SENTENCES)
    rebuilt_with_message(capsys, "vector store")


def test_half_copied_store_without_manifest_is_rebuilt(store, capsys):
    (store / "manifest.json").unlink()  # e.g. a copy interrupted before the manifest
    rebuilt_with_message(capsys, "no readable manifest")


def test_leftover_staging_folder_is_ignored_and_cleared(store, capsys):
    staging = store.with_name("store.staging")
    staging.mkdir()
    (staging / "junk").write_text("from a build that was killed")
    assert store_problem() is None  # the live store is still fine
    ensure_built(progress=False, force=True)
    assert not staging.exists() and store_problem() is None


# ------------------------------------------------------------------ failed builds keep the last good store

def _break_leeds_2024_25(seeds: Path) -> None:
    """Leeds 2024-25 is 2,102 of 2,540 = 83%; make both copies of the row say 93%."""
    path = seeds / SEED_2024_25
    text = path.read_text(encoding="utf-8")
    ocr, tagged = "Leeds 2540 2102 83%", "\tLeeds \n\tLeeds \n\tLeeds \n\n\t2540 \n\t2540 \n\n\t2102 \n\t2102 \n\n\t83% \n\t83% "
    assert ocr in text and tagged in text
    path.write_text(text.replace(ocr, ocr.replace("83%", "93%")).replace(tagged, tagged.replace("83%", "93%")),
                    encoding="utf-8")


def test_failed_table_check_keeps_last_good_store(store):
    before = tree_digest(store)
    manifest = read_manifest()
    _break_leeds_2024_25(Path(config.seeds_dir()))
    assert "changed" in store_problem()
    with pytest.raises(TableCheckError) as caught:
        ensure_built(progress=False)
    message = str(caught.value)
    assert "2024-25 Leeds" in message and "93%" in message and "last good store was left in place" in message
    assert isinstance(caught.value, TableError) and isinstance(caught.value, BuildError)
    assert read_manifest()["build_id"] == manifest["build_id"]
    assert tree_digest(store).keys() == before.keys()
    assert not store.with_name("store.staging").exists()
    with sqlite3.connect(f"file:{store / 'tables.sqlite'}?mode=ro", uri=True) as db:
        assert db.execute("SELECT percentage FROM outcomes WHERE authority = 'Leeds' AND year = '2024-25'"
                          ).fetchone()[0] == 83


def test_cli_reports_a_failed_table_check(store):
    from click.testing import CliRunner

    from index.cli import main

    _break_leeds_2024_25(Path(config.seeds_dir()))
    result = CliRunner().invoke(main, ["build", "--quiet"])
    assert result.exit_code == 1
    assert "did not pass its checks" in result.output and "2024-25 Leeds" in result.output


def test_exception_mid_build_keeps_last_good_store(store, monkeypatch):
    manifest = read_manifest()
    failing = FakeEmbeddings(fail_on=3)  # the third batch of texts raises
    monkeypatch.setattr(vectors, "embeddings", lambda: failing)
    with pytest.raises(BuildError, match="injected failure mid-build.*last good store was left in place"):
        ensure_built(progress=False, force=True)
    assert failing.calls == 3  # it failed part-way through embedding, after writing some of the staging store
    assert not store.with_name("store.staging").exists()
    vectors.forget_clients()
    assert read_manifest()["build_id"] == manifest["build_id"]
    assert store_problem() is None  # the last good store is whole and current
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings())
    assert ensure_built(progress=False, force=True).built


def test_exception_while_swapping_in_keeps_last_good_store(store, monkeypatch):
    manifest = read_manifest()

    def broken_swap(staging, live):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(build, "_swap", broken_swap)
    with pytest.raises(BuildError, match="disk full"):
        ensure_built(progress=False, force=True)
    vectors.forget_clients()
    assert read_manifest()["build_id"] == manifest["build_id"] and store_problem() is None


# ------------------------------------------------------------------ the real model, end to end



def test_corrupted_store_rebuilt_with_real_model_answers(tmp_path_factory, tmp_path, monkeypatch, capsys):
    """A truncated Chroma file in a real store: found at start-up, rebuilt, and answers again."""
    shutil.copytree(shared_real_store(tmp_path_factory), tmp_path / "store")
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("SF_SEEDS_DIR", str(REAL_SEEDS))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    vectors.forget_clients()
    assert store_problem() is None
    chroma_db = config.chroma_dir() / "chroma.sqlite3"
    with chroma_db.open("r+b") as f:
        f.truncate(4096)
    vectors.forget_clients()
    clear_caches()
    assert "vector store" in store_problem()
    report = ensure_built(progress=False)
    assert report.built and "vector store" in capsys.readouterr().err
    clear_caches()
    from qa import ask

    answer = ask("How much was Leeds awarded for the SEND project?")
    assert "£112,268" in answer.text
    clear_caches()


def test_concurrent_start_ups_build_once(store):
    """Two start-ups finding the same broken store: one builds, the other waits for it and finds it current."""
    import threading

    (store / "manifest.json").write_text("garbage")
    reports, errors = [], []

    def start():
        try:
            reports.append(ensure_built(progress=False))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and sorted(r.built for r in reports) == [False, True]
    assert store_problem() is None
