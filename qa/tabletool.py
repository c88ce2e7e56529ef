"""The structured lookup tool over the Annex A and EHSG tables.

Plain Python functions (one per operation) that run parameterized SQL against
the validated SQLite tables and return a TableResult: the rows, a plain-English
summary built only from those rows, and the source. `as_langchain_tool()`
exposes the same operations to a LangChain agent with typed arguments.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Literal

from index import config
from index.database import connect
from index.tables import ANNEX_SOURCE, EHSG_SECTIONS, EHSG_SOURCE
from qa import slots
from qa.authorities import AuthorityResolver
from qa.stores import per_build

Measure = Literal["max_outcomes", "achieved", "percentage", "shortfall"]
MEASURES: dict[str, str] = {
    "shortfall": "shortfall against the allocation (maximum minus achieved)",
    "max_outcomes": "maximum funded successful family outcomes",
    "achieved": "successful family outcomes achieved",
    "percentage": "percentage of funded outcomes achieved",
}
COMPARATORS = {"lt": "<", "le": "<=", "eq": "=", "ge": ">=", "gt": ">"}
# Groups of authorities an aggregate can be narrowed to (TableQuery.subset), with the words for them.
SUBSETS: dict[str, str] = {
    "earned_autonomy": "Earned Autonomy areas (marked * in the 2023-24 Annex A, with Greater Manchester)",
    # the English regions of qa/data/places.json; only London's boroughs are a group the reports themselves use
    **{key: "London boroughs" if key == "london" else
       f"{name} authorities (by English region, a grouping the reports don't use)"
       for key, (name, _) in slots.regions().items()},
    # …and the authorities outside one ("top councils outside london")
    **{f"not_{key}": "authorities outside London" if key == "london" else
       f"authorities outside the {name} (by English region, a grouping the reports don't use)"
       for key, (name, _) in slots.regions().items()},
    # …and its other groups ("the South Yorkshire councils")
    **{key: f"{name} authorities (a grouping the reports don't use)" for key, (name, _) in slots.groups().items()},
    **{f"not_{key}": f"authorities outside {name} (a grouping the reports don't use)"
       for key, (name, _) in slots.groups().items()},
}
COMPARATOR_WORDS = {"lt": "under", "le": "at most", "eq": "exactly", "ge": "at least", "gt": "over"}
# "between 90% and 99%": comparator "between", with the range's bottom as value and its top as upper


@dataclass
class TableQuery:
    """One request to the tables (built from a qa.plan.Plan, or from the LangChain tool's arguments)."""

    operation: str  # an intent of qa.intents.TABLE_INTENTS
    authorities: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    measure: str | None = None
    n: int = 5
    order: str = "top"
    comparator: str | None = None
    value: float | None = None
    upper: float | None = None  # with comparator "between", the top of the range (both ends included)
    ehsg_years: list[int] = field(default_factory=list)
    ehsg_sections: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    subset: str | None = None  # a key of SUBSETS: "earned_autonomy", "london", "north_east", ...
    all_years: bool = False  # a filter or count "in both years": the authorities that pass in every year
    by_region: bool = False  # the English regions side by side ("which region did best?")
    ehsg_change: bool = False  # EHSG sections ranked by their change, not their score ("improved most")
    yes_no: bool = True  # the question asks yes or no ("did Kent hit its target?"), not "by how many?"
    ranked: bool = False  # the question ranks ("which EHSG section was lowest?"), so the answer leads with it
    check: str | None = None  # the authority a ranking is asked to confirm ("is bexley the worst…?")
    region_of: bool = False  # which English region the authorities are in ("is hampshire in the south east?")
    regions: list[str] = field(default_factory=list)  # with by_region, only these regions ("london vs the north west")
    share: bool = False  # a filter or count asked as a share of the authorities ("what percent of councils hit 100%")
    position: bool = False  # where an authority ranks ("what rank was leeds in 2024-25", "where did essex come")
    combined: bool = False  # the authorities added together ("kent and essex combined", "between them")
    ratio: bool = False  # two authorities side by side, with how many times the one the other is
    national_share: str | None = None  # their part of England's total of this measure ("max_outcomes" for
    # "greater manchester's share of the allocation", or "achieved")
    transition: tuple | None = None  # ((comparator, value), (comparator, value)) passed in the earlier year, then
    # the later: "went from under 50% to 100%"
    moved: str | None = None  # rank_change of only those that fell ("lt") or rose ("gt"), the least first; or
    # "least": those that changed least either way
    against: str | None = None  # a filter or count set against England's figure, "national_rate" (all achieved
    # over all funded) or "average" (the mean authority's percentage): "how many were above the national rate"


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
    tied: list[str] = field(default_factory=list)  # a ranking's authorities left out that share its last value


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def fmt(measure: str, value) -> str:
    return f"{value}%" if measure == "percentage" else f"{value:,}"


def _counts(measure: str, row: dict) -> str:
    """A ranked row with its counts: the measure ranked on first, then the rest of the row."""
    if measure == "percentage":
        printed = " as printed" if row["percentage"] == 100 and row["achieved"] < row["max_outcomes"] else ""
        return f"{row['percentage']}%{printed}: {row['achieved']:,} of {row['max_outcomes']:,}"  # (311 of 312: 100%)
    if measure == "shortfall":
        return f"{row['max_outcomes'] - row['achieved']:,} short: {row['achieved']:,} of {row['max_outcomes']:,}"
    if measure == "max_outcomes":
        return f"maximum {row['max_outcomes']:,}; achieved {row['achieved']:,}, {row['percentage']}%"
    return f"{row['achieved']:,} of {row['max_outcomes']:,}, {row['percentage']}%"


def listed(items) -> str:
    """ "2022, 2023 and 2024": items in English."""
    items = [str(i) for i in items]
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)


def _threshold(measure: str, value: float) -> str:
    """A filter's value as asked: "50%", "33.3%" (a third), "1,000"."""
    return fmt(measure, int(value) if float(value).is_integer() else round(value, 1))


def _compared(measure: str, comparator: str, value: float, upper: float | None = None) -> str:
    """A filter as words: "under 50%", "between 90% and 99%"."""
    if comparator == "between":
        return f"between {_threshold(measure, value)} and {_threshold(measure, upper)}"
    return f"{COMPARATOR_WORDS[comparator]} {_threshold(measure, value)}"


def _authorities(n: int) -> str:
    return f"{n} authority" if n == 1 else f"{n} authorities"


def _value(measure: str, row: dict):
    """A row's value of a measure; the shortfall is worked out where the row was selected without it."""
    return row[measure] if measure in row else row["max_outcomes"] - row["achieved"]


def _filtered_value(measure: str, row: dict) -> str:
    """A filtered row's value; a percentage Annex A rounds to 100% while short of the allocation says so."""
    value = _value(measure, row)
    if measure == "percentage" and value == 100 and row["achieved"] < row["max_outcomes"]:
        return f"100% as printed: {row['achieved']:,} of {row['max_outcomes']:,}"
    return fmt(measure, value)


