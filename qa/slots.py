"""Slot values in a question: years, figures, and the words for measures and orders (qa/data/vocabulary.json).

Regular expressions live here only for values (years, numbers, percentages);
the words people use for a measure, an order, a comparison or a relative year
are data in vocabulary.json. Years are resolved against the years the store
holds, so a newly added report's year is understood without code changes.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

VOCABULARY = Path(__file__).parent / "data" / "vocabulary.json"
PLACES = Path(__file__).parent / "data" / "places.json"

# "2023-24", "2023/24", "2023-2024", "2023 to 2024", "23/24", "FY2023/24", "2023–24"
_YEAR_SPAN = re.compile(r"(?<![\d£$.,])(?:fy\s?)?(?:20)?(\d{2})\s*(?:-|–|—|/|_|\bto\b)\s*(?:20)?(\d{2})(?![\d%])", re.I)
# A financial year by the year it ends: "FY24", "FY 2025" (a span, "FY2023/24", is read above).
_FINANCIAL_YEAR = re.compile(r"\bfy\s?'?(\d{2}|20\d{2})\b(?!\s*(?:-|–|/|to)\s*\d)", re.I)
# …and with a space, when nothing it could count follows ("in 2024 25 councils hit 100%" counts councils).
_SPACED_YEAR = re.compile(r"(?<![\d£$.,])(20\d{2})\s(\d{2})(?![\d%])(?!\s*(?:of|per|local|councils?|areas?|"
                          r"authorities|las|places|families|outcomes)\b)", re.I)
_LONE_YEAR = re.compile(r"(?<![\d£$.,])(20\d{2})(?![\d%])")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent\b|pc\b|pct\b)", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def places() -> dict:
    """{"nations": {nation: [council, ...]}, "within": {district: Annex A authority},
    "regions": {region: [Annex A authority, ...]}}; empty if absent."""
    try:
        return json.loads(PLACES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"nations": {}, "within": {}, "regions": {}}


@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, list[str]]]:
    """{"north_east": ("North East", [Annex A authority, ...]), "london": ("London", [...]), ...}: the English
    regions of places.json under the keys vocabulary.json's "regions" words and the table tool's subsets use."""
    return {name.lower().replace(" ", "_"): (name, members) for name, members in places().get("regions", {}).items()}


@lru_cache(maxsize=1)
def groups() -> dict[str, tuple[str, list[str]]]:
    """{"south_yorkshire": ("South Yorkshire", [Annex A authority, ...]), ...}: the other groups of places.json
    (metropolitan counties, combined authority areas), under the keys vocabulary.json's "regions" words use."""
    return {name.lower().replace(" ", "_"): (name, members) for name, members in places().get("groups", {}).items()}


def area_sets() -> dict[str, tuple[str, list[str]]]:
    """The regions and the other groups: every set of authorities a question can narrow an aggregate to."""
    return {**regions(), **groups()}


def phrase_pattern(phrases) -> re.Pattern:
    """One regex for a list of words and phrases, longest first, matched at word edges."""
    alts = sorted({p.lower() for p in phrases}, key=len, reverse=True)

    def edged(p: str) -> str:  # word edges only where the phrase starts or ends with a word character ("%" has none)
        body = re.escape(p).replace(r"\ ", r"\s+")
        return (r"(?<!\w)" if p[0].isalnum() else "") + body + (r"(?!\w)" if p[-1].isalnum() else "")

    return re.compile("|".join(edged(p) for p in alts) if alts else r"(?!x)x", re.I)


class PhraseIndex:
    """Whole-word phrase look-up in one pass over a text's words (faster than a long regex alternation).

    Args:
        phrases: {phrase: value}; phrases are matched case-insensitively, punctuation ignored.
    """

    WORD = re.compile(r"[a-z0-9]+")

    def __init__(self, phrases: dict[str, object]):
        self.values = {" ".join(self.WORD.findall(p.lower())): v for p, v in phrases.items()}
        self.longest = max((k.count(" ") + 1 for k in self.values), default=1)

    def find(self, text: str) -> list[tuple[int, int, object]]:
        """(start, end, value) of each phrase, longest first where they overlap, left to right."""
        words = [(m.start(), m.end(), m.group()) for m in self.WORD.finditer(text.lower())]
        out, i = [], 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                key = " ".join(w for _, _, w in words[i:i + n])
                if key in self.values:
                    out.append((words[i][0], words[i + n - 1][1], self.values[key]))
                    i += n
                    break
            else:
                i += 1
        return out


