"""Give a text answer the shape its question asks for.

    definition ─ the sentences that define the term, in the section about it (2–4 sentences)
    person     ─ the names with their roles: a signature block, or the sentence that names them
    reason     ─ the sentences that give the cause ("because", "as a result"; a purpose, "aims to", counts less)
    summary    ─ a report's headline points (its executive summary), or the opening of the section on a topic
    list       ─ the whole list: a bulleted list with its lead-in, or names gathered across a section
    number     ─ the sentence with the figure (qa.extract), with the next one when that is where the figure is

Every shape quotes the reports. A shape that finds nothing of its kind returns the nearest passage with
`lacks` set, and the answer says the reports don't give that, then offers the passage as the nearest.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from index.chunks import split_sentences
from qa import slots, weights
from qa.intents import TABLE_INTENTS
from qa.retrieval import YEAR_TOKENS, HybridRetriever, SentenceHit, tokens

DEFINITION_DEPTH = 12  # how far down the sentence ranking a defining sentence may be
DEFINITION_SENTENCES = 4  # at most, the defining sentence included
REASON_DEPTH = 8  # how far down the ranking a sentence giving the cause may be
REASON_SHARE = 0.8  # …scoring at least this share of the best sentence
EFFECT_WORDS = 2  # words of the question after "leads to" for that sentence to give its cause
# …or this share, for a cause in the best sentence's own section. Tuning set: the same from 0.6 to 0.74 (reason
# answers 78.8%; 0.6 without the section, 72.7%); 0.7 let a weaker "as a result" of the next paragraph answer why
# areas were slow to take up Somerset's support, which the report puts down to "financial, staffing and skills".
SECTION_REASON_SHARE = 0.74
SUMMARY_POINTS = 6  # headline points of a report summary (the issue asks for 4–8)
# A topic summary stops at about this many words and points. Tuning set (579 text, follow-up and shape
# cases): 6 points/220 words 75.7%, summaries 66.7%; 8/220 75.8%; 6/320 75.8%; 8/320 76.3%, summaries 75.8%.
TOPIC_WORDS = 320
TOPIC_POINTS = 8
# Fewer sentences of figures or names than this, and a topic summary takes its section's others too (tuning set:
# 1 and 2 the same, 3 loses a case).
MIN_KEY_FACTS = 2
READ_ON = 2  # sentences read on past a passage for what its answer type needs (a name, a date)
SECTION_DEPTH = 10  # ranked sentences whose sections compete to be "the section about it"
MIN_ITEMS = 3  # titled paragraphs that make a section a list of things
LIST_DEPTH = 5  # how far down the ranking a sentence leading into a list of bullets may be
AUTHORITY_SECTION_MOST = 5  # sentences of an authority's own section that a summary of what it did quotes whole
HEADED_ITEMS_MOST = 6  # sections a counting lead-in ("Two different approaches were adopted:") may introduce
NARROWER_SENTENCES = 2  # a topic summary puts first the sentences (this many at most) on a narrower word asked
HEADING_WEIGHT = 0.5  # a section heading naming the topic counts this much beside its sentences' scores

# A figure in a sentence: digits (a bare year like 2023 is a date, not a figure) or number words
# ("one" only where it counts something, not "wave one").
NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                r"half|third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth")  # ordinals: "the eighth report"
FIGURE = re.compile(rf"(?<![\d-])(?!(?:19|20)\d\d\b)\d|\b(?:{NUMBER_WORDS})\b|\bonly one\b|\bone (?:area|local|in)\b",
                    re.I)
# A sentence that defines its subject: "<subject> is / provides / means …", the subject short.
_DEFINING = re.compile(r"\b(?:is|are|was|were|provides|provide|provided|means|refers to|describes|sets out|aims|"
                       r"aimed|funds|funded|will be|has been|works|holds|can|may|coordinates|helps|tests|brings)\b")
DEFINING_SUBJECT_WORDS = 10
# "a shared definition of rebalancing the system", "is defined as", "known as", "the … mechanism (whereby …)".
# …and a term explained after a colon: "to work with a whole family approach: ensuring there is one assessment…".
_DEFINITION_PHRASE = re.compile(r"\b(?:definition of|defined as|is defined|known as|refers to|stands for|whereby)\b|"
                                r":\s+(?=(?:ensuring|meaning|that is)\b)", re.I)
# A sentence that opens a new topic in a section of several: "Family Voice - This is a cross-government project…".
_NEW_TOPIC = re.compile(r"^(?!The |This |It )[A-Z][\w() ,'’]{2,120}\s[-–]\s(?:This|These|It)\b")
# Sentences that carry on from the one before.
# …or point back at it in their opening clause: "To deliver this, we have begun…", "In turn, this can reduce…".
_CARRIES_ON = re.compile(r"^(?:It|Its|This|These|They|Their|As well as|In addition|Both|Each)\b"
                         r"|^(?:[\w’'-]+\s+){1,4}(?:this|these|that|them),|^(?:In turn|As such),\s")
# …but one that only says what the sentence before is ("This is a small increase from the previous year") gives
# no reason with it.
_SAYS_WHAT_BEFORE_IS = re.compile(r"^(?:This|It|That) (?:is|was|represents) (?:a|an|the)\b")
# A sentence that points back at the one before within its first words: "…, this move will…", "They…".
_REFERS_BACK = re.compile(r"\b(?:this|these|it|its|they|their|both)\b", re.I)
_REFERS_BACK_WORDS = 12
# A lead-in into a list that names nothing itself: "The following were the most often identified:".
_NAMES_NOTHING = re.compile(r"^(?:The following|These|Those|They)\b")
_SUMMARY_HEADING = re.compile(r"summary|overview|key findings|highlights", re.I)
# A report's opening section, whose first sentences state where the programme stands ("After 13 years of delivery,
# the Supporting Families programme ended on 31 March 2025.").
_OPENING_HEADING = re.compile(r"foreword|preface", re.I)
OPENING_SENTENCES = 2
_CONSEQUENCE = re.compile(r"^(?:That's why|That is why|This is why|As a result|So,|Therefore)", re.I)
# A signature line: "Janet Daby MP: Minister for Children and Families, Department for Education".
_SIGNATURE = re.compile(r"\b(?:MP|Minister|Secretary of State)\b")
_SIGNATURE_WORDS = 14


@dataclass
class Passage:
    text: str
    year: str
    section: str  # citation path: chapter › section › …
    score: float
    lacks: str = ""  # what the question asked for that this passage does not give ("a reason for this")
    headings: list[str] = field(default_factory=list)  # headings the answer lists after the quote (one per council)
    signed: bool = False  # a signature block: the names are who signed
    introduces: bool = False  # where the reports first name the person asked about ("who is Hannah?")

    def quoted(self) -> str:
        """The passage in quotation marks, then what the report's headings add (outside the quote)."""
        listed = f" The report has a section on each: {'; '.join(self.headings)}." if self.headings else ""
        return f"“{self.text}”{listed}"


