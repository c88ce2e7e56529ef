"""Faults: a missing, partial or corrupted store is found at start-up and rebuilt with a message;
a failed build (a known report's table check fails, or an exception mid-build) leaves the last
good store in place and raises a clear error (strict) or, at start-up, warns in one line and
answers from that store. A swap cut short is undone from store.old; builds leave no staging
folder or temporary folder behind, also when stopped with SIGTERM; a failed `add` leaves the
seeds as they were.

Most tests embed with a fast deterministic stand-in for MiniLM (they test detection, staging
and swapping, not retrieval quality); one rebuilds a corrupted store with the real model and
answers from it.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from index import build, config, vectors
from index.build import BuildError, TableCheckError, ensure_built, read_manifest, store_problem
from index.tables import TableError
from stores_support import REAL_SEEDS, FakeEmbeddings, shared_real_store, tree_digest

ROOT = Path(__file__).resolve().parent.parent
SEED_2024_25 = "supporting-families-annual-report-2024-25.txt"


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
    assert store_problem() is None
    yield tmp_path / "build" / "store"


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
        ensure_built(progress=False, strict=True)
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
    result = CliRunner().invoke(main, ["build", "--quiet", "--strict"])
    assert result.exit_code == 1
    assert "did not pass its checks" in result.output and "2024-25 Leeds" in result.output


def test_exception_mid_build_keeps_last_good_store(store, monkeypatch):
    manifest = read_manifest()
    failing = FakeEmbeddings(fail_on=3)  # the third batch of texts raises
    monkeypatch.setattr(vectors, "embeddings", lambda: failing)
    with pytest.raises(BuildError, match="injected failure mid-build.*last good store was left in place"):
        ensure_built(progress=False, force=True, strict=True)
    assert failing.calls == 3  # it failed part-way through embedding, after writing some of the staging store
    assert not store.with_name("store.staging").exists()
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
        ensure_built(progress=False, force=True, strict=True)
    assert read_manifest()["build_id"] == manifest["build_id"] and store_problem() is None


# ------------------------------------------------------------------ the real model, end to end



def test_corrupted_store_rebuilt_with_real_model_answers(tmp_path_factory, tmp_path, monkeypatch, capsys):
    """A truncated Chroma file in a real store: found at start-up, rebuilt, and answers again."""
    shutil.copytree(shared_real_store(tmp_path_factory), tmp_path / "store")
    monkeypatch.setenv("SF_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("SF_SEEDS_DIR", str(REAL_SEEDS))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    assert store_problem() is None
    chroma_db = config.chroma_dir() / "chroma.sqlite3"
    with chroma_db.open("r+b") as f:
        f.truncate(4096)
    assert "vector store" in store_problem()
    report = ensure_built(progress=False)
    assert report.built and "vector store" in capsys.readouterr().err
    from qa import ask

    answer = ask("How much was Leeds awarded for the SEND project?")
    assert "£112,268" in answer.text


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


# ------------------------------------------------------------------ start-up on the last good store

def test_failed_build_at_start_up_answers_from_the_last_good_store(store, capsys):
    manifest = read_manifest()
    _break_leeds_2024_25(Path(config.seeds_dir()))
    report = ensure_built(progress=False)  # start-up: not strict
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1, warnings
    assert "did not pass its checks" in warnings[0] and "Answering from the last good store" in warnings[0]
    assert not report.built and report.failed and report.rows == 282 and report.chunks == manifest["chunks"]
    assert read_manifest()["build_id"] == manifest["build_id"]
    assert not store.with_name("store.staging").exists()
    from qa.retrieval import default_retriever
    from qa.tabletool import default_tool

    assert default_retriever().sentences("Leeds SEND project award")[0]  # the vectors still answer
    assert any(r["authority"] == "Leeds" and r["percentage"] == 83 for r in default_tool().all_rows())


def test_cli_build_keeps_the_last_good_store_unless_strict(store):
    from click.testing import CliRunner

    from index.cli import main

    _break_leeds_2024_25(Path(config.seeds_dir()))
    kept = CliRunner().invoke(main, ["build", "--quiet"])  # what `make run` runs before the app
    assert kept.exit_code == 0 and "the last good store stays in use" in kept.output
    assert "Warning: Build failed" in kept.output
    strict = CliRunner().invoke(main, ["build", "--quiet", "--strict"])
    assert strict.exit_code == 1 and "2024-25 Leeds" in strict.output


def test_failed_build_without_a_good_store_still_raises(store):
    shutil.rmtree(store)
    _break_leeds_2024_25(Path(config.seeds_dir()))
    with pytest.raises(TableCheckError, match="2024-25 Leeds"):
        ensure_built(progress=False)
    assert not store.exists() and not store.with_name("store.staging").exists()


def test_build_after_a_failed_build_in_the_same_process(store, monkeypatch):
    """The failed build's Chroma client (of its removed staging folder) is not reused by the next one."""
    failing = FakeEmbeddings(fail_on=3)  # part-way through: the staging store is half written
    monkeypatch.setattr(vectors, "embeddings", lambda: failing)
    with pytest.raises(BuildError, match="injected failure"):
        ensure_built(progress=False, force=True, strict=True)
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings())
    report = ensure_built(progress=False, force=True, strict=True)
    assert report.built and store_problem() is None