@lru_cache(maxsize=None)
def _patterns(group: str) -> dict[str, re.Pattern]:
    return {key: phrase_pattern(words) for key, words in vocabulary()[group].items() if not key.startswith("_")}


def phrase_in(group: str, key: str, text: str) -> re.Match | None:
    """Where the text says one of the words of a vocabulary group's key ("liverpool city region")."""
    pattern = _patterns(group).get(key)
    return pattern.search(text) if pattern else None


@lru_cache(maxsize=None)
def _list_pattern(name: str) -> re.Pattern:
    return phrase_pattern(vocabulary()[name])


@lru_cache(maxsize=None)
def _relative_years_pattern() -> re.Pattern:
    return phrase_pattern([p for key, phrases in vocabulary()["relative_years"].items() if not key.startswith("_")
                           for p in phrases])


def without_relative_years(text: str) -> str:
    """The text without "last year", "the year before", "both years"…: they choose years, they name no topic."""
    return _relative_years_pattern().sub(" ", text)


def without(name: str, text: str) -> str:
    """The text without the phrases of one vocabulary list."""
    return _list_pattern(name).sub(" ", text)


def mask_relative_years(text: str) -> str:
    """The text without its words for a report by when it is ("now", "latest", "this year", "the previous
    year's"); the ones the reports also use for a topic stay ("what happened in the final year": "…the delivery
    of the final year…")."""
    kept = _list_pattern("newest_in_text")
    for key in ("newest", "previous", "other"):
        text = _patterns("relative_years")[key].sub(lambda m: m.group() if kept.fullmatch(m.group()) else " ", text)
    return text


def without_related_words(text: str) -> str:
    """The text without the phrases of vocabulary "related_words" (questions' words for what the reports call
    otherwise, whose report words qa.plan.with_related_words adds to the search)."""
    for pattern in _patterns("related_words").values():
        text = pattern.sub(" ", text)
    return text


def asks_money(text: str) -> bool:
    """Whether a question is about money ("how much was Kent paid"); the scheme "payment by results" isn't."""
    return has("money_words", without("not_money", text))


# A measure the question sets aside: "in numbers, not %", "rather than the percentage", "instead of the rate".
_NOT_THIS_MEASURE = re.compile(r"\b(?:not|rather\s+than|instead\s+of|as\s+opposed\s+to)\s+"
                               r"(?:by\s+|in\s+|as\s+an?\s+|the\s+)?"
                               r"(?:%|per\s?cent(?:ages?)?\b|percentages?\b|pct\b|rates?\b|shares?\b|proportions?\b)",
                               re.I)


def first_key(group: str, text: str) -> str | None:
    """The first key of a vocabulary group (in file order) whose words appear in the text; a measure the
    question sets aside ("in absolute numbers, not percentage") is not one it names."""
    if group in ("measures", "order_measure"):
        text = _NOT_THIS_MEASURE.sub(" ", text)
    for key, pattern in _possible(group, text):
        if pattern.search(text):
            return key
    return None


def earliest_key(group: str, text: str) -> str | None:
    """The key whose words appear earliest in the text (the longer phrase, where two start together:
    "fell furthest short" over "fell")."""
    found = [(m.start(), -len(m.group()), key) for key, p in _possible(group, text) for m in [p.search(text)] if m]
    return min(found)[2] if found else None


def earliest_match(group: str, text: str) -> tuple[str, int, int] | None:
    """(key, start, end) of the vocabulary group's words that appear earliest in the text."""
    found = [(m.start(), m.end(), key) for key, p in _possible(group, text) for m in [p.search(text)] if m]
    if not found:
        return None
    start, end, key = min(found)
    return key, start, end


def order(text: str) -> str | None:
    """ "top" or "bottom": the earliest order word, "fell short" aside ("which council fell furthest short")."""
    return earliest_key("order", _list_pattern("order_neutral").sub(" ", text))


