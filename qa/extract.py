"""Cut the answer out of the report text: the shortest text that answers, quoted with its citation.

No language model: the answer is a sentence of the report (with the one
before it when it starts "They…"/"This…"), or a whole list when the question
asks for one. Where the two reports give different figures for the same
thing, both sentences are given, each with its report.
"""
from __future__ import annotations

import re
from index.chunks import split_sentences
from qa import shapes, slots, weights
from qa.intents import is_common_word
from qa.retrieval import HybridRetriever, SentenceHit, tokens
from qa.shapes import FIGURE, NUMBER_WORDS, Passage  # noqa: F401 (FIGURE, NUMBER_WORDS: used by qa.answer too)

# The tuned numbers (min_score: a document answer needs at least this sentence score, else the reports
# are taken not to say; other_year_share; type_bonus; anchor_bonus) are data: qa/data/weights.json.
# eval.tune's record: accuracy and refusals are flat for min_score 0.30-0.56 (the structural checks in
# answer.py do the declining), so it sits mid-plateau as a backstop; other_year_share 0.7 and 0.8 best,
# 0.9 drops a differing-figures case; anchor_bonus over 128 multi-turn cases: 0 -> 78.9%, 0.06 -> 79.7%,
# 0.12 -> 78.1%.
OTHER_YEAR_DEPTH = 5  # how far down the other report's ranking its figure may be
# A follow-up about what was just quoted ("who ran it?") favours sentences this near the quote, same section.
ANCHOR_SPAN = 6
# A sentence next to the best one is added when it scores within this margin.
NEIGHBOUR_MARGIN = 0.05
NEIGHBOUR_SPAN = 2  # how far away (in sentences) that runner-up may be
# A question's own figure ("over 850,000 families?") is checked by a sentence with a figure this close to it.
CHECK_MARGIN = 0.1
# A "when" question whose best sentence holds no date takes the first of the next ones this deep that holds
# one, in the same part of the report ("Pilots showed…" → "This project ran between April 2023…").
DATE_DEPTH = 3

# The figure each answer type needs: money a £ amount, a percentage a share.
_KIND_FIGURE = {"money": re.compile(r"£\s?\d"), "percentage": re.compile(r"\d\s?%|per ?cent|\b(?:half|third|quarter)\b", re.I)}
# A next sentence that only elaborates the one before it.
_CONTINUES = re.compile(r"^(These|This|They|It|Their|Its|Both)\b")
_LEADS_ON = re.compile(r"^(They|This|These|It|Their|Its|Both|Having done this|As a result|However|Equally|In turn|"
                       r"Therefore|Consequently|As such|Because of this|"
                       r"(?:In|Over|During) (?:this|that|the same) (?:time|period|year))\b")


