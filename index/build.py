"""Build the stores from the seeds: validated tables into SQLite, report chunks into Chroma.

A build happens only when something is missing, broken or stale (the seeds'
content hash changed). It is done aside, in a staging folder, and swapped in
only when complete, so a failed build leaves the last good store in place.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from index import config
from index.database import is_valid, write_database
from index.tables import parse_tables

# Bump to force every store to rebuild (the ingestion code's own hash is part of the fingerprint too).
BUILD_VERSION = "1"


@dataclass
class BuildReport:
    built: bool
    reason: str
    seconds: float
    rows: int = 0
    chunks: int = 0


def seed_files() -> list[Path]:
    return sorted(p for p in config.seeds_dir().glob("*.txt"))


def fingerprint() -> str:
    """Content hash of every seed and of the ingestion code: a change to either means rebuild."""
    h = hashlib.sha256(BUILD_VERSION.encode())
    code = sorted(Path(__file__).parent.glob("*.py"))
    for path in seed_files() + code:
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def read_manifest(store: Path | None = None) -> dict:
    path = (store / "manifest.json") if store else config.manifest_path()
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def store_problem() -> str | None:
    """Why the current store can't be used as it is, or None when it is good and current."""
    store = config.db_path().parent
    manifest = read_manifest()
    if not manifest:
        return "no store yet" if not store.exists() else "store has no readable manifest"
    if manifest.get("fingerprint") != fingerprint():
        return "seeds or build version changed"
    if not is_valid(config.db_path()):
        return "tables database missing or corrupted"
    from index.vectors import store_is_healthy

    if not store_is_healthy(manifest.get("chunks", 0)):
        return "vector store missing or corrupted"
    return None


def ensure_built(force: bool = False, progress: bool = True) -> BuildReport:
    """Build whatever is missing, broken or stale; otherwise do nothing."""
    started = time.perf_counter()
    problem = "forced" if force else store_problem()
    if problem is None:
        manifest = read_manifest()
        return BuildReport(False, "up to date", time.perf_counter() - started,
                           manifest.get("rows", 0), manifest.get("chunks", 0))
    print(f"Building the stores ({problem})...", file=sys.stderr)
    report = _build(progress)
    report.reason = problem
    report.seconds = time.perf_counter() - started
    print(f"Built {report.rows} table rows and {report.chunks} chunks in {report.seconds:.1f}s.", file=sys.stderr)
    return report


def _build(progress: bool) -> BuildReport:
    from index import vectors
    from index.chunks import chunk_reports
    from index.reports import load_reports

    store = config.db_path().parent
    staging = store.with_name(store.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        tables = parse_tables()  # raises TableError naming the rows when a check fails
        write_database(tables, staging / config.db_path().name)
        chunks = chunk_reports(load_reports())
        vectors.build_collection(chunks, staging / config.chroma_dir().name, progress=progress)
        manifest = {"fingerprint": fingerprint(), "rows": len(tables.outcomes), "chunks": len(chunks),
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, store)
    return BuildReport(True, "", 0.0, len(tables.outcomes), len(chunks))


def _swap(staging: Path, store: Path) -> None:
    """Replace the store with the staged one; the old one is removed only after the swap."""
    from index.vectors import forget_clients

    forget_clients()
    old = store.with_name(store.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if store.exists():
        store.rename(old)
    staging.rename(store)
    shutil.rmtree(old, ignore_errors=True)
