"""Read a question once: `understand(question, history) -> Plan`.

    message ─ qa.message (find the question, drop noise) ─ slots (authorities, years, figures)
            ─ mask ─ qa.intents (intent + answer type, learned from examples) ─ follow-up context ─ Plan

Everything downstream (the table tool, retrieval, extraction, refusals,
follow-ups) reads the Plan; nothing re-reads the raw question. Years and
authority names come from the store, so a newly added report is understood
like the first two.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from qa import slots, suggest
from qa.authorities import AMBIGUOUS, AuthorityResolver, normalise
from qa.intents import (NEEDS_AUTHORITY, NO_AUTHORITY, TABLE_INTENTS, IntentClassifier, is_common_word, load_examples,
                        token_embedder)
from qa.message import question_signal, read_message
from qa.stores import per_build

EHSG_SECTIONS = ("Family Voice", "Workforce", "Communities", "Leaders", "Data")
# The classifier must be at least this sure that a message is not about the reports before it is declined as such.
OUT_OF_SCOPE_CONFIDENCE = 0.5
# Follow-ups replay at most this many earlier user turns (older turns cannot change what "it" means).
CONTEXT_TURNS = 6
# The history read for context: this many recent messages (user and assistant), each cut to its last characters.
HISTORY_MESSAGES = 4 * CONTEXT_TURNS
HISTORY_CHARS = 10_000
# A follow-up this short (in words, slots masked) that names nothing new is read against the conversation.
SHORT_FOLLOW_UP = 8
# Where a lower-case authority name stands: "<name> outcomes …", "how did <name> do", "<name>'s percentage".
_PLACE_SLOT = re.compile(
    r"^\s*([a-z][\w'’-]+(?:\s[a-z][\w'’-]+){0,2}?)\s+(?:outcomes|figures|percentage|allocation|target|stats|numbers|"
    r"results)\b|\b(?:did|does)\s+([a-z][\w'’-]+)\s+(?:do|get|achieve|hit|score|manage|perform)\b|"
    r"\b([a-z][\w-]+)['’]s\s+(?:outcomes|figures|percentage|allocation|target|max)")
# "who is hannah?", "who's lauren in the case study", "remind me who sarah is" (not "who is responsible for…"):
# the name asked about.
_WHO_IS = re.compile(r"^\s*who(?:'s|’s|\s+(?:is|was|are|were))\s+([a-z]+)\b(?!\s+(?:for|to|of|with|at|by|on)\b)|"
                     r"\bwho\s+([a-z]+)\s+(?:is|was)\b", re.I)
# A lead-in and the question after it: "<up to 20 words> - <question>" or "<…>: <question>".
# Days and months are written capitalised but name nothing the reports could be asked about ("Thursday's board").
CALENDAR = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|"
                       r"august|september|october|november|december", re.I)
_LEAD_IN = re.compile(r"\s*([^:?]{2,160}?)\s*(?::|\s[-–—]|,?\s+but(?=\s+(?:what|which|who|how|when|where|why|is|are|was|"
                      r"were|do|does|did|can|could)\b)|,(?=\s+(?:what|which|who|how|when|where|why)\b))\s+(.+)",
                      re.S | re.I)
# A request inside a sentence: what follows it is the question ("…, and I'd like to know when it ended").
_ASKS = re.compile(r"\b(?:want|wants|would like|'d like|need|needs)\s+to\s+know\b|\bto\s+find\s+out\b"
                   r"|\b(?:can|could)\s+you\s+(?:tell|let)\s+me\b|\bplease\s+(?:tell|let)\s+me\b", re.I)
# Who is asking, before the question: "I'm a councillor in Kent, …", "im on the leeds data team - …".
_SELF_INTRO = re.compile(r"\W*(?:(?:hi|hello|hey)\W+)?(?:i'?m|i’m|i am|i work|as)\b[^.?!,;:–—]{0,80}?"
                         r"(?:[.,;:–—]|\s-)\s*", re.I)
# Words the reports use that the sentence before a question with "it" or "that" needs to be what it points at.
TOPIC_BEFORE = 2
# A lead-in before the question proper: "mental health pilots - ", "SEND pilot: ".
_AFTER_LEAD_IN = re.compile(r"^[^?]{1,80}?(?:\s[-–—]|:)\s+(?=(?:who|which)\b)", re.I)
# "What is/was the …", "whats the …": asking what something is (or what figure it has, if it names one).
_WHAT_IS = re.compile(r"\W*what(?:['’]?s|\s+(?:is|was|were|are))\s+", re.I)
# A figure said roughly: "about 95%", "around 80,000" (a claim, not a threshold).
_APPROXIMATE = re.compile(r"\b(?:about|around|roughly|approximately|approx|nearly|almost|circa)\s+£?\d", re.I)
# The shortest word a word typed without its space may split into ("safelives": "safe", "lives").
SPLIT_MIN = 3
# A sentence saying who is asking: "I'm the data lead at a council in…", "we're a metropolitan borough in…".
_ASKER = re.compile(r"\W*(?:(?:hi|hello|hey|so)\W+)?(?:i'?m|i’m|i am|i work|we'?re|we’re|we are)\b", re.I)
# A question asking an amount of money, whatever shape the classifier read: "how much…", "what did X cost",
# "the payment per outcome", "what is the budget for…" (not "what did the research find about spending…").
_ASKS_MONEY = re.compile(r"\bhow\s+much\b|\b(?:did|does|do|will|would)\b[^?.]*\bcost\b|"
                         r"\bwhat(?:['’]?s|\s+(?:is|was|are|were))\s+the\s+(?:\w+\s+)?budgets?\b|"
                         r"\bwhat(?:['’]?s|\s+(?:is|was|are|were))\s+the\s+(?:total\s+)?cost\s+of\b|"
                         r"\b(?:payment|paid|cost|spend|spent|funding)\s+(?:per|for\s+each|each)\b", re.I)
# A misspelt word (one letter wrong, missing, extra or swapped: "lcoal", "acheive", "helth") is put right to
# the known word it is one edit from. A word of up to SPELL_SHORT letters keeps its last letter too ("matey" is
# no "mate"); one shorter than SPELL_MIN is put right only when two of its letters are swapped ("waht", "teh"),
# else left as it is ("gove", "lst").
SPELL_SHORT = 6
SPELL_MIN = 5
# Endings of inflected words and what they replace: "furthest" is "further", "policies" "policy".
_INFLECTIONS = (("'s", ""), ("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                ("ing", "e"), ("est", "er"), ("est", ""), ("er", ""), ("ly", ""))
# Rows of a ranking that asks for all of them ("rank the london boroughs"): more than there are authorities.
WHOLE_RANKING = 200
# In a long message, a sentence naming an authority or a year is this much likelier to be the question.
SLOT_EVIDENCE = 0.5
# A long message's sentences are weighed at most up to this many.
MAX_CANDIDATES = 80
# How many of a message's sentences naming an authority or a year a "can you confirm this?" question takes in.
MESSAGE_CONTEXT = 2
# A question of at most this many words that names nothing ("target met?") is read with its message's names.
TERSE_WORDS = 3

ANSWER_TYPES_WANTING_FIGURES = {"number", "money", "percentage"}
SUBSET_INTENTS = {"rank", "filter", "count", "totals", "average"}  # aggregates a group of authorities can narrow
# Word groups of qa/data/vocabulary.json that steer the answer's shape, looked for in the question once
# (Plan.cues): "who ran it?" (pronouns), "what does FFP stand for" (abbreviation_words), "what changed"
# (change_words), "tell me about…" (overview_cues), "is it true…" (checking_cues), "better", "fewer"
# (comparatives), "did X hit its target", "at 100%" (target_words, full_marks), "when…" (when_words), "start"
# (start_words; "when did it start" start_asks; "when does it end" end_asks), "the biggest grant" (grant_words),
# "summarise…", "the gist of…" (summary_asks), "who at Ealing…", "which person…" (person_asks).
CUE_GROUPS = ("pronouns", "abbreviation_words", "change_words", "overview_cues", "checking_cues", "comparatives",
              "target_words", "full_marks", "when_words", "start_words", "start_asks", "end_asks", "grant_words",
              "summary_asks", "person_asks")
# Answer types only the reports' text can give: a follow-up asking for one after a table answer goes to the text.
TEXT_TYPES = {"reason", "definition", "person", "organisation", "summary"}


@dataclass
class Plan:
    """Everything the answering side needs to know about one question."""

    question: str  # the question as found in the message
    intent: str  # one of qa.intents.INTENTS
    answer_type: str
    confidence: float = 1.0
    authorities: list[str] = field(default_factory=list)  # Annex A names
    said: list[str] = field(default_factory=list)  # the words that named them
    years: list[str] = field(default_factory=list)
    year_note: str = ""  # "2024-25, the latest report" when a relative word chose the year
    years_outside: list[str] = field(default_factory=list)
    years_named_outside: list[str] = field(default_factory=list)  # of those, the ones the question names itself
    measure: str | None = None  # max_outcomes | achieved | percentage
    n: int = 5
    order: str = "top"
    comparator: str | None = None
    value: float | None = None
    upper: float | None = None  # with comparator "between", the range's top ("between 90% and 99%")
    value_measure: str = "percentage"  # what a threshold is read on: "under 50%"; "over 2000 outcomes" is achieved
    exclude: list[str] = field(default_factory=list)
    by_region: bool = False  # the English regions side by side ("which region did best?")
    ehsg_change: bool = False  # EHSG sections ranked by how their scores changed ("which improved most?")
    subset: str | None = None  # a group the aggregate is narrowed to (qa.tabletool.SUBSETS): "earned_autonomy"
    all_years: bool = False  # "under 50% in both years": the authorities that pass in every year asked
    ehsg_years: list[int] = field(default_factory=list)
    ehsg_sections: list[str] = field(default_factory=list)
    ehsg_years_seen: list[int] = field(default_factory=list)  # EHSG years earlier turns of a follow-up chain asked
    search_text: str = ""  # what retrieval searches (with the earlier question's words for a follow-up)
    names: list[str] = field(default_factory=list)  # capitalised names that are not authorities
    check: str | None = None  # the authority a ranking is asked to confirm ("is bexley the worst…?")
    counted: str | None = None  # "how many X": X
    counted_words: list[str] = field(default_factory=list)  # "how many Mental Health pilots": mental, health, pilots
    counted_head: str | None = None  # "how many family network support packages were…": packages
    share_of: str = ""  # "what percentage of families…": families
    rate_of: str = ""  # "what was the response rate…": response
    money_for: str = ""  # "what is the budget for family hubs": family hubs (an amount for it must be of it)
    stages: tuple = ()  # "the wave 2 pathfinders": (("wave", 2),) (a passage must name the same)
    age_of: str = ""  # "how old is sarah": sarah
    years_seen: list[str] = field(default_factory=list)  # years earlier turns of a follow-up chain asked about
    places_wanted: int = 0  # "which 14 areas…": 14; "which councils…": 2; "which council…": 1
    items_asked: int = 0  # "list the ten projects": 10 (0 when the question counts nothing)
    role: str | None = None  # "who is the delivery partner": "delivery"
    title: str | None = None  # "who is the director of…": "director", a role the answer must name
    both_reports: bool = False
    region_of: bool = False  # "which region is hampshire in": the authorities' English region, not their figures
    position: bool = False  # "what rank was leeds in 2024-25": where the authority ranks among all of them
    combined: bool = False  # "kent and essex combined", "between them": the authorities added together
    ratio: bool = False  # "how many times bigger is haringey's allocation than wokingham's": the first over the second
    national_share: str | None = None  # "greater manchester's share of the national allocation": its part of
    # England's total of this measure ("max_outcomes" or "achieved")
    in_both: bool = False  # "which of those were in both lists?": the councils two table answers both listed
    transition: tuple | None = None  # "went from under 50% to 100%": (("lt", 50.0), ("eq", 100.0)) over two years
    moved: str | None = None  # a change ranking of only those that fell ("lt") or rose ("gt"): "the smallest drop"
    against: str | None = None  # a filter set against England's figure: "national_rate" or "average"
    regions: list[str] = field(default_factory=list)  # regions side by side, when a question names two or more
    cumulative: bool = False  # "all-time", "since 2012": a running total over the programme's life, not one year's
    anchor: list[str] = field(default_factory=list)  # sentences the answer a text follow-up follows quoted
    new_subject: bool = False  # "and the SEND one?": the same question of something else, so not the anchor
    earlier: str = ""  # a text follow-up: the words of the question it follows ("what is family voice")
    introduce: str | None = None  # "who is hannah?": a person the reports name, introduced where first named
    outside_place: str | None = None  # "Cardiff is in Wales", for places not in the tables
    judgement: bool = False  # "was it a mistake", "is that down to bad management": a verdict the reports don't give
    decline: str | None = None  # why the question is declined
    follow_up: bool = False

    @property
    def route(self) -> str:
        if self.decline:
            return "none"
        return "table" if self.intent in TABLE_INTENTS else "documents"

    @property
    def wants_figure(self) -> bool:
        return self.answer_type in ANSWER_TYPES_WANTING_FIGURES

    @cached_property
    def cues(self) -> frozenset[str]:
        """The CUE_GROUPS the question uses, plus "overview" for "tell me about…"/"what's X about?",
        "amount" for one that asks how many, how much or how far, "yes_no" for one asked to be answered
        yes or no ("did…", "was…", "whether…") and "which_place" for one asking which council or who."""
        found = {group for group in CUE_GROUPS if slots.has(group, self.question)}
        # ("what does the foreword basically say?", "what did the 2024 data survey say": what it says, in points)
        if "overview_cues" in found or re.search(r"\b(?:about|say|says|said)\W*$", self.question, re.I):
            found.add("overview")
        if re.search(r"\bhow (?:many|much|far)\b", self.question, re.I):
            found.add("amount")  # "Kent fell short by how many?", not "did Kent hit its target?"
        if re.search(r"\bmonth\b", self.question, re.I):
            found.add("month")  # "which month were the spot checks": a month, not a year
        if re.search(r"\bact\b", self.question, re.I):
            found.add("law")  # "when did the welfare reform and work act come in": the year in its name
        if slots.starts_with("yes_no_openers", self.question) or re.search(r"\bwhether\b", self.question, re.I):
            found.add("yes_no")  # "did solihull beat coventry?", "tell me whether kent did better…"
        if _forecast(self.question) or _FUTURE.search(self.question) and (
                "yes_no" in found or re.match(r"\W*(?:so\s+)?(?:will|won['’]?t|shall)\b", self.question, re.I)):
            found.add("forecast")  # "will the SEND project be rolled out everywhere?", "do you reckon…" (not "what
            # will happen after March 2025", which the reports answer: it ended)
        asked = _AFTER_LEAD_IN.sub("", self.question)  # ("mental health pilots - who got the biggest grant?")
        if re.match(r"\W*who\b", asked, re.I) or (
                re.match(r"\W*which\b", asked, re.I) and slots.has("area_nouns", self.question)) or (
                self.follow_up and re.match(r"\W*(?:and\s+)?which\s+(?:one|of\s+(?:them|those|these))\b",
                                            self.question, re.I)):
            found.add("which_place")  # "who got the least cash…", "which pilot area got the smallest award"; "which
            # one got the most money?" after the councils of a project
        return frozenset(found)

    @cached_property
    def asked_order(self) -> str | None:
        """ "top" or "bottom" when the question ranks ("the most money", "the smallest award"), else None."""
        return slots.order(self.question)

    @cached_property
    def direction(self) -> dict[str, str]:
        """Which way a comparison asks, with the question's own word: {"higher": "better"} for "did X do better
        than Y", {"lower": "worse"} for "was X worse…", both for "better or worse" (which of the two)."""
        return slots.words_found("direction", self.question)

    def table_query(self):
        from qa.tabletool import TableQuery

        return TableQuery(self.intent, authorities=list(self.authorities), years=sorted(self.years),
                          measure=self.measure, n=self.n, order=self.order, comparator=self.comparator,
                          value=self.value, upper=self.upper, ehsg_years=list(self.ehsg_years),
                          ehsg_sections=list(self.ehsg_sections),
                          exclude=list(self.exclude), subset=self.subset, all_years=self.all_years,
                          by_region=self.by_region, ehsg_change=self.ehsg_change,
                          yes_no=self.answer_type == "yes_no" and "amount" not in self.cues,
                          ranked=bool(slots.keys_found("order", self.question)), check=self.check,
                          region_of=self.region_of, regions=list(self.regions),
                          share=self.share_of in slots.AREA_NOUNS,  # "what share of councils missed…"
                          position=self.position, combined=self.combined, transition=self.transition,
                          national_share=self.national_share, ratio=self.ratio, moved=self.moved,
                          against=self.against)


@dataclass
class Slots:
    """What one question names: authorities, places outside the tables, years; and its masked text."""

    matches: list  # qa.authorities.Match
    outside: list[tuple[int, int, str, str]]  # (start, end, place, why it is not in the tables)
    years: slots.Years
    masked: str
    region: str | None = None  # a key of vocabulary "regions" ("north_east", or "not_london" for "outside london")
    regions: list[str] = field(default_factory=list)  # every region named ("london vs the north west"), in order


@dataclass
class Context:
    """What the conversation has been about: the last plan, and names the last answer brought up."""

    last: Plan | None = None
    answer_names: str = ""
    answer_authorities: list[str] = field(default_factory=list)  # rows the last table answer listed
    answer_quotes: list[str] = field(default_factory=list)  # what the last answer quoted from the reports
    authorities_seen: list[str] = field(default_factory=list)  # every authority the turns named, latest last
    # the table answer before the last one: its rows and years ("which of those were in both lists?")
    earlier_answer_authorities: list[str] = field(default_factory=list)
    earlier_years: list[str] = field(default_factory=list)