# Counted things the reports also call by other names ("councils" are "local authorities"): a figure that
# counts something else is not marked down for them, and they name no topic.
AREA_WORDS = {"areas", "councils", "authorities", "las", "places", "local", "ones", "times"}


def rarest_topic(plan, retriever: HybridRetriever) -> str | None:
    """The question's rarest word in the reports beyond the places it asks for ("pathfinder" in "which areas
    are in the pathfinder", "therapy" in "list the councils in the family therapy trial")."""
    # (not a word that names no topic, vocabulary light_words: "which councils were given earned autonomy")
    # (nor the places it leaves out: "besides Dorset… which other councils are in the pathfinder")
    topic = {t for t in tokens(" ".join(asked_words(plan))) if retriever.chunk_count(t)} \
        - set(tokens(" ".join(AREA_WORDS))) - cue_tokens("light_words") - set(tokens(" ".join(plan.exclude)))
    return min(topic, key=retriever.chunk_count) if topic else None


def asked_words(plan) -> set[str]:
    """The words the question used, with a follow-up's earlier question ("who delivers it?" after "what is family
    voice": Family Voice is not the name asked for), but not the names its search adds from the answer before."""
    return {w.lower() for w in re.findall(r"[A-Za-z]+", f"{plan.question} {plan.earlier}" if plan.follow_up
                                          else plan.search_text)}


def new_names(text: str, asked: set[str]) -> set[str]:
    """Capitalised words of a text that the question did not use: names it could be asking for. A
    sentence's first word counts only if it is no ordinary word ("Lauren" does, "Strong" does not)."""
    from qa.intents import is_common_word

    found = set()
    text = text.removeprefix("• ")
    for m in re.finditer(r"\b[A-Z][a-zA-Z]+", text):
        word = m.group()
        opens = m.start() == 0 or re.search(r"[.!?:]\s+$", text[:m.start()])
        named = re.match(r"\s+[A-Z]", text[m.end():])  # "Somerset Council have…" opens with a name
        if word.lower() in asked or word in not_names() or (opens and is_common_word(word.lower()) and not named) \
                or _abbreviates_asked(word, text, asked):
            continue
        found.add(word)
    return found


def _abbreviates_asked(word: str, text: str, asked: set[str]) -> bool:
    """ "Supporting Families Employment Advisors (SFEAs)" after a question about employment advisors: the
    abbreviation is of a name the question used (or of the programme's own), not a new name."""
    m = re.search(rf"((?:[A-Z][a-z]+\s+){{2,6}})\({re.escape(word)}\)", text)
    if not m or not word[:2].isupper():
        return False
    spelled = m.group(1).split()[-len(word.rstrip("s")):]
    return [w[0] for w in spelled] == list(word.rstrip("s")) and all(
        w.lower() in asked or w in not_names() for w in spelled)


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    return frozenset(slots.vocabulary()["not_names"])


def topic(question: str, *cue_lists: str) -> set[str]:
    """The question's topic words: its content words without the cue words of its shape or years."""
    # ("…in 3 bullets" counts points, no topic; "chapter 3" is one)
    question = re.sub(r"\b(chapter|section|part|table|annex|study)?(\s*)\b\d{1,2}\b",
                      lambda m: m.group(0) if m.group(1) else m.group(2), question, flags=re.I)
    # (nor is a letter: "can u sum up the 2023-24 report")
    return {t for t in tokens(question) if len(t) > 1 or t.isdigit()} - YEAR_TOKENS \
        - {t for name in cue_lists for t in cue_tokens(name)}


@lru_cache(maxsize=None)
def cue_tokens(cue_list: str) -> frozenset[str]:
    return frozenset(tokens(" ".join(slots.vocabulary()[cue_list])))


def whole_report(plan) -> bool:
    """A summary of a whole report ("give me the key points of the 2023-24 report"), not of a topic."""
    return plan.answer_type == "summary" and not plan.authorities and not _topic_of_report(plan)


def report_changes(plan) -> bool:
    """ "What changed between the two reports?": no topic, only words of change."""
    return plan.answer_type in ("summary", "comparison") and not plan.authorities \
        and "change_words" in plan.cues and not _topic_of_report(plan)


def _topic_of_report(plan) -> set[str]:
    # ("…compared to the year before": a year, no topic; "in three bullets": how many points, not chapter 3)
    text = _HOW_MANY_POINTS.sub(" ", slots.without_relative_years(plan.search_text))
    return topic(text, "summary_words", "change_words", "both_reports")


_HOW_MANY_POINTS = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+"
                              r"(?:bullet points?|bullets?|points?|lines?|sentences?|headlines?)\b", re.I)


# ------------------------------------------------------------------ shapes