def extract(plan, retriever: HybridRetriever, places: tuple[str, ...] = (),
            avoid: frozenset[str] = frozenset(), find_places=None) -> list[Passage]:
    """Passages that answer the plan's question, best first; empty when the reports don't say.

    Each report is searched on its own, so the second report's version of a fact is found even when
    the first report's sentences crowd the shared ranking. `places` (authority names in the question)
    favour sections about them; `avoid` holds sentences already given for an earlier part of the question;
    `find_places` names the authorities in a text (for "which councils…" lists). The passage takes the
    shape the answer type asks for (qa.shapes).
    """
    years = plan.years if len(plan.years) == 1 else retriever.years
    anchor = _near_anchor(plan.anchor, retriever)
    if plan.anchor and not plan.years and "pronouns" in plan.cues:
        # "who ran it?": the follow-up stays in the report whose passage "it" points at
        years = sorted({key[0] for key, _ in anchor[1]}) or years
    if shapes.whole_report(plan):
        return [p for y in (plan.years or retriever.years[-1:]) for p in shapes.report_summary(retriever, y)]
    if plan.introduce:  # "who is hannah?": where the reports first name her, found without ranking anything
        found = shapes.introduction(plan.introduce, retriever, plan.years)
        if found:
            return [found]
    w = weights.current()
    rankings = {y: _rank(plan, retriever, y, places, avoid, anchor, w, find_places) for y in years}
    if plan.answer_type == "person":
        # who signed is found by the report's structure (the section named, its signature block), so a
        # loosely worded "who signed off the foreword on the 2023-24 one" needs no well-scoring sentence
        signed = shapes.signatures(plan, rankings, retriever)
        if signed:
            return signed
    tops = sorted((r[0] for r in rankings.values() if r), key=lambda s: s.score, reverse=True)
    if not tops or tops[0].score < w.min_score:
        return []
    # a report's best sentence that holds the abbreviation the question names ("the SEND pilot") comes before
    # the other report's that doesn't ("…oversee the good practice pilots", the mental health project's)
    terms = {t for t in tokens(plan.search_text) if t in retriever.acronyms}  # (a follow-up's, with what it follows)

    def holds_terms(s: SentenceHit) -> bool:
        return terms <= set(tokens(f"{s.chunk.meta['path']} {s.text}"))

    if terms:
        tops = [s for s in tops if s.score >= w.min_score]
        tops.sort(key=lambda s: not holds_terms(s))
    best = _dated(plan, tops[0], rankings[tops[0].chunk.meta["year"]], w)
    if plan.answer_type == "money" and "£" not in best.text:
        # "what was the funding for supporting families in 2023-24": a sentence with a £ scoring almost as well
        # ("Programme funding for 2023-24 was £181,645,127"), not "has funded local areas to help 612,164 families"
        best = next((s for s in rankings[best.chunk.meta["year"]][:MONEY_DEPTH]
                     if "£" in s.text and s.score >= best.score * MONEY_SHARE), best)
    ranking = rankings[best.chunk.meta["year"]]
    if terms and holds_terms(best):  # the shape is built from the SEND project's sentences, not the next project's
        ranking = [s for s in ranking if holds_terms(s)]
    if (plan.answer_type in ("summary", "definition") or plan.answer_type == "list" and not plan.places_wanted) \
            and not terms and not plan.follow_up and not plan.years:
        # a topic's key points come from the section about it in either report: "summarise the mental health
        # project" is the 2024-25 section headed with it, though a 2023-24 sentence naming it scores best; and a
        # list from either report's lead-in ("Two cases from each area … were looked at to consider:")
        ranking = sorted((s for r in rankings.values() for s in r), key=lambda s: s.score, reverse=True)
    shaped = shapes.shape(plan, best, ranking, retriever, find_places)
    if shaped:
        return shaped
    passages = [_passage(plan, best, rankings[best.chunk.meta["year"]], retriever)]
    named = _naming_instead(plan, passages[0], rankings, places, find_places, retriever, w)
    if named:  # "which areas are in the FFC pathfinder": "the 10 local authorities…" names none; wave one's do
        return [_passage(plan, named, rankings[named.chunk.meta["year"]], retriever), *passages]
    both = plan.both_reports
    for other_year, ranking in rankings.items():
        if other_year == best.chunk.meta["year"] or not ranking:
            continue
        other = ranking[0]
        if not both and FIGURE.search(best.text):
            # The other report's own figure for the same thing, if it gives one.
            # (a running total beside a running total: "858,179 … from April 2012 to March 2025", not a year's)
            running = plan.cumulative and bool(_RUNNING.search(best.text))
            other = next((s for s in ranking[:OTHER_YEAR_DEPTH] if FIGURE.search(s.text)
                          and s.score >= best.score * w.other_year_share and _same_topic(best, s)
                          and (not running or _RUNNING.search(s.text))), None)
        elif not both:
            other = None
        if other is not None and plan.places_wanted and find_places \
                and len(set(find_places(other.text))) < min(plan.places_wanted, 2):
            other = None  # "which councils were in the SEND project": one council's award names no councils
        if other is not None and other.score >= w.min_score:
            passages.append(_passage(plan, other, ranking, retriever))
    return passages


# A money question's best sentence without a £ gives way to one of the next MONEY_DEPTH that has one and scores
# at least MONEY_SHARE of it (tuning set: the same 113 failures at 0.90, 0.97 and 0.99; kept near 1 so that
# only a near tie gives way).
MONEY_DEPTH = 3
MONEY_SHARE = 0.97


def _dated(plan, best: SentenceHit, ranking: list[SentenceHit], w: weights.Weights) -> SentenceHit:
    """For a "when" question: the best sentence if it holds a date, else the first of the next DATE_DEPTH
    that does, scores at least min_score and sits in the same section or one above or below it ("how long
    were the waiting lists" asks no date: its best sentence stays, to be declined if it has no figure)."""
    # ("when…", "what date…", not "how long…")
    if plan.answer_type != "date" or "when_words" not in plan.cues or WHEN.search(best.text):
        return best
    path = best.chunk.meta["path"]
    return next((s for s in ranking[1:DATE_DEPTH + 1] if WHEN.search(s.text) and s.score >= w.min_score
                 and (path.startswith(s.chunk.meta["path"]) or s.chunk.meta["path"].startswith(path))), best)