class Reader:
    """Turns messages into Plans for one store.

    Args:
        resolver: authority names (from the tables database) with aliases and typos.
        table_years: the years the outcome tables hold, oldest first.
        text_years: the years of the reports indexed for text search, oldest first.
        mentions: whether the reports' text contains a phrase (for places and years the tables lack).
        ehsg_years: the years of the EHSG scores the tables hold ("last year's data score" is the latest).
    """

    def __init__(self, resolver: AuthorityResolver, table_years: list[str], text_years: list[str], mentions=None,
                 words: frozenset[str] = frozenset(), people: frozenset[str] = frozenset(),
                 ehsg_years: list[int] | None = None):
        self.resolver = resolver
        self.ehsg_years = list(ehsg_years or [])  # the years of EHSG scores the store holds
        self.people = people  # words the reports write only capitalised ("hannah", "coram"), lower-cased
        self.table_years = list(table_years)
        self.years = sorted(set(table_years) | set(text_years))
        self.mentions = mentions or (lambda phrase: False)
        self._places = self._place_reasons()
        self._place_index = slots.PhraseIndex(self._places)
        self._slot_cache: dict[str, Slots] = {}
        self._prediction_cache: dict[str, object] = {}
        examples = [(e.intent, e.answer_type, self.mask(e.question)) for e in load_examples()]
        self.classifier = IntentClassifier.cached(examples, token_embedder())
        # Words a misspelling is put right to: the reports' own, and the common words of the example questions
        # (which hold misspellings on purpose, for the classifier).
        said = {w for _, _, q in examples for w in re.findall(r"[a-z]+", q.lower()) if is_common_word(w)}
        self.words_used = words  # the reports' own words
        phrases = [p for group in slots.vocabulary().values() if isinstance(group, list) for p in group]
        # …and the vocabulary's words for asking ("sumarise" is "summarise"), but not its informal spellings
        informal = set(slots.vocabulary()["informal"])
        asking = {w for p in phrases for w in re.findall(r"[a-z]+", str(p).lower())
                  if len(w) >= SPELL_SHORT and w not in informal}
        self._spellings = sorted(set(words) | said | asking) if words else []
        phrases += [p for key, group in slots.vocabulary()["regions"].items() if not key.startswith("_") for p in group]
        self._known = set(self._spellings) | {w for p in phrases for w in re.findall(r"[a-z]+", str(p).lower())}

    # ------------------------------------------------------------ slots
    def _place_reasons(self) -> dict[str, str]:
        """lower-case place name -> the sentence saying why it is not in the tables."""
        data = slots.places()
        index = {}
        for nation, names in data.get("nations", {}).items():
            for name in names:
                said = f"{name} is not covered" if name == nation else f"{name} ({nation}) is not covered" \
                    if name.isupper() else f"{name} is in {nation}"
                index[name.lower()] = said + \
                    "; the Supporting Families programme and its outcome tables cover English local authorities only."
        for place, why in data.get("absent", {}).items():
            index[place.lower()] = why
        for place, authority in data.get("within", {}).items():
            index.setdefault(place.lower(), _within(place, authority))
        return index

    def _why_outside(self, outside: list) -> str:
        """The sentences on why the places named are not in the tables; districts of one area share one
        ("Bury and Bolton are not listed on their own…: they are part of Greater Manchester")."""
        within = _districts()
        parts: dict[str, list[str]] = {}  # the sentence (or the area the districts are in) -> the places
        for _, _, said, why in outside:
            place, area = within.get(said.lower(), (said, ""))
            grouped = area and why == _within(place, area)
            parts.setdefault(f"within:{area}" if grouped else why, []).append(place)
        sentences = []
        for key, names in parts.items():
            names = list(dict.fromkeys(names))
            sentences.append(_within(" and ".join(names), key.removeprefix("within:"), len(names))
                             if key.startswith("within:") else key)
        return " ".join(sentences)

    def slots(self, text: str) -> Slots:
        """Authorities, places outside the tables, years, and the masked text the classifier reads."""
        found = self._slot_cache.get(text)
        if found is None:
            matches = self.resolver.find_all(text)
            # a group named after one of its councils is the group: "liverpool city region" is not Liverpool
            groups = [m.span() for key in slots.groups() for m in [slots.phrase_in("regions", key, text)] if m]
            matches = [m for m in matches if not any(s <= m.start < e for s, e in groups)]
            taken = [(m.start, m.end) for m in matches]
            outside = [(start, end, text[start:end], why) for start, end, why in self._place_index.find(text)
                       if not any(s <= start < e for s, e in taken)]
            years = slots.find_years(text, self.years)
            spans = [(s, e, "AREA") for s, e in taken] + [(s, e, "AREA") for s, e, _, _ in outside]
            # "how did the council do": read as a place, which the context or the message may name
            spans += [(m.start(), m.end(), "AREA") for m in slots.finditer("unnamed_place", text)
                      if not any(s <= m.start() < e for s, e, _ in spans)]
            spans += [(s, e, "YEAR") for s, e in years.spans]
            masked = slots.mask(text, spans)
            # an English region is a place too ("how did the north east do"); found with the authorities
            # masked, so "North East Lincolnshire" is not the region
            region = slots.earliest_match("regions", masked)
            key = None
            if region:
                key, start, end = region
                lead = masked[max(0, start - 20):start]
                cue = slots.find("outside_words", lead)
                if cue and lead[cue.end():].strip().lower() in ("", "the"):
                    key = f"not_{key}"  # "top councils outside london", "excluding the north east"
                masked = masked[:start] + "AREA" + masked[end:]
            named = [key] if key else []
            while len(named) < len(slots.area_sets()) and (more := slots.earliest_match("regions", masked)):
                named.append(more[0])  # "did london do better than the north west": both
                masked = masked[:more[1]] + "AREA" + masked[more[2]:]
            found = Slots(matches, outside, years, masked, key, list(dict.fromkeys(named)))
            if len(self._slot_cache) > 2048:
                self._slot_cache.clear()
            self._slot_cache[text] = found
        return found

    def spell(self, text: str) -> str:
        """Shorthand written out ("mgmt"), misspelt words put right ("lcoal" -> "local", "differnce" -> "difference")
        and "850k" written out. A misspelt word is changed only if it is no common English word, not one the
        reports or the example questions use, not an authority or a place (those have their own fuzzy matching),
        and a known word with the same first letter is one edit from it."""
        text = slots.written_out(text)  # "case mgmt system": "case management system"
        if not self._spellings:
            return text
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        found = self.slots(text)
        taken = [(m.start, m.end) for m in found.matches] + [(s, e) for s, e, _, _ in found.outside]

        def fix(m: re.Match) -> str:
            word = m.group()
            low = word.lower()
            named = word[0].isupper() and re.search(r"\w[^.?!:\n]*$", text[:m.start()])  # "Cambs" mid-sentence
            if len(low) < 3 or word.isupper() or named or self._is_known(low) \
                    or any(s <= m.start() < e for s, e in taken):
                return word
            if len(low) < SPELL_MIN:  # a short word only by two letters swapped ("waht", "teh") to a common one
                swaps = (low[:i] + low[i + 1] + low[i] + low[i + 2:] for i in range(len(low) - 1))
                return next((w for w in swaps if w != low and is_common_word(w) and w in self._known), word)
            # one letter wrong, missing, extra or swapped; a short word keeps its last letter ("gove" is no "gov")
            near = [w for w in self._spellings if w[0] == low[0] and (len(low) > SPELL_SHORT or w[-1] == low[-1])]
            best = process.extractOne(low, near, scorer=DamerauLevenshtein.distance, score_cutoff=1)
            return best[0] if best else self._split(word)

        text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)k\b", lambda m: f"{round(float(m.group(1)) * 1000):,}", text, flags=re.I)
        return re.sub(r"[A-Za-z]+", fix, text)  # "850k" is 850,000 (above), "lcoal" is "local"

    def _split(self, word: str) -> str:
        """Two words the reports write apart, typed as one ("safelives": their "Safe Lives"); else the word."""
        low = word.lower()
        for i in range(SPLIT_MIN, len(low) - SPLIT_MIN + 1):
            first, second = low[:i], low[i:]
            if first in self.words_used and second in self.words_used and self.mentions(f"{first} {second}"):
                return f"{first} {second}"
        return word

    def _is_known(self, word: str) -> bool:
        """A word needing no correction: common English, used by the reports or the vocabulary, or an inflection
        of one ("percentages", "prioritised", "furthest", "carer" beside the reports' "carers")."""
        if word in self._known or is_common_word(word):
            return True
        for ending, base in _INFLECTIONS:
            if word.endswith(ending) and len(word) > len(ending) + 2:
                stem = word[:len(word) - len(ending)] + base
                if stem in self._known or is_common_word(stem):
                    return True
        return any(f"{word}{ending}" in self._known for ending in ("s", "es", "d", "ed"))

    def _predict(self, masked: str):
        """The classifier's reading of a masked question; cached, as follow-ups replay earlier turns."""
        found = self._prediction_cache.get(masked)
        if found is None:
            if len(self._prediction_cache) > 2048:
                self._prediction_cache.clear()
            found = self.classifier.predict(masked)
            if found.intent in ("follow_up", "out_of_scope") and masked.rstrip().endswith("?") and any(
                    w in self.words_used and not is_common_word(w) for w in re.findall(r"[a-z]+", masked.lower())):
                # a closing question mark says nothing of what is asked: "what's the EHSG?" is "what's the EHSG",
                # though the examples' marks lean short questions towards follow-ups (not "What is the total?",
                # which names nothing of the reports' own)
                plain = self.classifier.predict(masked.rstrip(" ?"))
                found = plain if plain.confidence > found.confidence and plain.intent not in (
                    "follow_up", "out_of_scope") else found
            self._prediction_cache[masked] = found
        return replace(found)  # a copy: read() may adjust it

    def mask(self, text: str) -> str:
        """The question as the classifier reads it: authorities as AREA, years as YEAR, figures as NUM."""
        return self.slots(text).masked

    # ------------------------------------------------------------ reading
    def understand(self, message, history: list | None = None) -> list[Plan]:
        """One Plan per question in the message (a message may hold two: "How did Leeds do, and why?")."""
        found = read_message(message)
        if found.problem:
            return [Plan(found.text, "out_of_scope", "summary", decline=found.problem)]
        context = self.context(history)
        questions = [self._past_chatter(q) for q in self._choose(found.candidates)]
        if context.last is None and questions and questions[0] in found.candidates[1:] \
                and self._predict(self.mask(questions[0])).intent == "follow_up":
            # "kirklees only got 20% this year which is shocking tbh. what about the year before?": the follow-up
            # goes on from the statement before it, read as the question it would be
            said = found.candidates[found.candidates.index(questions[0]) - 1]
            lead = self.read(said, context)
            said_years = self.slots(said).years
            of_figures = slots.percentages(said) or slots.has("table_words", said) or said_years.named \
                or said_years.relative  # (not who is asking: "Hi, I'm from Leeds. How are…")
            if lead.route == "table" and lead.authorities and not lead.decline and of_figures \
                    and not _SELF_INTRO.match(said):
                context = Context(lead, context.answer_names, context.answer_authorities, context.answer_quotes,
                                  _seen(context.authorities_seen, lead.authorities))
        if found.context:  # "assistant: Leeds got 5,000 in 2024-25. user: really? what's the real figure"
            questions = [self._with_its_message(q, [*found.context, q], topic_before=False) for q in questions]
        plans: list[Plan] = []
        for i, question in enumerate(questions):
            parts = split_compound(question)
            if len(parts) == 2 and slots.is_only("bare_reason_asks", parts[0]) \
                    and not slots.is_only("bare_reason_asks", parts[1]):
                parts.reverse()  # "Is there a reason given anywhere, and what were Swindon's two percentages?": why
                # comes after what it asks about, as in "How did Leeds do? Why?"
            for j, part in enumerate(parts):
                continues = bool(plans) and (i > 0 or j > 0)
                plan = self.read(part, context, continues=continues)
                plans.append(plan)
                if plan.route != "none":
                    context = Context(plan, context.answer_names, context.answer_authorities, context.answer_quotes,
                                      _seen(context.authorities_seen, plan.authorities))
        return plans[:4]

    def _choose(self, candidates: list[str]) -> list[str]:
        """The sentences that are the question(s): in scope, question-like, best first in message order."""
        if len(candidates) == 1:
            return candidates
        candidates = candidates[-MAX_CANDIDATES:] if len(candidates) > MAX_CANDIDATES else candidates
        scored = []
        for k, own in enumerate(candidates):
            sentence = self._with_its_message(own, candidates)  # read with the sentences it leans on
            prediction = self._predict(self.mask(sentence))
            in_scope = 1.0 - dict(prediction.ranked).get("out_of_scope", 0.0)
            weight = 0.5 if prediction.intent == "follow_up" else 1.0
            found = self.slots(own)  # its own slots: what it borrows counts for reading it, not for choosing it
            evidence = SLOT_EVIDENCE if (found.matches or found.years.named or found.years.relative) else 0.0
            signal = question_signal(own)
            carries_on = sentence != own and self._predict(self.mask(own)).intent == "follow_up"
            scored.append((in_scope * weight + signal + evidence, k, sentence, in_scope, prediction.intent, signal,
                           prediction.confidence, own, carries_on))
        in_scope = [s for s in scored if s[3] >= 0.5]
        best = max(in_scope or scored)
        # Several real questions in a short message are all answered; a long message gets its best one; a
        # question beats a sentence that asks nothing the classifier can read ("I'm from Leeds. How are
        # outcomes defined?"), though not a request ("Add up the maximum … in the table. What is the total?").
        # (the message's last sentence needs no question mark: "…in 24/25? and which borough was lowest")
        questions = [s for s in in_scope if s[5] >= 0.6 or s[5] >= 0.4 and s[1] == len(candidates) - 1]
        standalone = [s for s in questions if s[4] != "follow_up"]
        if standalone:
            # a follow-up after a real question carries it on ("Q1: What was Hull's award? Q2: What was Wiltshire's?")
            first = min(q[1] for q in standalone)
            questions = [s for s in questions if s[4] != "follow_up" or s[1] > first]
            best = max(standalone)
        elif questions and best[5] < 0.6 and best[6] < OUT_OF_SCOPE_CONFIDENCE:
            best = max(questions)
        if 1 < len(questions) <= 3 and sum(len(c) for c in candidates) < 600:
            ordered = sorted(questions, key=lambda s: s[1])
            # one that only carries on from the question before it ("… in 2024-25? And in 2023-24?") is read as
            # its own words, a follow-up of that question, not with the message's other years and names
            return list(dict.fromkeys(s[7] if s[8] and s[1] > ordered[0][1] else s[2] for s in ordered))
        return [best[2]]

    def _past_chatter(self, question: str) -> str:
        """The question after a lead-in that is only chatter ("Just a quick one from me (sorry, long week!) - can
        you tell me who…"): the classifier reads the lead-in alone as out of scope. A lead-in that says what the
        question is about ("bristol 23/24 figures - were they…", "hull mental health pilot - how much") stays."""
        def names_something(lead: str) -> bool:  # "my nan lives in sheffield, how did the council do…"
            found = self.slots(lead)
            return bool(found.matches or found.outside or found.years.named or found.region)

        asked = _ASKS.search(question)  # "My family was supported by the council and I want to know what…"
        if asked and not re.search(r"\w", question[asked.end():]):
            asked = None  # "family therapy trial - what's it trying to find out?": no request, the question itself
        if asked and asked.start() > 0 and not names_something(question[:asked.start()]):
            return question[asked.start():]
        intro = _SELF_INTRO.match(question)
        if intro:
            # "I'm a councillor in Kent, how many families have been helped since 2015?": who is asking, not what
            # about, when the question neither points back ("how did we do") nor needs a council to be whole
            rest = question[intro.end():]
            points_back = any(slots.has(words, rest) for words in ("first_person", "pronouns", "unnamed_place"))
            # ("I'm from leeds - what was the allocation in 2024-25?": Leeds's, as a total or a row would be)
            leans = NEEDS_AUTHORITY | {"totals", "national_rate", "average", "follow_up"}
            whole = self._predict(self.mask(rest)).intent not in leans
            if question_signal(rest) >= 0.4 and not points_back and not self.slots(rest).matches and whole:
                return rest
            lead = self.slots(question[:intro.end()]) if points_back and question_signal(rest) >= 0.4 else None
            if lead and lead.region and not lead.matches and not self.slots(rest).region:
                # "I'm a councillor in the north east. how did we do?": "we" are the region
                return f"{slots.area_sets()[lead.region][0]}: {rest}"
        if asked and asked.start() > 0 and slots.has("first_person", question[asked.end():]):
            # "I'm the early help lead at rotherham and my director wants to know how we did…": who "we" are,
            # then the question
            lead = self.slots(question[:asked.start()])
            if lead.matches and not lead.years.named:
                return ", ".join(question[m.start:m.end] for m in lead.matches) + ": " + question[asked.end():].strip()
        m = _LEAD_IN.match(question)
        if not m or question_signal(m.group(2)) < 0.4 or question_signal(m.group(1)) or names_something(m.group(1)):
            return question
        prediction = self._predict(self.mask(m.group(1)))
        chatter = prediction.intent == "out_of_scope" and prediction.confidence >= OUT_OF_SCOPE_CONFIDENCE
        return m.group(2) if chatter else question

    def _with_its_message(self, question: str, candidates: list[str], topic_before: bool = True) -> str:
        """A question that leans on the rest of its message ("Could you confirm what the annual report says?",
        "we got 2,000 outcomes in 2024-25, right?", "target met? essex 24/25") is read with the message's
        sentences that name an authority or a year ("We're Stockport.", "… our allocation in 2024-25 …"), in
        message order. With `topic_before`, "it" in the question points at the topic of the sentence before (not
        when the others are pasted chat lines, whose claims and orders are no topic of the user's)."""
        found = self.slots(question)
        has_years = bool(found.years.named)

        def names_one(text: str) -> bool:  # what the question lacks: an authority, a region, or a year too
            other = self.slots(text)
            # (where the asker works, "I'm a data lead at a council in the East Midlands", is what a question
            # about "we" or "our" leans on, not one about "other councils")
            region = other.region and not found.region and not (_ASKER.match(text) and not any(
                slots.has(words, question) for words in ("first_person", "back_references", "unnamed_place",
                                                         "place_back_references")))
            return bool(other.matches or other.outside or (other.years.named and not has_years) or region)

        # …or is a fragment of a terse message ("target met? essex 24/25", "kent. 2023-24. percentage?")
        terse = len(re.findall(r"[A-Za-z]+", question)) <= TERSE_WORDS
        leans = slots.has("checking_cues", question) or slots.has("pronouns", question) or \
            slots.has("back_references", question) or slots.has("first_person", question) or \
            slots.has("unnamed_place", question) or terse or \
            (self._closes(question, candidates) and self._asks_figures_of_nobody(question))
        # ("… Devon against Cornwall - how did the two compare"; a request for figures ends the message it leans on)
        # (a question naming one council but asking about "we" leans on the sentence saying who "we" are: "I'm a
        # councillor in redcar and cleveland. Can you tell me whether we did better than middlesbrough…")
        ours = slots.has("first_person", question) and len(found.matches) == 1 and not found.outside and (
            slots.has("comparatives", question) or slots.has("beats_words", question))
        if (found.matches or found.outside or not leans) and not ours:
            return question
        others = [c for c in candidates if c != question and names_one(c) and not (
            ours and not {m.name for m in self.slots(c).matches} - {found.matches[0].name})][:MESSAGE_CONTEXT]
        at = candidates.index(question) if question in candidates else len(candidates)
        before = candidates[at - 1] if 0 < at <= len(candidates) else ""
        if topic_before and before and before not in others and slots.has("pronouns", question) \
                and not _ASKER.match(before) and question_signal(before) < 0.6 \
                and len(self._subject_words(before)) >= TOPIC_BEFORE:
            # "Our board asked whether councils see data sharing improve. What share said it had improved in
            # 2023?": "it" is the sentence before's topic
            others = [c for c in candidates if c in others or c == before]
        if not others:
            return question
        return " ".join([self._borrowed(c) for c in others if candidates.index(c) < at] + [question]
                        + [self._borrowed(c) for c in others if candidates.index(c) > at])

    def _asks_figures_of_nobody(self, question: str) -> bool:
        """ "Can you give me both years' figures?", "what were the two figures": read as an authority's figures,
        or asking for figures, but naming neither it nor anything else; the message's other sentences say whose."""
        subject = set(self._subject_words(question))
        return len(subject) <= 1 and self._predict(self.mask(question)).intent in NEEDS_AUTHORITY or (
            slots.has("figure_nouns", question)
            and not subject - set(slots.vocabulary()["figure_nouns"]) - set(slots.vocabulary()["table_words"]))

    def _closes(self, question: str, candidates: list[str]) -> bool:
        """Whether the question ends its message, but for a sign-off that names nothing ("Much appreciated.")."""
        if question not in candidates:
            return False
        return all(question_signal(c) < 0.4 and not self.slots(c).matches
                   for c in candidates[candidates.index(question) + 1:])

    def _borrowed(self, text: str) -> str:
        """What a question takes from a sentence beside it: the sentence without its figures; from one saying who
        is asking ("I'm a ward councillor in Wakefield and I sit on the scrutiny committee."), only the places and
        years it names: the job's words ("ward", "school", "staff") are not what is asked about."""
        if not _ASKER.match(text):
            return self._without_figures(text)
        found = self.slots(text)
        spans = sorted([(m.start, m.end) for m in found.matches] + [(s, e) for s, e, _, _ in found.outside]
                       + list(found.years.spans))
        named = [text[s:e] for s, e in spans]
        if found.region and not found.region.startswith("not_") and not found.matches:
            named.append(slots.area_sets()[found.region][0])
        return ", ".join(named) + "." if named else self._without_figures(text)

    def _without_figures(self, text: str) -> str:
        """A sentence beside the question without its figures and table rules: they are the writer's
        ("Sheffield | 5000 | 300%" is a claim to check, not "300%"); its places, years and words stay."""
        years = self.slots(text).years.spans
        kept = re.sub(r"[£$]?\d[\d,.]*%?", lambda m: m.group() if any(s <= m.start() < e for s, e in years) else " ",
                      text)
        return re.sub(r"[ \t|]+", " ", kept).strip()

    def read(self, question: str, context: Context | None = None, continues: bool = False) -> Plan:
        """The Plan for one question, with `context` for follow-ups."""
        context = context or Context()
        text = self.spell(question)
        found = self.slots(text)
        matches, outside, years, masked = found.matches, found.outside, found.years, found.masked
        prediction = self._predict(masked)
        exclude = self._excluded(text, matches)
        authorities = list(dict.fromkeys(m.name for m in matches if m.name not in exclude))
        said = [m.said for m in matches if m.name not in exclude]
        two_ways = next((w for w in AMBIGUOUS if re.search(rf"\b{w}\b(?!\s+upon)", text, re.I)), None)
        if two_ways and not authorities:
            # "kingston (the london one, not hull)": the one the question leaves in, or the one in the region named
            options = [o for o in AMBIGUOUS[two_ways] if o not in exclude]
            in_region = [o for o in options if found.region and o in slots.area_sets().get(found.region, ("", ()))[1]]
            chosen = options if len(options) == 1 else in_region if len(in_region) == 1 else []
            if chosen:
                authorities, said, found = chosen, [two_ways], replace(found, region=None, regions=[])
        last = context.last
        if last is not None and last.route == "table" and context.earlier_answer_authorities \
                and context.answer_authorities and slots.has("in_both", text):
            return self._in_both(text, context)
        # A follow-up: it says so ("and…", "it", very short), or it needs an authority only the conversation names.
        needs_context = prediction.intent in NEEDS_AUTHORITY and not matches and not outside
        short_words = len(re.findall(r"[A-Za-z]+", masked)) <= SHORT_FOLLOW_UP
        # A later part of a compound question goes on about the first ("…, and what was the ambition?") unless
        # it names its own place or year ("1) how did Kent do and 2) who wrote the 2024-25 foreword").
        own_subject = bool(matches or outside or years.named)
        follow = (continues and not own_subject) or prediction.intent == "follow_up" or \
            self._looks_like_follow_up(text, masked) or (
            needs_context and last is not None and bool(last.authorities)) or (
            # A short question with no year or table words, after a text answer, goes on about the same thing
            # (not one asking the tables of a council it names: "how did norfolk do last year"; "how much did
            # nottingham get" after the SEND project is its award)
            last is not None and last.route == "documents" and short_words and not years.named
            and not slots.has("table_words", text) and not (
                matches and prediction.intent in TABLE_INTENTS and not slots.has("pronouns", text)
                and not _ASKS_MONEY.search(text))) or (
            # "which section improved most since 2022?" after the EHSG scores: one of its sections
            last is not None and last.intent == "ehsg" and re.search(r"\bsections?\b", text, re.I) is not None) or (
            # "how did the first one do in 2024-25?" after a list: that row
            last is not None and last.intent in ("rank", "rank_change", "filter")
            and _ordinal_ref(text, len(context.answer_authorities)) is not None)
        if follow and last is not None and last.route == "table" and prediction.intent == "text" and short_words \
                and slots.has("pronouns", text) and prediction.answer_type not in TEXT_TYPES:
            prediction = replace(prediction, intent="follow_up")  # "how did they do last year?" after a ranking
        plan = Plan(question=text, intent=prediction.intent, answer_type=prediction.answer_type,
                    confidence=prediction.confidence, authorities=authorities, said=said, exclude=exclude,
                    search_text=with_related_words(_without_relative_years(self._spelled_right(text, matches))),
                    follow_up=follow and last is not None)
        plan.measure = slots.first_key("measures", text)
        plan.order = plan.asked_order or "top"
        plan.both_reports = slots.has("both_reports", text)
        plan.names = self._names(text, matches)
        plan.counted, plan.role = _counted(text), _role(text)
        plan.title = _title(text, person=plan.answer_type == "person")
        if plan.answer_type in ("list", "organisation", "summary", "definition") and _post_asked(text) \
                and not _places_wanted(text):
            plan.answer_type = "person"  # "the names of the two SEND navigators in leeds": people, named
        if plan.answer_type == "person" and plan.title and (slots.has("organisation_types", plan.title)
                                                           or slots.has("organisation_roles", plan.title)):
            plan.answer_type = "organisation"  # "what's the name of the charity that ran family voice": a body
        named = _WHO_IS.search(text)
        person = next((g for g in named.groups() if g), "") if named else ""
        acronym = person.isupper() and len(person) > 1 and person.lower() in self.words_used  # "who are IFF?"
        if (person.lower() in self.people or acronym) and not matches:
            # "who is hannah?", "who's lauren in the case study", "who are ecorys": the one the reports name
            plan.introduce, plan.answer_type, plan.title = person if acronym else person.capitalize(), "person", None
        plan.counted_words, plan.places_wanted = _counted_words(text), _places_wanted(_after_exclusion(text, matches,
                                                                                                       exclude))
        plan.counted_head = _counted_head(text)
        plan.share_of, plan.rate_of, plan.age_of = slots.share_of(text), slots.rate_of(text), slots.age_of(text)
        plan.money_for = slots.money_for(text)
        plan.stages = tuple(sorted(slots.stages(text)))
        if plan.age_of:
            plan.answer_type = "number"  # "how old was hannah when the case study happened": an age, not a date
        plan.items_asked = _items_asked(text)
        if plan.answer_type in ("number", "list") and plan.items_asked and "overview" in plan.cues \
                and not plan.counted_words:
            plan.answer_type = "summary"  # "give me 4 headlines from the 2023-24 report": points, not a figure
        if plan.counted_words and plan.answer_type in ("money", "percentage", "summary", "definition"):
            plan.answer_type = "number"  # "how many projects were awarded funding" counts projects
        elif not plan.counted_words and (plan.answer_type in ("number", "money") and plan.places_wanted or (
                plan.answer_type in ("person", "organisation", "summary", "definition") and plan.places_wanted >= 2)):
            plan.answer_type = "list"  # "which councils were wave one…", "which councils got cash…", "who were the
            # SEND pilot councils", "what areas did the mental health project work in": names
        elif plan.answer_type == "number" and not plan.counted_words and slots.has("money_words", text):
            plan.answer_type = "money"  # "how much of the £695m had been spent": an amount of money
        elif plan.answer_type in ("summary", "definition", "organisation") and not plan.counted_words \
                and _ASKS_MONEY.search(text) \
                and slots.asks_money(text):
            plan.answer_type = "money"  # "what did it cost to run the data survey", "what's the payment per outcome"
        elif plan.answer_type == "definition" and re.match(r"\s*which\b", text, re.I):
            plan.answer_type = "list"  # "which section of the EHSG does … exemplify": a choice, not a term
        elif plan.answer_type == "list" and prediction.intent == "text" and not plan.places_wanted \
                and re.match(r"\W*who\s+(?!(?:are|were|is|was)\b)\w+", text, re.I) and not slots.has("member_words", text):
            plan.answer_type = "organisation"  # "who checks the claims", "who audits…": the body that does it
        if re.match(r"\W*(?:why|(?:the\s+)?(?:reasons?|rationale|thinking|logic)\s+(?:for|behind)|how\s+come)\b",
                    _last_clause(slots.same_as(text), r"why\b"), re.I) or slots.has("reason_asks", text) \
                or re.search(r"\bwhat\b[^?]*\bfor\s*\?", text, re.I):
            # "why…", "how come…", "send pilots: why…", "what were they trying to achieve", "what's the money
            # for?": a cause or a purpose, whatever figure it is about
            plan.answer_type = "reason"
        elif re.match(r"\W*(?:(?:since|from|in|by|until)\s+)?(?:when\b|(?:which|what)\s+(?:month|year|date|day)\b)",
                      text, re.I) \
                and plan.answer_type not in ("date", "reason"):
            plan.answer_type = "date"  # "when did hull get its £90,000", "which month were the spot checks"
        elif re.match(r"\W*(?:(?:pls|please|can\s+you|could\s+you)\s+)?(?:define|definition\s+of|(?:the\s+)?meaning\s+of)\b",
                      text, re.I) and plan.answer_type != "definition":
            plan.answer_type = "definition"  # "define whole family working": what the term is, not a summary
        elif plan.answer_type in ANSWER_TYPES_WANTING_FIGURES | {"comparison"} and not authorities \
                and (not slots.has("table_words", text) or re.search(r"\breport\b", text, re.I)) and (re.match(
                    r"\W*(?:(?:pls|please|can\s+you|could\s+you)\s+)?(?:sum\s+up|summari[sz]e|recap)\b", text, re.I)
                    or (slots.has("summary_asks", text) and not plan.counted_words
                        and not re.search(r"\bhow\s+(?:many|much)\b", text, re.I))):
            # "sum up how the spot checks went", "tldr of the 2023-24 report", "the headline numbers from the older
            # report": key points, not one figure
            plan.answer_type = "summary"
        elif plan.answer_type == "percentage" and re.search(r"\b(?:rate|amount|payment|price)\s+per\s+\w+", text, re.I):
            plan.answer_type = "money"  # "the payment by results rate per outcome": an amount for each, not a share
        elif re.fullmatch(r"\W*(?:and\s+)?(?:what|anything)\s+(?:else|more)\W*", text, re.I):
            plan.answer_type = "summary"  # "what else?": more of what was just quoted, in points
        elif slots.has("person_asks", text) and plan.answer_type == "organisation":
            plan.answer_type = "person"  # "who at Ealing council led the work": someone there, not the council
        elif plan.answer_type == "number" and plan.intent == "text" and _WHAT_IS.match(text) \
                and not slots.has("figure_nouns", text):
            plan.answer_type = "definition"  # "what was the family voice thing in 2023-24?": it, not a figure
        elif plan.answer_type == "number" and plan.intent == "text" and plan.stages and not plan.counted_words \
                and not re.search(r"\b(?:how\s+(?:many|much)|number|total|count)\b", text, re.I):
            # "wave 1 pathfinder areas?": the figure names the wave; what is asked is its areas
            plan.answer_type = "list" if re.search(rf"\b(?:{AREA_WORDS})\b", text, re.I) else "summary"
        elif plan.answer_type in ("percentage", "money") and plan.intent == "text" \
                and not slots.has("figure_nouns", text) and not slots.asks_money(text):
            plan.answer_type = "summary"  # "what earlier programmes fed into the reforms": no share, no amount
        elif re.match(r"\W*who(?:['’]?s)?\s+(?:is|was|were|are)\b", text, re.I) \
                and plan.answer_type in ("date", "number", "money", "percentage"):
            plan.answer_type = "person"  # "who was the minister when it moved to the DfE": a name, not the date
        self._fill_figures(plan, text)

        # The intent, among those the slots allow.
        has_places = bool(authorities) or bool(outside)
        context_places = bool(last and (last.authorities or context.answer_authorities)) and follow
        allowed = {i for i, _ in prediction.ranked}
        if not has_places and not context_places:
            # (a region is read as its authorities' totals: "how did the north east do"; "each region" as all)
            regional = found.region or slots.has("region_words", text) or _ea_areas(text)
            allowed -= NEEDS_AUTHORITY - ({"lookup", "change", "target"} if regional else set())
        if has_places:
            allowed -= NO_AUTHORITY
        if prediction.intent == "out_of_scope" and (slots.has("text_topics", text) or self._subject_words(text)) \
                and not self._strange_words(text) \
                and (slots.has("overview_cues", text) or slots.has("summary_asks", text)):
            # "can you explain family hubs to me": asked to explain a topic of theirs, in the reports' own words
            # (not "is the FFP going to work better…", a forecast they don't make)
            allowed.discard("out_of_scope")
        if slots.has("unnamed_place", text) and not has_places and not context_places and not found.region \
                and prediction.intent in TABLE_INTENTS and last is None:
            # "how did the council do in 2023-24", "did the council hit its target": which one is not said
            plan.decline = ("Which council do you mean? Name the local authority, for example “How did Leeds do in "
                            "2023-24?”")
            return plan
        if two_ways and not has_places and not context_places:
            # "kingston 2024-25": upon Thames or upon Hull; asked back, not guessed
            options = AMBIGUOUS[two_ways]
            plan.decline = (f"Which {two_ways.capitalize()} do you mean: {' or '.join(options)}? Both are in the "
                            f"outcome tables; ask, for example, “How did {options[0]} do in 2024-25?”")
            return plan
        # "the july 2024 ehsg collection - which number was that": the lead-in is what "that" points at
        lead_in = _LEAD_IN.match(text)
        standalone = slots.has("table_words", text) or (
            question_signal(text) >= 0.4 and not slots.starts_with("follow_up_cues", text)) or bool(
            lead_in and question_signal(lead_in.group(2)) >= 0.4)
        bare = last is None and not continues and not has_places and not years.named and _bare(text)
        if bare or (prediction.intent == "follow_up" and last is None and not has_places and not standalone):
            allowed = {"follow_up"}  # "And in 2023-24?", "why?", "who ran it?" on a fresh page: ask what it follows
        elif not follow or last is None:
            allowed.discard("follow_up")
        if prediction.answer_type == "money":
            allowed -= TABLE_INTENTS  # the tables hold outcome counts, never money
        if (authorities or outside) and (years.named or plan.measure or slots.has("text_topics", text)):
            # an authority with a year or a measure is a question about the tables; with a topic of the reports'
            # text ("hull mental health money?"), about the text
            allowed.discard("out_of_scope")
        if authorities and years.named and slots.has("table_words", text) and not slots.has("text_topics", text) \
                and not slots.asks_money(text) and allowed & TABLE_INTENTS:
            allowed.discard("text")  # "please send kent stats 23/24": its row of the tables
        if authorities and allowed & TABLE_INTENTS and _asks_why_its_figures(plan, text):
            allowed.discard("text")
        if plan.introduce:
            allowed = {"text"}  # "who's lauren": a person of the reports' own case study
        ranked = [(i, p) for i, p in prediction.ranked if i in allowed]
        total = sum(p for _, p in ranked) or 1.0
        plan.intent, plan.confidence = ranked[0][0], ranked[0][1] / total
        if plan.intent in TABLE_INTENTS and plan.counted in ("years", "yrs", "times", "months", "weeks"):
            plan.intent = "text"  # "how many years in a row did norfolk hit 100%": the tables hold two years

        if follow and last is not None:
            plan = self._continue(plan, last, context, years, prediction.intent == "follow_up")
            unknown = None if matches or outside else (self._unknown_name(text) or self._unknown_follow_up(text))
            if unknown and plan.route == "table":  # "and gotham?" after Cumberland's figures: not Cumberland again
                suggestions = self.resolver.suggest(unknown)
                hint = f" Nearest names in the tables: {', '.join(suggestions)}." if suggestions else ""
                plan.decline = f"“{unknown}” is not in the outcome tables.{hint}"
                return plan
        else:
            self._set_years(plan, years, last)
        if plan.intent == "change" and len(plan.authorities) == 1 and not years.named and not years.relatives \
                and last is not None and last.route == "table" and last.intent in ("lookup", "target") \
                and len(last.years) == 1 and len(last.authorities) == 1 and last.authorities != plan.authorities \
                and slots.has("difference_asks", text):
            # "norfolk 2024-25", "suffolk?", "how many more did norfolk get": more than the council just asked
            # about, that year, not more than itself the year before
            plan.intent, plan.authorities = "compare", [plan.authorities[0], last.authorities[0]]
            plan.said, plan.years = plan.said + list(last.said), list(last.years)
            plan.measure = plan.measure or last.measure
        # a follow-up with nothing before it, or nothing it could be about; or one whose councils are those
        # of an answer before it ("which of the two was better") when none came before
        if plan.intent == "follow_up" or (not context_places and not authorities and plan.route == "table"
                                          and slots.has("earlier_places", text)):
            plan.decline = ("That reads as a follow-up, but " + (
                "I couldn't tell what it asks of the answer before. " if last is not None else
                "there is no earlier question to follow. ") + "Please ask the whole question, for example “How many "
                "outcomes did Leeds achieve in 2023-24?”")
            return plan
        self._finish(plan, text, found, outside, years)
        return plan

    def _in_both(self, text: str, context: Context) -> Plan:
        """ "Which of those were in both lists?" after two table answers: the councils both listed, with their
        rows in the years the two asked about."""
        common = list(dict.fromkeys(a for a in context.earlier_answer_authorities if a in context.answer_authorities))
        years = sorted(set(context.earlier_years) | set(context.last.years))
        plan = Plan(question=text, intent="lookup", answer_type="list", authorities=common, years=years,
                    measure=context.last.measure, in_both=True, follow_up=True)
        if not common:
            plan.decline = "None of the councils the first of the two answers listed is in the second."
        return plan

    # ------------------------------------------------------------ pieces of read()
    def _looks_like_follow_up(self, text: str, masked: str) -> bool:
        words = re.findall(r"[A-Za-z]+", masked)
        return slots.starts_with("follow_up_cues", text) or slots.has("pronouns", text) or len(words) <= 4 \
            or slots.has("back_references", text)  # "which one hit a higher percentage?"

    def _set_years(self, plan: Plan, years: slots.Years, last: Plan | None, base: list[str] | None = None) -> None:
        plan.years, plan.years_outside = list(years.named), list(years.outside)
        plan.years_named_outside = list(years.outside)
        newest = self.table_years[-1] if plan.intent in TABLE_INTENTS and self.table_years else \
            (self.years[-1] if self.years else "")
        if {"newest", "previous"} <= years.relatives and not plan.years and newest:
            plan.years = [slots.step(newest, -1, self.years), newest]  # "last year than the year before"
        elif "newest" in years.relatives and len(plan.years) == 1 and newest and plan.years[0] < newest \
                and not years.outside:
            plan.years = [plan.years[0], newest]  # "from 23/24 to last year", "2023-24 vs last year"
        elif years.relative == "all" and not plan.years and not years.outside:
            # ("100% for 4 years running - what were the numbers in 2021-22": the year named, which the reports lack)
            plan.years = list(self.table_years if plan.intent in TABLE_INTENTS else self.years)
        elif years.relative == "newest" and not plan.years and newest:
            plan.years, plan.year_note = [newest], f"{newest}, the latest report"
            if plan.intent == "change":
                plan.years = [slots.step(newest, -1, self.years), newest]
                plan.year_note = ""
        elif years.relative == "other" and not plan.years and base:
            others = [y for y in (self.table_years if plan.intent in TABLE_INTENTS else self.years) if y not in base]
            plan.years = others[-1:]  # "and the other report?"
        elif years.relative in ("previous", "next") and not plan.years:
            by = -1 if years.relative == "previous" else 1
            anchor = (base or [newest])[0] if by < 0 else (base or [newest])[-1]
            if anchor:
                year = slots.step(anchor, by, self.years)
                if plan.intent == "change" and not base:
                    plan.years = [year, anchor] if by < 0 else [anchor, year]
                elif year in self.years:
                    plan.years = [year]
                    if not base:
                        plan.year_note = f"{year}, the report before the latest" if by < 0 else ""
                else:
                    plan.years_outside = [year]

    def _continue(self, plan: Plan, last: Plan, context: Context, years: slots.Years, elliptical: bool) -> Plan:
        """A follow-up keeps what it follows and changes what it names."""
        own_table = plan.intent in TABLE_INTENTS
        # "how did the second one do the year before?" after a list: that row of it
        row_asked = last.intent in ("rank", "rank_change", "filter") and bool(context.answer_authorities) \
            and _ordinal_ref(plan.question, len(context.answer_authorities)) is not None
        if _elliptical(plan.question) and plan.intent == "follow_up" and last.route == "table":
            plan.answer_type = last.answer_type  # "and gotham?" after a figure: the same kind of answer
        if plan.intent == "out_of_scope" and last.route == "documents":
            plan.intent = "text"  # "what's it actually testing?" after the trial: about what was just said
        q = plan.question
        if last.route == "documents" and last.places_wanted and len(context.answer_authorities) >= 2 \
                and not plan.authorities and (slots.has("pronouns", q) or slots.has("back_references", q)) \
                and not slots.asks_money(q) and not slots.has("money_words", q) \
                and (own_table or slots.has("table_words", q) or slots.first_key("measures", q)
                     or plan.answer_type == "percentage"):
            # "what were their percentages in 2024-25?", "which of them had the lowest %?" after the councils a
            # project names: their Annex A rows, side by side (not "which one got the most money?": the awards)
            plan.intent, plan.authorities = "compare", list(context.answer_authorities)
            plan.said = list(plan.authorities)
            plan.measure = slots.first_key("measures", q) or slots.first_key("order_measure", q) or "percentage"
            self._set_years(plan, years, None)
            plan.years = plan.years or list(self.table_years[-1:])
            plan.follow_up = True
            return plan
        weighing = plan.answer_type == "comparison" or slots.has("comparatives", plan.question) \
            or slots.has("change_words", plan.question)
        short = len(re.findall(r"[A-Za-z]+", plan.question)) <= SHORT_FOLLOW_UP
        if last.route == "table" and (weighing or slots.order(plan.question)) and not plan.authorities \
                and slots.has("back_references", plan.question) and len(context.authorities_seen) >= 2:
            plan.intent = "follow_up"  # "which of the two was closer to its allocation?" after two councils' figures
        if last.route == "table" and weighing and not plan.authorities and (
                plan.intent == "out_of_scope" or (plan.intent == "text" and short and not slots.has("text_topics", plan.question))):
            plan.intent = "follow_up"  # "what's the difference?", "so what's the increase?" after two figures
        if last.route == "table" and short and not plan.authorities and last.authorities \
                and (plan.intent in ("text", "out_of_scope") or (
                    plan.intent in ("count", "filter") and not re.search(r"\d", plan.question))) \
                and not slots.has("text_topics", plan.question) and (
                    "amount" in plan.cues or slots.first_key("measures", plan.question)):
            # "out of how many?", "what % was that" after a council's figures: its row (no threshold counted)
            plan.intent = "follow_up"
        if last.route == "table" and not plan.authorities and len(last.authorities) == 1 \
                and slots.has("pronouns", plan.question) and self._predict(
                    slots.substitute("pronouns", "AREA", self.mask(plan.question))).intent == "earned_autonomy_member":
            # "did they get EA?", "and was it one of the earned autonomy areas?" after one council's figures: read
            # as if it named the council
            plan.intent, plan.answer_type = "earned_autonomy_member", "yes_no"
            plan.authorities, plan.said = list(last.authorities), list(last.said)
            self._set_years(plan, years, last)
            return plan
        about_ehsg = plan.intent == "ehsg" and slots.has("ehsg_words", f"{last.search_text} {last.question}")
        if last.route == "documents" and own_table and not plan.authorities and slots.has("pronouns", plan.question) \
                and slots.has("earned_autonomy_areas", last.search_text) and (
                    plan.places_wanted or plan.counted_words or re.match(r"\W*which\s+ones\b", plan.question, re.I)):
            # "which councils got it in 2023-24?", "how many have it?" after "what's earned autonomy?" (with the
            # words it follows, for when the text counts them: "21 local authorities have now achieved EA")
            plan.intent = "earned_autonomy_list"
            plan.search_text, plan.earlier = f"{plan.search_text} {last.search_text}", last.search_text
            self._set_years(plan, years, last)
            return plan
        # (a year named keeps a table question, unless "it" points back and the table question lacks what it needs:
        # "who got it in 2023-24?" after earned autonomy reads as "who got 100%" with no figure)
        lacks = (plan.intent in ("filter", "count") and plan.value is None) or (
            plan.intent in NEEDS_AUTHORITY and not plan.authorities)
        if last.route == "documents" and own_table and (not years.named or (lacks and slots.has("pronouns", plan.question))) \
                and not slots.has("table_words", plan.question) \
                and not about_ehsg:  # "what were the scores last year?" after "what is the EHSG?" is the EHSG table
            plan.intent = "text"  # "how much did Nottingham get?" after a question about a project's awards
            own_table = False
        names_own = bool(plan.authorities)
        if own_table and plan.intent in NEEDS_AUTHORITY and not plan.authorities and last.authorities:
            plan.authorities, plan.said = list(last.authorities), list(last.said)  # "did they hit 100% too?"
        if last.route == "table" and plan.intent in ("follow_up", "text") and not row_asked and (
                plan.answer_type in TEXT_TYPES or (plan.answer_type in ("list", "yes_no") and (
                    plan.intent == "text" or slots.has("text_topics", plan.question)))) \
                and (plan.answer_type == "reason" or not slots.has("table_words", plan.question)) \
                and not (last.intent in ("rank", "rank_change") and slots.keys_found("order", plan.question)):
            # "why so low?" after a table answer: the reports' text about the same authorities, if any; a question
            # with a subject of its own ("…and is it true the programme has now closed?") is about that
            from qa.retrieval import SUBJECT_WORDS

            plan.intent = "text"
            own = slots.same_as(plan.question)  # ("is it true" points at nothing)
            names_programme = bool(set(re.findall(r"[a-z]+", own.lower())) & SUBJECT_WORDS) or slots.has(
                "text_topics", own)  # "…3) who wrote the foreword to the final report?": a subject of its own
            refers = slots.has("pronouns", own) or slots.has("first_person", own)  # "they", "we" (the council)
            if not (plan.answer_type == "reason" or refers or (short and not names_programme)):
                self._set_years(plan, years, last)
                return plan
            plan.authorities, plan.said = list(last.authorities), list(last.said)
            plan.search_text = " ".join((plan.search_text, last.question))
            if plan.answer_type == "reason" and last.intent in TABLE_INTENTS:
                # "why so low?" after "as a % of the allocation?": why the figures are what they are, whatever
                # words asked for them last
                from qa.tabletool import MEASURES

                plan.search_text = " ".join((plan.search_text, MEASURES["achieved"]))
                plan.measure = plan.measure or last.measure or "achieved"  # (a reason for a figure: causes only)
            if last.intent == "earned_autonomy_member":
                # "what does that mean for them?" after "did Kent get earned autonomy?": what EA means
                plan.authorities, plan.said = [], []
                plan.search_text = " ".join((plan.search_text, "earned autonomy"))
            self._set_years(plan, years, last)
            if plan.answer_type == "reason" and last.intent in TABLE_INTENTS and not plan.years:
                plan.years = list(last.years)  # (of the year those figures are for)
            return plan
        only_years = _only_years(plan.question, self.years)  # "and the year after": the same, another year
        if last.route == "table" and (elliptical or plan.intent == "follow_up" or own_table or only_years or row_asked):
            # "which london borough was lowest?" after how many were on 100%: a ranking of its own
            own_ranking = not plan.authorities and last.intent in ("count", "filter") \
                and plan.intent in ("rank", "follow_up") and bool(self.slots(plan.question).region) \
                and bool(slots.order(plan.question)) and not slots.has("back_references", plan.question) \
                and not slots.has("pronouns", plan.question)
            if own_ranking:
                plan.intent = "rank"
            keep_operation = not own_ranking and (elliptical or only_years or plan.intent == "follow_up") or (
                plan.intent == "lookup" and last.intent in ("lookup", "change", "compare", "target")) or (
                last.intent == "ehsg" and not plan.authorities)  # "which section was lowest?" after the scores
            # "how many were in london?", "which of them are in the north west?" after the councils at 100%: the
            # same, in that region
            in_region = not plan.authorities and last.intent in SUBSET_INTENTS and self.slots(plan.question).region
            in_region = in_region and not own_ranking
            keep_operation = keep_operation or bool(in_region)
            if keep_operation and last.intent in ("totals", "national_rate") and not plan.authorities \
                    and slots.order(plan.question) and (slots.has("area_nouns", plan.question)
                                                        or slots.has("earlier_places", plan.question)
                                                        or re.match(r"\W*(?:and\s+)?which\b", plan.question, re.I)):
                keep_operation, plan.intent = False, "rank"  # "and the worst council there?" after a region's totals
                # ("and which of them was weakest?", "and which was best?" after a group's, or the nation's)
                plan.measure = plan.measure or slots.first_key("order_measure", plan.question)
            seen = context.authorities_seen
            if weighing and not plan.authorities and slots.has("back_references", plan.question) and len(seen) >= 2:
                plan.intent = "follow_up"  # "which one hit a higher percentage?"
            # "which was better?", "how does that compare with the year before?" (read as a lookup of last's area)
            # (not "what about 2024-25?" after kent vs essex in 2023-24: the same comparison, that year)
            # (nor "and in 2023-24?" after where Kent came in 2024-25, which the classifier may read as weighing: only
            # another year, asked the same way)
            comparing = weighing and not names_own and plan.intent in ("follow_up", "lookup", "change", "text") \
                and not (only_years and (last.intent == "compare" or not (
                    slots.has("comparatives", plan.question) or slots.has("change_words", plan.question))))
            if weighing and len(plan.authorities) == 1 and len(last.authorities) == 1 and \
                    plan.authorities != last.authorities and (slots.has("pronouns", plan.question) or re.match(
                        r"\W*(?:and\s+|so\s+)?(?:how\s+about\s+)?(?:compared?\s+(?:with|to)|vs\.?|versus|against)\b",
                        plan.question, re.I)):
                # ("and compared with kirklees?" after Calderdale's figures: the two side by side)
                # "is that more than rotherham?" after Sheffield's figure: the two side by side
                plan.intent, plan.authorities = "compare", last.authorities + plan.authorities
                plan.said, keep_operation = last.said + plan.said, False  # ("how does that compare with bath")
            two_years = len(set(last.years_seen) | set(last.years)) >= 2
            if comparing and last.intent in ("totals", "national_rate") and (two_years or years.named or years.relative):
                plan.intent, keep_operation = last.intent, False  # "so how much did it go up?" after both totals
            elif comparing and last.authorities and (years.named or years.relative or (two_years and len(seen) < 2)):
                plan.intent, keep_operation = "change", False  # "was that better than the year before?"
            elif weighing and not names_own and two_years and len(last.authorities) >= 2 \
                    and slots.has("progress_words", plan.question):
                plan.intent, plan.authorities, plan.said = "change", list(last.authorities), list(last.said)
                keep_operation = False  # "which improved more?" after two areas side by side: each one's change
            elif comparing and len(seen) >= 2:
                plan.intent, plan.authorities, plan.said = "compare", seen[-2:], seen[-2:]  # "which was better?"
                keep_operation = False
            merged = replace(last, question=plan.question, search_text=plan.search_text, follow_up=True, decline=None,
                             share_of=plan.share_of, rate_of=plan.rate_of, age_of=plan.age_of,
                             year_note="", outside_place=None, years_outside=[],
                             years_seen=sorted(set(last.years_seen) | set(last.years)),
                             ehsg_years_seen=sorted(set(last.ehsg_years_seen) | set(last.ehsg_years)))
            if slots.count_number(plan.question):
                merged.n = plan.n  # "top 5 then?"
            if last.intent in ("rank", "rank_change") and context.answer_authorities \
                    and (more := slots.next_count(plan.question)):
                # "and the next 2?" after the top one: the two below those listed
                merged.n, merged.exclude = more, list(last.exclude) + list(context.answer_authorities)
            if slots.keys_found("order", plan.question):
                merged.order = plan.order  # "and the best?" after the worst
                if last.n >= WHOLE_RANKING and not slots.has("whole_ranking", plan.question):
                    merged.n = plan.n  # "which of them did worst?" after all of them in order: the one
            if not keep_operation:
                merged.intent, merged.answer_type = plan.intent, plan.answer_type
                if plan.intent == "count_change" and last.authorities and not plan.authorities:
                    merged.intent = "change"  # "how many more than in 23/24?" after a question about one area
                merged.n, merged.comparator = plan.n, plan.comparator
                merged.value, merged.upper = plan.value, plan.upper
                merged.order = plan.order
            if plan.authorities:
                merged.authorities, merged.said = plan.authorities, plan.said
                if last.intent == "earned_autonomy_list" and _asks_membership(plan):
                    merged.intent = "earned_autonomy_member"  # "is sutton on that list?"
                elif last.intent in NO_AUTHORITY and keep_operation:
                    merged.intent = "lookup"
            elif last.intent == "filter" and re.match(r"\s*(?:so\s+|and\s+)?how many\b", plan.question, re.I) \
                    and not plan.counted_words:
                merged.intent, merged.answer_type = "count", "number"  # "how many is that?" after the list
            elif plan.intent in ("filter", "count") and last.authorities and plan.value is not None \
                    and slots.has("pronouns", plan.question) and last.intent in ("lookup", "compare", "change", "target"):
                # "were either of them at 100%?" after two councils: each one against its allocation, or its share
                full = plan.comparator == "eq" and plan.value == 100.0
                merged.intent, merged.authorities, merged.said = ("target" if full else "lookup"), list(
                    last.authorities), list(last.said)
                merged.measure, merged.answer_type = (None, "yes_no") if full else ("percentage", "percentage")
            elif last.intent == "earned_autonomy_list" and slots.has("pronouns", plan.question) \
                    and (plan.intent in ("lookup", "target", "change", "follow_up")
                         or (plan.intent == "rank" and not slots.order(plan.question))):
                # "how did they do in 2024-25?" after the Earned Autonomy areas: those areas ranked
                merged.intent, merged.subset, merged.n, merged.order = "rank", "earned_autonomy", WHOLE_RANKING, "top"
                merged.measure = plan.measure if plan.measure and plan.measure != "achieved" else "percentage"
            elif row_asked:
                # "how did the first one do in 2024-25?", "what about number 3": that row of the list
                row = context.answer_authorities[_ordinal_ref(plan.question, len(context.answer_authorities))]
                merged.intent, merged.authorities, merged.said = "lookup", [row], [row]
                merged.answer_type = "number"
            elif last.intent == "rank_change" and len(context.answer_authorities) == 1 and not plan.authorities \
                    and (re.match(r"\W*(?:by\s+)?how\s+(?:much|many)\b", plan.question, re.I)
                         or slots.has("pronouns", plan.question)):
                # "by how much?", "what were its numbers each year?" after "which council improved most": that
                # council's change, both years shown
                row = context.answer_authorities[0]
                merged.intent, merged.authorities, merged.said = "change", [row], [row]
            elif last.intent in ("rank", "filter") and context.answer_authorities and slots.has("pronouns", plan.question) \
                    and not in_region and not slots.keys_found("order", plan.question):
                # "what were their %s?"; "which of them did worst?" ranks them again, the other way
                merged.intent, merged.authorities = "lookup", list(dict.fromkeys(context.answer_authorities))
                if slots.has("progress_words", plan.question) and not years.named:
                    merged.intent, merged.years = "change", list(self.table_years)  # "did any of them improve?"
            if not merged.authorities and not years.named and slots.has("cumulative_words", plan.question):
                # "and in total over the whole programme?" after 2024-25's total: the running total, found with
                # the words of the question it follows, not that year's
                merged.years = []
                merged.search_text = f"{plan.search_text} {_without_years(last.search_text, self.years)}"
            if plan.measure and plan.measure != "achieved" or re.search(r"achiev", plan.question, re.I):
                merged.measure = plan.measure or merged.measure
            if plan.intent == "target" and merged.authorities:
                merged.intent = "target"
            if years.named or years.outside or years.relative:
                self._set_years(merged, years, last, base=last.years or None)
                if merged.intent in ("change", "totals") and not keep_operation and len(merged.years) == 1 \
                        and set(merged.years_seen) - set(merged.years):
                    merged.years = sorted(set(merged.years) | set(merged.years_seen))  # "how many more than in 23/24?"
                if merged.intent == "change" and len(merged.years) == 1:
                    merged.intent = "lookup"
                elif not merged.years and not merged.years_outside:
                    merged.years = list(last.years)
            if merged.intent in ("change", "totals", "national_rate") and not keep_operation and len(merged.years) < 2 and \
                    len(set(merged.years) | set(merged.years_seen)) >= 2:
                merged.years = sorted(set(merged.years) | set(merged.years_seen))  # "and 24/25?" … "how many more is that"
            if plan.ehsg_years:
                merged.ehsg_years = plan.ehsg_years
            if merged.intent in NEEDS_AUTHORITY and not merged.authorities and last.intent in ("rank", "rank_change") \
                    and context.answer_authorities:
                # "by how much?" after "which council improved most": the one the ranking put first
                merged.authorities = list(context.answer_authorities[:max(1, last.n)])
                merged.said = list(merged.authorities)
            if merged.intent in NEEDS_AUTHORITY and not merged.authorities:
                merged.intent = "follow_up"
            return merged
        if plan.intent == "follow_up" and last.route == "documents" and names_own and (years.named or years.relative):
            # "how did the lancashire one do in 2024-25 then?" after the Earned Autonomy areas: its row
            plan.intent = "lookup"
            self._set_years(plan, years, last)
            return plan
        if plan.intent == "follow_up" and last.route == "documents" and len(last.authorities) == 1 \
                and slots.has("pronouns", plan.question) and slots.has("table_words", plan.question):
            # "and how did they do on family outcomes in 2024-25?" after Wakefield's SEND award: its row, read as
            # the question would be with the council in place of "they"
            about = self._predict(slots.substitute("pronouns", "AREA", self.mask(plan.question)))
            if about.intent in NEEDS_AUTHORITY and about.confidence >= OUT_OF_SCOPE_CONFIDENCE:
                plan.intent, plan.authorities, plan.said = about.intent, list(last.authorities), list(last.said)
                self._set_years(plan, years, last)
                return plan
        # A text follow-up is searched with the words of what it follows.
        if plan.intent in ("follow_up", "text") or not own_table:
            if plan.intent == "follow_up":
                plan.intent = "text" if last.route == "documents" or not last.authorities else plan.intent
            if plan.intent == "text":
                only_years, elliptical = _only_years(plan.question, self.years), _elliptical(plan.question)
                if (only_years or elliptical) and last.route == "documents":
                    plan.answer_type = last.answer_type  # "and the year before?", "and the SEND one?": the same kind of thing
                    plan.new_subject = not only_years
                elif last.answer_type == "person" and slots.has("pronouns", plan.question) \
                        and slots.has("job_words", plan.question):
                    plan.answer_type = "person"  # "what were their jobs?" after who signed: the signatures say
                # "they"/"it" may be what the answer named ("who delivered family voice?" … "how many areas did
                # they engage?"); after a definition, a summary or a figure it is the subject the question named, and
                # the answer's other names ("HM Treasury" beside the data accelerator fund) would only mislead
                names = context.answer_names if slots.has("pronouns", plan.question) \
                    and last.answer_type not in ("definition", "summary", "money", "number", "percentage", "date") else ""
                if not plan.authorities and len(last.authorities) == 1 and last.route == "documents" \
                        and slots.has("pronouns", plan.question) and not is_common_word(last.said[0].strip().lower()):
                    # "what did they spend it on?" after Southwark's award: Southwark, not every name quoted
                    # (unless the name was an everyday word: "reading the survey…" named no Reading)
                    plan.authorities, plan.said, names = list(last.authorities), list(last.said), ""
                before = last.search_text
                if years.named or years.relative:  # "and the 23/24 one?": the earlier question's years give way
                    before = _without_years(before, self.years)
                if plan.authorities:  # "what about kirklees?" after Hull: Kirklees takes Hull's place
                    for name in set(last.said) - set(plan.said):
                        before = re.sub(rf"\b{re.escape(name.strip())}(?:['’]s)?\b", " ", before, flags=re.I)
                topics, earlier_topics = _specific_topics(plan.question), _specific_topics(before)
                if topics and earlier_topics and not topics & earlier_topics:
                    # "and how much did they get for the mental health one?" after Southwark's SEND project: the
                    # new topic takes the old one's place, the council stays
                    before = " ".join(plan.said)
                    plan.new_subject = True
                plan.search_text = " ".join(p for p in (plan.search_text, before, names) if p)
                plan.earlier = before
                if last.route == "documents":
                    plan.anchor = list(context.answer_quotes)  # "who ran it?": near what was just quoted
        self._set_years(plan, years, last)
        if plan.intent == "text" and plan.answer_type == "person" == last.answer_type and not plan.years \
                and slots.has("pronouns", plan.question):
            plan.years = list(last.years)  # "what were their jobs?": in the report they signed
        return plan

    def _finish(self, plan: Plan, text: str, found: Slots, outside, years: slots.Years) -> None:
        """Ranking defaults, then whether to decline and why (`found`: the question's slots, with the English
        region it names)."""
        region = found.region
        plan.judgement = slots.has("judgement_asks", plan.question)
        if plan.intent in ("filter", "count") and not plan.authorities and not region and not plan.places_wanted \
                and not plan.items_asked and plan.value is not None and plan.comparator == "eq" \
                and {"checking_cues", "yes_no"} & plan.cues and _APPROXIMATE.search(text) \
                and not re.search(r"\b(?:which|how many|what|who)\b", text, re.I):
            # "is it true councils hit about 95% of their goal in 2024-25?": a claim about England's share or total
            # to check, not the councils at exactly 95%
            plan.intent = "national_rate" if plan.value_measure == "percentage" else "totals"
        alone = len(plan.authorities) == 1 and plan.intent in ("compare", "change")  # "how does leeds compare to…"
        if plan.authorities and (plan.intent in ("lookup", "target", "national_rate") or alone) \
                and slots.has("national_words", text):
            if plan.intent == "change" and years.relative == "newest" and not years.named:
                plan.years, plan.year_note = plan.years[-1:], f"{plan.years[-1]}, the latest report"  # "…last year"
            plan.intent = "national_rate"  # "was hartlepool above the national rate?": its share beside England's
        elif plan.authorities and (plan.intent in ("lookup", "target", "average") or alone) \
                and slots.has("average_words", text):
            if plan.intent == "change" and not years.named and len(plan.years) > 1:
                plan.years = plan.years[-1:]
            plan.intent, plan.measure = "average", "percentage"  # "is plymouth above average?": its share beside the mean
        benchmark = _BENCHMARK.search(text) if not plan.authorities and not plan.subset else None
        if benchmark and plan.intent in ("filter", "count", "rank", "lookup", "totals", "national_rate", "average"):
            # "how many councils were above the national rate in 2024-25", "which were below average": the
            # councils set against England's figure, not England's figure itself nor those on 100%
            below = re.match(r"below|under|lower|worse|less|beneath|short", benchmark.group(1), re.I)
            plan.comparator, plan.value, plan.measure = ("lt" if below else "gt"), None, "percentage"
            plan.against = "average" if slots.has("average_words", benchmark.group(2)) else "national_rate"
            plan.intent = "count" if re.search(r"\bhow\s+many\b|\bnumber\s+of\b", text, re.I) else "filter"
        if len(plan.authorities) == 1 and (re.match(r"\s*(?:so\s+)?(?:is|was)\b", text, re.I)
                                           or slots.has("checking_cues", text)) \
                and slots.has("superlatives", text) and plan.intent in ("lookup", "change", "compare", "target", "earned_autonomy_member"):
            # "is bexley the worst london borough in 24/25?", "…saying we're top in the south west. we're
            # plymouth. is that true": the ranking, checked against the area named
            plan.intent, plan.check, plan.authorities, plan.said = "rank", plan.authorities[0], [], []
            plan.n = 1
        elif len(plan.authorities) == 1 and (next_in_rank := _NEXT_IN_RANK.search(text)) \
                and plan.intent in ("lookup", "change", "compare", "target"):
            # "Cumberland had the biggest drop between the two years - who had the second biggest?": the ranking
            # the area named tops, not that area's figures
            plan.intent = "rank_change" if plan.intent == "change" or len(plan.years) > 1 else "rank"
            plan.authorities, plan.said = [], []
            if next_in_rank.group().lower().startswith(("runner", "next")):
                plan.n = max(plan.n, 2)  # (the top two: the one named and the runner-up, or the next best)
        moved = slots.earliest_key("moved", text)  # "fall" (bottom) or "rise" (top), as said first
        if plan.intent == "rank" and len(plan.years) != 1 and moved and not plan.authorities:
            plan.intent = "rank_change"  # "biggest fall in raw outcomes from 23/24 to last year": the change, ranked
        figures_named = slots.first_key("measures", text) and not slots.has("text_topics", text)
        if (plan.intent in ("rank", "rank_change", "count_change") or plan.intent == "text" and figures_named) \
                and not moved and not plan.authorities and not plan.follow_up and len(plan.years) != 1 \
                and slots.has("least_words", text) and re.search(r"\b(?:chang|mov|shift|vari|fluctuat)", text, re.I):
            plan.intent, plan.moved, plan.order = "rank_change", "least", "top"  # "whose outcomes moved least"
        if plan.intent == "rank_change" and moved and not plan.follow_up:
            plan.order = moved  # (the way it moved, whatever the superlative: "largest drop" is the biggest fall)
            if slots.has("least_words", text):  # "the smallest drop": of those that fell, the least
                plan.moved = "lt" if moved == "bottom" else "gt"
                plan.order = "top" if moved == "bottom" else "bottom"
        if plan.intent == "rank_change" and len(years.named) == 1 and not moved and not plan.follow_up \
                and not slots.has("comparatives", text) and not _CHANGE_WORD.search(text):
            plan.intent = "rank"  # "biggest shortfall in numbers 2024-25": that year's ranking; nothing changed
        if plan.intent in ("rank", "rank_change") and not plan.measure:
            plan.measure = slots.first_key("order_measure", text) or "achieved"
        if plan.intent in ("rank", "rank_change") and plan.measure == "shortfall" and _AS_A_SHARE.search(text):
            # "furthest from allocation by %": the lowest share of it achieved, not the most outcomes short
            plan.measure, plan.order = "percentage", "bottom" if plan.order == "top" else "top"
        if plan.intent == "rank" and plan.measure == "shortfall" and plan.order == "bottom":
            plan.comparator, plan.value = "gt", 0.0  # "closest to their allocation": among those that fell short
        if plan.intent in ("filter", "earned_autonomy_list") and slots.has("earned_autonomy_areas", text):
            # "which 6 councils got earned autonomy" names no threshold: it asks which they are; "which EA
            # councils fell short" does: it filters them
            threshold = plan.value is not None or slots.keys_found("comparators", text) & {"lt", "gt", "ge", "le"}
            plan.intent = "filter" if threshold else "earned_autonomy_list"
        if plan.intent == "text" and len(plan.authorities) == 1 and plan.answer_type == "yes_no" and (
                slots.has("earned_autonomy_areas", text) and not slots.has("loss_words", text)
                or plan.follow_up and _asks_membership(plan) and slots.has("earned_autonomy_areas", plan.earlier)):
            # "was norfolk given earned autonomy?"; "is kent one of them?" after the Earned Autonomy areas
            plan.intent = "earned_autonomy_member"
        counts_areas = plan.answer_type == "number" and not slots.has("table_words", text)
        if plan.intent in ("earned_autonomy_list", "earned_autonomy_member") and slots.has("loss_words", text):
            plan.intent = "text"  # "which councils lost earned autonomy": not those that have it
        if plan.intent == "earned_autonomy_list" and (_lists_other_things(text) or counts_areas):
            # "list the earned autonomy markers"; "how many have EA": the text counts them (21 now), the
            # 2023-24 table only marks the 15 that had it before that year's awards ("how many have an
            # asterisk in the table" is about the table)
            plan.intent = "text"
        if plan.intent == "text" and not plan.authorities and plan.comparator == "eq" and plan.value == 100.0 \
                and slots.has("full_marks", text) and not slots.has("text_topics", text) and (
                    plan.places_wanted or plan.share_of in slots.AREA_NOUNS
                    or re.match(rf"\W*how many\s+(?:local\s+)?(?:{AREA_WORDS})\b", text, re.I)):
            # "how many councils got every outcome they were funded for", "share of councils reaching full
            # marks": those at 100%, in the tables
            plan.intent = "filter" if plan.places_wanted else "count"
            plan.measure = "percentage"
        if plan.intent == "text" and not plan.authorities and not plan.follow_up and slots.has("superlatives", text) \
                and slots.first_key("measures", text) and plan.answer_type not in ("money", "reason") \
                and not slots.has("text_topics", text) and not slots.has("money_words", text):
            # "whats the biggest allocation in the country": the tables ranked by it, not a sentence about it
            plan.intent = "rank"
        if plan.intent in ("filter", "count") and plan.value is None and len(plan.years) >= 2 \
                and slots.has("comparatives", re.sub(r"\b(?:fell|fall|falls|falling)\s+short\b", " ", text, flags=re.I)) \
                and not slots.has("full_marks", text):  # ("fell short in both years" is under 100% in each)
            plan.intent = "count_change"  # "did any council get fewer outcomes in 24/25 than in 23/24": no threshold
        where = plan.route == "table" or (
            plan.intent in ("text", "out_of_scope") and not slots.has("text_topics", text))
        if plan.authorities and where and (region or slots.has("region_words", text) or slots.has(
                "compass_words", found.masked) or slots.has("whereabouts_words", text)) \
                and any(_asks_members(found.masked, also=cues) for cues in ("compass_words", "whereabouts_words")):
            # "which region is hampshire in", "is hampshire in the north", "where's norfolk": where it is, not how
            # it did
            plan.intent, plan.region_of = "lookup", True
            plan.subset = region if region and not region.startswith("not_") else None
        if region and not region.startswith("not_") and not plan.authorities and not plan.follow_up \
                and _asks_members(found.masked) and plan.intent in ("count", "filter", "earned_autonomy_list", "rank"):
            plan.intent = "totals"  # "how many councils are in the north west", "list the yorkshire councils"
        if plan.intent == "text" and plan.answer_type == "number" and not plan.authorities and not region \
                and not plan.follow_up and "pronouns" not in plan.cues and plan.counted_head in slots.AREA_NOUNS \
                and _asks_members(found.masked, also="programme_words"):
            # "how many councils take part in the programme": the areas Annex A lists ("how many councils have
            # it" asks about what went before)
            plan.intent = "totals"
        if plan.intent in ("totals", "national_rate", "average", "rank", "lookup") and not plan.authorities \
                and plan.comparator and plan.value is not None and plan.share_of in slots.AREA_NOUNS:
            plan.intent = "filter"  # "what proportion of london boroughs were under 50%": those, as a share
        elif plan.intent in ("totals", "national_rate") and not plan.authorities and plan.value is not None \
                and plan.comparator in ("gt", "ge", "lt", "le", "between") \
                and set(slots.AREA_NOUNS) & set(re.findall(r"\w+", text.lower())):
            # "count of councils with an allocation of 2,000+": the councils past a threshold, not the sum of all
            plan.intent = "count" if plan.answer_type == "number" else "filter"
        if plan.intent in ("filter", "count") and not plan.against:
            plan.measure = plan.value_measure  # "under 50%", "in full"; "over 2000 outcomes"
            if plan.value is None and not (slots.has("table_words", text) or slots.has("full_marks", text)
                                           or slots.keys_found("comparators", text) - {"eq"}
                                           or re.search(r"\b(?:hit|reach|reached|made it)\b", text, re.I)):
                # "how many las responded in 2023", "how many councils got EA": no threshold, nothing of the
                # tables; a count the text gives
                plan.intent, plan.measure = "text", None
            elif plan.value is None and plan.intent == "filter" and plan.asked_order \
                    and ("lt" in slots.keys_found("comparators", text)
                         or slots.first_key("measures", text) == "shortfall"):
                # "which 3 councils fell furthest short": a ranking by shortfall, not every council short
                plan.intent, plan.measure = "rank", "shortfall"
                if plan.order == "bottom":  # "of those that fell short, which was the fewest short": none at 100%
                    plan.comparator, plan.value = "gt", 0.0
                if not slots.count_number(text) and re.search(r"\bwhich\s+(?:one\s+)?(?:was|is|had|did|came)\b", text,
                                                              re.I):
                    plan.n = 1  # ("of the councils that fell short, which was…": one of them)
            elif plan.value is None:  # "how many fell short of their allocation": under 100%; else exactly 100%
                plan.comparator, plan.value = ("lt" if "lt" in slots.keys_found("comparators", text) else "eq"), 100.0
            closest = re.search(r"\b(?:closest|nearest)\b", text, re.I)
            one = re.search(r"\bwho\b|\bwhich\s+(?:one|council|authority|area|borough|la|place|did|was|had|got|came)"
                            r"\b(?!s)", text, re.I)
            if plan.intent == "filter" and plan.comparator in ("lt", "le", "gt", "ge") and not plan.authorities \
                    and (one or slots.count_number(text)) and (closest or _RANKS_WITHIN.search(text)):
                # "of the councils that didn't get 100%, who did best", "…who came closest": the ranking within
                # them (closest to the threshold: from below it, the highest)
                plan.intent, plan.n = "rank", slots.count_number(text) or 1
                plan.order = ("top" if plan.comparator in ("lt", "le") else "bottom") if closest \
                    else slots.order(text) or "top"
        if region and not region.startswith("not_") and plan.authorities \
                and set(plan.authorities) <= set(slots.area_sets()[region][1]) \
                and found.matches and re.search(r"\b(?:incl\.?|including|inc\.?|with)\s+(?:the\s+)?$",
                                                text[:found.matches[0].start], re.I):
            plan.authorities, plan.said = [], []  # "north west incl greater manchester": the region, with it
        if _ea_areas(text) and not plan.authorities and (plan.intent in ("lookup", "target", "change") or (
                plan.intent == "rank" and not plan.follow_up and not slots.order(text))):
            # "how did the EA areas do in 2024-25": all those areas, ranked by their share
            plan.intent, plan.subset, plan.n, plan.order = "rank", "earned_autonomy", WHOLE_RANKING, "top"
            plan.measure = plan.measure if plan.measure not in (None, "achieved") else "percentage"
        elif plan.intent in SUBSET_INTENTS and slots.has("earned_autonomy_areas", text):
            plan.subset = "earned_autonomy"  # "which EA area had the lowest %", "add up the * rows"
        elif region and not region.startswith("not_") and not plan.authorities and slots.has("average_words", text) \
                and plan.intent in ("lookup", "totals", "national_rate", "average"):
            plan.intent, plan.subset = "average", region  # "avg percentage for london boroughs": the mean council's
            plan.measure = plan.measure or "percentage"
        elif region and not region.startswith("not_") and not plan.authorities and not plan.follow_up \
                and plan.intent in ("lookup", "totals", "national_rate") and slots.has("superlatives", text) \
                and slots.first_key("measures", text) and len(found.regions) < 2:
            # "whats the largest allocation in the north west": its councils ranked, not the region's total
            plan.intent, plan.subset, plan.n = "rank", region, slots.count_number(text) or 1
            plan.measure = slots.first_key("measures", text) or slots.first_key("order_measure", text)
        elif region and not plan.authorities and (plan.intent in ("lookup", "target", "national_rate", "change") or (
                plan.intent == "rank" and not plan.follow_up and not slots.order(text))):
            plan.intent, plan.subset = "totals", region  # "how did the north east do overall", "yorkshire results"
        elif not region and not plan.authorities and plan.route == "table" and slots.has("region_words", text) and \
                plan.intent in SUBSET_INTENTS | {"lookup", "national_rate"}:
            plan.by_region = True  # "which region did best", "regional breakdown for 2024-25"
            plan.n = slots.count_number(text) or WHOLE_RANKING  # all nine, unless it asks for "the worst three"
            if not slots.order(text) and not slots.first_key("measures", text):
                plan.measure = "percentage"  # "how did each region do": by its share of the allocation
        elif region and (plan.intent in SUBSET_INTENTS or plan.intent == "rank_change" and not plan.follow_up):
            plan.subset = region  # "lowest % london borough last year", "who did best in the south west", "which south
            # west council improved its % the most"
        if plan.intent == "totals" and plan.places_wanted >= 2 and plan.value is not None and not plan.authorities:
            # "which london boroughs hit their full allocation": those that did, not the sum
            plan.intent, plan.measure = "filter", plan.value_measure
        if len(found.regions) >= 2 and not any(r.startswith("not_") for r in found.regions) and not plan.authorities \
                and plan.route == "table" and plan.intent in SUBSET_INTENTS | {"lookup", "national_rate", "compare"}:
            # "did london do better than the north west": those regions side by side, not the first one's total
            plan.intent, plan.subset, plan.by_region, plan.regions = "totals", None, True, found.regions
            plan.n = WHOLE_RANKING
            if not slots.first_key("measures", text):
                plan.measure = "percentage"
        if plan.intent in ("filter", "count") and "all" in years.relatives:
            plan.all_years = True  # "under 50% in both years"
        if plan.intent == "count_change":
            plan.comparator = "lt" if plan.order == "bottom" else "gt"
        if plan.intent == "earned_autonomy_list" and len(plan.authorities) == 1:
            plan.intent = "earned_autonomy_member"  # "…and whether it has earned autonomy": that area, not the list
        if plan.intent == "change" and len(plan.authorities) >= 2 and len(plan.years) == 1 and years.named:
            plan.intent = "compare"  # "how we did in 2024/25 compared to nottingham": the two side by side that year
        if plan.intent in ("change", "lookup", "compare", "target") and len(plan.authorities) >= 2 and any(
                slots.ends_with("beats_words", text[:m.start]) for m in found.matches):
            # "did herefordshire do better than shropshire last year", "did solihull beat coventry": one beside
            # the other, in that year, by the share of the allocation unless a measure is named
            if plan.intent == "change" and years.relative == "newest" and not years.named:
                plan.years, plan.year_note = plan.years[-1:], f"{plan.years[-1]}, the latest report"
            plan.intent = "compare"
            plan.measure = plan.measure or slots.first_key("order_measure", text)
        if plan.intent == "compare" and len(plan.authorities) >= 2 and not years.named and not years.relative \
                and slots.has("progress_words", text):
            plan.intent = "change"  # "who improved more, leeds or bradford": each one's change over the two years
        if len(plan.authorities) >= 2 and plan.intent in ("lookup", "compare", "average", "totals") \
                and (slots.has("average_words", text) or re.search(r"\bmean\b", text, re.I)) \
                and not _AGAINST_AVERAGE.search(text):
            # "average of the % figures for leeds, bradford, kirklees…", "mean % for camden, islington…": the
            # mean of their rows (not "are leeds and bradford above average": each against England's mean)
            plan.intent, plan.combined = "average", True
            plan.measure = plan.measure if plan.measure not in (None, "achieved") or slots.has("table_words", text) \
                and "%" not in text else "percentage"
        elif len(plan.authorities) >= 2 and plan.intent in ("lookup", "compare", "target") \
                and _AGAINST_AVERAGE.search(text):
            plan.intent, plan.measure = "average", "percentage"  # "are leeds and bradford above average": each one
        if (plan.authorities or plan.subset) and plan.intent in TABLE_INTENTS - {"rank", "rank_change", "filter", "count",
                                                                            "count_change", "ehsg", "change"} \
                and slots.has("national_share_words", slots.mask(text, [(s, e, "") for s, e in years.spans])):
            # "greater manchester's share of the national allocation", "what share of all outcomes came from kent",
            # "…share of the 24/25 national allocation": their part of England's total, not their own rate
            plan.intent = "totals" if plan.subset and not plan.authorities else plan.intent
            plan.national_share = "max_outcomes" if "max_outcomes" in slots.keys_found("measures", text) else "achieved"
        if len(plan.authorities) == 1 and plan.intent in ("lookup", "target") and len(plan.years) == 2 \
                and slots.has("difference_asks", text):
            # "In the annual report tables, how many more outcomes did Leicestershire achieve in 2024-25 than in
            # 2023-24?": its change between the two, not each year's row
            plan.intent = "change"
        if len(plan.authorities) >= 2 and plan.intent in ("lookup", "compare", "totals", "target", "change") \
                and not plan.region_of and not slots.has("difference_asks", text) and (
                    slots.has("combined_words", text) or slots.has("sum_words", text) and not (
                    slots.has("versus_words", text) or slots.has("comparatives", text))):
            # "kent and essex's allocation combined", "how many did they get between them", "derby and derbyshire
            # combined, 23/24 vs 24/25", "tees valley councils (darlington, …) - total outcomes" (not "leeds vs
            # bradford total outcomes": each one's; nor "the difference between them")
            plan.combined = True
        if len(plan.authorities) == 1 and plan.intent in ("lookup", "rank", "change", "target", "compare") and not plan.region_of \
                and slots.has("position_words", text) and len(plan.years) <= 2:
            # "what rank was leeds in 2024-25", "where did essex come in the league table": its place among all
            plan.intent, plan.position = "lookup", True
            plan.measure = slots.first_key("measures", text) or slots.first_key("order_measure", text) or "percentage"
        if plan.intent == "compare" and len(plan.authorities) >= 2 and not plan.measure:
            plan.measure = slots.first_key("order_measure", text)  # "barnsley or doncaster - who did better?"
        between = bool(found.matches) and re.search(r"\b(?:gap|difference)\s+between\s+(?:the\s+)?$",
                                                    text[:found.matches[0].start], re.I)
        if plan.intent == "target" and len(plan.authorities) >= 2 and (re.search(r"\bthan\b", text, re.I) or between):
            # "was gateshead further off its allocation than sunderland", "gap between kent and essex achieved":
            # one beside the other
            plan.intent = "compare"
            plan.measure = "shortfall" if between and not slots.first_key("measures", text) else plan.measure
        if len(plan.authorities) == 2 and plan.intent in ("lookup", "compare", "target", "text") \
                and re.search(r"\bhow\s+many\s+times\b|\btimes\s+(?:bigger|larger|more|higher|greater|as)\b", text, re.I):
            # "how many times bigger is haringey's allocation than wokingham's": the two side by side, and the ratio
            plan.intent, plan.ratio = "compare", True
            plan.measure = slots.first_key("measures", text) or "achieved"
        if plan.intent == "compare" and plan.measure == "shortfall" and between:
            # "the gap between essex and kent": between the two, not each one's to its allocation; "the gap between
            # leeds and bradford's allocations": between the two in the measure named after it
            plan.measure = slots.first_key("measures", text[found.matches[0].start:])
        if plan.intent == "compare" and len(plan.authorities) < 2:
            plan.intent = "lookup"
        if _places_wanted(text) and plan.authorities and plan.intent in ("lookup", "compare", "change", "target") \
                and not plan.position:  # ("what place was Kent for outcomes": where it came)
            plan.intent = "text"  # "which councils did Lincolnshire support?": other councils, named in the text
        plan.cumulative = not plan.authorities and (bool(years.earlier) or not years.named and (
            slots.has("cumulative_words", text)))  # ("april 2015 to december 2023": a running total, both years named)
        # ("…over the whole life of the programme, per the final report": the final report's running total)
        if plan.intent == "totals" and plan.cumulative:
            plan.intent = "text"  # "total outcomes since 2012", "all-time": the reports' running total, not a year's
        if plan.intent == "national_rate":
            plan.measure = "percentage"
        if plan.intent in ("rank", "rank_change", "count_change") and not plan.authorities and not region \
                and re.search(r"\bwhich\s+(?:of\s+the\s+(?:two|2)\s+)?(?:years?|reports?)\b", text, re.I):
            plan.intent = "totals"  # "which year had more outcomes": the two years set side by side, not councils
            plan.years = list(self.table_years)
        if plan.intent == "count_change" and not plan.authorities and not region and slots.has("national_words", text) \
                and not slots.has("area_nouns", text):
            plan.intent = "totals"  # "did england do better in 2024-25 than in 2023-24": the nation's, not councils'
        if plan.intent == "text" and not plan.authorities and not region and plan.years \
                and set(plan.years) <= set(self.table_years) and plan.answer_type in ("number", "percentage") \
                and slots.has("national_words", text) and slots.has("checking_cues", text) \
                and not slots.has("text_topics", text):
            # "…swears the national figure was 70% in 2024-25. what do the reports say?": England's row
            plan.intent = "national_rate" if plan.answer_type == "percentage" else "totals"
        if plan.intent in ("filter", "count") and not plan.authorities and not region and plan.value is not None \
                and slots.has("national_words", text) and not slots.has("area_nouns", text) and not plan.places_wanted:
            # "was england under 60% in 2023-24", "england got 120,000 outcomes in 2024-25 right?": the nation's
            # share or total, not councils'
            plan.intent = "national_rate" if plan.value_measure == "percentage" else "totals"
        if plan.intent in ("national_rate", "totals") and not plan.subset and len(plan.regions) < 2 and (
                slots.has("comparatives", text) or slots.has("change_words", text)):
            # ("the north east compared to the north west in 2024-25" compares the two that year)
            if not plan.years:
                plan.years = list(self.table_years)  # "how much did the national rate go up by": both, and the change
            elif len(plan.years) == 1 and plan.years[0] in self.table_years[1:] and plan.answer_type != "reason" \
                    and not plan.authorities:  # ("york vs the national rate in 2024-25": England's that year)
                # "how many more outcomes did england achieve in 2024-25": more than the year before
                plan.years = [slots.step(plan.years[0], -1, self.table_years), plan.years[0]]
        # "which EHSG area…" is a section of the guide, not a council; so is "the lowest scoring section" after it
        parts = slots.has("ehsg_parts", text) or (
            plan.follow_up and re.search(r"\bsections?\b", text, re.I)
            and (plan.intent == "ehsg" or slots.has("ehsg_words", plan.earlier)))
        if parts and not plan.authorities and (slots.order(text) or slots.has("comparatives", text)):
            # "which ehsg area is weakest", "which EHSG area improved the most" (its change, not its score:
            # the most or the least of it)
            plan.ehsg_change = plan.intent == "rank_change" or slots.has("comparatives", text) \
                or slots.has("change_words", text)
            if plan.ehsg_change:
                plan.order = "bottom" if slots.has("least_words", text) else "top"
            plan.intent = "ehsg"
        if plan.intent == "ehsg":
            # the years named (the tool says which it lacks); a follow-up naming none keeps the ones before,
            # a year before or after them for "and the year before?"
            named = [int(y) for y in re.findall(r"\b(20\d\d)\b", text)]
            by = {"previous": -1, "next": 1}.get(years.relative or "")
            if named or years.relative:
                plan.ehsg_years = named or ([y + by for y in plan.ehsg_years] if by else [])
            if plan.ehsg_change and len(named) == 1 and self.ehsg_years and named[0] < self.ehsg_years[-1]:
                plan.ehsg_years = [named[0], self.ehsg_years[-1]]  # "which section improved most since 2022"
            if not named and years.relative == "newest" and not plan.follow_up:
                plan.ehsg_years = self.ehsg_years[-1:]  # "last year's family voice score": the latest published
            sections = [s for s in EHSG_SECTIONS if re.search(rf"\b{s}\b", text, re.I)]
            if sections or not plan.follow_up:
                plan.ehsg_sections = sections  # ("and in 2022?" after the family voice score: family voice still)
            weighing = slots.has("comparatives", text) or slots.has("change_words", text)
            asked = sorted(set(plan.ehsg_years_seen) | set(plan.ehsg_years))
            if plan.follow_up and weighing and not named and not years.relative and len(asked) >= 2:
                plan.ehsg_years = [asked[0], asked[-1]]  # "how much did it go up?" after 2024's score, then 2022's
            plan.years_outside = []
        if plan.intent in ("text", "out_of_scope") and plan.authorities and not plan.follow_up \
                and not plan.region_of and not _topic_asked(text, plan.said):
            # "whats the story with norfolk in 24/25", "tell me the norfolk story": nothing but the place is
            # asked; its figures, and the sections the reports head with its name
            plan.intent, plan.answer_type = "lookup", "summary"
        # (said before any other decline: "scottish local authority figures?" is told why)
        nation = next((n for a, n in slots.places().get("nation_adjectives", {}).items()
                       if re.search(rf"\b{a}\b", text, re.I)), None)
        if nation and not self.mentions(nation):
            # "how does the welsh families first programme compare": another nation's, which the reports don't cover
            plan.decline = (f"{nation} is not covered; the Supporting Families programme and its outcome tables cover "
                            f"English local authorities only.")
            return
        policy = slots.find("other_policies", text)
        if policy and not self.mentions(policy.group()):
            # "how much did universal credit claims drop", "the sure start budget": another policy, which the
            # reports never speak of
            plan.decline = (f"The reports don't cover “{policy.group()}”: they are about the Supporting Families "
                            f"programme in England in {' and '.join(self.years)}.")
            return
        if plan.intent == "out_of_scope" and plan.confidence >= OUT_OF_SCOPE_CONFIDENCE:
            plan.decline = "That isn't a question the Supporting Families reports answer."
            return
        if plan.intent == "out_of_scope":
            plan.intent = "text"
        some_areas = bool(region) or slots.has("earned_autonomy_areas", text)
        councils = plan.places_wanted and not parts
        if (plan.intent == "ehsg" and (plan.authorities or councils or some_areas)) or (
                plan.route == "table" and plan.intent != "ehsg" and slots.has("ehsg_words", text)):
            plan.decline = ("Early Help System Guide scores are published only as national averages (Table 1 of the "
                            "2024-25 report); the reports give no council's own scores.")
            return
        need = slots.find("outcome_needs", text)
        near = need and re.search(r"\boutcomes?\b", text[max(0, need.start() - 40):need.end() + 40], re.I)
        if near and plan.answer_type in ("number", "percentage") and not plan.follow_up \
                and not slots.starts_with("need_projects", text[need.end():]):
            # "how many employment outcomes", "what % of outcomes were about domestic abuse": the outcomes are
            # counted in total, not by the problem a family had (a project about it is another matter)
            plan.decline = (f"The reports don't split successful family outcomes by the problem they were about "
                            f"(“{need.group()}”): Annex A gives each authority's total for the year, and the text "
                            f"gives no such breakdown.")
            return
        grant = re.search(r"\b(?:grants?|awards?)\b", text, re.I) and not slots.has("earned_autonomy_areas", text)
        if plan.route == "table" and (slots.asks_money(text) or grant or (
                plan.intent != "ehsg" and slots.has("text_topics", text) and not _asks_why_its_figures(plan, text))):
            # the tables hold no money, and only outcomes (and the EHSG's section scores, "Family Voice"):
            # "how many councils improved their data sharing" is answered by the data survey in the text; "which
            # council got the smallest award" by the projects' awards
            plan.intent = "text"
        if plan.route == "table" and not plan.authorities and slots.has("earned_autonomy_gained", text) \
                and plan.intent in ("count", "count_change", "change", "rank_change"):
            # "how many more councils got earned autonomy in 2024-25": the councils that gained the status, which
            # the text counts, not the councils whose outcomes rose
            plan.intent = "text"
        if plan.route == "table" and plan.intent != "ehsg" and (_forecast(text) or _FUTURE.search(text)):
            # "do you reckon Lancashire will bounce back", "is kent going to improve": the tables give what was
            # achieved, not what will be
            plan.decline = ("The reports don't forecast how authorities will do: the outcome tables give what each "
                            f"achieved in {' and '.join(self.table_years)}.")
            return
        absent = slots.find("not_in_tables", text) or slots.find("asked_topics", text)  # ("most complaints")
        if absent and any(start <= absent.start() < end for _, start, end in slots.percentages(text)):
            absent = None  # "less than a quarter of their outcomes": a share, not a quarter's figures
        if plan.route == "table" and absent and plan.intent != "ehsg":
            plan.decline = (f"The outcome tables give, for each authority and year, the outcomes achieved, the maximum "
                            f"funded and the percentage; they don't give “{absent.group()}” figures.")
            return
        if plan.route == "table" and not plan.authorities and not outside and not plan.subset:
            unknown = self._unknown_name(text)
            if unknown:
                suggestions = self.resolver.suggest(unknown)
                hint = f" Nearest names in the tables: {', '.join(suggestions)}." if suggestions else ""
                plan.decline = (f"“{unknown}” is not in the outcome tables (Annex A lists the English upper-tier "
                                f"local authorities in the programme).{hint}")
                return
        whys = self._why_outside(outside)  # ("bury or bolton": both said)
        if outside and plan.authorities and plan.route == "table":
            plan.outside_place = whys  # "kent vs cardiff": Kent's row, and a word on why Cardiff has none
        if outside and not plan.authorities:
            place = outside[0][2]
            plan.outside_place = whys
            # ("NI" is in too many words for a text search to say whether the reports talk about it)
            if plan.route == "table" or len(place) <= 3 or not self.mentions(place):
                plan.decline = whys
                return
        if plan.route == "documents" and region and region.removeprefix("not_") != "london" and not plan.authorities \
                and plan.wants_figure:
            # the reports' text gives no region's figures ("how much funding did the north east get"); it names
            # councils, so "which yorkshire councils were in the SEND project" is still searched
            name = slots.area_sets()[region.removeprefix("not_")][0]
            plan.decline = (f"The reports say nothing about the {name} as a region; they give outcome figures for "
                            f"each authority (Annex A), which can be added up by region: ask, for example, “How did "
                            f"the {name} do in {self.table_years[-1]}?”")
            return
        if plan.route == "table" and plan.years_outside and not plan.years:
            plan.decline = (f"The outcome tables cover {' and '.join(self.table_years)} only, "
                            f"not {', '.join(plan.years_outside)}.")
        elif plan.route == "documents" and plan.years_outside and not plan.years and years.outside:
            absent = [y for y in years.outside if not self.mentions(y)]
            if absent:
                plan.decline = (f"The reports cover {' and '.join(self.years)}; they say nothing about "
                                f"{', '.join(absent)}.")

    def _fill_figures(self, plan: Plan, text: str) -> None:
        """n for rankings; comparator and value for "under 50%", "hit 100%", "in full"."""
        # (plural: "which councils…", "the worst performers", "who were the best": five)
        plural = slots.has("ranked_plurals", text) or re.match(r"\W*(?:who|which)\s+were\b", text, re.I)
        plan.n = slots.count_number(text) or (5 if plural else 1)
        if slots.has("whole_ranking", text) and not slots.count_number(text):
            plan.n = WHOLE_RANKING  # "rank the london boroughs", "league table for 2024-25": all of them
        figures = slots.percentages(text)
        if moved := slots.transition(text):  # "went from under 50% to 100%": one filter a year, not a range
            plan.transition = moved
            (plan.comparator, plan.value), plan.value_measure = moved[0], "percentage"
        elif span := slots.value_range(text):  # "between 90 and 99%", "from 1,000 to 2,000 outcomes"
            plan.value, plan.upper, percent = span
            plan.comparator = "between"
            named = slots.first_key("measures", text)
            plan.value_measure = "percentage" if percent else named if named not in (None, "percentage") else "achieved"
        elif figures:
            value, start, end = figures[0]
            plan.value, plan.comparator = value, _comparator(text, start, end)
        elif counts := slots.compared_counts(text) or slots.counted_figures(text):
            value, start, end = counts[0]
            plan.value, plan.comparator = value, _comparator(text, start, end)
            named = slots.first_key("measures", text)
            counted = re.match(r"\s*(?:successful\s+)?(?:family\s+)?(?:outcomes|families)\b", text[end:])
            # "over 2000 outcomes", "an allocation over 2000", "under 50 outcomes"; a bare "under 50" is a percentage
            plan.value_measure = ("percentage" if value <= 100 and not counted
                                  else named if named not in (None, "percentage") else "achieved")
        elif slots.has("full_marks", text) and slots.earliest_key("measures", text) != "shortfall":
            # ("hit its max": at 100%; "furthest short of its max" ranks the shortfall, filtering nothing)
            plan.comparator, plan.value = "eq", 100.0

    def _strange_words(self, text: str) -> list[str]:
        """The words of a question the reports never use, besides ways of asking ("explain", "in simple terms")
        and small words: "weather" in "what's the weather at the family hub", "joke" in "tell me a joke…"."""
        return [w for w in self._asked_words(text) if w not in self.words_used]

    def _subject_words(self, text: str) -> list[str]:
        """The words of a question, besides ways of asking and small words, that the reports use: "payment",
        "results" in "could you explain payment by results"."""
        return [w for w in self._asked_words(text) if w in self.words_used]

    @staticmethod
    def _asked_words(text: str) -> list[str]:
        """A question's words of more than three letters, without small words and ways of asking."""
        from qa.retrieval import STOPWORDS

        asking = slots.without("format_words", text)
        return [w for w in re.findall(r"[a-z]+", asking.lower()) if len(w) > 3 and w not in STOPWORDS
                and not any(slots.has(group, w) for group in _ASKING_WORDS)]

    def _unknown_name(self, text: str) -> str | None:
        """A name where an authority would stand that the tables lack: capitalised ("did Narnia", "Narnia's"), or
        in lower case a word the reports never use ("gotham outcomes 2024-25", "how did humberside do")."""
        m = re.search(r"\b(?:did|does|for|of|in|by|about)\s+((?:[A-Z][\w'’.-]*\s?){1,4})", text) or \
            re.search(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)*)['’]s?\b", text)
        if not m:
            low = _PLACE_SLOT.search(text)
            words = next(g for g in low.groups() if g).split() if low else []
            # before "outcomes" a common word is more likely a measure ("median outcomes") than a place
            common = bool(low and low.group(1)) and any(is_common_word(w) for w in words)
            if words and self._spellings and not common and not any(
                    len(w) < 4 or w in self.words_used or w in self._known or normalise(w) in _NOT_PLACES for w in words):
                return " ".join(words)
            return None
        name = re.sub(r"['’]s?$", "", m.group(1).strip())
        if re.search(r"\d", name) or normalise(name) in _NOT_PLACES or not normalise(name) or self.resolver.resolve(name) or self.mentions(name):
            return None
        return name

    def _unknown_follow_up(self, text: str) -> str | None:
        """The new subject of an "and X?" follow-up when it is words the reports, the vocabulary and the example
        questions never use ("and gotham?", "what about wakanda then?"): a place the tables don't have."""
        cue = slots.match_start("follow_up_cues", text)
        if not cue:
            return None
        words = [w for w in re.findall(r"[A-Za-z'’]+", text[cue.end():]) if w.lower() not in _FOLLOW_UP_FILLER]
        unknown = [w for w in words if len(w) > 3 and w.lower() not in self._known and w.lower() not in self.words_used]
        return " ".join(words) if words and len(words) <= 3 and len(unknown) == len(words) else None

    def _excluded(self, text: str, matches) -> list[str]:
        """The authorities an exclusion names: those right after "excluding", "apart from", "behind" (only
        other names, "and" or "the" between), so "how far behind was blackpool" excludes nobody."""
        cue = slots.find("exclude", text)
        if not cue:
            return []
        if cue.group().lower() in ("behind", "after") and any(m.start < cue.start() for m in matches):
            return []  # "was brent behind barnet": one council against the other, not "the best behind kent"
        out, at = [], cue.end()
        for m in sorted(matches, key=lambda m: m.start):
            if m.start < cue.start():
                continue
            if re.fullmatch(r"[\s,&]*(?:(?:and|or|the|also)\s+)*", text[at:m.start], re.I) is None:
                break
            out.append(m.name)
            at = m.end
        return out

    def _names(self, text: str, matches) -> list[str]:
        """Capitalised words, not at a sentence start, outside the authority names (for "never mentioned")."""
        spans = [(m.start, m.end) for m in matches]
        out = []
        for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]{2,}\b", text):
            if not any(s <= m.start() < e for s, e in spans) and not CALENDAR.match(m.group()):
                out.append(m.group())
        return out

    def _spelled_right(self, text: str, matches: list) -> str:
        """The text with a misspelt authority written as the tables name it ("nottinghm" -> "Nottingham"), so the
        search meets the reports' spelling; names the reports use as said ("hull") stay."""
        for m in sorted(matches, key=lambda m: m.start, reverse=True):
            words = re.findall(r"[a-z]+", m.said.lower())
            if words and any(w not in self.words_used for w in words):
                text = text[:m.start] + m.name + text[m.end:]
        return text

    # ------------------------------------------------------------ conversation
    def context(self, history: list | None) -> Context:
        """Replay the user's recent turns so a chain of follow-ups keeps its thread."""
        context = Context()
        try:
            for turn, answer in exchanges(history)[-CONTEXT_TURNS:]:
                found = read_message(turn)
                for question in self._choose(found.candidates)[:1] if not found.problem else []:
                    plan = self.read(question, context)
                    if plan.route != "none":
                        before = context.last.years if context.last and context.answer_authorities else []
                        context = Context(plan, authorities_seen=_seen(context.authorities_seen, plan.authorities),
                                          earlier_answer_authorities=context.answer_authorities, earlier_years=before)
                if answer:  # (each turn is read with the answer before it: "what were their %s?" after a top 3)
                    self._heard(context, answer)
        except Exception:  # a malformed history must not stop the question being answered
            return Context()
        return context

    def _heard(self, context: Context, answer: str) -> None:
        """What an answer said, without the questions a refusal suggested (the user named none of them)."""
        answer = suggest.strip(answer)
        context.answer_quotes = re.findall(r"“([^”]+)”", answer)
        context.answer_names = _answer_names(answer, context.answer_quotes)
        # (a name in brackets is the scope, not a row: "Islington (58%…)" ranked "among the Earned Autonomy areas
        # (marked * in the 2023-24 Annex A, with Greater Manchester)")
        rows = re.sub(r"\([^()]*\)", " ", re.sub(r"\([^()]*\)", " ", answer.split("Source")[0]))
        # (and the councils a "which councils…" answer from the text names: "what were their percentages?")
        listed_places = context.last is not None and (context.last.route == "table" or (
            context.last.route == "documents" and context.last.places_wanted))
        context.answer_authorities = list(dict.fromkeys(
            m.name for m in self.resolver.find_all(rows, typos=False))) if listed_places else []