# ------------------------------------------------------------------ interrupted swaps and leftovers

def test_swap_cut_short_restores_store_old(store, capsys):
    """Killed between _swap's two renames: the live store was moved to store.old, the new one never came."""
    manifest = read_manifest()
    store.rename(store.with_name("store.old"))
    report = ensure_built(progress=False)
    assert "Restored the last good store from store.old" in capsys.readouterr().err
    assert not report.built  # put back and found current: nothing rebuilt from scratch
    assert not store.with_name("store.old").exists()
    assert read_manifest()["build_id"] == manifest["build_id"] and store_problem() is None


def test_half_store_next_to_store_old_is_replaced_by_it(store, capsys):
    manifest = read_manifest()
    shutil.copytree(store, store.with_name("store.old"))
    (store / "manifest.json").unlink()
    shutil.rmtree(store / "chroma")
    report = ensure_built(progress=False)
    assert "Restored the last good store" in capsys.readouterr().err and not report.built
    assert read_manifest()["build_id"] == manifest["build_id"] and store_problem() is None
    assert not store.with_name("store.old").exists()


def test_store_old_left_by_a_completed_swap_is_removed(store, capsys):
    manifest = read_manifest()
    old = store.with_name("store.old")
    shutil.copytree(store, old)
    (old / "manifest.json").unlink()  # the final removal of the old store was cut short
    report = ensure_built(progress=False)
    assert not report.built and not old.exists() and "Restored" not in capsys.readouterr().err
    assert read_manifest()["build_id"] == manifest["build_id"]


def test_builds_leave_no_temporary_folders(store, tmp_path, monkeypatch):
    """A good build, a failed one and a refused one: afterwards the build folder holds the store and the
    lock file only, and the temporary folder nothing."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert ensure_built(progress=False, force=True).built
    failing = FakeEmbeddings(fail_on=2)
    monkeypatch.setattr(vectors, "embeddings", lambda: failing)
    with pytest.raises(BuildError):
        ensure_built(progress=False, force=True, strict=True)
    _break_leeds_2024_25(Path(config.seeds_dir()))
    assert not ensure_built(progress=False).built  # failed, last good store in use
    assert sorted(p.name for p in store.parent.iterdir()) == [".build.lock", "store"]
    assert list(scratch.iterdir()) == []


def test_leftover_store_old_and_staging_are_cleared_at_start_up_without_a_build(store):
    for leftover in ("store.staging", "store.old"):
        store.with_name(leftover).mkdir()
        (store.with_name(leftover) / "junk").write_text("from a killed build")
    assert not ensure_built(progress=False).built
    assert sorted(p.name for p in store.parent.iterdir()) == [".build.lock", "store"]


STOPPED_BUILD = """
import sys, time
sys.path.insert(0, {tests!r})
from stores_support import FakeEmbeddings
from index import build, vectors

class Slow(FakeEmbeddings):
    def embed_documents(self, texts):
        print("embedding", flush=True)
        time.sleep(0.5)
        return super().embed_documents(texts)

vectors.embeddings = lambda: Slow()
if sys.argv[1] == "build":
    build.ensure_built(progress=False, force=True)