def _naming_instead(plan, passage: Passage, rankings: dict, places: tuple[str, ...], find_places,
                    retriever: HybridRetriever, w: weights.Weights) -> SentenceHit | None:
    """For "which councils…", when the best passage names none: the best of the other report's leading
    sentences that does (OTHER_YEAR_DEPTH deep, scoring at least min_score) and holds the question's
    rarest word beyond the places ("pathfinder" in "which areas are in the pathfinder")."""
    if not (plan.answer_type == "place" and plan.places_wanted and find_places) or set(find_places(passage.text)) - set(places):
        return None
    rarest = shapes.rarest_topic(plan, retriever)
    if not rarest:
        return None
    found = [s for year, ranking in rankings.items() if year != passage.year for s in ranking[:OTHER_YEAR_DEPTH]
             if s.score >= w.min_score and rarest in s.words and set(find_places(s.text)) - set(places)]
    return max(found, key=lambda s: s.score, default=None)



_ORGANISATION = re.compile(r"\b[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)*\s+(?:Council|Department|Trust|Foundation|Institute|"
                           r"University|Ltd|LLP)\b|\bDepartment (?:for|of) [A-Z]\w+|\bHM Treasury\b")
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")
_COUNTS_PLACES = re.compile(rf"\b(?:\d+|{NUMBER_WORDS})\s+(?:local\s+)?(?:authorities|areas|councils)\b", re.I)

_STARTED = re.compile(r"\bsince (?:(?:january|february|march|april|may|june|july|august|september|october|november|"
                      r"december) )?(?:19|20)\d\d\b|\b(?:began|started|launched|introduced|was set up)\b", re.I)
# A span of years a running total covers: "from April 2012 to March 2025", "Since April 2015".
_RUNNING = re.compile(r"\b(?:from|since|between) (?:[a-z]+ )?(?:19|20)\d\d\b|^In this time\b|\bover (?:the|its) (?:last )?"
                      r"(?:\d+|[a-z]+) years\b", re.I)  # ("After 13 years of delivery… In this time, 858,179…")
# A span of time: "From July 2023 to March 2025", "between April 2023 to September 2024", "until September 2024".
# "This project ran between April 2023 and September 2024": when it ran, not who ran it.
_RAN_FOR_A_TIME = re.compile(r"\b(?:ran|runs|run|running)\s+(?:between|from|until|till|since)\b", re.I)
_PERIOD = re.compile(r"\b(?:from|between)\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b.{0,12}?\b(?:to|and|until)\s+"
                     r"(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b|\buntil\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b", re.I)
_ONE_YEAR = re.compile(r"\b(?:in|for|during) (?:20\d\d[-/]\d\d|the year)\b", re.I)  # "…outcomes in 2024-25"
WHEN = re.compile(r"\b(january|february|march|april|may(?= 20\d\d)|june|july|august|september|october|november|"
                   r"december|20\d\d|quarter|(?:in )?the coming (?:months|weeks|year)|later this year|next year)\b",
                   re.I)  # ("may" only before a year: "how and why this may differ" holds no date)


