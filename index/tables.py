"""Parse the reports' tables from the seed text, and check them against the reports' own figures.

Annex A (both reports): per local authority, maximum funded successful family
outcomes, outcomes achieved and percentage achieved; for 2023-24 also the '*'
marker (Earned Autonomy areas and Greater Manchester).
Table 1 (2024-25 report): average self-assessed Early Help System Guide scores.

The text is hostile, so each parser is built around how that copy is broken:
- 2024-25 comes twice: an OCR copy (names may wrap over two lines, headers
  repeat at page breaks) and a tagged copy (one cell per line, each repeated).
  Both are parsed and must agree.
- 2023-24's Annex is corrupted: rows repeated many times, fragments of
  neighbouring rows, OCR misspellings, names run together, tag soup. Every
  "name number number number%" occurrence is a vote for that row; each
  authority takes the most frequent reading that passes the percentage check,
  and the whole table must then hit the report's published totals.
Nothing here is typed in by hand except the published totals the parse is checked against.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from index import config

# The reports' own figures, quoted from their Chapter 3 text; the parse must reproduce them.
PUBLISHED_TOTALS = {
    "2023-24": {"max_outcomes": 105_149, "achieved": 64_280},
    "2024-25": {"max_outcomes": 130_054, "achieved": 104_761},
}
ANNEX_SOURCE = {
    "2023-24": "Annex A – Table of successful family outcomes by local authority",
    "2024-25": "Annex A, Table 2: Successful family outcomes achieved by area",
}
EHSG_SOURCE = "Chapter 2 › Early Help System Guide, Table 1: Self-assessed scores headline comparison 2022-2024"
EHSG_SECTIONS = ("Family Voice", "Workforce", "Communities", "Leaders", "Data")


class TableError(ValueError):
    """A table failed a check; the build must stop and say which rows."""


@dataclass(frozen=True)
class OutcomeRow:
    authority: str
    year: str
    max_outcomes: int
    achieved: int
    percentage: int
    earned_autonomy_marker: bool | None = None  # the 2023-24 '*'; None where the table has no marker


@dataclass(frozen=True)
class EhsgScore:
    year: int
    section: str
    score: float


ROW = re.compile(r"^(?P<name>[A-Za-z][A-Za-z .,'&\-]*?)\s+(?P<max>\d+)\s+(?P<ach>\d+)\s+(?P<pct>\d+)%\s*$")


# ---------------------------------------------------------------- 2024-25

def _split_2024_25(text: str) -> tuple[str, str]:
    """The OCR copy, then the tagged copy (its lines start with a tab)."""
    start = re.search(r"^\s*\tMinisterial Foreword", text, re.M)
    if not start:
        raise TableError("2024-25: cannot find the start of the tagged copy")
    return text[: start.start()], text[start.start():]


def parse_annex_2024_25_ocr(ocr: str) -> list[OutcomeRow]:
    annex = ocr[ocr.index("Annex A"):]
    rows, pending = [], ""
    for line in annex.splitlines():
        line = line.strip()
        if not line:
            continue
        m = ROW.match(line)
        if m:
            name = f"{pending} {m['name']}".strip()
            rows.append(OutcomeRow(name, "2024-25", int(m["max"]), int(m["ach"]), int(m["pct"])))
            pending = ""
        elif re.fullmatch(r"[A-Z][A-Za-z .'&\-]+", line) and not _is_header(line):
            pending = line  # a name wrapped over two lines ("Bath and North East" / "Somerset ...")
        else:
            pending = ""
    return rows


def _is_header(line: str) -> bool:
    return bool(re.match(r"(Maximum|Total|funded|Local authority|Percentage|Table|Annex|Figures)", line))


def parse_annex_2024_25_tagged(tagged: str) -> list[OutcomeRow]:
    annex = tagged[tagged.index("Annex A:"):]
    # Cells are groups of identical lines separated by blank lines; keep one of each group.
    cells = []
    for group in re.split(r"\n\s*\n", annex):
        lines = [ln.strip() for ln in group.splitlines() if ln.strip()]
        if lines:
            cells.append(lines[0])
    rows, i = [], 0
    while i + 3 < len(cells):
        name, a, b, c = cells[i:i + 4]
        if (re.fullmatch(r"[A-Za-z][A-Za-z .'&\-]+", name) and a.isdigit() and b.isdigit()
                and re.fullmatch(r"\d+%", c)):
            rows.append(OutcomeRow(name, "2024-25", int(a), int(b), int(c[:-1])))
            i += 4
        else:
            i += 1
    return rows


def parse_ehsg_2024_25(tagged: str, ocr: str) -> list[EhsgScore]:
    """Table 1 from the tagged copy, cross-checked with the OCR copy (which drops decimal points)."""
    block = tagged[tagged.index("Table 1:"): tagged.index("All areas also identified")]
    cells = []
    for group in re.split(r"\n\s*\n", block):
        lines = [ln.strip() for ln in group.splitlines() if ln.strip()]
        if lines:
            cells.append(lines[0])
    scores = _ehsg_rows(cells)
    ocr_block = ocr[ocr.index("Table 1:"): ocr.index("All areas also identified")]
    ocr_scores = []
    for line in ocr_block.splitlines():
        parts = line.split()
        if len(parts) == 6 and re.fullmatch(r"20\d\d", parts[0]):
            values = [float(v) / 10 if float(v) > 5 else float(v) for v in parts[1:]]
            ocr_scores += [EhsgScore(int(parts[0]), s, v) for s, v in zip(EHSG_SECTIONS, values)]
    if scores != ocr_scores:
        raise TableError(f"EHSG Table 1: tagged and OCR copies disagree: {scores} vs {ocr_scores}")
    return scores


def _ehsg_rows(cells: list[str]) -> list[EhsgScore]:
    scores, i = [], 0
    while i < len(cells):
        if re.fullmatch(r"20\d\d", cells[i]) and i + 5 < len(cells):
            values = cells[i + 1: i + 6]
            if all(re.fullmatch(r"\d(\.\d)?", v) for v in values):
                scores += [EhsgScore(int(cells[i]), s, float(v)) for s, v in zip(EHSG_SECTIONS, values)]
                i += 6
                continue
        i += 1
    return scores


# ---------------------------------------------------------------- 2023-24

VOTE = re.compile(r"(?P<star>\*)?\s+(?P<max>\d+)\s+(?P<ach>\d+)\s+(?P<pct>\d+)%")
WORD = re.compile(r"[A-Za-z][A-Za-z'&\-]*\.?")


def parse_annex_2023_24(text: str, canonical_names: list[str]) -> list[OutcomeRow]:
    """Vote over every readable occurrence of each row; names resolved against the 2024-25 list."""
    annex = text[text.index("Annex A – Table"):]
    annex = annex[annex.index("\n"):]  # skip the header row, whose "2023-24" would read as numbers
    annex = re.sub(r"<[^>]+>", " ", annex)  # tag soup
    annex = annex.replace("^{*}", " ")  # footnote markers
    votes: dict[str, Counter] = defaultdict(Counter)
    previous_end = 0
    for m in VOTE.finditer(annex):
        # The name is the run of words since the previous number.
        before = annex[previous_end: m.start()]
        previous_end = m.end()
        before = re.split(r"\d", before)[-1]
        words = WORD.findall(before)
        name = _resolve_ocr_name(words, canonical_names)
        if name:
            votes[name][(int(m["max"]), int(m["ach"]), int(m["pct"]), bool(m["star"]))] += 1
    rows, unreadable = [], []
    for name in canonical_names:
        readings = Counter()
        stars = Counter()
        for (mx, ach, pct, star), n in votes.get(name, {}).items():
            readings[(mx, ach, pct)] += n
            stars[(mx, ach, pct, star)] += n
        best = next((r for r, _ in readings.most_common() if _percentage_ok(*r)), None)
        if best is None:
            unreadable.append(name)
            continue
        star = stars[(*best, True)] > stars[(*best, False)]
        rows.append(OutcomeRow(name, "2023-24", *best, earned_autonomy_marker=star))
    if unreadable:
        raise TableError(f"2023-24 Annex A: no valid reading for {', '.join(unreadable)}")
    return rows


def _resolve_ocr_name(words: list[str], names: list[str]) -> str | None:
    """Longest exact suffix of the words that is a name; failing that, the closest fuzzy suffix."""
    words = [w.rstrip(".") if w.lower() != "st." else w for w in words][-6:]
    lowered = {n.lower(): n for n in names}
    for k in range(len(words), 0, -1):
        candidate = " ".join(words[-k:]).lower()
        if candidate in lowered:
            return lowered[candidate]
    best, best_ratio = None, 0.0
    for k in range(1, len(words) + 1):
        candidate = " ".join(words[-k:]).lower()
        for low, name in lowered.items():
            ratio = SequenceMatcher(None, candidate, low).ratio()
            if ratio > best_ratio:
                best, best_ratio = name, ratio
    return best if best_ratio >= 0.8 else None


def _percentage_ok(max_outcomes: int, achieved: int, percentage: int) -> bool:
    return max_outcomes > 0 and abs(round(100 * achieved / max_outcomes) - percentage) <= 1


# ---------------------------------------------------------------- checks

def check_outcomes(rows_by_year: dict[str, list[OutcomeRow]]) -> None:
    """Every check the reports let us make; raise naming the failing rows."""
    problems = []
    for year, rows in rows_by_year.items():
        bad = [r for r in rows if not _percentage_ok(r.max_outcomes, r.achieved, r.percentage)]
        problems += [f"{year} {r.authority}: {r.achieved}/{r.max_outcomes} is not {r.percentage}%" for r in bad]
        over = [r for r in rows if r.achieved > r.max_outcomes]
        problems += [f"{year} {r.authority}: achieved {r.achieved} exceeds maximum {r.max_outcomes}" for r in over]
        names = [r.authority for r in rows]
        dupes = [n for n, c in Counter(names).items() if c > 1]
        problems += [f"{year} {n}: appears more than once" for n in dupes]
        for measure, expected in PUBLISHED_TOTALS.get(year, {}).items():
            got = sum(getattr(r, measure) for r in rows)
            if got != expected:
                problems.append(f"{year} total {measure} is {got:,}, the report says {expected:,}")
    years = list(rows_by_year)
    if len(years) == 2:
        a, b = ({r.authority for r in rows_by_year[y]} for y in years)
        if a != b:
            problems.append(f"authorities differ between years: only {years[0]}: {sorted(a - b)}; "
                            f"only {years[1]}: {sorted(b - a)}")
    if problems:
        raise TableError("Annex A failed its checks:\n  " + "\n  ".join(problems))


def check_ehsg(scores: list[EhsgScore]) -> None:
    problems = [f"{s.year} {s.section}: {s.score} outside 0-5" for s in scores if not 0 <= s.score <= 5]
    if len(scores) != 15:
        problems.append(f"expected 3 years x 5 sections, parsed {len(scores)} scores")
    # The report: "a very positive average increase of 0.6 on most sections" from 2022 to 2024.
    by = {(s.year, s.section): s.score for s in scores}
    rises = [round(by.get((2024, s), 0) - by.get((2022, s), 0), 1) for s in EHSG_SECTIONS]
    if sum(r == 0.6 for r in rises) < 3:
        problems.append(f"the report says most sections rose 0.6 from 2022 to 2024; parsed rises {rises}")
    if problems:
        raise TableError("EHSG Table 1 failed its checks:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------- entry point

@dataclass
class Tables:
    outcomes: list[OutcomeRow]
    ehsg: list[EhsgScore]
    counted_to: dict[str, str] = field(default_factory=dict)  # year -> the date its Annex A counts outcomes to


# The date an Annex A column header says its outcomes are counted to: "Total successful family outcomes achieved up
# to 3 January 2024**" (2023-24, published before the year ended).
_COUNTED_TO = re.compile(r"successful family outcomes achieved up to (\d{1,2} (?:January|February|March|April|May|"
                         r"June|July|August|September|October|November|December) \d{4})", re.I)


def annex_counted_to(text: str) -> str | None:
    """The date a report's Annex A column header says the outcomes are counted to, or None when it gives none."""
    found = _COUNTED_TO.search(text)
    return found.group(1) if found else None