else:
    build.add_report(sys.argv[2])
print("finished", flush=True)
"""


def _stop_mid_build(store: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a build (or an add) in a new process and send it SIGTERM once it is embedding."""
    script = store.parent.parent / "stopped_build.py"
    script.write_text(STOPPED_BUILD.format(tests=str(Path(__file__).parent)))
    env = {**os.environ, "SF_BUILD_DIR": str(store.parent), "SF_SEEDS_DIR": str(config.seeds_dir())}
    proc = subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == "embedding", proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_sigterm_mid_build_removes_the_staging_folder(store):
    manifest = read_manifest()
    stopped = _stop_mid_build(store, "build")
    assert stopped.returncode == 128 + signal.SIGTERM and "finished" not in stopped.stdout, stopped.stderr
    assert sorted(p.name for p in store.parent.iterdir()) == [".build.lock", "store"]
    assert read_manifest()["build_id"] == manifest["build_id"] and store_problem() is None


# ------------------------------------------------------------------ adding a report: the seeds stay as they were

ADDED = "Supporting Families annual report 2026-27\n\nOutreach\n\nThe Fenwick outreach team met 52 schools.\n"


def test_failed_add_leaves_the_seeds_unchanged_and_the_next_start_works(store, tmp_path, monkeypatch):
    seeds, manifest = Path(config.seeds_dir()), read_manifest()
    before = tree_digest(seeds)
    source = tmp_path / "supporting-families-annual-report-2026-27.txt"
    source.write_text(ADDED)
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings(fail_on=1))
    with pytest.raises(BuildError, match="injected failure"):
        build.add_report(source)
    assert tree_digest(seeds) == before  # no new seed, no half-written one
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings())
    report = ensure_built(progress=False)  # the next start
    assert not report.built and report.reason == "up to date" and not report.failed
    assert read_manifest()["build_id"] == manifest["build_id"]


def test_sigterm_mid_add_takes_the_seed_back_out(store, tmp_path):
    seeds = Path(config.seeds_dir())
    before = tree_digest(seeds)
    source = tmp_path / "supporting-families-annual-report-2026-27.txt"
    source.write_text(ADDED)
    stopped = _stop_mid_build(store, "add", str(source))
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert tree_digest(seeds) == before
    assert sorted(p.name for p in store.parent.iterdir()) == [".build.lock", "store"]
    assert store_problem() is None


def test_re_adding_a_different_text_under_the_same_name_needs_replace(store, tmp_path, monkeypatch):
    seeds = Path(config.seeds_dir())
    source = tmp_path / "supporting-families-annual-report-2026-27.txt"
    source.write_text(ADDED)
    first = build.add_report(source)
    assert first.status == "added" and first.report.built
    assert build.add_report(source).status == "unchanged"
    source.write_text(ADDED.replace("52 schools", "61 schools"))
    with pytest.raises(BuildError, match="already hold a different supporting-families-annual-report-2026-27.txt; "
                                         "pass --replace"):
        build.add_report(source)
    assert "52 schools" in (seeds / source.name).read_text()
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings(fail_on=1))
    with pytest.raises(BuildError, match="injected failure"):
        build.add_report(source, replace=True)
    assert "52 schools" in (seeds / source.name).read_text()  # a failed replace puts the old text back
    monkeypatch.setattr(vectors, "embeddings", lambda: FakeEmbeddings())
    replaced = build.add_report(source, replace=True)
    assert replaced.status == "replaced" and replaced.report.built and "61 schools" in (seeds / source.name).read_text()


def test_oversized_report_dropped_into_the_seeds_is_not_indexed(store):
    big = Path(config.seeds_dir()) / "data-dump-2026-27.txt"
    line = "Row 12345 of an export that is not a report, pasted in by mistake.\n"
    big.write_text(line * (config.MAX_REPORT_BYTES // len(line) + 1))
    report = ensure_built(progress=False)
    assert report.built and any("data-dump-2026-27.txt" in w and "NOT indexed" in w for w in report.warnings)
    entry = next(r for r in read_manifest()["reports"] if r["file"] == big.name)
    assert entry["chunks"] == 0
