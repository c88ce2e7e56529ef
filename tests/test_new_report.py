"""A new report dropped into seeds/ (or added with `python -m index add FILE`) is indexed
incrementally: only its text is embedded, the two known reports' vectors are kept. Answers cite
it by its year label. Its tables are read by the generic reader and checked: one that fails is
reported (naming the rows) and recorded in the manifest, and not loaded; its text still is.
A report that repeats a section word for word builds (the repeat is indexed once); `add` refuses
a file over the size cap and a different text under a name the seeds already hold (unless
--replace), each in one line.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index import config, vectors
from index.build import ensure_built, read_manifest, store_problem
from index.chunks import chunk_blocks
from index.reports import clean_generic
from index.tables import read_report_tables
from stores_support import REAL_SEEDS, shared_real_store

ROOT = Path(__file__).resolve().parent.parent
NEW_NAME = "supporting-families-annual-report-2025-26.txt"

NEW_REPORT = """\
Supporting Families annual report 2025-26

Chapter 1 - Programme update

Harbourside family hubs pilot

In 2025-26 the Harbourside family hubs pilot in Tidewater Borough Council received £487,315 to test weekend outreach for families with young carers.
The pilot reached 1,204 families in its first six months.

Lessons from the pilot:
- Weekend opening doubled attendance by working parents.
- Young carers asked for peer groups led by older young carers.

Chapter 2 - Successful family outcomes 2025-26

Table 3: Successful family outcomes by area, 2025-26

Local authority   Maximum   Achieved   Percentage
Tidewater Borough Council   1,000   800   80%
Marshford County Council   500   100   55%
Total   1,500   950   63%

Table 4: Outcomes in the two pilot areas

| Area | Maximum | Achieved | Percentage |
|------|---------|----------|------------|
| Eastbrook | 1,200 | 900 | 75% |
| Westbrook | 800 | 600 | 75% |
| Total | 2,000 | 1,500 | 75% |