def _rank(plan, retriever: HybridRetriever, year: str | None, places: tuple[str, ...] = (),
          avoid: frozenset[str] = frozenset(), anchor: tuple[set, set] = (set(), set()),
          w: weights.Weights | None = None, find_places=None) -> list[SentenceHit]:
    """Retriever's sentence ranking, adjusted for the kind of answer the plan wants.

    A sentence that only restates the question scores well on similarity but answers nothing, so
    the bonus goes to what the question doesn't already contain: a figure (bound to the thing
    counted, for "how many X"), a date (a month beats a bare year), names not in the question.
    """
    ranked, _chunks = retriever.sentences(plan.search_text, year=year)
    ranked = [s for s in ranked if s.text not in avoid]
    w = w or weights.current()
    bonus = w.type_bonus
    kind = plan.answer_type
    wants_list = kind == "list"
    wants_number = plan.wants_figure
    counted = plan.counted
    wants_date = kind == "date"
    asks_start = wants_date and "start_words" in plan.cues
    asks_period = wants_date and slots.has("period_asks", plan.question)  # "when does the pathfinder run?"
    wants_names = kind in ("person", "organisation", "place")
    asked = shapes.asked_words(plan)
    role = plan.role
    near, quoted = anchor  # _near_anchor(plan.anchor, …), worked out once per question
    claimed = _figures(plan.question)  # "has it supported over 850,000 families?": a figure to check
    # a year outside the tables that the text mentions ("the budget for 2025-26"): the sentences that name it
    named_years = [re.compile(rf"\b{y[:4]}\s*(?:-|–|/|to)\s*(?:20)?{y[-2:]}\b") for y in plan.years_named_outside]
    for s in ranked:
        if named_years and any(p.search(s.text) for p in named_years):
            s.score += bonus
        if claimed and any(abs(f - c) <= CHECK_MARGIN * c for f in _figures(s.text) for c in claimed):
            s.score += bonus  # "858,179 vulnerable families have been supported" checks "over 850,000"
        if kind not in ("person", "organisation") and shapes.is_signature(s.text):
            s.score -= 1.0  # "Minister for Children, Families and Wellbeing" is a signature, not a sentence
        place = retriever.reading_place.get(shapes.best_id(retriever, s))
        if place in near and (place not in quoted or (wants_number and FIGURE.search(s.text))):
            # what was quoted already scored on its own words, unless it holds the figure a follow-up asks
            # for ("how many descriptors does it have?" after the EHSG's "thirty-one descriptors")
            s.score += w.anchor_bonus
        if wants_number:
            s.score += bonus if FIGURE.search(s.text) else -bonus
            if kind in _KIND_FIGURE and not _KIND_FIGURE[kind].search(s.text):
                s.score -= bonus / 2  # "how much…": a £ amount; "what share…": a percentage
            if counted and _counts(s.text, counted):
                s.score += bonus
            elif counted and counted not in shapes.AREA_WORDS and FIGURE.search(s.text):
                s.score -= bonus / 2  # "how many families…": "five local areas" counts something else
        if plan.cumulative and wants_number and FIGURE.search(s.text):
            # "all-time outcomes": the figure over the programme's years, not one year's ("…achieved successful
            # family outcomes in 2024-25")
            s.score += bonus if _RUNNING.search(s.text) else -bonus if _ONE_YEAR.search(s.text) else 0
        if wants_date:
            s.score += bonus if MONTH.search(s.text) else bonus / 2 if WHEN.search(s.text) else -bonus
            if asks_start and _STARTED.search(s.text):
                s.score += bonus / 2  # "when did the data survey start": "…each year since 2019"
            if asks_period and _PERIOD.search(s.text):
                s.score += bonus  # "when does it run": "From July 2023 to March 2025, …", not when it was announced
        if wants_names:
            new_names = shapes.new_names(s.text, asked)
            if kind == "organisation":
                # a body's name, not any capitalised word ("delivering presentations to Leadership, data and IT
                # teams" names none): a word no dictionary has, "… Council", "Department for …", or an authority
                # ("Safe Lives"; not a run holding a word asked: "Systemic Family Therapy" is the trial's topic)
                runs = {w for run in _NAME_RUN.findall(s.text) if not {x.lower() for x in run.split()} & asked
                        for w in run.split()} & new_names
                new_names = {n for n in new_names if not is_common_word(n.lower())} | runs \
                    | set(_ORGANISATION.findall(s.text)) | (set(find_places(s.text)) - set(places) if find_places else set())
            elif kind == "place" and plan.places_wanted and find_places:
                # "which areas are in…": areas, not programmes, or the sentence counting them ("across five
                # local authorities…") that the names follow
                new_names = set(find_places(s.text)) - set(places) or set(_COUNTS_PLACES.findall(s.text))
            if new_names:
                s.score += bonus
                # "Who is the delivery partner…": a new name beside the role asked about.
                if role and role.split()[0] in s.words and not _RAN_FOR_A_TIME.search(s.text):
                    s.score += bonus
                    if len(role.split()) > 1 and set(role.split()) <= s.words:
                        s.score += bonus / 4  # "delivery partner", not any "service delivery"
        if wants_list and not s.text.startswith("•") and (
                s.chunk.meta["kind"] == "list" and s.position == 0 or s.text.rstrip().endswith(":")):
            s.score += bonus  # the lead-in of a list ("The following markers underpin…:"), for a question asking one
        if places and any(p.lower() in retriever.section_text(s.chunk.meta["year"], s.chunk.meta["path"]).lower()
                          for p in places):
            s.score += bonus  # a section about the authority the question names
            if any(p.lower() in s.chunk.meta["path"].rsplit(" › ", 1)[-1].lower() for p in places):
                s.score += bonus / 2  # …and more so the one headed with its name ("Kirklees Council")
    ranked.sort(key=lambda s: s.score, reverse=True)
    return ranked