def shape(plan, best: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever,
          find_places=None) -> list[Passage] | None:
    """The passages in the shape the plan's answer type needs, or None to keep the plain sentence answer."""
    kind = plan.answer_type
    if kind == "summary" and plan.authorities and _headed_by(best, plan) \
            and 0 < len(_section_ids(retriever, best)) <= AUTHORITY_SECTION_MOST:
        # "what did leicestershire do in the mental health pilot", "tell me about hull's mental health project":
        # the short section headed with its name, not one sentence, nor the whole project (a long case study
        # headed with a council's name is answered sentence by sentence)
        return [_quote(retriever, best, _section_ids(retriever, best))]
    if kind == "summary" and {"overview", "summary_asks"} & plan.cues:
        # "tell me about…", "summarise the mental health project": an overview, not one fact
        return topic_summary(plan, ranked, retriever)
    passage = None
    if kind == "definition" or (kind == "summary" and _NAMES_A_THING.match(plan.question)
                                and _headed_sections(plan, _asked_term(plan.question), retriever)):
        # ("what was the mental health good practice project": the opening of the section headed with it)
        passage = definition(plan, ranked, retriever)
    elif kind == "reason":
        # (why a figure of the tables rose or fell: "why were there more outcomes", "what's behind the rise in
        # outcomes", "why did hull improve", also when the tables' figures are what it falls back on)
        of_figures = plan.intent in TABLE_INTENTS or bool(plan.measure)
        passage = reason(best, ranked, retriever, purposes=not (of_figures and "comparatives" in plan.cues),
                         asked=set(tokens(" ".join(asked_words(plan)))))

    elif kind in ("list", "place") and plan.places_wanted and find_places:
        passage = named_places(plan, best, ranked, retriever, find_places)
    elif kind == "list":
        passage = bulleted_items(plan, best, ranked, retriever) or headed_items(plan, best, ranked, retriever) \
            or titled_items(plan, best, ranked, retriever)
    return [passage] if passage else None


# "what was the mental health good practice project (about)": a question that only names a thing (no "of"…)
_NAMES_A_THING = re.compile(r"\W*what(?:['’]?s|\s+(?:was|is|were|are))\s+(?:(?:the|an?)\s+)?(?:(?!of|about|from|for|in|on|to|with|"
                            r"like|behind)\b[\w'-]+\s*){1,8}(?:about\s*)?\??\s*$", re.I)  # ("…project about?")


def _asked_term(question: str) -> set[str]:
    """The term a definition question asks about (not "…in a sentence": it defines no sentence)."""
    return topic(slots.without("format_words", question), "definition_words")


def _headed_sections(plan, term: set[str], retriever: HybridRetriever) -> list[tuple[str, str]]:
    """(year, path) of the sections headed with the term, in the years the plan asks about."""
    return [(y, p) for y in plan.years or retriever.years for p in retriever.sections(y)
            if term and _heads(p.split(" › ")[-1], term, retriever.acronyms)]


def definition(plan, ranked: list[SentenceHit], retriever: HybridRetriever) -> Passage | None:
    """The sentences that define the term: in the section headed with it if there is one, else among the
    best-ranked; a sentence saying "definition of <term>" first, then one whose subject is the term
    ("EA is a progression from Payment by Results…"); with the sentences that carry on from it."""
    term = _asked_term(plan.question) or topic(plan.search_text, "definition_words")
    if not term:
        return None
    acronyms = retriever.acronyms
    headed = [retriever.section_sentences(y, p) for y, p in _headed_sections(plan, term, retriever)]
    candidates = [i for ids in headed for i in ids] + [best_id(retriever, s) for s in ranked[:DEFINITION_DEPTH]]
    texts = retriever.sentence_text
    # Where the term's abbreviation is introduced: "… the Families First Partnership (FFP) Programme".
    introduced = next((i for i in candidates if any(f"({short.upper()})" in texts[i]
                                                    and (short in term or expansion <= term)
                                                    for short, expansion in acronyms.items())
                       and _names_term(texts[i], term, acronyms, whole=True)), None)
    chosen = introduced if "abbreviation_words" in plan.cues else None  # "what does FFP stand for"
    if chosen is None:
        chosen = next((i for i in candidates if _phrase_defines(texts[i], term, acronyms)), None)
    if chosen is None:
        chosen = next((i for i in candidates if _defines(texts[i], term, acronyms)), None)
    if chosen is None:  # "…whole system reform, including Family Help. This will provide effective…"
        chosen = next((i for i in candidates if _ends_naming(texts[i], term, acronyms) and _then_defined(retriever, i)),
                      None)
    if chosen is None:
        chosen = introduced
    if chosen is None and headed:
        chosen = headed[0][0]  # the opening of the section about it
    if chosen is None:
        chosen = next((best_id(retriever, s) for s in ranked[:DEFINITION_DEPTH]
                       if _names_term(s.text, term, acronyms, whole=True)), None)
    opening = next((ids[0] for ids in headed if chosen in ids), None)
    if opening not in (None, chosen) and term <= retriever.text_tokens(texts[opening]) \
            and not term <= retriever.text_tokens(texts[chosen]):  # ("EA is a progression…" names Earned Autonomy)
        # "what is the systemic practice trial": its section opens with the trial ("…commissioned a trial of
        # systemic practice…"); "Systemic practice is based on…" defines only part of the term
        chosen = opening
    if chosen is None:
        return None
    key, at = retriever.reading_place[chosen]
    ids = retriever.section_sentences(*key)
    about_it = any(chosen in h for h in headed)  # the section is about the term: its next sentences are too
    picked = [at]
    if at > 0 and (_CARRIES_ON.match(texts[chosen]) or ids[at - 1] == introduced):
        picked.insert(0, at - 1)  # "…through the Families First Partnership (FFP) Programme. The aim of the FFP…"
    for i in range(at + 1, len(ids)):
        text = texts[ids[i]]
        if len(picked) >= DEFINITION_SENTENCES or text.rstrip().endswith(":") or text.startswith("•") \
                or _NEW_TOPIC.match(text):
            break
        if not (about_it or _CARRIES_ON.match(text) or _names_term(text, term, acronyms)
                or _refers_to(text, texts[ids[picked[-1]]])):
            break
        picked.append(i)
    meta = retriever.sentence_meta[chosen]
    return Passage(_join(retriever, [ids[i] for i in picked]), meta["year"], meta["path"],
                   ranked[0].score if ranked else 1.0)


def _refers_to(text: str, before: str) -> bool:
    """A sentence that opens with "The <noun>" the sentence before named: "This is a long-established
    approach… The approach addresses family issues…" carries on about it."""
    m = re.match(r"The (\w+)\b", text)
    return bool(m) and bool(set(tokens(m.group(1))) & set(tokens(before)))