def parse_tables(seeds: Path | None = None) -> Tables:
    """Parse and check every table; raises TableError naming the rows when a check fails."""
    by_year = {r.year: r.path if seeds is None else seeds / r.filename for r in config.REPORTS}
    text_2024 = by_year["2024-25"].read_text(encoding="utf-8")
    ocr, tagged = _split_2024_25(text_2024)
    ocr_rows, tagged_rows = parse_annex_2024_25_ocr(ocr), parse_annex_2024_25_tagged(tagged)
    if ocr_rows != tagged_rows:
        diff = sorted(set(ocr_rows) ^ set(tagged_rows), key=lambda r: r.authority)
        raise TableError("2024-25 Annex A: OCR and tagged copies disagree on:\n  "
                         + "\n  ".join(map(str, diff)))
    names = [r.authority for r in tagged_rows]
    rows_2023 = parse_annex_2023_24(by_year["2023-24"].read_text(encoding="utf-8"), names)
    check_outcomes({"2023-24": rows_2023, "2024-25": tagged_rows})
    ehsg = parse_ehsg_2024_25(tagged, ocr)
    check_ehsg(ehsg)
    counted_to = {year: date for year, path in by_year.items()
                  if (date := annex_counted_to(path.read_text(encoding="utf-8")))}
    return Tables(rows_2023 + tagged_rows, ehsg, counted_to)


