"""The parsed tables as a real SQLite database; every query elsewhere is parameterized."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from index.tables import ANNEX_SOURCE, EHSG_SOURCE, Tables

SCHEMA = """
CREATE TABLE outcomes (
    authority TEXT NOT NULL,
    year TEXT NOT NULL,
    max_outcomes INTEGER NOT NULL,
    achieved INTEGER NOT NULL,
    percentage INTEGER NOT NULL,
    earned_autonomy_marker INTEGER,  -- 2023-24 '*': Earned Autonomy areas and Greater Manchester; NULL in 2024-25
    source TEXT NOT NULL,
    PRIMARY KEY (authority, year)
);
CREATE TABLE annex_years (
    year TEXT PRIMARY KEY,
    counted_to TEXT  -- the date Annex A's header says outcomes are counted to ("3 January 2024"); NULL if none
);
CREATE TABLE ehsg_scores (
    year INTEGER NOT NULL,
    section TEXT NOT NULL,
    score REAL NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (year, section)
);
"""


def write_database(tables: Tables, path: Path) -> None:
    """Write a fresh database at `path` (the caller builds aside and swaps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.authority, r.year, r.max_outcomes, r.achieved, r.percentage,
              None if r.earned_autonomy_marker is None else int(r.earned_autonomy_marker),
              ANNEX_SOURCE[r.year]) for r in tables.outcomes],
        )
        db.executemany("INSERT INTO annex_years VALUES (?, ?)",
                       [(year, tables.counted_to.get(year)) for year in sorted({r.year for r in tables.outcomes})])
        db.executemany(
            "INSERT INTO ehsg_scores VALUES (?, ?, ?, ?)",
            [(s.year, s.section, s.score, EHSG_SOURCE) for s in tables.ehsg],
        )
    db.close()


def connect(path: Path) -> sqlite3.Connection:
    """Read-only connection; answering code never writes."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


def is_valid(path: Path) -> bool:
    """True when the file is a readable database holding both years' rows."""
    if not path.exists():
        return False
    try:
        db = connect(path)
        try:
            years = db.execute("SELECT COUNT(DISTINCT year) FROM outcomes").fetchone()[0]
            scores = db.execute("SELECT COUNT(*) FROM ehsg_scores").fetchone()[0]
        finally:
            db.close()
        return years >= 2 and scores > 0
    except sqlite3.DatabaseError:
        return False