def _heads(heading: str, term: set[str], acronyms: dict[str, set[str]]) -> bool:
    """A heading about the term: it names the whole term, or is made only of the term's words ("Consultative
    model" for "what's the consultative model in the mental health pilots")."""
    words = set(tokens(heading))
    if _names_term(heading, term, acronyms, whole=True, strict=True) or (len(words) >= 2 and words <= term):
        return True
    # …with "pilot", "project" or "scheme" for one another: "the mental health pilot" is the "Mental Health Good
    # Practice project"
    generic = cue_tokens("generic_nouns")
    core = term - generic
    return bool(core and term & generic and words & generic) and core <= words and len(words - generic - core) <= 2


def _phrase_defines(text: str, term: set[str], acronyms: dict[str, set[str]]) -> bool:
    """ "The definition of a successful family outcome…", "…is known as Earned Autonomy": a defining phrase
    right beside the term ("a shared definition of rebalancing the system towards… family help" defines
    rebalancing, not family help)."""
    m = _DEFINITION_PHRASE.search(text)
    if not m:
        return False
    before, after = " ".join(text[:m.start()].split()[-DEFINING_SUBJECT_WORDS:]), " ".join(text[m.end():].split()[:4])
    return _names_term(before, term, acronyms, whole=True) or _names_term(after, term, acronyms, whole=True)


def _ends_naming(text: str, term: set[str], acronyms: dict[str, set[str]]) -> bool:
    """The sentence ends with the term ("…, including Family Help.")."""
    return set(tokens(" ".join(text.split()[-len(term):]))) == term


def _then_defined(retriever: HybridRetriever, i: int) -> bool:
    """The next sentence of the same section says what "it"/"this" is ("This will provide…")."""
    key, at = retriever.reading_place[i]
    ids = retriever.section_sentences(*key)
    after = retriever.sentence_text[ids[at + 1]] if at + 1 < len(ids) else ""
    return bool(re.match(r"(?:This|It)\s+(?:will\s+)?(?:is|provides?|means|offers?|gives?)\b", after))


def _defines(text: str, term: set[str], acronyms: dict[str, set[str]]) -> bool:
    m = _DEFINING.search(text)
    if not m or len(text[:m.start()].split()) > DEFINING_SUBJECT_WORDS:
        return False
    return _names_term(text[:m.start()], term, acronyms, whole=True)


def _names_term(text: str, term: set[str], acronyms: dict[str, set[str]], whole: bool = False,
                strict: bool = False) -> bool:
    """Whether the text (its first words, unless `whole`) names the term, in full or by its abbreviation:
    most of the term's words (all of them, and nothing much else, when `strict`, for headings)."""
    head = text if whole else " ".join(text.split()[:8])
    words = set(tokens(head))
    for short, expansion in acronyms.items():
        if re.search(rf"\b{re.escape(short)}\b", head, re.I):
            words |= expansion | {short}
    if strict:
        return term <= words and len(set(tokens(head)) - term) <= 2
    return len(term & words) * 10 >= 6 * len(term)


def reason(best: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever, purposes: bool = True,
           asked: set[str] = frozenset()) -> Passage:
    """The sentences that give the cause. Each well-ranked sentence is read with its neighbours in the
    paragraph: it gives a cause itself ("because", "as a result"), or the next sentence does ("This has
    caused…", "Many parents share anxiety … which can compound…"). A sentence scores its own rank plus
    a bonus for the cause it carries: a causal word counts more than a purpose ("to help", "aims to"),
    which many sentences have. With no cause near any of them, a "These…" best sentence comes with the one
    it refers back to; else the best sentence, marked as lacking a reason. Without `purposes` (a question
    about a change: "why did outcomes go up") only a cause counts: what something is for explains no rise.
    A sentence saying what leads to what ("Better signposting … leads to de-escalation of need…, which enables
    support workers to…") gives the cause of what the question asks (the `asked` words) only if they follow."""
    w = weights.current()
    bonus = {"cause": w.cause_bonus, "purpose": w.purpose_bonus}
    choices = []
    for s in ranked[:REASON_DEPTH]:
        close = s.score >= best.score * REASON_SHARE
        # (lower down, in the best sentence's own section, a cause still counts: "This was targeted in two areas
        # due to the high level of need…" under "Southwark was awarded £86,299 to employ a link worker…")
        nearby = s.chunk.meta["path"] == best.chunk.meta["path"] and s.chunk.meta["year"] == best.chunk.meta["year"] \
            and s.score >= best.score * SECTION_REASON_SHARE
        if not (close or nearby):
            continue
        span, cause = _cause_span(retriever, s, asked)
        if cause == "cause" or (cause and purposes and close):
            choices.append((s.score + bonus[cause], s, span))
    if choices:
        _, s, span = max(choices, key=lambda c: c[0])
        return _quote(retriever, s, span)
    ids = _section_ids(retriever, best)
    at = _index_of(retriever, ids, best)
    if at > 0 and _CARRIES_ON.match(best.text) and not _SAYS_WHAT_BEFORE_IS.match(best.text):
        # "These local authorities … do not make Payment by Results claims": why is who "these" are
        # (tuning set: reason answers 54.5% -> 60.6%, nothing declined lost).
        return _quote(retriever, best, [ids[at - 1], ids[at]])
    # (the nearest sentence comes with the one it refers back to: "This is a small increase…" says of what)
    passage = _quote(retriever, best, _with_referent(retriever, ids, best_id(retriever, best)))
    passage.lacks = "a reason for this"
    return passage