# ---------------------------------------------------------------- other reports

# A report added later (not one of the two above) gets no hand-written parser. The generic
# reader finds outcome-style tables ("name  maximum  achieved  percentage%", whitespace-,
# tab- or pipe-separated, numbers may have thousands commas) and checks each one on its own:
# every percentage against its row, achieved within the maximum, no repeated names, and a
# stated total row ("Total", "England", "All areas") against the sum of the rows. A table
# that fails is reported and not loaded; it never fails the build.

_NUM = r"\d{1,3}(?:,\d{3})+|\d+"
GENERIC_ROW = re.compile(
    rf"^(?P<name>\S.*?)\s+(?P<max>{_NUM})\s+(?P<ach>{_NUM})\s+(?P<pct>\d+(?:\.\d+)?)\s*%\s*$")
_TOTAL_NAME = re.compile(r"^(?:total|totals|grand total|england|all (?:areas|authorities|local authorities)|overall)\b",
                         re.I)
_CAPTION = re.compile(r"^\s*(?:#+\s*)?(?:table|annex)\b", re.I)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class ReportTable:
    """One table found in an added report, with what its checks found."""

    report: str  # the report's year label
    caption: str
    first_line: int  # 1-based line of the first row
    rows: list[OutcomeRow]
    stated_total: tuple[int, int, float] | None  # (max, achieved, percentage) of a total row
    problems: list[str]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.problems

    def summary(self) -> dict:
        return {"caption": self.caption, "line": self.first_line, "rows": len(self.rows),
                "loaded": self.valid, "problems": list(self.problems)}