def nearest_key(group: str, before: str) -> str | None:
    """The key whose words end closest to the end of `before` ("below 50%", "hit 100%")."""
    found = [(m.end(), key) for key, p in _patterns(group).items() for m in p.finditer(before)]
    return max(found)[1] if found else None


def keys_found(group: str, text: str) -> set[str]:
    """Every key of a vocabulary group whose words appear in the text."""
    return {key for key, p in _possible(group, text) if p.search(text)}


def words_found(group: str, text: str) -> dict[str, str]:
    """Each key of a vocabulary group whose words appear in the text, with the first such word as written
    ("is lambeth better or worse…": {"higher": "better", "lower": "worse"})."""
    return {key: m.group() for key, p in _possible(group, text) for m in [p.search(text)] if m}


def has(name: str, text: str) -> bool:
    """Whether any word of a vocabulary list (e.g. "both_reports", "exclude") appears in the text."""
    return bool(find(name, text))


_RUN = re.compile(r"[a-z0-9]+")
FOUND_CACHE = 16_384  # (vocabulary list, text) lookups kept: a question's texts are read for many lists


@lru_cache(maxsize=None)
def _first_words(name: str) -> frozenset[str] | None:
    """The first run of letters and digits of each phrase of a vocabulary list ("didn't reach": "didn"), or None
    when a phrase starts otherwise ("£"). A phrase is matched from a word's start, so it can only be in a text
    holding its first run as a whole run."""
    return _firsts(tuple(vocabulary()[name]))


def _firsts(phrases: tuple[str, ...]) -> frozenset[str] | None:
    runs = [_RUN.match(p.lower()) for p in phrases]
    return frozenset(m.group() for m in runs) if all(runs) else None


@lru_cache(maxsize=None)
def _group_firsts(group: str) -> dict[str, frozenset[str] | None]:
    return {key: _firsts(tuple(words)) for key, words in vocabulary()[group].items() if not key.startswith("_")}


def _possible(group: str, text: str) -> list[tuple[str, re.Pattern]]:
    """(key, pattern) of a vocabulary group's keys that have a phrase that could start in the text (as in has)."""
    runs = _words_in(text)
    firsts = _group_firsts(group)
    return [(key, p) for key, p in _patterns(group).items() if firsts[key] is None or not firsts[key].isdisjoint(runs)]


@lru_cache(maxsize=None)
def _start_pattern(name: str) -> re.Pattern:
    return re.compile(r"\s*(?:" + _list_pattern(name).pattern + ")", re.I)


def match_start(name: str, text: str) -> re.Match | None:
    """The word of a vocabulary list the text opens with ("and …", "what about …"), if any."""
    return _start_pattern(name).match(text)


def starts_with(name: str, text: str) -> bool:
    return bool(match_start(name, text))


def is_only(name: str, text: str) -> bool:
    """Whether the text is one of a vocabulary list's phrases and nothing more ("what was it?": re_asks)."""
    bare = text.strip(" \t?!.,;:")
    m = match_start(name, bare)
    return bool(m) and m.end() == len(bare)


@lru_cache(maxsize=FOUND_CACHE)
def find(name: str, text: str) -> re.Match | None:
    """The first match of a vocabulary list's words in the text (kept: the plan asks of the same words again)."""
    firsts = _first_words(name)
    if firsts is not None and firsts.isdisjoint(_words_in(text)):
        return None  # none of its phrases can start here: the long alternation need not run
    return _list_pattern(name).search(text)


@lru_cache(maxsize=FOUND_CACHE)
def _words_in(text: str) -> frozenset[str]:
    return frozenset(_RUN.findall(text.lower()))


def clear_found() -> None:
    """Forget the lookups `find` kept (a benchmark timing questions already asked)."""
    find.cache_clear()
    _words_in.cache_clear()


def ends_with(name: str, text: str) -> bool:
    """Whether the text ends with one of a vocabulary list's words, or with it and "the" ("…better than (the)")."""
    return bool(_ending_pattern(name).search(text))


@lru_cache(maxsize=None)
def _ending_pattern(name: str) -> re.Pattern:
    return re.compile(rf"(?:{_list_pattern(name).pattern})\s+(?:the\s+)?$", _list_pattern(name).flags)


