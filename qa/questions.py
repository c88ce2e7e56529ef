"""Read a question for what the tables can answer: operation, authority, year, measure, N, filter.

This is a reader of phrasing, not of particular questions: it looks for the
words people use for each measure and operation ("allocation", "top five",
"under 50%", "2023/24"), and returns a TableQuery, or None when the question
is not one for the tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.authorities import AuthorityResolver, Match

EHSG_SECTIONS = ("Family Voice", "Workforce", "Communities", "Leaders", "Data")

YEARS = ("2023-24", "2024-25")

# "2023-24", "2023/24", "2023-2024", "2023 to 2024", "2023/2024", "23-24", "2023–24"
_YEAR_SPAN = re.compile(r"\b(?:20)?(\d{2})\s*(?:-|–|—|/|to)\s*(?:20)?(\d{2})\b")
_LONE_YEAR = re.compile(r"\b(20\d{2})\b")

_MEASURE_WORDS = {
    "percentage": r"percent|percentage|%|proportion|rate\b|share\b|per cent",
    "max_outcomes": r"maximum|max\b|allocat|funded|target|cap\b|capped",
    "achieved": r"achiev|outcomes|how many families|claimed|claims|delivered|successful",
}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20}


@dataclass
class TableQuery:
    operation: str  # lookup | compare_years | rank | filter | count | totals | average | earned_autonomy | ehsg
    authorities: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    measure: str | None = None
    n: int = 5
    order: str = "top"
    comparator: str | None = None
    value: float | None = None
    ehsg_years: list[int] = field(default_factory=list)
    ehsg_sections: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """What the question says, whether or not the tables can answer it."""

    authorities: list[Match]
    years: list[str]
    years_out_of_range: list[str]
    measure: str | None
    outcome_words: bool
    relative_year: str | None  # "next" | "previous"


def find_years(text: str) -> tuple[list[str], list[str]]:
    """Programme years named in the text, and year spans outside the two reports."""
    found, outside = [], []
    for m in _YEAR_SPAN.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if b != a + 1 and not (a == b - 1):
            continue
        label = f"20{a:02d}-{b:02d}"
        (found if label in YEARS else outside).append(label)
    spans = [m.span() for m in _YEAR_SPAN.finditer(text)]
    for m in _LONE_YEAR.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        y = int(m.group(1))
        if y == 2025:
            found.append("2024-25")
        elif y in (2023, 2024):
            continue  # a lone 2023 or 2024 is ambiguous between the two programme years
        elif 2000 <= y <= 2040 and not (2012 <= y <= 2022 and re.search(r"since|from|between", text)):
            outside.append(str(y))
    return list(dict.fromkeys(found)), list(dict.fromkeys(outside))


def _measure(text: str) -> str | None:
    for measure in ("percentage", "max_outcomes", "achieved"):
        if re.search(_MEASURE_WORDS[measure], text):
            return measure
    return None


def read(question: str, resolver: AuthorityResolver) -> Reading:
    low = question.lower()
    years, outside = find_years(low)
    relative = None
    if re.search(r"\b(following|next|later|subsequent)\s+year\b|\bafter that\b", low):
        relative = "next"
    elif re.search(r"\b(previous|prior|preceding|earlier|last)\s+year\b|\bbefore that\b|\byear before\b", low):
        relative = "previous"
    return Reading(
        authorities=resolver.find_all(question),
        years=years,
        years_out_of_range=outside,
        measure=_measure(low),
        outcome_words=bool(re.search(r"outcome|achiev|allocat|maximum|funded|percentage|percent|%|claims|did\b.*\bdo\b", low)),
        relative_year=relative,
    )


def parse(question: str, resolver: AuthorityResolver, reading: Reading | None = None) -> TableQuery | None:
    """A TableQuery when the question is one for the tables, else None."""
    low = question.lower()
    r = reading or read(question, resolver)
    names = [m.name for m in r.authorities]
    if re.search(r"earned autonomy", low) and names and not re.search(r"what is|what does|explain|criteria|why", low):
        return TableQuery("earned_autonomy", authorities=names[:1])
    if _NOT_TABLE.search(low):
        return None

    sections = [s for s in EHSG_SECTIONS if re.search(rf"\b{s.lower()}\b", low)]
    ehsg_words = re.search(r"\behsg\b|early help system guide|self[- ]assess", low)
    if ((ehsg_words and re.search(r"\bscor|rating|table 1|average", low)) or (sections and re.search(r"\bscor", low))) \
            and not re.search(r"descriptor|priorit", low):
        years = [int(y) for y in re.findall(r"\b(2022|2023|2024)\b", low)]
        return TableQuery("ehsg", ehsg_years=years, ehsg_sections=sections)

    if re.search(r"asterisk|\bstarred\b|marked with (?:an? )?(?:\*|star)", low):
        return TableQuery("earned_autonomy", authorities=names[:1])

    if re.search(r"earned autonomy|\bea\b (?:area|status|authorit)", low):
        by_marker = re.search(r"annex|asterisk|marked|\*|table", low)
        if names and not re.search(r"what is|what does|explain|criteria|why", low):
            return TableQuery("earned_autonomy", authorities=names[:1])
        if by_marker or (re.search(r"^(which|list|name)\b", low) and not re.search(
                r"awarded|new|this year|six|joined|how many|according", low)):
            return TableQuery("earned_autonomy")
        return None  # what Earned Autonomy is, who was newly awarded it: the text says

    ranking = re.search(
        r"\b(top|bottom|highest|lowest|most|least|best|worst|largest|smallest|biggest|fewest|ranked|rank)\b", low)
    comparison = re.search(
        r"(under|below|less than|fewer than|lower than|over|above|more than|greater than|higher than|at least|"
        r"at most|exactly|equal to|of|hit|reached|achieved|with|reach)\s*(\d+(?:\.\d+)?)\s*(%|per ?cent)"
        r"(\s*or (?:more|above|higher|over|greater|less|fewer|below|lower|under))?", low)
    excluded = _excluded(question, r)
    names = [n for n in names if n not in excluded]
    full = re.search(r"\b(?:all|every one) of (?:their|its) (?:allocation|outcomes|target)|\bin full\b|100 ?%", low)

    change_words = (r"\bchange|compare|comparison|differ|both years|two years|between the years|year on year|"
                    r"improve|progress|trend|over time|each year|across the years|more or (?:fewer|less)|"
                    r"increase|decrease|\bfell\b|\brose\b|\bgrew\b|drop|higher or lower")
    if names and re.search(change_words, low):
        if len(r.years) == 1:  # "Compare Leeds and Kent in 2024-25": that year, side by side
            return TableQuery("lookup", authorities=names, years=r.years, measure=r.measure)
        return TableQuery("compare_years", authorities=names, measure=r.measure)

    if not names and re.search(change_words + r"|fewer outcomes in|more outcomes in", low) and (
            re.search(r"between|from 2023|than in 2023|both years|two years", low) or len(r.years) == 2):
        measure = "percentage" if re.search(r"percent|%|proportion|rate", low) else (r.measure or "achieved")
        if re.search(r"how many|number of", low):
            comparator = "lt" if re.search(r"fewer|less|decrease|fell|drop|lower", low) else "gt"
            return TableQuery("count_change", measure=measure, comparator=comparator, value=0)
        order = "bottom" if re.search(r"fell|decrease|drop|fewer|declin|worst|lowest|biggest fall", low) else "top"
        return TableQuery("rank_change", measure=measure, n=_count_word(low), order=order)

    if ranking and not names and (r.outcome_words or re.search(r"authorit|area|council", low)):
        n = _count_word(low)
        order = "bottom" if re.search(r"bottom|lowest|least|worst|smallest|fewest", low) else "top"
        measure = r.measure or "achieved"
        if measure == "achieved" and re.search(r"percent|%|proportion|rate", low):
            measure = "percentage"
        query = TableQuery("rank", years=r.years, measure=measure, n=n, order=order, exclude=excluded)
        if comparison or re.search(r"(?:did not|didn't|not) (?:reach|achieve|hit) 100", low):
            query.comparator, query.value = "lt", 100.0
        return query

    if (comparison or full) and not names and re.search(r"authorit|area|council|which|how many|list|count", low):
        if comparison:
            value = float(comparison.group(2))
            word = comparison.group(1)
            tail = comparison.group(4) or ""
            comparator = ("lt" if word in ("under", "below", "less than", "fewer than", "lower than") else
                          "gt" if word in ("over", "above", "more than", "greater than", "higher than") else
                          "ge" if word == "at least" else "le" if word == "at most" else "eq")
            if comparator == "eq" and tail:
                comparator = "le" if re.search(r"less|fewer|below|lower|under", tail) else "ge"
        else:
            value, comparator = 100.0, "eq"
        operation = "count" if re.search(r"how many|number of|count", low) else "filter"
        return TableQuery(operation, years=r.years, measure="percentage", comparator=comparator, value=value)

    if not names and re.search(r"\baverage|\bmean\b|typical", low) and r.outcome_words:
        return TableQuery("average", years=r.years, measure=r.measure if r.measure != "achieved" or
                          re.search(r"achiev", low) else "percentage")

    if not names and re.search(r"how many (?:local )?(?:authorities|areas|councils)\b.*\b(?:listed|in (?:the|annex)|are there)", low):
        return TableQuery("totals", years=r.years)

    if not names and re.search(r"national totals?|totals? for (?:england|the country)", low):
        return TableQuery("totals", years=r.years)

    if not names and r.outcome_words and (
            re.search(r"\btotal|national|overall|altogether|in all|across (?:all|england|the country)|sum\b", low)
            or (r.years and re.search(r"how many (?:families|successful|outcomes)", low))):
        if not re.search(r"since|from april 20(?:12|15)|\bever\b|to date|cumulative|lifetime|over its|(?:has|had|did) the programme", low):
            return TableQuery("totals", years=r.years)

    if names and (r.outcome_words or re.search(r"how did|perform|do in|figures|results|numbers", low)
                  or _bare(question, r)):
        return TableQuery("lookup", authorities=names, years=r.years, measure=r.measure)
    return None


# Questions about things the tables don't hold, even when they name an authority and a year.
_NOT_TABLE = re.compile(
    r"^\s*(when|why|where)\b|consecutive|validation|assurance|spot check|selected to be checked|average increase|"
    r"proportion of areas|% of areas|areas receiving|peer support|budget|funding|\bspen[dt]|social worker|"
    r"children in care|employ|chief executive|\bstaff\b|awarded|\bgrant|pilot|project|case study")


def _bare(question: str, reading: Reading) -> bool:
    """Little more than a name and a year ("Leeds 2024-25?", "And Kent in 2023/24")."""
    rest = question
    for m in sorted(reading.authorities, key=lambda m: -m.start):
        rest = rest[:m.start] + rest[m.end:]
    words = [w for w in re.findall(r"[a-z]+", rest.lower())
             if w not in {"and", "what", "about", "how", "in", "for", "the", "of", "to", "figures", "did", "do", "was",
                          "were", "is", "its", "their", "year", "report", "show", "me", "tell"}]
    return not words


def _excluded(question: str, reading: Reading) -> list[str]:
    """Authorities named after 'excluding', 'except', 'other than', 'apart from', 'not counting'."""
    m = re.search(r"\b(?:excluding|except(?: for)?|other than|apart from|not counting|leaving out|without)\b",
                  question, re.I)
    if not m:
        return []
    return [a.name for a in reading.authorities if a.start > m.start()]


def _count_word(low: str) -> int:
    m = re.search(r"\b(?:top|bottom|highest|lowest|best|worst|which|the|list|name)\s+(\d+|"
                  + "|".join(_NUMBER_WORDS) + r")\b", low)
    if not m:
        m = re.search(r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+(?:local\s+)?(?:authorities|areas|councils)", low)
    if not m:
        return 5 if not re.search(r"\bwhich (?:authority|area|council)\b|\bwho\b", low) else 1
    word = m.group(1)
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