def _cells(line: str) -> tuple[str, int, int, float] | None:
    """(name, maximum, achieved, percentage) when the line reads as an outcome-table row."""
    line = line.strip()
    if not line or _SEPARATOR.match(line):
        return None
    if "|" in line or "\t" in line:
        parts = [p.strip() for p in re.split(r"\||\t", line)]
        parts = [p for p in parts if p]
        if len(parts) < 4:
            return None
        line = "  ".join(parts)
    m = GENERIC_ROW.match(line)
    if not m:
        return None
    name = m["name"].strip(" |*").strip()
    if not re.search(r"[A-Za-z]", name):
        return None
    return name, int(m["max"].replace(",", "")), int(m["ach"].replace(",", "")), float(m["pct"])


def table_lines(text: str) -> set[int]:
    """0-based numbers of the lines that are table rows or table furniture (text chunks skip them)."""
    out: set[int] = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _cells(line) or (_SEPARATOR.match(line) and "|" in line and line.strip()):
            out.add(i)
    for i in sorted(out):  # the column header above a table's first row
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and j not in out and _is_column_header(lines[j]):
            out.add(j)
    return out


def _is_column_header(line: str) -> bool:
    """'Local authority   Maximum   Achieved   Percentage' or '| Area | Max | … |'."""
    line = line.strip()
    if not line or _CAPTION.match(line) or re.search(r"[.;!?]$", line):
        return False
    columns = [c for c in re.split(r"\s{2,}|\t|\|", line) if c.strip()]
    return len(columns) >= 3 or bool(re.search(r"\b(?:maximum|achieved|percentage|per cent)\b", line, re.I))