def substitute(name: str, token: str, text: str) -> str:
    """The text with each of a vocabulary list's words replaced by a token ("did they get EA" -> "did AREA get EA")."""
    return _list_pattern(name).sub(token, text)


def finditer(name: str, text: str):
    """Each match of a vocabulary list's words in the text."""
    return _list_pattern(name).finditer(text)


@dataclass
class Years:
    """Years a question names, resolved against the years the store holds."""

    named: list[str] = field(default_factory=list)  # in the store, named outright
    outside: list[str] = field(default_factory=list)  # named, but not in the store
    relative: str | None = None  # the first relative phrase: "newest" | "previous" | "next" | "all"
    relatives: set[str] = field(default_factory=set)  # every kind of relative phrase in the text
    spans: list[tuple[int, int]] = field(default_factory=list)
    earlier: list[str] = field(default_factory=list)  # history before the store's years: "since 2012"

    def taken(self, at: int) -> bool:
        """Whether a position of the text is inside a year already read."""
        return any(s <= at < e for s, e in self.spans)

    def take(self, name: str, span: tuple[int, int], store_years: list[str]) -> None:
        """A programme year read at `span`: named when the store holds it, else outside it."""
        (self.named if name in store_years else self.outside).append(name)
        self.spans.append(span)


def label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def find_years(text: str, store_years: list[str]) -> Years:
    """Programme years in the text: explicit spans, lone calendar years that point at one report, relative words."""
    found = Years()
    covered = [int(y[:4]) for y in store_years]
    for m in _PERIOD.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        b = b if b > 99 else 2000 + b
        if b - a >= 2 and any(a <= y < b for y in covered):
            found.spans.append(m.span())  # "£695m for 2022-2025": a spending period the reports fall in
    for m in _YEAR_SPAN.finditer(text):
        if found.taken(m.start()):
            continue
        a, b = int(m.group(1)), int(m.group(2))
        short = not re.match(r"(?:fy\s?)?20\d\d", m.group(0), re.I)
        if b != (a + 1) % 100 or (short and not _plausible_short(a, store_years, text[m.end():])):
            continue
        found.take(label(2000 + a), m.span(), store_years)
    for m in _FINANCIAL_YEAR.finditer(text):  # "FY24": the financial year ending March 2024
        start = 2000 + int(m.group(1)) - 1 if len(m.group(1)) == 2 else int(m.group(1)) - 1
        if not found.taken(m.start()):
            found.take(label(start), m.span(), store_years)
    for m in _SPACED_YEAR.finditer(text):  # "hull in 2024 25": a span typed with a space
        a, b = int(m.group(1)), int(m.group(2))
        if not found.taken(m.start()) and b == (a + 1) % 100 and label(a) in store_years:
            found.take(label(a), m.span(), store_years)
    for m in _LONE_YEAR.finditer(text):
        if found.taken(m.start()):
            continue
        y = int(m.group(1))
        after = text[m.end():]
        if _COUNTS_THINGS.match(after) or _AT_LEAST_AT_MOST.match(after) \
                or compared_counts(text[:m.end()])[-1:] == [(y, m.start(), m.end())]:
            continue  # "2000 or more outcomes", "over 2000": a count
        ends = [s for s in store_years if int(s[:4]) + 1 == y]
        starts = [s for s in store_years if int(s[:4]) == y]
        dated = _DATED_EVENT.match(text[m.end():])
        if dated:
            ends = []  # "the 2024 data survey" ran in 2024: the report for 2024-25 gives it (no report, 2025's)
        if ends and not starts:
            found.named.append(ends[0])
        elif starts and not ends:
            found.named.append(starts[0])
        elif not ends and not starts and 2000 <= y <= 2040 and _EARLIER_CONTEXT.search(text) and not dated:
            if covered and y < covered[0]:
                found.earlier.append(str(y))
            continue
        elif not ends and not starts and 2000 <= y <= 2040:
            found.outside.append(str(y))
        else:
            continue
        found.spans.append(m.span())
    found.named = list(dict.fromkeys(found.named))
    found.outside = list(dict.fromkeys(found.outside))
    found.relative = earliest_key("relative_years", text)
    found.relatives = {key for key, p in _patterns("relative_years").items() if p.search(text)}
    return found