def _figures(text: str) -> list[float]:
    """The figures of a text worth checking against: numbers of 100 or more that are not years ("858,179")."""
    out = []
    for m in re.finditer(r"(?<![\d.-])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\d.,-])\d{3,}(?![\d,])", text):
        value = float(m.group().replace(",", ""))
        if not (1990 <= value <= 2040 and "," not in m.group()):
            out.append(value)
    return out


def _near_anchor(quotes: list[str], retriever: HybridRetriever) -> tuple[set[tuple], set[tuple]]:
    """Reading places (section, index) within ANCHOR_SPAN sentences of a quoted sentence, and the quoted ones."""
    near, quoted = set(), set()
    for quote in quotes:
        for sentence in split_sentences(quote):
            for i in retriever.ids_of_text.get(sentence.removeprefix("• ").strip(), []):
                key, k = retriever.reading_place[i]
                quoted.add((key, k))
                near.update((key, j) for j in range(max(0, k - ANCHOR_SPAN), k + ANCHOR_SPAN + 1))
    return near, quoted


MONTH = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b",
                   re.I)

def _passage(plan, hit: SentenceHit, ranked: list[SentenceHit], retriever: HybridRetriever) -> Passage:
    meta = hit.chunk.meta
    sentences = retriever.chunk_sentences(hit.chunk.id)
    has_lead_in = meta["kind"] == "list" and not sentences[0].startswith("•") if sentences else False
    if meta["kind"] == "list" and has_lead_in and plan.answer_type == "list":
        text = hit.chunk.text  # the lead-in and every item
    else:
        picked = {hit.position}
        after = sentences[hit.position + 1] if hit.position + 1 < len(sentences) else ""
        if hit.position > 0 and _LEADS_ON.match(hit.text):
            picked.add(hit.position - 1)
        elif hit.text.rstrip().endswith(":"):
            picked.update(range(hit.position + 1, len(sentences)))
        elif after and _CONTINUES.match(after):
            picked.add(hit.position + 1)  # "…commonality in the challenges. These tended to focus on…"
        elif plan.wants_figure and after and not after.startswith("•") and (
                not FIGURE.search(hit.text) and FIGURE.search(after)
                or plan.counted and not _counts(hit.text, plan.counted) and _counts(after, plan.counted)):
            # the figure asked for is in the next sentence: "…fifteen areas were selected to be checked. 150 cases
            # were looked at…" for "how many cases were checked"
            picked.add(hit.position + 1)
        # A neighbouring sentence that scores nearly as well usually completes the answer.
        runner = next((s for s in ranked if s is not hit), None)
        if runner and runner.chunk.id == hit.chunk.id and abs(runner.position - hit.position) <= NEIGHBOUR_SPAN \
                and runner.score >= hit.score - NEIGHBOUR_MARGIN and not runner.text.startswith("•"):
            picked.add(runner.position)
        text = " ".join(sentences[i] for i in sorted(picked) if i < len(sentences))
    return Passage(text.replace("• ", "") if meta["kind"] != "list" else text, meta["year"], meta["path"], hit.score)


def _counts(text: str, counted: str) -> bool:
    """The text has a figure counting the thing asked about ("150 cases", "two family support workers")."""
    return bool(re.search(rf"(?:\b\d[\d,.]*|\b(?:{NUMBER_WORDS}|one))[\s-]+(?:\w+\s+)?{re.escape(counted[:5])}",
                          text, re.I))


def _same_topic(a: SentenceHit, b: SentenceHit) -> bool:
    """Both sentences talk about the same thing: they share at least three content words
    (counting those a "They…" sentence takes from the sentence it continues)."""
    shared = {w for w in a.words & b.words if not w.isdigit()}
    return len(shared) >= 3