def _each_over_the_years(measure: str, rows: list[dict]) -> str:
    """ "Haringey (100% → 100%), Lambeth (100% → 83%)": each authority once, its values in the rows' order."""
    by_name: dict[str, list[dict]] = {}
    for r in rows:
        by_name.setdefault(r["authority"], []).append(r)
    return ", ".join(f"{name} ({' → '.join(_filtered_value(measure, r) for r in by_name[name])})"
                     for name in sorted(by_name))


def _annex_source(year: str, rows: list[dict]) -> dict:
    return {"year": year, "section": ANNEX_SOURCE[year], "quote": "", "rows": rows}


class TableTool:
    """Operations over one validated tables database."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        # Annex A rows with the shortfall (maximum minus achieved) beside them; a temporary view, so the
        # read-only database is untouched.
        db.execute("CREATE TEMP VIEW IF NOT EXISTS annex AS "
                   "SELECT *, max_outcomes - achieved AS shortfall FROM outcomes")
        names = [r[0] for r in db.execute("SELECT DISTINCT authority FROM annex ORDER BY authority")]
        self.resolver = AuthorityResolver(names)
        self.years = [r[0] for r in db.execute("SELECT DISTINCT year FROM annex ORDER BY year")]
        self.ehsg_years = [r[0] for r in db.execute("SELECT DISTINCT year FROM ehsg_scores ORDER BY year")]
        # the date a year's Annex A counts outcomes to, when its header gives one ("up to 3 January 2024")
        self.counted_to = {year: date for year, date in db.execute(
            "SELECT year, counted_to FROM annex_years WHERE counted_to IS NOT NULL")}

    # ------------------------------------------------------------ helpers
    def _rows(self, sql: str, params: tuple = ()) -> list[dict]:
        return [dict(r) for r in self.db.execute(sql, params)]

    def _row(self, name: str, year: str) -> list[dict]:
        """One authority's Annex A row for one year (as a one-row list, for sources and charts)."""
        return self._rows(f"SELECT {self._COLUMNS} FROM annex WHERE authority = ? AND year = ?", (name, year))

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
        rows = self._row(name, year)
        r = rows[0]
        if measure == "percentage":
            text = (f"{name} achieved {r['percentage']}% of its funded successful family outcomes in {year} "
                    f"({r['achieved']:,} of a maximum of {r['max_outcomes']:,}).")
        elif measure == "max_outcomes":
            text = (f"{name}'s maximum funded successful family outcomes for {year} was {r['max_outcomes']:,} "
                    f"(it achieved {r['achieved']:,}, {r['percentage']}%).")
        else:
            short = r["max_outcomes"] - r["achieved"]
            text = (f"{name} achieved {r['achieved']:,} successful family outcomes in {year}, "
                    f"of a maximum of {r['max_outcomes']:,} funded ({r['percentage']}%"
                    f"{f'; {short:,} short of its allocation' if short > 0 else ''}).")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def combined(self, authorities: list[str], year: str) -> TableResult:
        """Several authorities added together in one year ("kent and essex combined"): their Annex A rows summed,
        each row shown."""
        year = self._year(year)
        names, rows = self._rows_of(authorities, year)
        achieved, most = sum(r["achieved"] for r in rows), sum(r["max_outcomes"] for r in rows)
        each = "; ".join(f"{r['authority']} {r['achieved']:,} of {r['max_outcomes']:,}" for r in rows)
        short = most - achieved
        text = (f"In {year}, {listed(names)} together achieved {achieved:,} successful family outcomes of a combined "
                f"maximum of {most:,} funded ({round(100 * achieved / most)}%"
                f"{f'; {short:,} short of their allocations' if short > 0 else ''}), adding their Annex A rows ({each}).")
        return TableResult(text, rows, [_annex_source(year, rows)], {"x": "authority", "y": "achieved", "kind": "bar"})

    def _rows_of(self, authorities: list[str], year: str) -> tuple[list[str], list[dict]]:
        """The authorities' names as the tables spell them, once each, and their rows for a year."""
        names = list(dict.fromkeys(self.authority(a) for a in authorities))
        return names, [row for name in names for row in self._row(name, year)]

    def combined_years(self, authorities: list[str], years: list[str]) -> list[TableResult]:
        """Several authorities added together in each year asked, and how the sums changed from the first year
        to the last ("derby and derbyshire combined, how much did it go up")."""
        results = [self.combined(authorities, y) for y in years]
        if len(results) >= 2:
            first, last = (sum(r["achieved"] for r in res.rows) for res in (results[0], results[-1]))
            most_first, most_last = (sum(r["max_outcomes"] for r in res.rows) for res in (results[0], results[-1]))
            results[-1].summary += (f" From {self._year(years[0])} to {self._year(years[-1])} their combined outcomes "
                                    f"achieved changed by {last - first:+,} ({first:,} → {last:,}); their combined "
                                    f"maximum by {most_last - most_first:+,}.")
        return results

    def position(self, authority: str, year: str, measure: str = "percentage") -> TableResult:
        """Where one authority ranks in a year by a measure: how many are above it, and how many share its
        value (Annex A prints whole percentages, so many tie)."""
        name, year, measure = self.authority(authority), self._year(year), self._measure(measure)
        rows = self._row(name, year)
        value = rows[0][measure]
        above, level, total = self.db.execute(
            f"SELECT SUM({measure} > ?), SUM({measure} = ?) - 1, COUNT(*) FROM annex WHERE year = ?",
            (value, value, year)).fetchone()
        shown = f"{value}%" if measure == "percentage" else f"{value:,}"
        tie = f", level with {level} other{'s' if level != 1 else ''}" if level else ""
        text = (f"{name} ranked {_ordinal(above + 1)} of {total} authorities by {MEASURES[measure]} in {year} "
                f"({shown}{tie}; {above} above it). {self.lookup(name, year).summary}")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def compare_years(self, authority: str, years: list[str] | None = None) -> TableResult:
        """One authority in two years (the first and last of `years`, default every year), with the change."""
        name = self.authority(authority)
        first, last = self._span(years)
        rows = self._rows(f"SELECT {self._COLUMNS} FROM annex WHERE authority = ? AND year IN (?, ?) ORDER BY year",
                          (name, first, last))
        a, b = rows[0], rows[-1]
        d_ach, d_max, d_pct = b["achieved"] - a["achieved"], b["max_outcomes"] - a["max_outcomes"], b["percentage"] - a["percentage"]
        direction = "more" if d_ach > 0 else "fewer" if d_ach < 0 else "the same number of"
        verdict = "better" if d_pct > 0 else "worse" if d_pct < 0 else "the same"
        text = (f"{name}: in {a['year']} it achieved {a['achieved']:,} of a maximum of {a['max_outcomes']:,} "
                f"({a['percentage']}%); in {b['year']} {b['achieved']:,} of {b['max_outcomes']:,} ({b['percentage']}%). "
                f"So {abs(d_ach):,} {direction} outcomes achieved in {b['year']} ({d_ach:+,}); maximum funded {d_max:+,}; "
                f"percentage {d_pct:+} points ({verdict} by share of its allocation).")
        return TableResult(text, rows, [_annex_source(r["year"], [r]) for r in rows],
                           chart={"x": "year", "y": "achieved", "kind": "bar"})

    def _span(self, years: list[str] | None) -> tuple[str, str]:
        """The two years a change is measured between: the first and last asked, else the first and last held."""
        chosen = sorted(self._year(y) for y in years or [])
        if len(chosen) >= 2:
            return chosen[0], chosen[-1]
        if len(chosen) == 1:
            i = self.years.index(chosen[0])
            return (self.years[i - 1], chosen[0]) if i > 0 else (chosen[0], self.years[min(1, len(self.years) - 1)])
        return self.years[0], self.years[-1]

    def side_by_side(self, authorities: list[str], year: str, measure: str | None = None,
                     ratio: bool = False) -> TableResult:
        """Two or more authorities in one year, with the gap between the first two (and with `ratio`, how many
        times the one the other is)."""
        names, year = [self.authority(a) for a in authorities], self._year(year)
        rows = [self._row(n, year)[0] for n in dict.fromkeys(names)]
        parts = [f"{r['authority']} achieved {r['achieved']:,} of a maximum of {r['max_outcomes']:,} ({r['percentage']}%)"
                 for r in rows]
        text = f"In {year}: " + "; ".join(parts) + "."
        if len(rows) >= 2:
            a, b = rows[0], rows[1]
            m = measure or "achieved"
            if m == "shortfall":  # "which was closer to its allocation?": the smaller shortfall
                short = {r["authority"]: r["max_outcomes"] - r["achieved"] for r in (a, b)}
                closer, further = sorted((a["authority"], b["authority"]), key=short.get)
                text += (f" {closer} was closer to its allocation ({short[closer]:,} short, against {short[further]:,})."
                         if short[closer] != short[further] else f" Both were {short[closer]:,} short.")
                return TableResult(text, rows, [_annex_source(year, rows)],
                                   chart={"x": "authority", "y": "achieved", "kind": "bar"})
            gap = a[m] - b[m]
            unit = " percentage points" if m == "percentage" else f" {MEASURES[m]}"
            if len(rows) > 2:  # three or more: in order, not the gap between the first two
                ordered = sorted(rows, key=lambda r: r[m], reverse=True)
                shown = (lambda r: f"{r[m]}%") if m == "percentage" else (lambda r: f"{r[m]:,}")
                text += f" By {MEASURES[m]}, highest first: " + ", ".join(
                    f"{r['authority']} ({shown(r)})" for r in ordered) + "."
            elif gap:
                more, less = (a, b) if gap > 0 else (b, a)
                text += f" {more['authority']} had {abs(gap):,}{unit} more than {less['authority']}."
                if ratio and less[m]:
                    text += (f" {more['authority']}'s {more[m]:,} is {more[m] / less[m]:.1f} times "
                             f"{less['authority']}'s {less[m]:,}.")
            else:
                text += f" Both had the same {MEASURES[m]}."
        return TableResult(text, rows, [_annex_source(year, rows)], chart={"x": "authority", "y": measure or "achieved",
                                                                           "kind": "bar"})

    def target(self, authority: str, year: str, yes_no: bool = True) -> TableResult:
        """Did an authority achieve its maximum funded outcomes (its allocation) in a year? With `yes_no`
        False ("fell short by how many?") the answer leads with the shortfall instead of Yes or No."""
        name, year = self.authority(authority), self._year(year)
        rows = self._row(name, year)
        r = rows[0]
        short = r["max_outcomes"] - r["achieved"]
        if short <= 0:
            lead = f"Yes. In {year} {name}" if yes_no else f"{name} was not short of its allocation in {year}: it"
            text = (f"{lead} achieved {r['achieved']:,} successful family outcomes, its full "
                    f"allocation of {r['max_outcomes']:,} ({r['percentage']}%).")
        elif yes_no:
            text = (f"No. In {year} {name} achieved {r['achieved']:,} of its maximum of {r['max_outcomes']:,} funded "
                    f"outcomes ({r['percentage']}%), {short:,} short of its allocation.")
        else:
            text = (f"{name} was {short:,} short of its allocation in {year}: it achieved {r['achieved']:,} of its "
                    f"maximum of {r['max_outcomes']:,} funded outcomes ({r['percentage']}%).")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def _where(self, year: str, subset: str | None = None, exclude: list[str] | None = None,
               measure: str | None = None, comparator: str | None = None, value: float | None = None,
               upper: float | None = None) -> tuple[str, list, str]:
        """(WHERE clause over the annex view, its parameters, the words saying so) for one year's rows,
        narrowed to a subset, without some authorities, and passing a comparison.

        "Under 100%" is read on the counts, achieved below the maximum: Annex A rounds 311 of 312 to 100%,
        which is still short of the allocation (and still shown, so "exactly 100%" keeps the printed figure).
        """
        sql, params, scope = "year = ?", [year], ""
        if subset == "earned_autonomy":
            sql += " AND authority IN (SELECT authority FROM annex WHERE earned_autonomy_marker = 1)"
        elif subset in SUBSETS:  # a region, or outside one ("not_london")
            members = slots.area_sets()[subset.removeprefix("not_")][1]
            if subset.startswith("not_"):
                sql += f" AND authority NOT IN ({', '.join('?' * len(members))})"
            else:
                sql += f" AND authority IN ({', '.join('?' * len(members))})"
            params += members
        elif subset:
            raise TableToolError(f"Unknown group {subset!r}; use one of {', '.join(SUBSETS)}.")
        if subset:
            scope += f", among the {SUBSETS[subset]}"
        if exclude:
            sql += f" AND authority NOT IN ({', '.join('?' * len(exclude))})"
            params += exclude
            scope += f", excluding {', '.join(exclude)}"
        if comparator == "between" and measure:
            sql += f" AND {measure} BETWEEN ? AND ?"
            params += sorted([value, upper])
        elif comparator and measure:
            op = COMPARATORS[comparator]
            if measure == "percentage" and value == 100 and comparator == "lt":
                sql += " AND achieved < max_outcomes"
            else:
                sql += f" AND {measure} {op} ?"
                params.append(value)
        return sql, params, scope

    def rank(self, measure: str, year: str, n: int = 5, order: Literal["top", "bottom"] = "top",
             exclude: list[str] | None = None, comparator: str | None = None, value: float | None = None,
             subset: str | None = None, upper: float | None = None) -> TableResult:
        """Top or bottom N authorities by a measure; optionally excluding some, only a subset (SUBSETS),
        or only those passing a filter."""
        measure, year = self._measure(measure), self._year(year)
        n = max(1, min(int(n), 200))
        direction = "DESC" if order == "top" else "ASC"
        exclude = [self.authority(a) for a in exclude or []]
        sql, params, scope = self._where(year, subset, exclude, measure, comparator, value, upper)
        ranked = sql + f" ORDER BY {measure} {direction}, authority LIMIT ?"
        rows = self._rows(f"SELECT {self._COLUMNS} FROM annex WHERE " + ranked, tuple(params + [n]))
        word = "highest" if order == "top" else "lowest"
        listing = "; ".join(f"{i}. {r['authority']} ({_counts(measure, r)})" for i, r in enumerate(rows, 1))
        if comparator:
            scope += f", among those with {MEASURES[measure]} {_compared(measure, comparator, value, upper)}"
        if 1 < len(rows) < n:  # the whole group asked for ("rank the london boroughs"): all of it, in order
            who = scope.removeprefix(", among the ") if scope.startswith(", among the ") else f"authorities{scope}"
            text = f"All {len(rows)} {who}, by {MEASURES[measure]} in {year}, {word} first: {listing}."
        else:
            lead = f"The {len(rows)} authorities" if len(rows) > 1 else "The authority"
            text = f"{lead} with the {word} {MEASURES[measure]} in {year}{scope}: {listing}."
        tied = self._tied(rows, sql, params, measure)
        if tied:
            last = _value(measure, rows[-1])
            shown = [r["authority"] + (f" ({value})" if "as printed" in (value := _filtered_value(measure, r)) else "")
                     for r in tied]
            more = "1 more authority" if len(tied) == 1 else f"{len(tied)} more authorities"
            text += f" Tied on {fmt(measure, last)} with {rows[-1]['authority']}: {more} ({', '.join(shown)})."
        return TableResult(text, rows, [_annex_source(year, rows)], chart={"x": "authority", "y": measure, "kind": "bar"},
                           tied=[r["authority"] for r in tied])

    def _tied(self, rows: list[dict], sql: str, params: list, measure: str) -> list[dict]:
        """The rows left out of a ranking that share its last value: "the highest percentage" in a year when
        many reached 100% names one of them only because of the alphabet, so the rest are named too."""
        if not rows:
            return []
        listed_names = [r["authority"] for r in rows]
        last = _value(measure, rows[-1])
        return self._rows("SELECT * FROM annex WHERE " + sql + f" AND {measure} = ? AND authority NOT IN "
                          f"({', '.join('?' * len(listed_names))}) ORDER BY authority",
                          tuple(params + [last] + listed_names))

    _CHANGE_SQL = """
        SELECT a.authority, a.{m} AS value_before, b.{m} AS value_after, b.{m} - a.{m} AS change
        FROM annex a JOIN annex b ON a.authority = b.authority
        WHERE a.year = ? AND b.year = ?"""

    def rank_change(self, measure: str, n: int = 5, order: Literal["top", "bottom"] = "top",
                    years: list[str] | None = None, exclude: list[str] | None = None,
                    subset: str | None = None, moved: str | None = None) -> TableResult:
        """Authorities whose measure rose (top) or fell (bottom) the most between two years; optionally
        without some authorities ("the biggest fall after Cumberland"), or among a region's ("which south west
        council improved most"). With `moved` ("lt": fell, "gt": rose), only those that moved that way, the
        least first ("the smallest drop"); with `moved` "least", those that changed least either way."""
        measure = self._measure(measure)
        first, last = self._span(years)
        direction = "DESC" if order == "top" else "ASC"
        exclude = exclude or []
        without = f" AND a.authority NOT IN ({', '.join('?' * len(exclude))})" if exclude else ""
        among, members = "", []
        if subset in SUBSETS and subset != "earned_autonomy":
            members = slots.area_sets()[subset.removeprefix("not_")][1]
            among = (f" AND a.authority {'NOT IN' if subset.startswith('not_') else 'IN'} "
                     f"({', '.join('?' * len(members))})")
        way = f" AND b.{measure} {COMPARATORS[moved]} a.{measure}" if moved in ("lt", "gt") else ""
        if way:
            direction = "DESC" if moved == "lt" else "ASC"  # the least movement first
        ranked = self._rows(self._CHANGE_SQL.format(m=measure) + without + among + way +
                            (" ORDER BY ABS(change), a.authority" if moved == "least"  # ("changed least": either way)
                             else f" ORDER BY change {direction}, a.authority"), (first, last, *exclude, *members))
        rows = ranked[:max(1, min(int(n), 200))]
        # "the smallest drop" of -2 points when two fell by 2: both, not the first by the alphabet
        size = abs if moved == "least" else (lambda change: change)
        tied = [r for r in ranked[len(rows):] if size(r["change"]) == size(rows[-1]["change"])] if rows else []
        unit = " points" if measure == "percentage" else ""
        listing = "; ".join(f"{i}. {r['authority']} ({fmt(measure, r['value_before'])} → "
                            f"{fmt(measure, r['value_after'])}, {r['change']:+,}{unit})" for i, r in enumerate(rows, 1))
        word = "rose" if order == "top" else "fell"
        scope = f", excluding {', '.join(exclude)}" if exclude else ""
        scope += f", among the {SUBSETS[subset]}" if among else ""
        text = f"Where {MEASURES[measure]} {word} the most from {first} to {last}{scope}: {listing}."
        if moved == "least":
            text = f"Where {MEASURES[measure]} changed the least from {first} to {last}{scope}: {listing}."
        elif way:
            word = "fell" if moved == "lt" else "rose"
            text = (f"Of the authorities whose {MEASURES[measure]} {word} from {first} to {last}{scope}, "
                    f"the smallest {'falls' if moved == 'lt' else 'rises'} first: {listing}." if rows else
                    f"No authority's {MEASURES[measure]} {word} from {first} to {last}{scope}.")
        elif rows and all((r["change"] >= 0) if order == "bottom" else (r["change"] <= 0) for r in rows):
            # "which north east council dropped its % the most": none did; the smallest rise, said as such
            text = (f"No authority's {MEASURES[measure]} {word} from {first} to {last}{scope}; "
                    f"{'the smallest rise' if order == 'bottom' else 'the smallest fall'}: {listing}.")
        if tied:
            more = "1 more authority" if len(tied) == 1 else f"{len(tied)} more authorities"
            text += f" Tied on {rows[-1]['change']:+,}{unit} with {rows[-1]['authority']}: {more} " \
                    f"({', '.join(r['authority'] for r in tied)})."
        return TableResult(text, rows, [_annex_source(y, []) for y in (first, last)],
                           chart={"x": "authority", "y": "change", "kind": "bar"}, tied=[r["authority"] for r in tied])

    def count_change(self, measure: str, comparator: str, years: list[str] | None = None) -> TableResult:
        """How many authorities had a higher (gt) or lower (lt) measure in the later year than the earlier."""
        measure = self._measure(measure)
        first, last = self._span(years)
        rows = self._rows(self._CHANGE_SQL.format(m=measure) + f" AND b.{measure} {COMPARATORS[comparator]} a.{measure}"
                          " ORDER BY change, a.authority", (first, last))
        word = "lower" if comparator == "lt" else "higher"
        listing = ", ".join(f"{r['authority']} ({r['change']:+,})" for r in rows)
        text = f"{len(rows)} authorities had {word} {MEASURES[measure]} in {last} than in {first}: {listing}."
        return TableResult(text, rows, [_annex_source(y, []) for y in (first, last)])

    def filter(self, measure: str, year: str, comparator: str, value: float, subset: str | None = None,
               upper: float | None = None, share: bool = False) -> TableResult:
        """Authorities whose measure compares to a value (e.g. percentage < 50) or lies in a range ("between",
        value to upper), optionally within a subset; with `share`, what part of all (the subset's) they are."""
        measure, year = self._measure(measure), self._year(year)
        sql, params, scope = self._where(year, subset, None, measure, comparator, value, upper)
        sql += f" ORDER BY {measure} DESC, authority"
        rows = self._rows(f"SELECT {self._COLUMNS} FROM annex WHERE " + sql, tuple(params))
        head = (f"{_authorities(len(rows)) if rows else 'No authority'} had {MEASURES[measure]} "
                f"{_compared(measure, comparator, value, upper)} in {year}{scope}")
        if share:
            sql, params, _ = self._where(year, subset)  # every authority of the group
            total = self._rows("SELECT COUNT(*) AS n FROM annex WHERE " + sql, tuple(params))[0]["n"]
            head += f" ({len(rows)} of {total} authorities, {round(100 * len(rows) / total) if total else 0}%)"
        listing = ", ".join(f"{r['authority']} ({_filtered_value(measure, r)})" for r in rows)
        text = f"{head}: {listing}." if rows else f"{head}."
        return TableResult(text, rows, [_annex_source(year, rows)])

    def filter_against(self, year: str, comparator: str, against: str) -> TableResult:
        """Authorities whose share of their allocation is above ("gt") or below ("lt") England's: the national
        rate (all outcomes achieved over all funded, set against each one's counts, not its rounded percentage)
        or the average authority's percentage (the mean of those Annex A prints, as `average` gives it)."""
        year = self._year(year)
        if against == "national_rate":
            total = self.totals(year).rows[0]
            benchmark = 100 * total["achieved"] / total["max_outcomes"]
            said = (f"the national rate of {round(benchmark)}% ({total['achieved']:,} of {total['max_outcomes']:,} "
                    f"funded outcomes achieved)")
        else:
            benchmark = self.average("percentage", year).rows[0]["average"]
            said = f"the average authority's {benchmark:.1f}% (the mean of the Annex A percentages)"
        op = ">" if comparator in ("gt", "ge") else "<"
        sql = "year = ? AND percentage"
        if against == "national_rate":
            sql = "year = ? AND 100.0 * achieved / max_outcomes"
        rows = self._rows(f"SELECT {self._COLUMNS} FROM annex WHERE " + sql + f" {op} ? ORDER BY percentage DESC, "
                          "authority", (year, benchmark))
        word = "above" if op == ">" else "below"
        head = (f"{_authorities(len(rows)) if rows else 'No authority'} had a percentage of funded outcomes "
                f"achieved {word} {said} in {year}")
        listing = ", ".join(f"{r['authority']} ({r['percentage']}%)" for r in rows)
        return TableResult(f"{head}: {listing}." if rows else f"{head}.", rows, [_annex_source(year, rows)])

    def filter_all_years(self, measure: str, years: list[str], comparator: str, value: float,
                         subset: str | None = None, upper: float | None = None) -> TableResult:
        """The authorities that pass a filter in every one of `years` ("under 50% in both years")."""
        each = [self.filter(measure, y, comparator, value, subset, upper) for y in years]
        names = set.intersection(*({r["authority"] for r in result.rows} for result in each)) if each else set()
        rows = [r for result in each for r in result.rows if r["authority"] in names]
        scope = f", among the {SUBSETS[subset]}" if subset else ""
        listing = _each_over_the_years(measure, rows)
        head = (f"{_authorities(len(names))} had {MEASURES[measure]} {_compared(measure, comparator, value, upper)} "
                f"in each "
                f"of {' and '.join(years)}{scope}")
        return TableResult(f"{head}: {listing}." if names else f"{head}.", rows,
                           [_annex_source(y, [r for r in rows if r["year"] == y]) for y in years])

    def filter_transition(self, measure: str, years: list[str], first: tuple[str, float], then: tuple[str, float],
                          subset: str | None = None) -> TableResult:
        """The authorities that passed one filter in the earlier year and another in the later ("went from under
        50% to 100%": under 50% in 2023-24, exactly 100% in 2024-25), each with its two values."""
        earlier, later = (self.filter(measure, y, c, v, subset) for y, (c, v) in zip(years, (first, then)))
        names = {r["authority"] for r in earlier.rows} & {r["authority"] for r in later.rows}
        rows = [r for result in (earlier, later) for r in result.rows if r["authority"] in names]
        measure = self._measure(measure)
        scope = f", among the {SUBSETS[subset]}" if subset else ""
        head = (f"{_authorities(len(names)) if names else 'No authority'} went from {MEASURES[measure]} "
                f"{_compared(measure, *first)} in {years[0]} to {_compared(measure, *then)} in {years[1]}{scope}")
        listing = _each_over_the_years(measure, rows)
        return TableResult(f"{head}: {listing}." if names else f"{head}.", rows,
                           [_annex_source(y, [r for r in rows if r["year"] == y]) for y in years])

    def totals(self, year: str, subset: str | None = None) -> TableResult:
        """National totals (or a subset's): sums of the Annex A rows, which the build checked against the report's
        national figures."""
        year = self._year(year)
        sql, params, scope = self._where(year, subset)
        sql += " GROUP BY year"
        rows = self._rows("SELECT year, SUM(max_outcomes) AS max_outcomes, SUM(achieved) AS achieved, "
                          "COUNT(*) AS authorities FROM annex WHERE " + sql, tuple(params))
        r = rows[0]
        pct = round(100 * r["achieved"] / r["max_outcomes"])
        who = f"the {r['authorities']} {SUBSETS[subset]}" if subset else f"{r['authorities']} areas"
        text = (f"In {year}, {who} achieved {r['achieved']:,} successful family outcomes "
                f"of {r['max_outcomes']:,} funded ({pct}% overall; {r['max_outcomes'] - r['achieved']:,} short of the "
                f"allocation), summing Annex A.")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def members(self, subset: str, years: list[str]) -> TableResult:
        """Which authorities an English region (SUBSETS) counts, named once if every year has the same."""
        named = {}
        for year in years:
            sql, params, _ = self._where(self._year(year), subset)
            sql += " ORDER BY authority"
            named[year] = [r["authority"] for r in self._rows("SELECT authority FROM annex WHERE " + sql, tuple(params))]
        lists = list(dict.fromkeys(tuple(v) for v in named.values()))
        text = " ".join(f"The {SUBSETS[subset].split(' (')[0]}{'' if len(lists) == 1 else ' in ' + year} are: {listed(names)}."
                        for year, names in named.items() if len(lists) > 1 or year == years[-1])
        return TableResult(text, [], [])

    def region_of(self, authority: str, asked: str | None = None, year: str | None = None) -> TableResult:
        """The English region an authority is in (regions of qa/data/places.json, which the reports don't use),
        and whether that is the region `asked` (a key of slots.regions()); cited with its Annex A row."""
        name, year = self.authority(authority), self._year(year or self.years[-1])
        region = next((label for label, members in slots.regions().values() if name in members), None)
        if region is None:
            text = f"{name} is not in any of the English regions this assistant knows."
        else:
            def the(label: str) -> str:  # "the South East", "London", "Yorkshire and the Humber"
                return f"the {label}" if re.match(r"(?:North|South|East|West)\b", label) else label

            verdict = "" if asked not in slots.regions() else "Yes: " if slots.regions()[asked][0] == region else (
                f"No: {name} is not in {the(slots.regions()[asked][0])}; ")
            text = f"{verdict}{name} is in {the(region)} (by English region, a grouping the reports don't use)."
            if asked in slots.groups():  # "is sheffield in south yorkshire"
                group, members = slots.groups()[asked]
                member = name in members
                text = (f"{'Yes' if member else 'No'}: {name} is {'' if member else 'not '}one of the {group} "
                        f"authorities ({listed(members)}; a grouping the reports don't use). " + text)
        rows = self._row(name, year)
        return TableResult(text, rows, [_annex_source(year, rows)])

    def regions(self, year: str, order: Literal["top", "bottom"] = "top", measure: str = "percentage",
                n: int = 200, only: list[str] | None = None) -> TableResult:
        """The English regions ranked by a measure of their authorities' Annex A rows summed (the share of the
        allocation achieved, by default; regions of qa/data/places.json, which the reports don't use); `only`
        those regions (keys of slots.regions()) when given ("did london do better than the north west")."""
        measure, year = self._measure(measure), self._year(year)
        rows = []
        for key, (name, _) in (slots.area_sets() if only else slots.regions()).items():
            if only and key not in only:
                continue  # ("south yorkshire vs west yorkshire": those groups; "each region": the regions)
            r = self.totals(year, key).rows[0]
            rows.append({"region": name, "year": year, "authorities": r["authorities"], "achieved": r["achieved"],
                         "max_outcomes": r["max_outcomes"],
                         "percentage": round(100 * r["achieved"] / r["max_outcomes"])})
        for r in rows:
            r["shortfall"] = r["max_outcomes"] - r["achieved"]
        share = measure == "percentage"
        rows.sort(key=lambda r: (r["achieved"] / r["max_outcomes"] if share else r[measure]), reverse=order == "top")
        rows = rows[:max(1, n)]
        listing = "; ".join(f"{i}. {r['region']} ({_counts(measure, r)})" for i, r in enumerate(rows, 1))
        word = "highest" if order == "top" else "lowest"
        what = "share of the allocation achieved" if share else MEASURES[measure]
        kind, each = ("English region", "region") if all(key in slots.regions() for key in only or []) \
            else ("group of authorities", "group")
        text = (f"By {kind} (a grouping the reports don't use; Annex A rows summed per {each}), the "
                f"{word} {what} in {year} first: {listing}.")
        return TableResult(text, rows, [_annex_source(year, rows)],
                           chart={"x": "region", "y": "percentage", "kind": "bar"})

    def national_change(self, first: str, last: str) -> TableResult:
        """The change in the national totals between two years (differences of Annex A sums)."""
        a, b = self.totals(first).rows[0], self.totals(last).rows[0]
        d_max, d_ach = b["max_outcomes"] - a["max_outcomes"], b["achieved"] - a["achieved"]
        share = [round(100 * r["achieved"] / r["max_outcomes"]) for r in (a, b)]
        text = (f"From {first} to {last} the national allocation changed by {d_max:+,} "
                f"({100 * d_max / a['max_outcomes']:+.0f}%) and outcomes achieved by {d_ach:+,} "
                f"({100 * d_ach / a['achieved']:+.0f}%); the share of the allocation achieved went from {share[0]}% "
                f"to {share[1]}%.")
        return TableResult(text, [], [])

    def national_share(self, year: str, authorities: list[str], subset: str | None = None,
                       measure: str | None = None) -> TableResult:
        """What part of England's total some authorities (added together), or a region, make up: their achieved
        outcomes (or maximum funded, for the allocation) over the national sum of Annex A."""
        year, measure = self._year(year), "max_outcomes" if measure == "max_outcomes" else "achieved"
        national = self.totals(year).rows[0][measure]
        if authorities:
            names, rows = self._rows_of(authorities, year)
            who = listed(names) + (" together" if len(names) > 1 else "")
        else:
            sql, params, _ = self._where(year, subset)
            rows = self._rows(f"SELECT {self._COLUMNS} FROM annex WHERE " + sql, tuple(params))
            who = f"the {len(rows)} {SUBSETS[subset]}"
        part = sum(r[measure] for r in rows)
        what = ("maximum funded successful family outcomes", "national allocation") if measure == "max_outcomes" \
            else ("successful family outcomes achieved", "national total achieved")
        text = (f"In {year}, {who} had {part:,} {what[0]}: {100 * part / national:.1f}% of the {what[1]} "
                f"({national:,}, summing Annex A).")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def national_rate(self, year: str, authorities: list[str] | None = None) -> TableResult:
        """The share of the national allocation achieved: total achieved over total maximum, from Annex A; with
        `authorities`, each one's own share set against it ("was Hartlepool above the national rate?")."""
        result = self.totals(year)
        r = result.rows[0]
        pct = round(100 * r["achieved"] / r["max_outcomes"])
        result.summary = (f"In {year}, {pct}% of the national allocation was achieved: {r['achieved']:,} successful "
                          f"family outcomes of {r['max_outcomes']:,} funded across {r['authorities']} areas, "
                          f"{r['max_outcomes'] - r['achieved']:,} short (summing Annex A).")
        for authority in authorities or []:
            own = self.lookup(authority, year, "percentage")
            a = own.rows[0]
            side = "above" if a["percentage"] > pct else "below" if a["percentage"] < pct else "level with"
            gap = abs(a["percentage"] - pct)
            result.summary = (f"{own.summary.removesuffix('.')}: {side} the national {pct}%"
                              + (f" ({gap} point{'s' if gap != 1 else ''})" if gap else "") + f". {result.summary}")
            result.rows = own.rows + result.rows
            result.sources = own.sources + result.sources
        return result

    def average(self, measure: str, year: str, subset: str | None = None, authorities: list[str] | None = None
                ) -> TableResult:
        """The mean and median of a measure over one year's authorities (or a subset's, SUBSETS); with
        `authorities`, each one's own value set against the mean ("is that above average?" after Plymouth's)."""
        measure, year = self._measure(measure), self._year(year)
        sql, params, scope = self._where(year, subset)
        values = sorted(r[0] for r in self.db.execute(f"SELECT {measure} FROM annex WHERE " + sql, tuple(params)))
        avg, middle = sum(values) / len(values), len(values) // 2
        median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        rows = [{"year": year, "average": avg, "median": median, "authorities": len(values)}]
        unit = "%" if measure == "percentage" else ""
        shown = f"{avg:.1f}{unit}" if measure == "percentage" else f"{avg:,.1f}"
        text = (f"The average {MEASURES[measure]} per authority in {year}{scope and scope + ','} was {shown} "
                f"(mean of {len(values)} Annex A rows, each area counted equally); "
                f"the median authority's was {median:,g}{unit}.")
        for authority in authorities or []:
            own = self.lookup(authority, year, measure).rows[0]
            value = _value(measure, own)
            side = "above" if value > avg else "below" if value < avg else "at"
            gap = f"{abs(value - avg):.1f}{' points' if unit else ''}"
            text = (f"{own['authority']}'s {fmt(measure, value)} in {year} is {side} the average of {shown}"
                    + (f" (by {gap})" if side != "at" else "") + f". {text}")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def group_average(self, authorities: list[str], year: str, measure: str = "percentage") -> TableResult:
        """The mean of a measure over some authorities' rows, each counted equally ("average of the % for leeds,
        bradford and wakefield"), each row shown."""
        measure, year = self._measure(measure), self._year(year)
        names, rows = self._rows_of(authorities, year)
        avg = sum(_value(measure, r) for r in rows) / len(rows)
        shown = f"{avg:.1f}%" if measure == "percentage" else f"{avg:,.1f}"
        each = "; ".join(f"{r['authority']} {fmt(measure, _value(measure, r))}" for r in rows)
        text = (f"The average {MEASURES[measure]} of {listed(names)} in {year} was {shown} (mean of their {len(rows)} "
                f"Annex A rows, each counted equally: {each}).")
        return TableResult(text, rows, [_annex_source(year, rows)], {"x": "authority", "y": measure, "kind": "bar"})

    def earned_autonomy(self, authority: str | None = None) -> TableResult:
        """The 2023-24 Annex A '*' marker: Earned Autonomy areas and Greater Manchester."""
        year = "2023-24"
        if authority:
            name = self.authority(authority)
            rows = self._row(name, year)
            r = rows[0]
            marked = bool(r["earned_autonomy_marker"])
            text = (f"{name} is marked * in the 2023-24 Annex A, which denotes Earned Autonomy local authorities "
                    f"and Greater Manchester." if marked else
                    f"{name} is not marked * in the 2023-24 Annex A, so it was not among the Earned Autonomy "
                    f"areas (or Greater Manchester) counted there.")
            text += (f" Its 2023-24 row: {r['achieved']:,} successful family outcomes achieved of a maximum of "
                     f"{r['max_outcomes']:,} ({r['percentage']}%).")
            return TableResult(text, rows, [_annex_source(year, rows)])
        rows = self._rows(
            f"SELECT {self._COLUMNS} FROM annex WHERE year = ? AND earned_autonomy_marker = 1 ORDER BY authority",
            (year,))
        names = [r["authority"] for r in rows]
        councils = [n for n in names if n != "Greater Manchester"]
        text = (f"{len(names)} areas are marked * in the 2023-24 Annex A: {len(councils)} Earned Autonomy local "
                f"authorities and Greater Manchester (devolution deal): {', '.join(names)}.")
        return TableResult(text, rows, [_annex_source(year, rows)])

    def ehsg(self, years: list[int] | None = None, sections: list[str] | None = None,
             order: Literal["top", "bottom"] | None = None, by_change: bool = False) -> TableResult:
        """Average self-assessed Early Help System Guide scores (2024-25 report, Table 1), best first per year;
        with `order`, led by the highest (top) or lowest (bottom) section of each year, or with `by_change`
        by the section that rose most (top) or least (bottom) from the first year to the last."""
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
        published = [r[0] for r in self.db.execute("SELECT DISTINCT year FROM ehsg_scores ORDER BY year")]
        missing = sorted({int(y) for y in years or []} - set(published))
        span = listed(published)
        if not rows:
            raise TableToolError(f"Table 1 of the 2024-25 report has EHSG scores for {span} only, not "
                                 f"{' or '.join(map(str, missing)) or 'those years'}.")
        by_year: dict[int, list[str]] = {}
        for r in rows:
            by_year.setdefault(r["year"], []).append(f"{r['section']} {r['score']:.1f}")
        parts = "; ".join(f"{y}: {', '.join(v)}" for y, v in by_year.items())
        text = f"Average self-assessed Early Help System Guide scores (scale 0-5) — {parts}."
        first, last = min(by_year), max(by_year)
        score = {(r["year"], r["section"]): r["score"] for r in rows}
        change = {s: round(score[(last, s)] - score[(first, s)], 1) for s in EHSG_SECTIONS
                  if (first, s) in score and (last, s) in score}
        if order and by_change and first != last:
            best = (max if order == "top" else min)(change.values())
            led = [s for s, v in change.items() if v == best]
            word = "most" if order == "top" else "least"
            text = (f"The section that rose {word} from {first} to {last}: {' and '.join(led)} ({best:+.1f}). {text}")
        elif order:
            pick = max if order == "top" else min
            ends = [pick((r for r in rows if r["year"] == y), key=lambda r: r["score"]) for y in by_year]
            word = "highest" if order == "top" else "lowest"
            text = (f"The {word}-scoring section: " + "; ".join(f"{r['section']} in {r['year']} ({r['score']:.1f})"
                                                              for r in ends) + f". {text}")
        if first != last:
            text += f" Change {first} to {last}: {', '.join(f'{s} {v:+.1f}' for s, v in change.items())}."
        if missing:
            text += f" No scores are published for {' or '.join(map(str, missing))} (Table 1 covers {span})."
        source = {"year": "2024-25", "section": EHSG_SOURCE, "quote": "", "rows": rows}
        return TableResult(text, rows, [source], chart={"x": "year", "y": "score", "kind": "line"})

    def all_rows(self) -> list[dict]:
        """Every Annex A row, both years, for the app's table view."""
        return self._rows(f"SELECT {self._COLUMNS} FROM annex ORDER BY authority, year")

    # ------------------------------------------------------------ LangChain
    def as_langchain_tool(self):
        """The same operations as one LangChain StructuredTool with typed arguments."""
        from langchain_core.tools import StructuredTool
        from pydantic import BaseModel, Field

        class Args(BaseModel):
            operation: Literal["lookup", "change", "compare", "target", "rank", "rank_change", "count_change", "filter",
                               "count", "totals", "national_rate", "average", "earned_autonomy_list",
                               "earned_autonomy_member", "ehsg"] = Field(description="what to compute")
            authority: str | None = Field(None, description="local authority name, e.g. 'Leeds' (for compare, "
                                                            "two names separated by ' and ')")
            year: str | None = Field(None, description="'2023-24' or '2024-25' (EHSG: 2022, 2023 or 2024)")
            measure: Measure | None = Field(None, description="max_outcomes, achieved or percentage")
            n: int = Field(5, ge=1, le=200, description="how many rows for rank")
            order: Literal["top", "bottom"] = "top"
            comparator: Literal["lt", "le", "eq", "ge", "gt", "between"] | None = None
            value: float | None = None
            upper: float | None = Field(None, description="with comparator 'between', the top of the range")
            section: str | None = Field(None, description="EHSG section, e.g. 'Data'")
            subset: Literal[tuple(SUBSETS)] | None = Field(
                None, description="narrow rank, filter, count or totals to a group: the Earned Autonomy areas "
                                  "or an English region (london, north_east, south_west, ...)")
            by_region: bool = Field(False, description="the English regions side by side instead of authorities")

        def run(**kwargs) -> str:
            return " ".join(r.summary for r in self.run(**kwargs))

        return StructuredTool.from_function(
            func=run, name="supporting_families_tables", args_schema=Args,
            description="Exact figures from the Supporting Families reports' Annex A outcome tables "
                        "(2023-24, 2024-25) and EHSG Table 1.")

    def run(self, operation: str, authority=None, year=None, measure=None, n=5, order="top",
            comparator=None, value=None, section=None, subset=None, by_region=False, upper=None) -> list[TableResult]:
        """One typed request (the LangChain tool's arguments), through the same path as ask()."""
        ehsg = operation == "ehsg"
        return self.answer(TableQuery(
            operation, authorities=[a.strip() for a in authority.split(" and ")] if authority else [], years=[year] if year and not ehsg else [],
            measure=measure, n=n, order=order, comparator=comparator, value=value, upper=upper,
            ehsg_years=[int(year)] if year and ehsg else [], ehsg_sections=[section] if section else [],
            subset=subset, by_region=by_region))

    def answer(self, q: TableQuery) -> list[TableResult]:
        """The results for a TableQuery: one per authority and year it covers. A year whose Annex A counts
        outcomes only to a date before the year ended says so where it is cited."""
        results = self._answer(q)
        for result in results:
            for source in result.sources:
                date = self.counted_to.get(source["year"])
                if date and source["section"] == ANNEX_SOURCE.get(source["year"]):
                    source["section"] += f" (outcomes achieved up to {date})"
        return results

    def _answer(self, q: TableQuery) -> list[TableResult]:
        years = q.years or list(self.years)
        op = _ALIASES.get(q.operation, q.operation)
        if q.region_of:  # "which region is hampshire in", "is hampshire in the south east"
            return [self.region_of(a, q.subset, years[-1]) for a in q.authorities]
        if q.by_region:  # "which region did best", "how did each region do"
            return [self.regions(y, q.order, q.measure or "percentage", q.n, q.regions) for y in years]
        if q.national_share and (q.authorities or q.subset):
            return [self.national_share(y, q.authorities, q.subset, q.national_share) for y in years]
        if op in ("lookup", "compare", "totals", "target", "change") and q.combined and len(q.authorities) >= 2:
            return self.combined_years(q.authorities, years)
        if op == "lookup" and q.position:
            return [self.position(a, y, q.measure or "percentage") for a in q.authorities for y in years]
        if op == "lookup":
            return [self.lookup(a, y, q.measure) for a in q.authorities for y in years]
        if op == "change":
            return [self.compare_years(a, q.years) for a in q.authorities]
        if op == "compare":
            return [self.side_by_side(q.authorities, y, q.measure, q.ratio) for y in years]
        if op == "target":
            return [self.target(a, y, q.yes_no) for a in q.authorities for y in years]
        if op == "rank":
            return [self.rank(q.measure or "achieved", y, q.n, q.order, q.exclude, q.comparator, q.value, q.subset,
                              q.upper) for y in years]
        if op == "rank_change":
            return [self.rank_change(q.measure or "achieved", q.n, q.order, q.years, q.exclude, q.subset, q.moved)]
        if op == "count_change":
            return [self.count_change(q.measure or "achieved", q.comparator or "lt", q.years)]
        if op in ("filter", "count") and q.against:
            return [self.filter_against(y, q.comparator or "gt", q.against) for y in years]
        if op in ("filter", "count") and q.transition:
            return [self.filter_transition(q.measure or "percentage", (q.years or list(self.years))[-2:],
                                           *q.transition, q.subset)]
        if op in ("filter", "count"):
            measure, comparator = q.measure or "percentage", q.comparator or "eq"
            results = [self.filter(measure, y, comparator, q.value, q.subset, q.upper, q.share) for y in years]
            if q.all_years and len(years) >= 2:
                results.insert(0, self.filter_all_years(measure, years, comparator, q.value, q.subset, q.upper))
            return results
        if op == "totals":
            results = [self.totals(y, q.subset) for y in years]
            if q.subset and len(results) >= 2:  # "yorkshire 23/24 vs 24/25 and the increase?"
                first, last = results[0].rows[0], results[-1].rows[0]
                results[-1].summary += (
                    f" From {first['year']} to {last['year']} their outcomes achieved changed by "
                    f"{last['achieved'] - first['achieved']:+,} ({first['achieved']:,} → {last['achieved']:,}); their "
                    f"maximum funded by {last['max_outcomes'] - first['max_outcomes']:+,} ({first['max_outcomes']:,} → "
                    f"{last['max_outcomes']:,}).")
            if q.subset in slots.area_sets():  # a region or group: which authorities it counts
                return results + [self.members(q.subset, years)]
            if q.subset:
                return results
            return results + ([self.national_change(years[0], years[-1])] if len(q.years) >= 2 else [])
        if op == "national_rate":
            results = [self.national_rate(y, q.authorities) for y in years]
            return results + ([self.national_change(years[0], years[-1])] if len(q.years) >= 2 else [])
        if op == "average" and q.combined and len(q.authorities) >= 2:
            return [self.group_average(q.authorities, y, q.measure or "percentage") for y in years]
        if op == "average":
            return [self.average(q.measure or "percentage", y, q.subset, q.authorities) for y in years]
        if op in ("earned_autonomy_list", "earned_autonomy_member"):
            return [self.earned_autonomy(q.authorities[0] if q.authorities else None)]
        if op == "ehsg":
            return [self.ehsg(q.ehsg_years, q.ehsg_sections, q.order if q.ranked else None, q.ehsg_change)]
        raise TableToolError(f"Unknown operation {q.operation!r}.")


# The LangChain tool's older operation names.
_ALIASES = {"compare_years": "change", "earned_autonomy": "earned_autonomy_list", "side_by_side": "compare"}


@per_build
def default_tool() -> TableTool:
    """The tool over the built database (build it first: `python -m index build`)."""
    return TableTool(connect(config.db_path()))