# Calendar years from one to another: "2022-2025", "2022 to 2025", "2015-20".
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to|until)\s*((?:19|20)\d\d|\d\d)\b", re.I)


def _plausible_short(a: int, store_years: list[str], after: str) -> bool:
    """"23/24" is a programme year; "10-11 year olds" is not: short spans near the store's years only."""
    first, last = (int(y[:4]) for y in (store_years[0], store_years[-1])) if store_years else (2023, 2024)
    return first - 5 <= 2000 + a <= last + 5 and not re.match(r"\s*(?:years?|yrs?|months?|weeks?|hours?)\b", after, re.I)


# What a calendar year before it dates ("the 2024 data survey", "the 2023 collection"): a yearly exercise that
# the report for the programme year starting then gives.
_DATED_EVENT = re.compile(r"\s+(?:data\s+)?(?:survey|collection|self[- ]assessments?)\b", re.I)
_DATED_YEAR = re.compile(r"\b((?:19|20)\d\d)" + _DATED_EVENT.pattern, re.I)  # …with the year before it


def dated_events(text: str) -> dict[str, str]:
    """The yearly exercises a text dates, by year: {"2025": "2025 data survey"}."""
    return {m.group(1): " ".join(m.group().split()) for m in _DATED_YEAR.finditer(text)}


# "2000 families", "2000 successful outcomes": a number that counts, not a year ("2000 or more": below).
_COUNTS_THINGS = re.compile(r"\s*(?:successful\s+)?(?:family\s+)?(?:outcomes|families)\b", re.I)

# "since 2015", "from April 2012": history, not a year asked about.
_EARLIER_CONTEXT = re.compile(r"\b(since|from|began|started|launched|back in|between)\b|"
                              r"\b(?:19|20)\d\d\s*(?:to|until|till|through|–|-)\s*(?:[a-z]+\s+)?(?:19|20)\d\d\b",
                              re.I)  # ("april 2015 to december 2023": a span of history)


def step(year: str, by: int, store_years: list[str]) -> str:
    """The programme year `by` steps away; a label outside the store when it runs off either end."""
    if year in store_years and 0 <= store_years.index(year) + by < len(store_years):
        return store_years[store_years.index(year) + by]
    return label(int(year[:4]) + by)


# Shares said in words: "under half", "over three quarters", "less than a third".
_FRACTIONS = {"three quarters": 75.0, "two thirds": 200 / 3, "half": 50.0, "a third": 100 / 3, "one third": 100 / 3,
              "a quarter": 25.0, "one quarter": 25.0}
# ("more than half of councils" is a share of the councils, not a percentage threshold)
_FRACTION = re.compile(r"\b(" + "|".join(sorted(_FRACTIONS, key=len, reverse=True)) + r")\b"
                       r"(?!\s+(?:of\s+)?(?:the\s+|all\s+)?(?:local\s+)?(?:councils|authorities|areas|las|places)\b)", re.I)


def percentages(text: str) -> list[tuple[float, int, int]]:
    """(value, start, end) of each percentage figure, in figures ("50%") or words ("half"), in order."""
    found = [(float(m.group(1)), m.start(), m.end()) for m in _PERCENT.finditer(text)]
    found += [(_FRACTIONS[m.group(1).lower()], m.start(), m.end()) for m in _FRACTION.finditer(text)]
    return sorted(found, key=lambda f: f[1])


# "between 90 and 99%", "from 50% to 75%", "90-99%", "between 1,000 and 2,000 outcomes"
_RANGE = re.compile(r"(?:\b(?:between|from)\s+)?(?<![\w.£$])(\d[\d,]*(?:\.\d+)?)\s*(%|per ?cent\b)?\s*"
                    r"(?:and|to|-|–)\s*(\d[\d,]*(?:\.\d+)?)\s*(%|per ?cent\b|pc\b|pct\b)?"
                    r"(?:\s*(?:successful\s+)?(?:family\s+)?(outcomes|families)\b)?", re.I)