def _cause_span(retriever: HybridRetriever, s: SentenceHit, asked: set[str] = frozenset()) -> tuple[list[int], str]:
    """The sentence ids that give the cause around a sentence, with the cause's kind ("cause" or
    "purpose"), or ([], "") when neither it nor the next sentence in its paragraph gives one."""
    ids = _section_ids(retriever, s)
    at = _index_of(retriever, ids, s)
    texts = retriever.sentence_text
    after = texts[ids[at + 1]] if at + 1 < len(ids) else ""
    same_paragraph = at + 1 < len(ids) and retriever.sentence_meta[ids[at + 1]]["chunk_id"] == s.chunk.id
    here = _cause_kind(s.text, asked)
    if here:
        picked = [at - 1, at] if at > 0 and (_CONSEQUENCE.match(s.text) or _CARRIES_ON.match(s.text)) else [at]
        if picked[0] > 0 and len(picked) > 1 and _CARRIES_ON.match(texts[ids[picked[0]]]):
            # "As a result, they implemented a Board…" after "They recognised this was not sustainable…":
            # who "they" are and what "this" was is the sentence before that
            picked.insert(0, picked[0] - 1)
        if same_paragraph and not _NEW_TOPIC.match(after):
            # the next sentence usually says more of the cause ("Support for parents is vital… Many parents
            # share anxiety…"); tuning set, reason answers: 66.7% without it, 69.7% with it
            picked.append(at + 1)
        return [ids[i] for i in picked], here
    after_kind = _cause_kind(after, asked) if after and (same_paragraph or _CARRIES_ON.match(after)) else ""
    if after_kind == "purpose" and not _REFERS_BACK.search(" ".join(after.split()[:_REFERS_BACK_WORDS])):
        # "Most areas have a data warehouse … to bring data together" is that sentence's own purpose, not
        # this one's cause; "As recommended by …, this move will bring together…" is about this one
        after_kind = ""
    if not after_kind:
        return [], ""
    picked = [at - 1, at, at + 1] if at > 0 and _CARRIES_ON.match(s.text) else [at, at + 1]
    return [ids[i] for i in picked], after_kind


def _cause_kind(text: str, asked: set[str] = frozenset()) -> str:
    if slots.has("reason_cues", text) or _CONSEQUENCE.match(text):
        return "cause"
    effect = slots.find("effect_cues", text)
    if effect and len(set(tokens(text[effect.end():])) & asked) >= EFFECT_WORDS:
        return "cause"  # "…leads to de-escalation of need…, which enables support workers…": what the question asks
    return "purpose" if slots.has("purpose_cues", text) or _PURPOSE_FIRST.match(text) else ""


# A sentence that opens with what it is for: "To understand the maturity of local authorities' data systems, we
# run a data survey every year."
_PURPOSE_FIRST = re.compile(r"^(?:• )?(?:In order to|To) [a-z]+\b[^.]*,")


def topic_summary(plan, ranked: list[SentenceHit], retriever: HybridRetriever) -> list[Passage] | None:
    """Key points on a topic, one passage each: the report summary's point on it (if it has one), the
    opening of the section about it (the one whose heading names it, if any), then that section's
    sentences with figures, in reading order."""
    about = topic(plan.search_text, "summary_words")
    if not about:
        return None
    # (SECTION_DEPTH sentences for each report the ranking holds: both reports' sections compete)
    ranked = ranked[:SECTION_DEPTH * len({s.chunk.meta["year"] for s in ranked})]
    scores: dict[tuple[str, str], float] = {}
    for s in ranked:
        key = (s.chunk.meta["year"], s.chunk.meta["path"])
        scores[key] = max(scores.get(key, 0.0), s.score)
    # A heading counts by the words that name the topic, not by a generic "pilot" or "project": "the SEND pilot"
    # is the "SEND Good Practice project", not the mental health "Key learning from the pilot".
    naming = about - cue_tokens("generic_nouns") or about
    for key in scores:
        heading = set(tokens(key[1].split(" › ")[-1]))
        if not _SUMMARY_HEADING.search(key[1]):
            scores[key] += HEADING_WEIGHT * len(naming & heading) / len(naming)
    body = {k: v for k, v in scores.items() if not _SUMMARY_HEADING.search(k[1])}
    points: list[Passage] = []
    if body:
        year, path = max(body, key=body.get)
        while " › " in path and _names_term(path.rsplit(" › ", 1)[0].split(" › ")[-1], about, retriever.acronyms,
                                            whole=True):
            path = path.rsplit(" › ", 1)[0]  # "Key learning from the pilot" is part of the project's own section
        ids = retriever.section_sentences(year, path, nested=True)
        headed = _names_term(path.split(" › ")[-1], about, retriever.acronyms, whole=True)
        start = 0 if headed else next((k for k, i in enumerate(ids) if _names_term(
            retriever.sentence_text[i], about, retriever.acronyms, whole=True)), 0)
        opening, rest = _topic_run(retriever, ids[start:], start > 0)
        points.append(_passage_of(retriever, opening, ranked[0].score))
        # the section's key facts, and first any sentence on what the question narrows it to, a word the
        # heading doesn't hold ("what did the 2024 survey say about police data": "…improvements in police
        # data sharing")
        narrower = naming - set(tokens(path.split(" › ")[-1])) - cue_tokens("generic_nouns")
        on_it = [i for i in rest if narrower & set(tokens(retriever.sentence_text[i]))
                 and not is_signature(retriever.sentence_text[i])] if narrower else []
        on_it = on_it if len(on_it) <= NARROWER_SENTENCES else []  # (a word all through it, "oxfordshire", is its own)
        points += [_passage_of(retriever, _with_referent(retriever, ids, i), ranked[0].score) for i in on_it]
        facts = [i for i in rest if i not in on_it and _key_fact(retriever.sentence_text[i])]
        if len(on_it) + len(facts) < MIN_KEY_FACTS:
            # a section of few figures or names is summed up by what it says, in reading order: the spend
            # evaluation's "The research has found significant variation…", "The final report is being prepared."
            facts = [i for i in rest if i not in on_it]
        points += [_passage_of(retriever, [i], ranked[0].score) for i in facts]
    # the report summary's point, of the report the key points come from, must name the topic: "The 2023 Data
    # Survey shows…" is no point on spot checks
    headline = next((s for s in ranked if _SUMMARY_HEADING.search(s.chunk.meta["path"])
                     and naming & set(tokens(s.text)) and (not points or s.chunk.meta["year"] == points[0].year)), None)
    if headline:
        ids = _section_ids(retriever, headline)
        point = _quote(retriever, headline, _point(retriever, ids, _index_of(retriever, ids, headline)))
        if not any(point.text in p.text or p.text in point.text for p in points):
            points.insert(0, point)
    out, words = [], 0
    for p in points[:TOPIC_POINTS]:
        words += len(p.text.split())
        if out and words > TOPIC_WORDS:
            break
        out.append(p)
    return out or None


# A proper name of two or more words inside a sentence: "Early Help Partnership Board", "Strengths and Needs Form".
_PROPER_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+)+")