The figures above are provisional and will be revised in next year's report.
"""






def fresh_copy(tmp_path_factory, name: str) -> tuple[Path, Path]:
    """(seeds, build dir): the two real seeds and a copy of the shared store, in a new tmp folder."""
    folder = tmp_path_factory.mktemp(name)
    seeds = folder / "seeds"
    shutil.copytree(REAL_SEEDS, seeds)
    for p in seeds.iterdir():
        p.chmod(0o644)
    shutil.copytree(shared_real_store(tmp_path_factory), folder / "build" / "store")
    return seeds, folder / "build"


def live_ids(name: str) -> set[str]:
    return set(vectors.client().get_collection(name).get(include=[])["ids"])


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """The shared store plus NEW_REPORT dropped into the seeds and built; yields what happened."""
    seeds, build_dir = fresh_copy(tmp_path_factory, "new-report")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SF_BUILD_DIR", str(build_dir))
        mp.setenv("SF_SEEDS_DIR", str(seeds))
        mp.delenv("CHROMA_HOST", raising=False)
        assert store_problem() is None
        before_chunks, before_sentences = live_ids(vectors.CHUNKS), live_ids(vectors.SENTENCES)
        (seeds / NEW_NAME).write_text(NEW_REPORT, encoding="utf-8")
        problem = store_problem()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            report = ensure_built(progress=False)
        yield {"problem": problem, "report": report, "stderr": err.getvalue(), "build_dir": build_dir,
               "before_chunks": before_chunks, "before_sentences": before_sentences}


# ------------------------------------------------------------------ unit: labels, tables, text

def test_year_label_from_file_name_or_title():
    assert config.year_label("supporting-families-annual-report-2025-26") == "2025-26"
    assert config.year_label("report_2026_2027") == "2026-27"
    assert config.year_label("annual-report", "Supporting Families: annual report 2025 to 2026") == "2025-26"
    assert config.year_label("notes-2025-2030") is None  # not a programme year
    assert config.year_label("no year here") is None


def test_extra_reports_are_discovered_with_labels(tmp_path, monkeypatch):
    for p in REAL_SEEDS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "supporting-families-annual-report-2025-26.txt").write_text("Report 2025-26\n\nText.\n")
    (tmp_path / "spring-update.txt").write_text("# Supporting Families update 2026 to 2027\n\nText.\n")
    (tmp_path / "misc-notes.txt").write_text("Notes\n\nText.\n")
    (tmp_path / "copy-2024-25.txt").write_text("Copy\n\nText.\n")
    monkeypatch.setenv("SF_SEEDS_DIR", str(tmp_path))
    labels = {r.filename: (r.year, r.known) for r in config.reports()}
    assert labels["supporting-families-annual-report-2023-24.txt"] == ("2023-24", True)
    assert labels["supporting-families-annual-report-2025-26.txt"] == ("2025-26", False)
    assert labels["spring-update.txt"] == ("2026-27", False)
    assert labels["misc-notes.txt"] == ("misc-notes", False)
    assert labels["copy-2024-25.txt"] == ("2024-25 (copy-2024-25)", False)  # a taken label is not reused


def test_generic_table_reader_checks_each_table():
    tables = read_report_tables(NEW_REPORT, "2025-26")
    assert [t.caption for t in tables] == ["Table 3: Successful family outcomes by area, 2025-26",
                                           "Table 4: Outcomes in the two pilot areas"]
    bad, good = tables
    assert not bad.valid
    assert any("Marshford County Council" in p and "55%" in p for p in bad.problems)
    assert any("total row" in p and "950" in p and "900" in p for p in bad.problems)
    assert not any("Tidewater" in p for p in bad.problems)
    assert good.valid and [(r.authority, r.max_outcomes, r.achieved, r.percentage) for r in good.rows] == [
        ("Eastbrook", 1200, 900, 75), ("Westbrook", 800, 600, 75)]


def test_generic_table_reader_other_shapes():
    text = ("Table 1: Tab separated\n\nArea\tMax\tAchieved\t%\nNorth\t200\t150\t75%\nSouth\t100\t30\t30%\n\n"
            "A paragraph that ends the table.\n\n"
            "Annex B: no total row\nEast 10 20 200%\n")
    first, second = read_report_tables(text, "x")
    assert first.valid and len(first.rows) == 2 and first.stated_total is None
    assert not second.valid and any("exceeds maximum" in p for p in second.problems)


def test_generic_cleaner_keeps_text_and_leaves_out_table_rows():
    blocks = clean_generic(NEW_REPORT, "2025-26")
    text = "\n".join(b.text for b in blocks)
    assert "£487,315" in text and "Young carers asked for peer groups" in text
    assert "Marshford" not in text and "Eastbrook" not in text and "Local authority" not in text
    fact = next(b for b in blocks if "£487,315" in b.text)
    assert fact.chapter == "Chapter 1 - Programme update" and fact.section == "Harbourside family hubs pilot"
    assert [b.kind for b in blocks if b.text.startswith(("Weekend", "Young"))] == ["bullet", "bullet"]
    assert not any(b.kind == "heading" and b.text.startswith("Supporting Families annual report") for b in blocks)


# ------------------------------------------------------------------ integration: drop it in, build, ask

def test_new_report_is_detected(added):
    assert added["problem"] == f"new report {NEW_NAME}"


def test_only_the_new_report_is_embedded(added):
    report = added["report"]
    new_chunks = chunk_blocks(clean_generic(NEW_REPORT, "2025-26"))
    new_texts = len(new_chunks) + len(vectors.sentence_items(new_chunks))
    assert report.built and report.mode == "incremental"
    assert report.embedded == new_texts
    assert report.reused == len(added["before_chunks"]) + len(added["before_sentences"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SF_BUILD_DIR", str(added["build_dir"]))
        chunks_now, sentences_now = live_ids(vectors.CHUNKS), live_ids(vectors.SENTENCES)
    assert added["before_chunks"] < chunks_now and added["before_sentences"] < sentences_now
    assert chunks_now - added["before_chunks"] == {c.id for c in new_chunks}


def test_invalid_table_is_reported_and_recorded_not_loaded(added):
    err = added["stderr"]
    assert "Warning:" in err and "Table 3: Successful family outcomes by area, 2025-26" in err
    assert "NOT loaded" in err and "Marshford County Council" in err and "total row" in err
    manifest = json.loads((added["build_dir"] / "store" / "manifest.json").read_text())
    entry = next(r for r in manifest["reports"] if r["file"] == NEW_NAME)
    assert entry["year"] == "2025-26" and not entry["known"]
    assert [(t["caption"][:7], t["loaded"]) for t in entry["tables"]] == [("Table 3", False), ("Table 4", True)]
    assert any("Marshford" in p for p in entry["tables"][0]["problems"])
    assert any("Marshford" in w for w in manifest["warnings"])
    assert manifest["extra_table_rows"] == 2
    with sqlite3.connect(added["build_dir"] / "store" / "tables.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0] == 282
        names = [r[0] for r in db.execute("SELECT name FROM report_tables ORDER BY name")]
    assert names == ["Eastbrook", "Westbrook"]  # the checked table only


@pytest.fixture
def in_added_store(added, monkeypatch):
    monkeypatch.setenv("SF_BUILD_DIR", str(added["build_dir"]))
    monkeypatch.setenv("SF_SEEDS_DIR", str(added["build_dir"].parent / "seeds"))
    yield


def test_retrieval_finds_the_new_report_by_its_year(in_added_store):
    from qa.retrieval import default_retriever

    ranked, _ = default_retriever().sentences("How much did the Harbourside family hubs pilot receive?")
    best = ranked[0]
    assert "£487,315" in best.text and best.chunk.meta["year"] == "2025-26"
    assert best.chunk.meta["path"] == "Chapter 1 - Programme update › Harbourside family hubs pilot"


def test_answers_cite_the_new_report(in_added_store):
    from qa import ask

    answer = ask("How much did the Harbourside family hubs pilot receive?")
    assert "£487,315" in answer.text and "2025-26 report" in answer.text
    assert answer.sources and answer.sources[0].year == "2025-26"


def test_known_reports_still_answer_after_adding(in_added_store):
    from qa import ask

    old = ask("How much was Leeds awarded for the SEND project?")
    assert "£112,268" in old.text and "2024-25 report" in old.text
    table = ask("How many successful family outcomes did Leeds achieve in 2024-25?")
    assert "2,102" in table.text


def test_up_to_date_after_adding(added, monkeypatch):
    monkeypatch.setenv("SF_BUILD_DIR", str(added["build_dir"]))
    monkeypatch.setenv("SF_SEEDS_DIR", str(added["build_dir"].parent / "seeds"))
    report = ensure_built(progress=False)
    assert not report.built and any("Marshford" in w for w in report.warnings)


def test_removing_a_report_drops_its_chunks_without_embedding(tmp_path_factory, monkeypatch):
    seeds, build_dir = fresh_copy(tmp_path_factory, "remove-report")
    monkeypatch.setenv("SF_BUILD_DIR", str(build_dir))
    monkeypatch.setenv("SF_SEEDS_DIR", str(seeds))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    original = live_ids(vectors.CHUNKS)
    small = "Supporting Families annual report 2026-27\n\nOne heading\n\nA short paragraph about Orchard Vale.\n"
    (seeds / "supporting-families-annual-report-2026-27.txt").write_text(small)
    assert ensure_built(progress=False).mode == "incremental"
    (seeds / "supporting-families-annual-report-2026-27.txt").unlink()
    assert "removed" in store_problem()
    report = ensure_built(progress=False)
    assert report.mode == "incremental" and report.embedded == 0
    assert live_ids(vectors.CHUNKS) == original
    assert [r["year"] for r in read_manifest()["reports"]] == ["2023-24", "2024-25"]


def test_cli_add_copies_and_indexes_incrementally(tmp_path_factory, tmp_path):
    seeds, build_dir = fresh_copy(tmp_path_factory, "cli-add")
    source = tmp_path / "spring-update.txt"
    source.write_text("Spring update\n\nOutreach\n\nThe Quillbrook outreach team visited 77 schools in the spring "
                      "term to explain the programme to designated safeguarding leads.\n", encoding="utf-8")
    stored = json.loads((build_dir / "store" / "manifest.json").read_text())
    env = {**os.environ, "SF_BUILD_DIR": str(build_dir), "SF_SEEDS_DIR": str(seeds)}
    env.pop("CHROMA_HOST", None)
    run = lambda *args: subprocess.run([sys.executable, "-m", "index", *args], cwd=ROOT, env=env,
                                       capture_output=True, text=True, timeout=300)
    refused = run("add", str(source), "--quiet")  # no year in its name or title
    assert refused.returncode == 1 and "--year" in refused.stderr
    done = run("add", str(source), "--year", "2025-26", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (seeds / "spring-update-2025-26.txt").exists()
    assert "incremental: 2 texts embedded" in done.stdout  # one chunk, one sentence
    assert f"{stored['chunks'] + stored['sentences']} reused" in done.stdout
    status = run("status")
    assert "2025-26: spring-update-2025-26.txt" in status.stdout and "Store: current" in status.stdout


# ------------------------------------------------------------------ reports that used to break `add`

# A copy-paste slip: the "Family hubs" section (heading, paragraph and list) appears twice, word for word.
REPEATED_SECTION = """\
Family hubs