# Capitalised words that stand where a place could but are not one.
_NOT_PLACES = {"the", "supporting families", "annex a", "england", "english", "uk", "the uk", "britain", "total",
               "all", "each", "every", "annex", "table", "monday", "tuesday", "wednesday", "thursday", "friday",
               "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "team", "panel", "board", "meeting", "committee"}


def _asks_why_its_figures(plan: Plan, text: str) -> bool:
    """A reason asked for an authority's figures: "Lancashire got Earned Autonomy yet only managed 36% in 24-25 -
    why the drop?", "why were Leeds's outcomes so high" (the tables give none; the text, if it gives a cause),
    not "why did hull's mental health project improve outcomes for families", about a topic of the text, nor
    "how come norfolk now has more kids at early help than in social care", a change the text tells."""
    return plan.answer_type == "reason" and bool(plan.authorities) and bool(slots.percentages(text) or (
        slots.has("table_words", text) and not slots.has("text_topics", text)))


def _specific_topics(text: str) -> set[str]:
    """The reports' topics the text names (vocabulary text_topics), not a word any of them is ("that project")."""
    generic = set(slots.vocabulary()["generic_nouns"])
    return {m.group().lower() for m in slots.finditer("text_topics", text)} - generic


def _without_years(text: str, store_years: list[str]) -> str:
    """The text with the programme years it names taken out."""
    for start, end in sorted(slots.find_years(text, store_years).spans, reverse=True):
        text = text[:start] + text[end:]
    return text


# Vocabulary groups of words that ask rather than name a subject ("explain", "summarise", "pls").
_ASKING_WORDS = ("overview_cues", "summary_words", "summary_asks", "informal", "light_words", "fillers", "openers")


# The words that rank the councils a filter leaves ("of those under 100%, which did best"); not "most", "top"
# ("which councils got most of their outcomes", "on top of…"), nor "worst first", which only sorts them.
_RANKS_WITHIN = re.compile(r"\b(?:best|worst|highest|lowest|biggest|smallest|largest|strongest|weakest)\b(?!\s+first)",
                           re.I)


def _comparator(text: str, start: int, end: int) -> str:
    """How the figure at text[start:end] is compared: by the words after it ("75% or above", "2,000+") or else
    the nearest before it ("under 50%"); "eq" when none."""
    after = text[end:end + 20]
    if re.match(r"\s*\+", after):
        return "ge"
    trailing = slots.keys_found("comparators", after) & {"ge", "le"}
    return (trailing.pop() if len(trailing) == 1 else None) \
        or slots.nearest_key("comparators", text[max(0, start - 30):start]) or "eq"


def _seen(before: list[str], named: list[str]) -> list[str]:
    """The authorities a conversation has named, each once, the latest last."""
    return [a for a in before if a not in named] + list(named)


_ENUMERATOR = re.compile(r"(?:[,;]?\s+and)?\s*(?<![\w(])\(?(?:q\s?\d{1,2}[):.]|(?:\d{1,2}|[a-h])\))\s+", re.I)


def split_compound(question: str) -> list[str]:
    """'How did Norfolk do in 2024-25, and what is Earned Autonomy?' -> two questions; so is "Two things:
    1) how many… and 2) who wrote…" (the lead-in before the first number is not one)."""
    if len(_ENUMERATOR.findall(question)) >= 2:
        lead, *parts = _ENUMERATOR.split(question)
        if lead.strip() and not lead.rstrip().endswith(":"):
            if question_signal(lead) >= 0.4:
                parts.insert(0, lead)
            else:  # "I'm at Hull. Q1) our 23/24 percentage Q2) …": the lead is what the first part is about
                parts[0] = f"{lead.strip()} {parts[0]}"
        return [q for p in parts for q in split_compound(p.strip(" ,;"))]
    parts = re.split(r"(?:\?\s+(?:and\s+|also\s+|plus\s+)?|[,;]\s*and\s+|\s+and also\s+|\s+[+&]\s+)"
                     r"(?:(?:btw|by the way|also|separately|secondly|finally|then)\W+)?"  # ("…, and btw how much…")
                     r"(?=(?:what|how|which|who|when|where|why|is|are|did|does)\b)"
                     r"|\s+and\s+(?=(?:who|when|where|why|which|what|how|whether)\s+(?!many\b|much\b)\w+\s+\w+)"
                     r"|,?\s+and\s+(?=why\W*$)",  # "how did leeds do last year and why"
                     question, flags=re.I)
    # ("which council was lowest in 2024-25, and what was it?": the second part only asks again for the first's
    # answer, which gives it)
    parts = [p for k, p in enumerate(parts) if k == 0 or not slots.is_only("re_asks", p)]
    return [p.strip(" ,;") for p in parts if p.strip(" ,;")] or [question]


# "how many X", or a question that opens with "(what was) the (average) number of X": the words that follow
# name what is counted ("what percentage … increased their number of outcomes" asks for a percentage)
_COUNTING = (r"(?:\bhow many|^\W*(?:what(?:'s|s)?\s+(?:is\s+|was\s+|were\s+)?)?(?:the\s+|an?\s+)?"
             r"(?:average\s+|total\s+|mean\s+|overall\s+)?number of)\s+")


def _counted(text: str) -> str | None:
    m = re.search(_COUNTING + r"(?:local )?([a-z]+)", text, re.I)
    return m.group(1).lower() if m else None


# Words that end the phrase after "how many".
_PHRASE_END = {"did", "do", "does", "were", "was", "are", "is", "have", "has", "had", "will", "would", "could", "can",
               "in", "of", "for", "the", "that", "which", "who", "got", "get", "received", "took", "there", "on", "at",
               "didn", "don", "doesn", "weren", "wasn", "aren", "isn", "haven", "hasn", "t", "not", "a", "an", "use",
               "uses", "used", "make", "made", "take", "go", "went", "come", "came", "say", "said", "still", "so",
               "ended", "end", "ends", "wound", "overall", "altogether", "total", "by", "since", "now", "then", "from",
               "per", "across", "give", "gives", "gave", "provide", "provides", "provided", "offer", "offers",
               "offered", "hold", "holds", "held", "share", "shares", "shared", "run", "runs", "ran", "report",
               "reported", "said", "see", "saw", "let", "allow", "allowed", "allows", "deliver", "delivers",
               "delivering", "running", "taking", "participate", "participates", "participating", "join", "joins",
               "actually", "really", "eventually", "finally", "successfully", "ever", "ultimately"}
# ("ended": "how many areas ended up with…" counts areas; "give": "how many areas give practitioners…" areas;
# "how many projects actually got funding": projects)


# A question about what will happen: "will lancashire recover", "will it hit 100%" (not "will you list…", nor
# "I will need…").
_FUTURE = re.compile(r"(?<!\bi )(?<!\bwe )\b(?:will|won['’]?t|shall)\s+(?!you\b|u\b|ya\b|need\b|want\b)", re.I)


def _forecast(text: str) -> bool:
    """Words asking what will happen ("you reckon", "going to improve"), not "going to school"."""
    return slots.has("forecast_cues", text) and slots.has("forecast_cues", slots.without("not_forecast", text))


def _counted_words(text: str) -> list[str]:
    """Up to three words after "how many" ("how many Mental Health pilots were…": mental, health, pilots; a
    verb of getting ends them: "how many councils gained earned autonomy" counts councils, however the reports
    say they got it, "achieved", "awarded" or "joined")."""
    m = re.search(_COUNTING + r"(.*)", text, re.I)
    if not m:
        return []
    words = []
    for word in re.findall(r"[A-Za-z-]+", m.group(1).lower())[:3]:
        if word in _PHRASE_END or (words and slots.has("getting_verbs", word)):
            break
        words.append(word)
    return words


def _counted_head(text: str) -> str | None:
    """The thing "how many" counts, the last word of its phrase: "how many family network support packages
    were…": packages; "how many cases passed": cases (a word in -ed after the first ends the phrase)."""
    m = re.search(_COUNTING + r"(.*)", text, re.I)
    words: list[str] = []
    for word in re.findall(r"[A-Za-z-]+", m.group(1).lower())[:5] if m else []:
        if word in _PHRASE_END or (words and word.endswith("ed")):
            break
        words.append(word)
    return words[-1] if words else None


@lru_cache(maxsize=1)
def _districts() -> dict[str, tuple[str, str]]:
    """Places inside an area that has a row (places.json "within"), by lower-case name: (place, area)."""
    return {p.lower(): (p, a) for p, a in slots.places().get("within", {}).items()}


def _within(place: str, authority: str, count: int = 1) -> str:
    """Why a district has no row of its own: it is counted in the area it belongs to."""
    if count > 1:
        return (f"{place} are not listed on their own in the outcome tables: they are part of {authority}, which is. "
                f"Ask about {authority} instead.")
    return (f"{place} is not listed on its own in the outcome tables: it is part of {authority}, which is. "
            f"Ask about {authority} instead.")


# What the reports call the places in the tables.
AREA_WORDS = "|".join(slots.AREA_NOUNS)


def _lists_other_things(text: str) -> bool:
    """ "list the earned autonomy markers": the question lists things that are not places (no "councils",
    "areas" or "who", but another plural noun), so the tables, which list authorities, can't answer it."""
    if re.search(rf"\b(?:{AREA_WORDS}|ones|who|whom)\b", text, re.I):
        return False
    return any(w.lower() not in _NOT_PLURALS for w in re.findall(r"\b[a-z]{3,}[^s\W]s\b", text, re.I))


_NOT_PLURALS = {"status", "does", "thanks", "plus", "claims", "results", "outcomes", "figures", "numbers"}


_AUXILIARIES = "did|do|does|have|has|had|were|was|are|is|can|could|should|would|will|might|must"


_POLITELY = r"(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+)?)?"


# An authority set against the mean: "above average", "below the average", "better than average".
# A measure asked as a share of the allocation: "by %", "in percentage terms", "as a percentage".
_AS_A_SHARE = re.compile(r"\b(?:by|in|as\s+a)\s+(?:%|per\s?cent(?:age)?(?:\s+terms)?|proportion|share)(?!\w)", re.I)
# A word asking how something changed between the years.
_CHANGE_WORD = re.compile(r"\b(?:chang\w*|improv\w*|grow\w*|grew|differ\w*|year[\s-]+on[\s-]+year|since|from)\b", re.I)
# A comparison with England's figure: "above the national rate", "below average", "better than england overall".
_BENCHMARK = re.compile(r"\b(above|over|higher\s+than|better\s+than|beat|beating|exceed(?:ed|ing)?|more\s+than|below|"
                        r"under|lower\s+than|worse\s+than|less\s+than|beneath|short\s+of)\s+((?:the\s+)?(?:national|"
                        r"england|country|average|mean|median)\b(?:\s+(?:rate|average|figure|percentage|level|share|"
                        r"as\s+a\s+whole|overall))?)", re.I)
_AGAINST_AVERAGE = re.compile(r"\b(?:above|below|over|under|than|beat|beats|versus|vs\.?|against)\s+(?:the\s+)?"
                              r"(?:national\s+)?(?:average|mean|avg|median)\b", re.I)
# A place further down a ranking: "the second biggest", "3rd highest", "the next best", "runner-up".
_NEXT_IN_RANK = re.compile(r"\b(?:second|third|fourth|fifth|2nd|3rd|4th|5th|next)[\s-]+(?:[a-z]+[\s-]+)?(?:biggest|"
                           r"largest|highest|lowest|smallest|best|worst|most|fewest|least|greatest)\b|\brunners?[\s-]up\b",
                           re.I)


def _after_exclusion(text: str, matches, exclude: list[str]) -> str:
    """The question after the exclusion it opens with: "apart from hull, which councils were in…" -> "which
    councils were in…" (else the text)."""
    cue = slots.find("exclude", text)
    ends = [m.end for m in matches if m.name in exclude]
    if not (cue and ends) or text[:cue.start()].strip():
        return text
    return text[max(ends):].lstrip(" ,;:-")


def _places_wanted(text: str) -> int:
    """How many authority names a "which councils…" question needs in its answer (0: not such a question)."""
    # at the start, or after a lead-in ("for the comms team - which councils…", "quick one: which areas…")
    # ("what did councils pick…" asks what they picked: an auxiliary makes the councils its subject)
    # ("can u list all the data accelerator councils": asked politely, the same list)
    m = re.search(rf"(?:^|\s[-–—:]\s)\s*(?:(?:which|what)\s+(?!(?:{_AUXILIARIES})\s)(\w+\s+)?|{_POLITELY}(?:name|list)(?:\s+all)?(?:\s+of)?(?:\s+the)?"
                  rf"\s+((?:[\w-]+\s+){{1,3}})?)(?:local\s+)?({AREA_WORDS})\b", text, re.I)
    if not m:  # "who were the SEND pilot councils", "what were the wave one areas": the places themselves
        who = re.match(rf"\s*(?:who|what|which)\s+(?:were|are)\s+the\s+(?:[\w-]+\s+){{0,3}}(?:local\s+)?({AREA_WORDS})\b",
                       text, re.I)  # ("what were the wave one pathfinder areas", "which are the other 7 councils")
        return (slots.count_number(who.group(0)) or 2) if who and who.group(1).lower().endswith("s") else 0
    area = m.group(3).lower()  # "name the five SEND pilot councils": a few words may describe them
    plural = area.endswith("s") and area != "las" or area == "las"
    count = slots.count_number(m.group(0)) if m.group(1) or m.group(2) else None
    return 1 if not plural else count or 2  # "which 14 areas": all fourteen


# A question this short with no word of its own (only question words, pronouns, "more") can only follow another.
BARE_WORDS = 4


def _ordinal_ref(text: str, rows: int) -> int | None:
    """The row of the last list a question points at: "the first one" 0, "number 3" 2, "the last one" -1;
    None when it points at none (or past the list's end), or asks who is there."""
    if re.match(r"\W*(?:who|which)\b", text, re.I):
        return None  # "which was the first one in 2023-24?" asks for a name: that year's ranking
    words = slots.vocabulary()["ordinal_refs"]
    alts = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    m = re.search(rf"\bthe\s+({alts})\s+(?:one|council|authority|area|la|place)\b|(?:\bnumber\s+|#|\bno\.?\s*)(\d)\b",
                  text, re.I)
    if not m:
        return None
    k = words[m.group(1).lower()] if m.group(1) else int(m.group(2))
    return k - 1 if 0 < k <= rows else k if k < 0 else None


def _bare(text: str) -> bool:
    """ "why?", "who ran it?", "what about them?", "tell me more": nothing to answer without what it follows."""
    from qa.retrieval import SUBJECT_WORDS, tokens

    text = slots.same_as(text)  # "how come?" is "why?"
    words = re.findall(r"[A-Za-z']+", text)
    content = tokens(text) + [w for w in words if w.lower() in SUBJECT_WORDS]
    return 0 < len(words) <= BARE_WORDS and (not content or (len(content) == 1 and slots.has("pronouns", text)))


def _without_relative_years(text: str) -> str:
    """The question for retrieval without "now", "latest", "this year": they choose the report, they are no
    topic ("which department runs supporting families now" is not about "now more children are supported…")."""
    return re.sub(r"\s{2,}", " ", slots.mask_relative_years(_without_format(text))).strip()


def _without_format(text: str) -> str:
    """The question without how to answer it ("in a sentence", "like i'm 5": vocabulary "format_words") and the
    fillers of talk ("what even is…", "so like…": vocabulary "fillers"); they name no topic ("…in a sentence" is
    not about custodial sentences, "even" not about training "in the evening")."""
    return slots.without("fillers", slots.without("format_words", text))


def with_related_words(text: str) -> str:
    """The search words, with those the reports use for what the question asks ("what's replacing it": they
    say "going forward" and "next steps"); the words are data (vocabulary "related_words")."""
    added = " ".join(sorted(slots.keys_found("related_words", text)))
    return f"{text} {added}" if added else text


def _asks_membership(plan: Plan) -> bool:
    """ "is sutton on that list?", "is kent one of them?": whether an area is among those just given, not
    how it did ("did kent hit its target?", "is its percentage higher?")."""
    return plan.answer_type == "yes_no" and plan.intent != "target" and slots.has("pronouns", plan.question) \
        and not slots.first_key("measures", plan.question)


def _ea_areas(text: str) -> bool:
    """ "the EA areas", "earned autonomy councils": the Earned Autonomy areas as a group of authorities."""
    return slots.has("earned_autonomy_areas", text) and slots.has("area_nouns", text)


def _asks_members(masked: str, also: str = "") -> bool:
    """ "how many councils are in the north west", "list the yorkshire councils": nothing asked of the region's
    authorities (no measure, no condition), only which they are (`masked`: the question with the region as AREA;
    `also`: another vocabulary list of words that ask nothing more)."""
    from qa.retrieval import tokens
    from qa.shapes import cue_tokens

    return not set(tokens(masked)) - {"area"} - cue_tokens("area_nouns") - cue_tokens("member_words") - (
        cue_tokens(also) if also else set())


def _topic_asked(text: str, said: list[str]) -> bool:
    """Whether a question asks about something beyond the places it names, its figures and the words for an
    overview: "whats the story with norfolk in 24/25" asks about nothing but Norfolk."""
    from qa.retrieval import tokens
    from qa.shapes import topic

    return any(not t.isdigit() for t in topic(text, "summary_words", "overview_cues") - set(tokens(" ".join(said))))


def _elliptical(text: str) -> bool:
    """A follow-up that is only "and" with a new subject ("and the SEND one?", "what about Hull?"): no question
    word of its own after the opening cue, nor a question of its own ("and was it in the first wave…?")."""
    cue = slots.match_start("follow_up_cues", text)
    rest = text[cue.end():] if cue else ""
    return bool(cue) and not re.search(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", rest, re.I) \
        and not re.match(r"\W*(?:is|was|were|are|did|does|do|has|have|had|can|could|will|would)\s+"
                         r"(?:it|they|that|this|those|these|he|she|we)\b", rest, re.I)


def _only_years(text: str, store_years: list[str]) -> bool:
    """A follow-up that names only a year ("and the year before?", "what about 2023-24?")."""
    years = slots.find_years(text, store_years)
    masked = slots.mask(text, [(s, e, "") for s, e in years.spans])
    rest = {w.lower() for w in re.findall(r"[A-Za-z]+", masked)} - _YEAR_FOLLOW_UP_WORDS
    return bool(years.named or years.relative) and not rest


# Words around the new subject of an "and X?" follow-up ("what about the X council then?").
_FOLLOW_UP_FILLER = {"the", "council", "county", "city", "borough", "one", "then", "instead", "too", "please", "pls",
                     "as", "well", "for", "in", "of"}
# Words a follow-up that only changes the year is made of ("and what about the year before then?").
_YEAR_FOLLOW_UP_WORDS = {"and", "what", "about", "how", "in", "the", "for", "of", "year", "years", "before", "previous",
                         "after", "following", "prior", "earlier", "later",
                         "other", "report", "reports", "last", "next", "latest", "one", "then", "too", "same", "same",
                         "that", "this", "a", "did", "it", "was", "is", "again", "instead", "also", "ok", "so"}


def _items_asked(text: str) -> int:
    """ "list the ten projects", "which two new research projects": how many things the answer must list."""
    # a number in a year ("2023-24 spot checks", "23/24") counts nothing
    m = re.search(rf"\b((?<![\d/,.-])(?!(?:19|20)\d\d\b)\d+(?![/-]\d)|{'|'.join(_COUNTS)})\s+(?:[a-z-]+\s+){{0,4}}?[a-z]+s\b",
                  text, re.I)
    if not m:
        return 0
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _COUNTS.index(word) + 2


_COUNTS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def _title(text: str, person: bool = False) -> str | None:
    """The post a "who is the …" or "who chairs …" question asks who holds ("director", "chair"), stemmed;
    with `person` (the question asks for a person), also a "which … was" one's ("which minister was…")."""
    # (the post is its last word: "who was the education secretary when…" asks for a secretary; whoever holds
    # it, "who's their director…", "who is norfolk's director…"; and the question may follow a remark:
    # "norfolk case study is great - who's their director…")
    text = _last_clause(text, r"who\b")
    m = re.match(r"\s*who(?:['’]?s|\s+(?:is|was|are|were))\s+(?:the\s+|a\s+|an\s+)?"
                 r"(?:(?:their|its|his|her|[a-z]+['’]s)\s+)?"
                 r"((?:[a-z]+\s+(?!(?:of|for|in|at|on|to|when|who|that|behind|running|leading|responsible)\b))?[a-z]+)",
                 text, re.I) or \
        re.match(r"\s*who\s+(chair|head|direct)(?:s|ed)\b", text, re.I) or \
        re.match(r"\s*who\s+(evaluat|audit|inspect|assess|check|verif|validat)(?:e|es|ed|s|ies|ied)?\b", text, re.I)
    # ("who chairs…": the post is the chair; "who evaluates…": only a passage speaking of evaluating answers)
    if not m and re.match(r"\s*who\s+(?:wrote|authored|has written|had written)\b", text, re.I):
        return "author"  # "who wrote the evaluation": only a passage naming its authors answers
    # "which senior civil servant was…" (a person asked for): the post is the last word before the verb
    m = m or person and re.match(r"\s*which\s+(?:[a-z]+\s+){0,2}?([a-z]+)\s+(?:is|was|are|were|did|does|has|had)\b", text, re.I)
    # "what's the name of the civil servant who runs it", "…of the data lead in hull": the last word before "who"
    m = m or person and re.match(r"\s*(?:what(?:'s|’s|s|\s+is|\s+was)\s+the\s+name\s+of|name)\s+"
                                 r"(?:the\s+|a\s+|an\s+)?(?:[a-z]+\s+){0,2}?([a-z]+)"
                                 r"(?:\s+(?:who|that|in|at|for|on|with|from)\b|\W*$)",
                                 text, re.I)
    if not m:
        post = _post_asked(text)
        return post.split()[0] if post else None
    from qa.retrieval import tokens

    words = tokens(m.group(1))
    return words[-1] if words else None


def _last_clause(text: str, opening: str) -> str:
    """The text from the last clause that starts with `opening` (a pattern) after a dash, colon or sentence
    end: "norfolk case study is great - who's their director…" -> "who's their director…"; else the text."""
    starts = [m.end() for m in re.finditer(rf"(?:^|[-–—:;.?!]\s+)(?={opening})", text, re.I)]
    return text[starts[-1]:] if starts else text


def _post_asked(text: str) -> str | None:
    """The post (vocabulary person_posts) whose holders' names a question asks, as "the names of the two SEND
    navigators", "name of the lead researcher", or as "which secretary of state laid…" (one post, then what
    its holder did), or None."""
    named = re.search(r"\bnames?\s+of\s+((?:the\s+|its\s+|their\s+)?(?:[\w'-]+\s+){0,3}[\w'-]+)", text, re.I)
    if named:
        post = slots.find("person_posts", named.group(1))
        return post.group().lower() if post else None
    which = re.match(r"\W*which\s+((?:[\w'-]+\s+){0,2}[\w'-]+)\s+(?:[a-z]+ed|is|was|did|does|has|had|signed|wrote|"
                     r"led|ran|laid|made|gave|took|said|set|put|runs|leads|chairs)\b", text, re.I)
    post = slots.find("person_posts", which.group(1)) if which else None
    return post.group().lower() if post and not post.group().lower().endswith("s") else None


def _role(text: str) -> str | None:
    """The words a who-question asks about, to the first small word (two at most): "Who is the delivery partner
    for…" -> "delivery partner"."""
    if not re.match(r"\s*who\b|.*\bname of\b", text, re.I):
        return None
    from qa.retrieval import STOPWORDS, tokens

    rest = re.sub(r"^\s*(who|which|what)\b(\s+(is|was|were|are|has|had|did))?(\s+the)?(\s+name\s+of(\s+the)?)?",
                  "", text, flags=re.I)
    words = re.findall(r"[a-z0-9]+", rest.lower())
    run = list(itertools.takewhile(lambda w: w not in STOPWORDS, words))[:2]
    role = tokens(" ".join(run)) or tokens(rest)[:1]
    return " ".join(role) or None


def _messages(history: list | None) -> list[tuple[str, str]]:
    """(role, text) of each recent message (Gradio messages: {"role", "content"}).

    Only the last HISTORY_MESSAGES messages are read, each cut to its last HISTORY_CHARS characters:
    older turns cannot change what "it" means, and a pasted megabyte must not slow the next answer.
    """
    out = []
    for message in (history or [])[-HISTORY_MESSAGES:] if isinstance(history, list) else []:
        if isinstance(message, dict) and message.get("role") in ("user", "assistant"):
            content = message.get("content")
            if isinstance(content, list):  # Gradio 6: [{"type": "text", "text": ...}, ...]
                content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
            if isinstance(content, str) and content.strip():
                out.append((message["role"], content[-HISTORY_CHARS:]))
    return out


def turns(history: list | None, role: str = "user") -> list[str]:
    """The text of each recent message with this role."""
    return [text for who, text in _messages(history) if who == role]


def exchanges(history: list | None) -> list[tuple[str, str]]:
    """Each recent question with the answer that followed it ("" if none did yet)."""
    out: list[tuple[str, str]] = []
    for who, text in _messages(history):
        if who == "user":
            out.append((text, ""))
        elif out:
            out[-1] = (out[-1][0], text)
    return out


_NOT_NAMES = {"Source", "Sources", "Annex", "Chapter", "Table", "The", "This", "They", "In", "It", "Early", "Help",
              "Supporting", "Families", "Council", "County", "City", "Borough", "For", "Quoted"}


def _answer_names(answer: str, quotes: list[str]) -> str:
    """Proper names in an answer's quotes, else its text before the sources (what a following "it" may point at)."""
    quoted = " ".join(quotes) if quotes else answer.split("Source")[0]
    return " ".join(dict.fromkeys(w for w in re.findall(r"\b[A-Z][a-z]{2,}\b", quoted) if w not in _NOT_NAMES))


def default_reader() -> Reader:
    """The reader over the built store: its authority names and years. When the text store is out of
    reach (a Chroma server that does not answer), a reader over the tables alone, so table questions
    are still understood; the next question tries the text store again."""
    from index.vectors import StoreUnavailable

    try:
        return _full_reader()
    except StoreUnavailable:
        return _tables_reader()


@per_build
def _full_reader() -> Reader:
    from qa.retrieval import default_retriever
    from qa.tabletool import default_tool

    tool = default_tool()
    retriever = default_retriever()
    return Reader(tool.resolver, tool.years, retriever.years, retriever.mentions, retriever.words,
                  retriever.proper_names, tool.ehsg_years)


@per_build
def _tables_reader() -> Reader:
    from qa.tabletool import default_tool

    tool = default_tool()
    return Reader(tool.resolver, tool.years, tool.years, ehsg_years=tool.ehsg_years)


def understand(question, history: list | None = None) -> Plan:
    """The Plan for a question (the first, when a message holds several)."""
    return default_reader().understand(question, history)[0]