def transition(text: str) -> tuple[tuple[str, float], tuple[str, float]] | None:
    """The (comparator, percentage) a council moved from and the one it moved to over the two years: "went from
    under 50% to 100%" -> (("lt", 50), ("eq", 100)); "was at 100% in 23/24 but dropped below it" -> (("eq", 100),
    ("lt", 100)). None when the question names no such move."""
    figures = percentages(text)
    if not figures:
        return None
    value, start, end = figures[0]
    moved = _list_pattern("movement_words").search(text[:start])
    first = (nearest_key("comparators", text[max(0, start - 30):start]) or "eq", value)
    if len(figures) >= 2 and moved and re.search(r"\bfrom\b", text[moved.end():start], re.I):
        later, at, _ = figures[1]
        to = re.search(r"\bto\b", text[end:at], re.I)
        if to:  # "went from under 50% to 100%": each figure with its own words
            return first, (nearest_key("comparators", text[end + to.end():at]) or "eq", later)
    again = re.search(r"\b(?:but|and|then)\s+(?:\w+\s+){0,2}?(?:" + _list_pattern("movement_words").pattern
                      + r")\s+(\w+(?:\s+than)?)\s+(?:it|that|this)\b", text[end:], re.I)
    if again and len(figures) == 1:  # "at 100% … but dropped below it": the same figure, the other way
        return first, (nearest_key("comparators", again.group(1)) or "eq", value)
    return None


def value_range(text: str) -> tuple[float, float, bool] | None:
    """(bottom, top, is_percentage) of a range asked about: "between 90 and 99 percent", "90-99%", "from 1,000 to
    2,000 outcomes"; None for year spans ("between 2023 and 2024", "2023-24") and plain pairs of numbers."""
    for m in _RANGE.finditer(text):
        low, high = (float(g.replace(",", "")) for g in (m.group(1), m.group(3)))
        percent = bool(m.group(2) or m.group(4))
        worded = m.group(0).lower().startswith(("between", "from"))
        if percent and low <= high <= 100:
            return low, high, True
        if worded and m.group(5) and low < high:
            return low, high, False  # "between 1,000 and 2,000 outcomes"
        counted = re.match(r"\s*(?:councils|authorities|areas|las|places|boroughs)\b", text[m.end():], re.I)
        if worded and low < high <= 100 and not m.group(5) and not counted:
            return low, high, True  # "between 90 and 99": bare figures under 100 are percentages, as "under 50" is
    return None


# What a figure asked for is of: "what percentage of families…", "the response rate", "how old is sarah".
_SHARE_OF = re.compile(r"(?:\b(?:percentage|percent|per\s+cent|proportion|share|fraction)|%)\s+of\s+(?:the\s+|all\s+)?"
                       r"(?:local\s+|english\s+|london\s+)?([a-z]+)", re.I)
_RATE_OF = re.compile(r"\b(response|uptake|take-up|dropout|drop-out|completion|attendance|referral|return|"
                      r"reoffending)\s+rates?\b", re.I)  # (not "the national rate": a share the tables give)
_AGE_OF = re.compile(r"\bhow old (?:is|was|were) ([a-z]+)", re.I)


def share_of(text: str) -> str:
    """The thing a share is asked of: "what percentage of families…" -> "families"; "what fraction of the north
    west councils…" -> "councils" (an area word within three words); "" if none."""
    m = _SHARE_OF.search(text)
    if not m:
        return ""
    words = [m.group(1).lower()] + re.findall(r"[a-z]+", text[m.end():].lower())[:2]
    return next((w for w in words if w in AREA_NOUNS), words[0])


# What the reports call the places in the tables (qa.plan.AREA_WORDS is these as one regex alternation).
AREA_NOUNS = ("councils", "areas", "authorities", "las", "districts", "boroughs", "places", "council", "area",
              "authority", "la", "district", "borough", "place")


_COUNTED = {"one": 1, "first": 1, "1st": 1, "two": 2, "second": 2, "2nd": 2, "three": 3, "third": 3, "3rd": 3,
            "four": 4, "fourth": 4, "4th": 4, "five": 5, "fifth": 5, "5th": 5}


