"""The structured lookup tool over the Annex A and EHSG tables.

Plain Python functions (one per operation) that run parameterized SQL against
the validated SQLite tables and return a TableResult: the rows, a plain-English
summary built only from those rows, and the source. `as_langchain_tool()`
exposes the same operations to a LangChain agent with typed arguments.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Literal

from index import config
from index.database import connect
from index.tables import ANNEX_SOURCE, EHSG_SECTIONS, EHSG_SOURCE
from qa.authorities import AuthorityResolver
from qa.stores import per_build

Measure = Literal["max_outcomes", "achieved", "percentage"]
MEASURES: dict[str, str] = {
    "max_outcomes": "maximum funded successful family outcomes",
    "achieved": "successful family outcomes achieved",
    "percentage": "percentage of funded outcomes achieved",
}
COMPARATORS = {"lt": "<", "le": "<=", "eq": "=", "ge": ">=", "gt": ">"}
COMPARATOR_WORDS = {"lt": "under", "le": "at most", "eq": "exactly", "ge": "at least", "gt": "over"}


class TableToolError(ValueError):
    """A request the tables cannot answer (unknown authority, year outside the reports)."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


@dataclass
class TableResult:
    summary: str
    rows: list[dict]
    sources: list[dict] = field(default_factory=list)
    chart: dict | None = None  # {"x": column, "y": column, "kind": "bar"} for the app


def fmt(measure: str, value) -> str:
    return f"{value}%" if measure == "percentage" else f"{value:,}"


def _annex_source(year: str, rows: list[dict]) -> dict:
    return {"year": year, "section": ANNEX_SOURCE[year], "quote": "", "rows": rows}