The Northmere family hub opened in June 2026 and saw 312 families in its first quarter.

What families asked for:
- Evening sessions for working parents.
- A single named worker.
"""
REPEATING_REPORT = ("Supporting Families annual report 2026-27\n\n" + REPEATED_SECTION
                    + "\nWorkforce\n\nEastvale trained 40 new key workers in restorative practice.\n\n"
                    + REPEATED_SECTION)


def test_report_repeating_a_section_is_added_and_answers(tmp_path_factory, tmp_path, monkeypatch):
    from index.build import add_report

    seeds, build_dir = fresh_copy(tmp_path_factory, "repeated-section")
    monkeypatch.setenv("SF_BUILD_DIR", str(build_dir))
    monkeypatch.setenv("SF_SEEDS_DIR", str(seeds))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    chunks = chunk_blocks(clean_generic(REPEATING_REPORT, "2026-27"))
    unique = {c.id for c in chunks}
    assert len(chunks) > len(unique)  # the file really holds the same chunk twice (Chroma's DuplicateIDError)
    source = tmp_path / "supporting-families-annual-report-2026-27.txt"
    source.write_text(REPEATING_REPORT, encoding="utf-8")
    added = add_report(source)
    assert added.status == "added" and added.report.built and added.report.mode == "incremental"
    assert (seeds / source.name).read_bytes() == source.read_bytes()
    entry = next(r for r in read_manifest()["reports"] if r["file"] == source.name)
    assert entry["chunks"] == len(unique) and set(entry["chunk_ids"]) == unique
    assert unique <= live_ids(vectors.CHUNKS)
    from qa.retrieval import default_retriever

    best = default_retriever().sentences("How many families did the Northmere family hub see?")[0][0]
    assert "312 families" in best.text and best.chunk.meta["year"] == "2026-27"


def test_cli_add_refuses_an_oversized_file_and_a_silent_replacement(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(REAL_SEEDS, seeds)
    env = {**os.environ, "SF_BUILD_DIR": str(tmp_path / "build"), "SF_SEEDS_DIR": str(seeds)}
    env.pop("CHROMA_HOST", None)
    run = lambda *args: subprocess.run([sys.executable, "-m", "index", "add", *args], cwd=ROOT, env=env,
                                       capture_output=True, text=True, timeout=120)
    before = sorted(p.name for p in seeds.iterdir())

    big = tmp_path / "supporting-families-annual-report-2026-27.txt"
    line = "Supporting Families outcome row exported from a spreadsheet, not a report.\n"
    big.write_text(line * (6 * 1024 * 1024 // len(line)))
    assert big.stat().st_size > config.MAX_REPORT_BYTES
    refused = run(str(big), "--quiet")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"Not added (the seeds folder is unchanged): {big.name} is 6.0 MB; a report may be at most 5.0 MB "
        f"of text (MAX_REPORT_BYTES in index/config.py)"]
    assert sorted(p.name for p in seeds.iterdir()) == before

    small = tmp_path / "spring-update-2026-27.txt"
    small.write_text("Spring update 2026-27\n\nOutreach\n\nThe Quillbrook team visited 77 schools.\n")
    assert run(str(small), "--no-build").returncode == 0
    small.write_text("Spring update 2026-27\n\nOutreach\n\nThe Quillbrook team visited 81 schools.\n")
    again = run(str(small), "--no-build")
    assert again.returncode == 1 and "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert "already hold a different spring-update-2026-27.txt; pass --replace" in again.stderr
    assert "77 schools" in (seeds / small.name).read_text()
    replaced = run(str(small), "--no-build", "--replace")
    assert replaced.returncode == 0 and "Replaced" in replaced.stdout
    assert "81 schools" in (seeds / small.name).read_text()