def _with_referent(retriever: HybridRetriever, ids: list[int], i: int) -> list[int]:
    """A sentence with the one before it in its section (`ids`) when it carries that on ("This is similar to
    the previous year…")."""
    k = ids.index(i) if i in ids else 0
    return [ids[k - 1], i] if k > 0 and _CARRIES_ON.match(retriever.sentence_text[i]) else [i]


def _key_fact(text: str) -> bool:
    """A sentence worth a point of its own in a summary: it has a figure or names something (a signature line,
    "Felicity Buchan MP Minister for Housing…", says who signed, not what the section says)."""
    return bool(FIGURE.search(text) or _PROPER_NAME.search(text.removeprefix("• "))) and not is_signature(text)


def _topic_run(retriever: HybridRetriever, ids: list[int], shared: bool) -> tuple[list[int], list[int]]:
    """The opening two sentences of a topic, and its other sentences up to where the next topic starts
    (in a section shared by several: "Voluntary and Community Sector - This project…")."""
    run = []
    for k, i in enumerate(ids):
        if k and shared and _NEW_TOPIC.match(retriever.sentence_text[i]):
            break
        run.append(i)
    return run[:2], run[2:]


def _passage_of(retriever: HybridRetriever, ids: list[int], score: float) -> Passage:
    meta = retriever.sentence_meta[ids[0]]
    return Passage(_join(retriever, ids), meta["year"], meta["path"], score)


def report_summary(retriever: HybridRetriever, year: str, points: int = SUMMARY_POINTS) -> list[Passage]:
    """A report's headline points, one passage each: the opening of its foreword, then its summary section's
    points (or the opening of its first section)."""
    paths = retriever.sections(year)
    path = next((p for p in paths if _SUMMARY_HEADING.search(p)), None) or next(iter(paths[1:2] or paths), None)
    if path is None:
        return []
    ids = retriever.section_sentences(year, path)
    starts = [k for k, i in enumerate(ids) if retriever.sentence_text[i].startswith("•")] or list(range(len(ids)))
    out = [_opening(retriever, year, p) for p in paths[:1] if p != path and is_opening_section(p)]
    for k in starts[:points]:
        picked = _point(retriever, ids, k)
        out.append(Passage(_join(retriever, picked), year, path, 1.0))
    return out


def _opening(retriever: HybridRetriever, year: str, path: str) -> Passage:
    """The first sentences of a report's foreword, where it says what the programme has done and where it stands."""
    ids = retriever.section_sentences(year, path)
    return Passage(_join(retriever, _paragraph_from(retriever, ids, ids[0], OPENING_SENTENCES)), year, path, 1.0)


def signatures(plan, rankings: dict[str, list[SentenceHit]], retriever: HybridRetriever) -> list[Passage]:
    """Who signed: the signature block of the section the question names ("the foreword"), or of the
    section whose signature lines rank among the best; one per report."""
    about = topic(plan.search_text)
    signing = "sign" in about  # "who signed (off) the report": every section with a signature block
    out = []
    for year, ranked in rankings.items():
        named = [p for p in retriever.sections(year) if signing or about & set(tokens(p))]
        near = [s.chunk.meta["path"] for s in ranked[:5]
                if is_signature(s.text) and s.score >= weights.current().min_score]  # (well ranked, not by default)
        path = next((p for p in named + near if _signature_block(retriever, year, p)), None)
        if path:
            block = _signature_block(retriever, year, path)
            score = ranked[0].score if ranked else 0.0
            out.append(Passage(_signed_text([retriever.sentence_text[i] for i in block]), year, path, score,
                               signed=True))
    return sorted(out, key=lambda p: p.score, reverse=True)


def introduction(name: str, retriever: HybridRetriever, years: list[str]) -> Passage | None:
    """ "Who is Hannah?": the sentence where the reports first name the person, with the next one when it
    goes on about them ("A practitioner from the team, Lauren, arranged to meet the family…")."""
    for year in years or retriever.years:
        for path in retriever.sections(year):
            ids = retriever.section_sentences(year, path)
            for k, i in enumerate(ids):
                if re.search(rf"\b{re.escape(name)}\b", retriever.sentence_text[i]):
                    picked = [i]
                    after = retriever.sentence_text[ids[k + 1]] if k + 1 < len(ids) else ""
                    if re.match(rf"(?:{re.escape(name)}|She|He|They)\b", after):
                        picked.append(ids[k + 1])
                    return Passage(_join(retriever, picked), year, path, 1.0, introduces=True)
    return None


def named_places(plan, best: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever,
                 find_places) -> Passage | None:
    """ "Which councils took part": the sentence of the paragraph that names them, else the councils the
    section gives a heading each; looked for around the best sentence, then around the next best ones
    (the report summary mentions a project, its section names the councils). None when the best sentence
    already names them. The councils the question itself names don't count ("which areas did Somerset
    support?")."""
    def others(text: str) -> set[str]:  # (nor those it leaves out: "apart from hull, which councils…")
        return set(find_places(text)) - set(plan.authorities) - set(plan.exclude)

    wanted = min(plan.places_wanted, 2)
    if len(others(best.text)) >= wanted:
        return None
    rarest = rarest_topic(plan, retriever)

    def on_topic(hit: SentenceHit, *ids: int) -> bool:  # the family therapy trial's councils, not the next project's
        said = " ".join([hit.chunk.meta["path"], *(retriever.sentence_text[i] for i in ids)])
        return not rarest or rarest in retriever.text_tokens(said)

    for hit in [best] + [s for s in ranked[:SECTION_DEPTH] if s is not best]:
        ids = retriever.by_chunk.get(hit.chunk.id, [])
        for k, i in enumerate(ids):
            # the topic is in the naming sentence or the one it follows ("…awarded six areas Earned Autonomy (EA)
            # status. These are Dorset, …"), not only in the hit: "Wave one pathfinder areas are Dorset,
            # Lincolnshire and Wolverhampton" is in the bullet before the Earned Autonomy one
            if len(others(retriever.sentence_text[i])) >= wanted and on_topic(hit, *ids[max(0, k - 1):k + 1]):
                lead = [best_id(retriever, hit)] if best_id(retriever, hit) != i else []
                return _quote(retriever, hit, sorted(lead + [i]))
        year, path = hit.chunk.meta["year"], hit.chunk.meta["path"]
        for parent in dict.fromkeys([path, path.rsplit(" › ", 1)[0]]):  # its own heading may be one council's
            opening = retriever.section_sentences(year, parent)
            naming = [i for i in opening if len(others(retriever.sentence_text[i])) >= wanted]
            if naming and on_topic(hit, naming[0]):  # "…across five local authorities: Hull, Kirklees…"
                return Passage(_join(retriever, _paragraph_from(retriever, opening, naming[0])), year, parent, hit.score)
            heads = [h for h in retriever.subsections(year, parent) if others(h)]
            if len(heads) >= 2:  # the section's opening (or the hit, when it is one council's), then each heading
                # "Leeds was awarded £112,268…" for "which councils got money"; not "They chose to target…", which
                # says nothing without what went before
                own = path.rsplit(" › ", 1)[-1] in heads and not _CARRIES_ON.match(hit.text)
                lead = hit.text if own or not opening else _join(retriever, _paragraph_from(retriever, opening, opening[0]))
                named = len(others(lead)) >= wanted  # (the opening may name them itself)
                return Passage(lead, year, parent, hit.score, headings=[] if named else heads)
    return None