class TableTool:
    """Operations over one validated tables database."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        names = [r[0] for r in db.execute("SELECT DISTINCT authority FROM outcomes ORDER BY authority")]
        self.resolver = AuthorityResolver(names)
        self.years = [r[0] for r in db.execute("SELECT DISTINCT year FROM outcomes ORDER BY year")]

    # ------------------------------------------------------------ helpers
    def _rows(self, sql: str, params: tuple = ()) -> list[dict]:
        return [dict(r) for r in self.db.execute(sql, params)]

    def authority(self, name: str) -> str:
        found = self.resolver.resolve(name)
        if not found:
            suggestions = self.resolver.suggest(name)
            hint = f" The nearest names in the tables are: {', '.join(suggestions)}." if suggestions else ""
            raise TableToolError(f"“{name}” is not in the tables of either report.{hint}", suggestions)
        return found

    def _year(self, year: str) -> str:
        if year not in self.years:
            raise TableToolError(f"The tables cover {' and '.join(self.years)} only, not {year}.")
        return year

    @staticmethod
    def _measure(measure: str) -> str:
        if measure not in MEASURES:
            raise TableToolError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
        return measure

    _COLUMNS = "authority, year, max_outcomes, achieved, percentage, earned_autonomy_marker"

    # ------------------------------------------------------------ operations
    def lookup(self, authority: str, year: str, measure: str | None = None) -> TableResult:
        """One authority in one year: one measure, or all three."""
        name, year = self.authority(authority), self._year(year)
        rows = self._rows(f"SELECT {self._COLUMNS} FROM outcomes WHERE authority = ? AND year = ?", (name, year))
        r = rows[0]
        if measure == "percentage":
            text = (f"{name} achieved {r['percentage']}% of its funded successful family outcomes in {year} "
                    f"({r['achieved']:,} of a maximum of {r['max_outcomes']:,}).")
        elif measure == "max_outcomes":
            text = (f"{name}'s maximum funded successful family outcomes for {year} was {r['max_outcomes']:,} "
                    f"(it achieved {r['achieved']:,}, {r['percentage']}%).")
        else:
            text = (f"{name} achieved {r['achieved']:,} successful family outcomes in {year}, "
                    f"of a maximum of {r['max_outcomes']:,} funded ({r['percentage']}%).")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def compare_years(self, authority: str) -> TableResult:
        """One authority across both years, with the change."""
        name = self.authority(authority)
        rows = self._rows(f"SELECT {self._COLUMNS} FROM outcomes WHERE authority = ? ORDER BY year", (name,))
        a, b = rows[0], rows[-1]
        d_ach, d_max, d_pct = b["achieved"] - a["achieved"], b["max_outcomes"] - a["max_outcomes"], b["percentage"] - a["percentage"]
        direction = "more" if d_ach > 0 else "fewer" if d_ach < 0 else "the same number of"
        text = (f"{name}: in {a['year']} it achieved {a['achieved']:,} of a maximum of {a['max_outcomes']:,} "
                f"({a['percentage']}%); in {b['year']} {b['achieved']:,} of {b['max_outcomes']:,} ({b['percentage']}%). "
                f"So {abs(d_ach):,} {direction} outcomes achieved in {b['year']} ({d_ach:+,}); maximum funded {d_max:+,}; "
                f"percentage {d_pct:+} points.")
        return TableResult(text, rows, [_annex_source(r["year"], [r]) for r in rows],
                           chart={"x": "year", "y": "achieved", "kind": "bar"})

    def rank(self, measure: str, year: str, n: int = 5, order: Literal["top", "bottom"] = "top",
             exclude: list[str] | None = None, comparator: str | None = None, value: float | None = None) -> TableResult:
        """Top or bottom N authorities by a measure; optionally excluding some, or only those passing a filter."""
        measure, year = self._measure(measure), self._year(year)
        n = max(1, min(int(n), 200))
        direction = "DESC" if order == "top" else "ASC"
        exclude = [self.authority(a) for a in exclude or []]
        sql, params = f"SELECT {self._COLUMNS} FROM outcomes WHERE year = ?", [year]
        if exclude:
            sql += f" AND authority NOT IN ({', '.join('?' * len(exclude))})"
            params += exclude
        if comparator:
            sql += f" AND {measure} {COMPARATORS[comparator]} ?"
            params.append(value)
        rows = self._rows(sql + f" ORDER BY {measure} {direction}, authority LIMIT ?", tuple(params + [n]))
        word = "highest" if order == "top" else "lowest"
        listing = "; ".join(f"{i}. {r['authority']} ({fmt(measure, r[measure])})" for i, r in enumerate(rows, 1))
        scope = ""
        if exclude:
            scope += f", excluding {', '.join(exclude)}"
        if comparator:
            scope += f", among those with {MEASURES[measure]} {COMPARATOR_WORDS[comparator]} {fmt(measure, int(value))}"
        lead = f"The {len(rows)} authorities" if len(rows) > 1 else "The authority"
        text = f"{lead} with the {word} {MEASURES[measure]} in {year}{scope}: {listing}."
        return TableResult(text, rows, [_annex_source(year, rows)],
                           chart={"x": "authority", "y": measure, "kind": "bar"})

    _CHANGE_SQL = """
        SELECT a.authority, a.{m} AS value_2023_24, b.{m} AS value_2024_25, b.{m} - a.{m} AS change
        FROM outcomes a JOIN outcomes b ON a.authority = b.authority
        WHERE a.year = '2023-24' AND b.year = '2024-25'"""

    def rank_change(self, measure: str, n: int = 5, order: Literal["top", "bottom"] = "top") -> TableResult:
        """Authorities whose measure rose (top) or fell (bottom) the most from 2023-24 to 2024-25."""
        measure = self._measure(measure)
        direction = "DESC" if order == "top" else "ASC"
        rows = self._rows(self._CHANGE_SQL.format(m=measure) + f" ORDER BY change {direction}, a.authority LIMIT ?",
                          (max(1, min(int(n), 200)),))
        unit = " points" if measure == "percentage" else ""
        listing = "; ".join(f"{i}. {r['authority']} ({fmt(measure, r['value_2023_24'])} → "
                            f"{fmt(measure, r['value_2024_25'])}, {r['change']:+,}{unit})" for i, r in enumerate(rows, 1))
        word = "rose" if order == "top" else "fell"
        text = f"Where {MEASURES[measure]} {word} the most from 2023-24 to 2024-25: {listing}."
        return TableResult(text, rows, [_annex_source(y, []) for y in self.years],
                           chart={"x": "authority", "y": "change", "kind": "bar"})

    def count_change(self, measure: str, comparator: str) -> TableResult:
        """How many authorities had a higher (gt) or lower (lt) measure in 2024-25 than in 2023-24."""
        measure = self._measure(measure)
        rows = self._rows(self._CHANGE_SQL.format(m=measure) + f" AND b.{measure} {COMPARATORS[comparator]} a.{measure}"
                          " ORDER BY change, a.authority")
        word = "lower" if comparator == "lt" else "higher"
        listing = ", ".join(f"{r['authority']} ({r['change']:+,})" for r in rows)
        text = f"{len(rows)} authorities had {word} {MEASURES[measure]} in 2024-25 than in 2023-24: {listing}."
        return TableResult(text, rows, [_annex_source(y, []) for y in self.years])

    def filter(self, measure: str, year: str, comparator: str, value: float) -> TableResult:
        """Authorities whose measure compares to a value (e.g. percentage < 50)."""
        measure, year = self._measure(measure), self._year(year)
        op = COMPARATORS[comparator]
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM outcomes WHERE year = ? AND {measure} {op} ? ORDER BY {measure} DESC, authority",
            (year, value))
        shown = fmt(measure, int(value) if float(value).is_integer() else value)
        head = f"{len(rows)} authorities had {MEASURES[measure]} {COMPARATOR_WORDS[comparator]} {shown} in {year}"
        listing = ", ".join(f"{r['authority']} ({fmt(measure, r[measure])})" for r in rows)
        text = f"{head}: {listing}." if rows else f"{head}."
        return TableResult(text, rows, [_annex_source(year, rows)])

    def totals(self, year: str) -> TableResult:
        """National totals: sums of the Annex A rows, which the build checked against the report's figures."""
        year = self._year(year)
        rows = self._rows(
            "SELECT year, SUM(max_outcomes) AS max_outcomes, SUM(achieved) AS achieved, COUNT(*) AS authorities "
            "FROM outcomes WHERE year = ? GROUP BY year", (year,))
        r = rows[0]
        pct = round(100 * r["achieved"] / r["max_outcomes"])
        text = (f"In {year}, {r['authorities']} areas achieved {r['achieved']:,} successful family outcomes "
                f"of {r['max_outcomes']:,} funded ({pct}% overall), summing Annex A.")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def average(self, measure: str, year: str) -> TableResult:
        measure, year = self._measure(measure), self._year(year)
        rows = self._rows(
            f"SELECT year, AVG({measure}) AS average, COUNT(*) AS authorities FROM outcomes WHERE year = ? GROUP BY year",
            (year,))
        avg = rows[0]["average"]
        shown = f"{avg:.1f}%" if measure == "percentage" else f"{avg:,.1f}"
        text = (f"The average {MEASURES[measure]} per authority in {year} was {shown} "
                f"(mean of {rows[0]['authorities']} Annex A rows, each area counted equally).")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def earned_autonomy(self, authority: str | None = None) -> TableResult:
        """The 2023-24 Annex A '*' marker: Earned Autonomy areas and Greater Manchester."""
        year = "2023-24"
        if authority:
            name = self.authority(authority)
            rows = self._rows(f"SELECT {self._COLUMNS} FROM outcomes WHERE authority = ? AND year = ?", (name, year))
            marked = bool(rows[0]["earned_autonomy_marker"])
            text = (f"{name} is marked * in the 2023-24 Annex A, which denotes Earned Autonomy local authorities "
                    f"and Greater Manchester." if marked else
                    f"{name} is not marked * in the 2023-24 Annex A, so it was not among the Earned Autonomy "
                    f"areas (or Greater Manchester) counted there.")
            return TableResult(text, rows, [_annex_source(year, rows)])
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM outcomes WHERE year = ? AND earned_autonomy_marker = 1 ORDER BY authority",
            (year,))
        names = [r["authority"] for r in rows]
        councils = [n for n in names if n != "Greater Manchester"]
        text = (f"{len(names)} areas are marked * in the 2023-24 Annex A: {len(councils)} Earned Autonomy local "
                f"authorities and Greater Manchester (devolution deal): {', '.join(names)}.")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def ehsg(self, years: list[int] | None = None, sections: list[str] | None = None) -> TableResult:
        """Average self-assessed Early Help System Guide scores (2024-25 report, Table 1), best first per year."""
        sql, params = "SELECT year, section, score FROM ehsg_scores WHERE 1=1", []
        if years:
            sql += f" AND year IN ({', '.join('?' * len(years))})"
            params += [int(y) for y in years]
        if sections:
            unknown = [s for s in sections if s not in EHSG_SECTIONS]
            if unknown:
                raise TableToolError(f"EHSG sections are {', '.join(EHSG_SECTIONS)}.")
            sql += f" AND section IN ({', '.join('?' * len(sections))})"
            params += sections
        rows = self._rows(sql + " ORDER BY year, score DESC, section", tuple(params))
        if not rows:
            raise TableToolError("Table 1 of the 2024-25 report has EHSG scores for 2022, 2023 and 2024 only.")
        by_year: dict[int, list[str]] = {}
        for r in rows:
            by_year.setdefault(r["year"], []).append(f"{r['section']} {r['score']:.1f}")
        parts = "; ".join(f"{y}: {', '.join(v)}" for y, v in by_year.items())
        text = f"Average self-assessed Early Help System Guide scores (scale 0-5) — {parts}."
        first, last = min(by_year), max(by_year)
        if first != last:
            score = {(r["year"], r["section"]): r["score"] for r in rows}
            rises = [f"{s} {score[(last, s)] - score[(first, s)]:+.1f}" for s in EHSG_SECTIONS
                     if (first, s) in score and (last, s) in score]
            text += f" Change {first} to {last}: {', '.join(rises)}."
        source = {"year": "2024-25", "section": EHSG_SOURCE, "quote": "", "rows": rows}
        return TableResult(text, rows, [source], chart={"x": "year", "y": "score", "kind": "line"})

    def all_rows(self) -> list[dict]:
        """Every Annex A row, both years, for the app's table view."""
        return self._rows(f"SELECT {self._COLUMNS} FROM outcomes ORDER BY authority, year")

    # ------------------------------------------------------------ LangChain
    def as_langchain_tool(self):
        """The same operations as one LangChain StructuredTool with typed arguments."""
        from langchain_core.tools import StructuredTool
        from pydantic import BaseModel, Field

        class Args(BaseModel):
            operation: Literal["lookup", "compare_years", "rank", "rank_change", "count_change", "filter", "count",
                               "totals", "average", "earned_autonomy", "ehsg"] = Field(description="what to compute")
            authority: str | None = Field(None, description="local authority name, e.g. 'Leeds'")
            year: str | None = Field(None, description="'2023-24' or '2024-25' (EHSG: 2022, 2023 or 2024)")
            measure: Measure | None = Field(None, description="max_outcomes, achieved or percentage")
            n: int = Field(5, ge=1, le=200, description="how many rows for rank")
            order: Literal["top", "bottom"] = "top"
            comparator: Literal["lt", "le", "eq", "ge", "gt"] | None = None
            value: float | None = None
            section: str | None = Field(None, description="EHSG section, e.g. 'Data'")

        def run(**kwargs) -> str:
            return " ".join(r.summary for r in self.run(**kwargs))

        return StructuredTool.from_function(
            func=run, name="supporting_families_tables", args_schema=Args,
            description="Exact figures from the Supporting Families reports' Annex A outcome tables "
                        "(2023-24, 2024-25) and EHSG Table 1.")

    def run(self, operation: str, authority=None, year=None, measure=None, n=5, order="top",
            comparator=None, value=None, section=None) -> list[TableResult]:
        """One typed request (the LangChain tool's arguments), through the same path as ask()."""
        from qa.questions import TableQuery

        ehsg = operation == "ehsg"
        return self.answer(TableQuery(
            operation, authorities=[authority] if authority else [], years=[year] if year and not ehsg else [],
            measure=measure, n=n, order=order, comparator=comparator, value=value,
            ehsg_years=[int(year)] if year and ehsg else [], ehsg_sections=[section] if section else []))

    def answer(self, q) -> list[TableResult]:
        """The results for a TableQuery (qa.questions): one per authority and year it covers."""
        years = q.years or list(self.years)
        if q.operation == "lookup":
            return [self.lookup(a, y, q.measure) for a in q.authorities for y in years]
        if q.operation == "compare_years":
            return [self.compare_years(a) for a in q.authorities]
        if q.operation == "rank":
            return [self.rank(q.measure or "achieved", y, q.n, q.order, q.exclude, q.comparator, q.value)
                    for y in years]
        if q.operation == "rank_change":
            return [self.rank_change(q.measure or "achieved", q.n, q.order)]
        if q.operation == "count_change":
            return [self.count_change(q.measure or "achieved", q.comparator or "lt")]
        if q.operation in ("filter", "count"):
            return [self.filter(q.measure or "percentage", y, q.comparator or "eq", q.value) for y in years]
        if q.operation == "totals":
            return [self.totals(y) for y in years]
        if q.operation == "average":
            return [self.average(q.measure or "percentage", y) for y in years]
        if q.operation == "earned_autonomy":
            return [self.earned_autonomy(q.authorities[0] if q.authorities else None)]
        if q.operation == "ehsg":
            return [self.ehsg(q.ehsg_years, q.ehsg_sections)]
        raise TableToolError(f"Unknown operation {q.operation!r}.")


@per_build
def default_tool() -> TableTool:
    """The tool over the built database (build it first: `python -m index build`)."""
    return TableTool(connect(config.db_path()))