def stages(text: str) -> set[tuple[str, int]]:
    """The numbered stages a text names (vocabulary "stage_nouns"): "wave 2 pathfinders", "the second wave",
    "Wave one pathfinder areas" -> {("wave", 2)}, {("wave", 2)}, {("wave", 1)}."""
    noun_first, count_first = _stage_patterns()
    found = {(m.group(1), m.group(2)) for m in noun_first.finditer(text)}
    found |= {(m.group(2), m.group(1)) for m in count_first.finditer(text)}
    return {(noun.lower(), int(n) if n.isdigit() else _COUNTED[n.lower()]) for noun, n in found}


@lru_cache(maxsize=None)
def _stage_patterns() -> tuple[re.Pattern, re.Pattern]:
    """ "wave 2" and "second wave", built once from the vocabulary (stages() reads every passage quoted)."""
    nouns = "|".join(map(re.escape, vocabulary()["stage_nouns"]))
    counts = "|".join([r"\d", *_COUNTED])
    return re.compile(rf"\b({nouns})\s+({counts})\b", re.I), re.compile(rf"\b({counts})\s+({nouns})\b", re.I)


def money_for(text: str) -> str:
    """What an amount of money is asked for: "the budget for family hubs in 2025" -> "family hubs in"; "how
    much was spent on the send pilots" -> "send pilots"; "how much did each family hub get" -> "family hub"
    (up to three words; "" if none)."""
    m = _MONEY_FOR.search(text) or _MONEY_TO.search(text) or _MONEY_COST.search(text)
    return " ".join(m.group(1).lower().split()[:3]) if m else ""


_MONEY_FOR = re.compile(r"\b(?:budgets?|funding|money|cash|costs?|spend|spent|spending|grants?)\s+(?:for|on|of)\s+"
                        r"(?:the\s+|a\s+|an\s+)?((?:[a-z][\w'’-]*\s*){1,3})", re.I)


# "how much did the family voice project cost": what cost it
_MONEY_COST = re.compile(r"\bhow\s+much\s+(?:money\s+)?(?:did|does|do|will|would|has|have)\s+(?:the\s+|a\s+|an\s+)?"
                         r"((?:[a-z][\w'’-]*\s+){1,4}?)(?:cost|costs)\b", re.I)


# "how much did each family hub get", "how much was hull awarded": who the money went to
_MONEY_TO = re.compile(r"\bhow\s+much\s+(?:money\s+|cash\s+|funding\s+)?(?:did|does|do|will|would|has|have|was|were|is)"
                       r"\s+(?:each\s+|every\s+|the\s+|a\s+)?((?:[a-z][\w'’-]*\s+){1,3}?)(?:get|got|receive|received|"
                       r"given|awarded|paid|allocated)\b", re.I)


def rate_of(text: str) -> str:
    """What a named rate counts: "the response rate…" -> "response" ("" if none)."""
    m = _RATE_OF.search(text)
    return m.group(1).lower() if m else ""


def age_of(text: str) -> str:
    """Whose age is asked: "how old is sarah" -> "sarah" ("" if none)."""
    m = _AGE_OF.search(text)
    return m.group(1).lower() if m else ""


_COUNT = re.compile(r"(?<![\w.£$])(\d[\d,]*|zero)(?!\s*(?:%|per ?cent\b|pc\b|pct\b))(?![\w,/-]*\d)(?![\w/-])", re.I)


def compared_counts(text: str) -> list[tuple[float, int, int]]:
    """(value, start, end) of each plain number a comparison word stands right before: "over 2000 outcomes",
    "fewer than 100", "got zero" (percentages are `percentages`; years and "top 10" have no comparison)."""
    found = []
    for m in _COUNT.finditer(text):
        before = text[max(0, m.start() - 30):m.start()].rstrip().lower()
        comparison = nearest_key("comparators", before + " ")
        if comparison and any(before.endswith(w) for w in vocabulary()["comparators"][comparison]):
            value = 0.0 if m.group(1).lower() == "zero" else float(m.group(1).replace(",", ""))
            found.append((value, m.start(), m.end()))
    return found


def counted_figures(text: str) -> list[tuple[float, int, int]]:
    """(value, start, end) of each plain number with its comparison after it: "2,000+", "500 or more"."""
    return [(float(m.group(1).replace(",", "")), m.start(), m.end()) for m in _COUNT.finditer(text)
            if m.group(1).lower() != "zero" and _AT_LEAST_AT_MOST.match(text[m.end():])]