def _headed_by(hit: SentenceHit, plan) -> bool:
    """The hit's own section is headed with an authority the question names ("Leicestershire County Council")."""
    heading = hit.chunk.meta["path"].rsplit(" › ", 1)[-1].lower()
    return any(n.lower() in heading or s.lower().strip() in heading for n, s in zip(plan.authorities, plan.said))


def _paragraph_from(retriever: HybridRetriever, ids: list[int], start: int, most: int = 2) -> list[int]:
    """Sentence `start` and those after it in its paragraph, `most` in all ("…across five local authorities: Hull,
    Kirklees…", then "Northumberland County Council led on this project…")."""
    chunk = retriever.sentence_meta[start]["chunk_id"]
    return [i for i in ids if i >= start and retriever.sentence_meta[i]["chunk_id"] == chunk][:most]


def bulleted_items(plan, best: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever) -> Passage | None:
    """ "What were the main findings of the 2024 data survey": a well-ranked sentence (or the one after it) that
    leads into bullets naming the things asked for ("The main findings of this year's survey are set out
    below:"), with all its bullets and the sentences that carry them on."""
    asked = _asked_plurals(plan, keep_cues=True)  # ("the main findings" are what such a list is of)
    if not asked and not plan.places_wanted and plan.answer_type != "list":
        return None
    texts, meta = retriever.sentence_text, retriever.sentence_meta
    for hit in [best] + [s for s in ranked[:LIST_DEPTH] if s is not best]:
        ids = _section_ids(retriever, hit)
        at = _index_of(retriever, ids, hit)
        for k in (at, at + 1):  # the hit itself, or the hit just before the lead-in
            if k >= len(ids) - 1 or not texts[ids[k]].rstrip().endswith(":"):
                continue
            # the bullets, with the sentences that carry one on, to the end of the lead-in's paragraph
            items = list(itertools.takewhile(lambda i: meta[i]["chunk_id"] == meta[ids[k]]["chunk_id"]
                                             and not texts[i].rstrip().endswith(":"), ids[k + 1:]))
            # a lead-in that names nothing itself goes with the hit before it ("All areas also identified 3 of the 31
            # descriptors to prioritise… The following were the most often identified:")
            opening = " ".join(texts[i] for i in ids[at:k + 1] if _NAMES_NOTHING.match(texts[ids[k]]) or i == ids[k])
            lead = set(tokens(opening))
            if sum(texts[i].startswith("•") for i in items) >= 2 and (asked & lead or _shared(plan, lead) >= 2):
                return Passage("\n".join([opening, *(texts[i] for i in items)]), hit.chunk.meta["year"],
                               hit.chunk.meta["path"], hit.score)
    return None


def _shared(plan, lead: set[str]) -> int:
    """How many of the question's words (of four letters or more) a lead-in says, as a stem of one or the other:
    "what did they look at in each case" and "Two cases from each area … were looked at to consider:"."""
    asked = {w for w in tokens(plan.search_text) if len(w) > 3}  # (not "two", "new")
    return sum(any(w.startswith(t) or t.startswith(w) for t in lead) for w in asked)


def headed_items(plan, best: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever) -> Passage | None:
    """ "What were the 2 approaches in the mental health pilots": a lead-in that counts the things asked for and
    closes its section ("Two different approaches were adopted:"), whose items are the sections that follow it,
    each heading with its first sentence. Found from a well-ranked sentence in the lead-in's section or an item's."""
    asked = _asked_plurals(plan, keep_cues=True)
    if not asked:
        return None
    texts = retriever.sentence_text

    def count(lead: str) -> int:  # "Two different approaches were adopted:": 2
        counted = re.match(rf"(\d+|{NUMBER_WORDS})\b", lead, re.I) if lead.rstrip().endswith(":") else None
        return slots.number_value(counted.group(1)) if counted else 0

    # the sentences near the top, and any lead-in further down counting as many as the question asks ("the 2…")
    counting = [s for s in ranked if plan.items_asked and count(s.text) == plan.items_asked]
    # …or, when it gives no number, one naming the things asked for under the same heading as the best sentence
    # ("what approaches did the mental health pilots use": "Two different approaches were adopted:")
    parent = best.chunk.meta["path"].rsplit(" › ", 1)[0]
    counting += [s for s in ranked if not plan.items_asked and count(s.text) >= 2 and asked & set(tokens(s.text))
                 and s.chunk.meta["year"] == best.chunk.meta["year"] and s.chunk.meta["path"].startswith(parent)]
    for hit in [best] + [s for s in ranked[:LIST_DEPTH] if s is not best] + counting:
        year, path = hit.chunk.meta["year"], hit.chunk.meta["path"]
        paths = retriever.sections(year)
        at = paths.index(path) if path in paths else -1
        for start in range(at, max(at - HEADED_ITEMS_MOST, -1), -1):
            ids = retriever.section_sentences(year, paths[start])
            lead = texts[ids[-1]] if ids else ""
            n = count(lead)
            if not n or not asked & set(tokens(lead)):
                continue
            after = paths[start + 1:start + 1 + n]
            firsts = [retriever.section_sentences(year, p)[:1] for p in after]
            if 2 <= n <= HEADED_ITEMS_MOST and len(after) == n and all(firsts) and (start == at or path in after):
                items = [f"• {p.rsplit(' › ', 1)[-1]}: {texts[f[0]]}" for p, f in zip(after, firsts)]
                return Passage("\n".join([lead, *items]), year, after[0].rsplit(" › ", 1)[0], hit.score)
    return None