def read_report_tables(text: str, report: str) -> list[ReportTable]:
    """Every outcome-style table in an added report, each checked; see ReportTable.problems."""
    lines = text.splitlines()
    tables: list[ReportTable] = []
    current: dict | None = None

    def close():
        nonlocal current
        if current and (current["rows"] or current["total"]):
            tables.append(_checked(report, current))
        current = None

    for i, line in enumerate(lines):
        cells = _cells(line)
        if cells:
            if current is None:
                current = {"caption": _caption_before(lines, i), "line": i + 1, "rows": [], "total": None}
            name, mx, ach, pct = cells
            if _TOTAL_NAME.match(name):
                current["total"] = (mx, ach, pct)
                close()  # a total row ends its table
            else:
                current["rows"].append((name, mx, ach, pct))
            continue
        if not line.strip() or _SEPARATOR.match(line):
            continue  # blank lines and markdown rules inside a table
        if current is not None:
            close()
    close()
    return tables


def _caption_before(lines: list[str], first_row: int) -> str:
    """The nearest 'Table …' / 'Annex …' line in the few lines above a table's first row."""
    looked = 0
    for j in range(first_row - 1, -1, -1):
        line = lines[j].strip()
        if not line:
            continue
        if _CAPTION.match(line):
            return line.lstrip("#").strip()[:200]
        looked += 1
        if looked >= 4:
            break
    return f"Table at line {first_row + 1}"


def _checked(report: str, found: dict) -> ReportTable:
    rows, problems = [], []
    for name, mx, ach, pct in found["rows"]:
        shown = f"{pct:g}%"
        if mx <= 0 or abs(round(100 * ach / mx) - pct) > 1:
            problems.append(f"row '{name}': {ach:,} of {mx:,} is not {shown}"
                            + (f" (it is {round(100 * ach / mx)}%)" if mx > 0 else ""))
        if ach > mx:
            problems.append(f"row '{name}': achieved {ach:,} exceeds maximum {mx:,}")
        rows.append(OutcomeRow(name, report, mx, ach, round(pct)))
    dupes = [n for n, c in Counter(r.authority for r in rows).items() if c > 1]
    problems += [f"row '{n}': appears more than once" for n in dupes]
    total = found["total"]
    if total is not None:
        mx, ach, pct = total
        got_max, got_ach = sum(r.max_outcomes for r in rows), sum(r.achieved for r in rows)
        if got_max != mx:
            problems.append(f"total row: maximum {mx:,} but the rows add up to {got_max:,}")
        if got_ach != ach:
            problems.append(f"total row: achieved {ach:,} but the rows add up to {got_ach:,}")
        if mx <= 0 or abs(round(100 * ach / mx) - pct) > 1:
            problems.append(f"total row: {ach:,} of {mx:,} is not {pct:g}%")
    if not rows:
        problems.append("a total row with no rows above it")
    return ReportTable(report, found["caption"], found["line"], rows, total, problems)