# "+", "or more", "or fewer" after a figure
_AT_LEAST_AT_MOST = re.compile(r"\s*(?:\+|or\s+(?:more|fewer|less|over|above|under|below|higher|lower)\b)", re.I)


def count_number(text: str) -> int | None:
    """How many rows a ranking asks for: "top 10", "five worst", "3 councils"."""
    after_word, before_noun = _count_patterns()
    m = after_word.search(text) or before_noun.search(text)
    if not m:  # "who was 2nd for outcomes": the list down to that place
        m = re.search(r"\b(2nd|second|3rd|third|4th|fourth|5th|fifth)\b", text, re.I)
    if not m:
        return None
    return number_value(m.group(1))


@lru_cache(maxsize=1)
def _count_patterns() -> tuple[re.Pattern, re.Pattern]:
    """count_number's patterns, built once: a count after a ranking word ("top 10") or before what is counted
    ("five worst", "3 councils")."""
    alts = _count_alternatives()
    orders = "|".join(re.escape(w) for words in vocabulary()["order"].values() for w in words if " " not in w)
    # ("the two years", "both reports", "the 2024-25 report", "2023-24 councils" count no rows)
    return (re.compile(rf"\b(?:top|bottom|best|worst|highest|lowest|first|last|which|the|list|name)\s+(\d{{1,3}}|{alts})"
                       rf"\b(?![-/–]\d)(?!\s+(?:years?|reports?|yrs)\b)", re.I),
            re.compile(rf"(?<![-/–])\b(\d{{1,3}}|{alts})\s+(?:\w+\s+)?(?:local\s+)?(?:authorities|areas|councils|las|"
                       rf"places|ones|{orders})\b", re.I))


@lru_cache(maxsize=1)
def _count_alternatives() -> str:
    """The count words (vocabulary "count_words") as regex alternatives, longest first; built once."""
    return "|".join(sorted(map(re.escape, vocabulary()["count_words"]), key=len, reverse=True))


def next_count(text: str) -> int | None:
    """How many more rows of a ranking "the next 2", "next three" asks for (None when it asks none)."""
    m = re.search(rf"\bnext\s+(\d{{1,3}}|{_count_alternatives()})\b(?!\s+(?:years?|reports?|yrs)\b)", text, re.I)
    return number_value(m.group(1)) or None if m else None


def number_value(word: str) -> int:
    """ "12" -> 12, "twelve" -> 12 (vocabulary "count_words"); 0 for a word it doesn't count."""
    word = word.lower()
    return int(word) if word.isdigit() else vocabulary()["count_words"].get(word, 0)


def mask(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text with each (start, end, token) span replaced by its token, and figures as NUM."""
    out, last = [], 0
    for start, end, token in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(f" {token} ")
        last = end
    out.append(text[last:])
    masked = "".join(out)
    masked = _PERCENT.sub(" NUM% ", masked)
    masked = _NUMBER.sub(" NUM ", masked)
    return " ".join(same_as(masked).split())


def written_out(text: str) -> str:
    """The text with shorthand written out (vocabulary "shorthand": "mgmt" -> "management")."""
    pattern, words = _shorthand()
    return pattern.sub(lambda m: words.get(m.group().lower(), m.group()), text)


@lru_cache(maxsize=1)
def _shorthand() -> tuple[re.Pattern, dict[str, str]]:
    """The shorthand words' pattern, built once (every question is read through it), and what each stands for."""
    words = {k: v for k, v in vocabulary()["shorthand"].items() if not k.startswith("_")}
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\b", re.I), words


def same_as(text: str) -> str:
    """The text with everyday ways of asking in their usual words (vocabulary "same_as": "how come" → "why")."""
    for phrase, usual in _same_as_pattern().items():
        text = phrase.sub(usual, text)
    return text


@lru_cache(maxsize=None)
def _same_as_pattern() -> dict[re.Pattern, str]:
    return {re.compile(rf"\b{re.escape(k)}\b", re.I): v for k, v in vocabulary()["same_as"].items() if k != "_about"}