def _asked_plurals(plan, keep_cues: bool = False) -> set[str]:
    """The things a list question names in the plural ("findings", "markers"), without the summary cue words
    ("key points") unless `keep_cues`."""
    plurals = set(tokens(" ".join(re.findall(r"\b[a-z]+[^s\W]s\b", plan.question.lower()))))
    return plurals if keep_cues else plurals - cue_tokens("summary_words")


def titled_items(plan, best: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever) -> Passage | None:
    """ "What were the good practice projects": a section of titled paragraphs ("Family Voice - This is a
    cross-government project…"), each item's opening sentence, when the things asked for ("projects") are
    what most of them are. Looked for in the sections of the best-ranked sentences."""
    asked = _asked_plurals(plan)  # the things listed ("projects"), not any word the question uses
    for hit in [best] + [s for s in ranked[:SECTION_DEPTH] if s is not best]:
        ids = _section_ids(retriever, hit)
        items = [i for i in ids if _NEW_TOPIC.match(retriever.sentence_text[i])]
        if len(items) < MIN_ITEMS:
            continue
        shared = [asked & set(tokens(retriever.sentence_text[i].split(" - ", 1)[-1])) for i in items]
        if sum(bool(s) for s in shared) * 2 > len(items):
            text = "\n".join(f"• {retriever.sentence_text[i]}" for i in items)
            return Passage(text, hit.chunk.meta["year"], hit.chunk.meta["path"], hit.score)
    return None


# ------------------------------------------------------------------ helpers

def read_on(retriever: HybridRetriever, passage: Passage, most: int = READ_ON):
    """The passage with one, two… up to `most` more sentences of its section after it, shortest first
    ("Family Voice - This is a cross-government project… We are delivering this jointly with the
    Department for Work and Pensions…"). A lead-in that ends in ":" brings its whole list of bullets."""
    ids = retriever.section_sentences(passage.year, passage.section)
    texts = retriever.sentence_text
    last = split_sentences(passage.text)[-1].removeprefix("• ").strip() if passage.text else ""
    k = next((k + 1 for k, i in enumerate(ids) if texts[i].removeprefix("• ").strip() == last), len(ids))
    text = passage.text
    paragraph = retriever.sentence_meta[ids[k - 1]]["chunk_id"] if 0 < k <= len(ids) else None
    for _ in range(most):
        if k >= len(ids) or retriever.sentence_meta[ids[k]]["chunk_id"] != paragraph:
            return
        taken = [ids[k]]
        if text.rstrip().endswith(":"):
            taken = list(itertools.takewhile(lambda i: texts[i].startswith("•"), ids[k:])) or taken
        text = "\n".join([text, *(texts[i] for i in taken)]) if texts[taken[0]].startswith("•") \
            else f"{text} {texts[ids[k]]}"
        k += len(taken)
        yield Passage(text, passage.year, passage.section, passage.score, headings=passage.headings)


def is_summary_section(path: str) -> bool:
    """A report's executive summary (or overview), as opposed to a section about one topic."""
    return bool(_SUMMARY_HEADING.search(path))


def is_opening_section(path: str) -> bool:
    """A report's foreword, whose opening leads its summary."""
    return bool(_OPENING_HEADING.search(path))


def is_signature(text: str) -> bool:
    """A signature line ("David Johnston MP", "Minister for Children, Families and Wellbeing"), not a sentence."""
    return bool(_SIGNATURE.search(text)) and len(text.split()) <= _SIGNATURE_WORDS and not text.rstrip().endswith(".")


def _signature_block(retriever: HybridRetriever, year: str, path: str) -> list[int]:
    ids = retriever.section_sentences(year, path)
    block = [i for i in ids if is_signature(retriever.sentence_text[i])
             or (retriever.sentence_text[i].startswith("Department") and len(retriever.sentence_text[i].split()) < 10)]
    return block if any(is_signature(retriever.sentence_text[i]) for i in block) else []


def _signed_text(lines: list[str]) -> str:
    """Signature lines as one line per person: "Felicity Buchan MP, Minister for …, Department for …"."""
    people: list[list[str]] = []
    for line in lines:
        if re.search(r"\bMP\b", line) or not people:
            people.append([line])
        else:
            people[-1].append(line)
    return "; ".join(", ".join(p) for p in people)


def _section_ids(retriever: HybridRetriever, hit: SentenceHit) -> list[int]:
    return retriever.section_sentences(hit.chunk.meta["year"], hit.chunk.meta["path"])


def best_id(retriever: HybridRetriever, hit: SentenceHit) -> int:
    ids = retriever.by_chunk.get(hit.chunk.id, [])
    return ids[hit.position] if hit.position < len(ids) else ids[-1]


def _index_of(retriever: HybridRetriever, ids: list[int], hit: SentenceHit) -> int:
    target = best_id(retriever, hit)
    return ids.index(target) if target in ids else 0


def _point(retriever: HybridRetriever, ids: list[int], k: int) -> list[int]:
    """A bullet point: the bullet and the sentences after it, up to the next bullet (three sentences at most);
    from within a bullet, a sentence that carries on ("This removes the Payment by Results model…") starts
    where its bullet does."""
    while k > 0 and _CARRIES_ON.match(retriever.sentence_text[ids[k]]) \
            and not retriever.sentence_text[ids[k]].startswith("•"):
        k -= 1
    picked = [ids[k]]
    for i in ids[k + 1:k + 3]:
        if retriever.sentence_text[i].startswith("•"):
            break
        picked.append(i)
    return picked


def _join(retriever: HybridRetriever, ids: list[int]) -> str:
    return " ".join(retriever.sentence_text[i].removeprefix("• ").strip() for i in ids)


def _quote(retriever: HybridRetriever, hit: SentenceHit, ids: list[int]) -> Passage:
    return Passage(_join(retriever, ids), hit.chunk.meta["year"], hit.chunk.meta["path"], hit.score)
