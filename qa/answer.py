"""`ask(question, history)`: the one function the app, the CLI, scripts and the eval share.

    message ─ qa.plan.understand (one Plan per question) ─┬─ table intent ─ TableTool (SQLite) ─┐
                                                           └─ text ─ hybrid retrieval ─ extract ──┴─ Answer
Route "none" whenever neither the tables nor the text answer: a confident
wrong answer is the worst outcome. Numbers in answers come only from table
rows or quoted report sentences.
"""
from __future__ import annotations

import operator
import re
from dataclasses import asdict, dataclass, field, replace

from index.chunks import split_sentences
from index.vectors import StoreUnavailable
from qa import llm, slots, suggest
from qa.intents import is_common_word
from qa.plan import CALENDAR, Plan
from qa.shapes import (asked_words, cue_tokens, is_opening_section, is_summary_section, new_names, not_names, read_on,
                       report_changes, whole_report)
from qa.tabletool import TableQuery, TableTool, TableToolError, default_tool, listed

# After a refusal's reason: one sentence on what the reports cover, with the years the store holds.
COVERAGE = "The reports cover the Supporting Families programme in England in {years}."


# When the Chroma server does not answer (index.vectors.StoreUnavailable), text questions get this.
TEXT_UNAVAILABLE = ("Text search is unavailable right now (the report text store did not answer). Questions about "
                    "the outcome tables still work, e.g. “How did Leeds do in 2024-25?”")


@dataclass
class Source:
    year: str  # report year, "2023-24" or "2024-25"
    section: str  # chapter › section, or the Annex table
    quote: str = ""
    rows: list[dict] = field(default_factory=list)

    def cite(self) -> str:
        return f"{self.year} report › {self.section}"


@dataclass
class Answer:
    text: str
    route: str  # "table" | "documents" | "none"
    sources: list[Source] = field(default_factory=list)
    data: list[dict] = field(default_factory=list)
    chart: dict | None = None
    routes: list[str] = field(default_factory=list)  # one per part of a compound question
    suggestions: list[str] = field(default_factory=list)  # for a refusal: questions the reports do answer

    def to_dict(self) -> dict:
        return asdict(self)


def ask(question: str, history: list | None = None) -> Answer:
    """Answer one question about the reports, using `history` for follow-ups."""
    tool = default_tool()
    parts: list[Answer] = []
    plans = understand_all(question, history)
    text_down = False
    for plan in plans:
        quoted = frozenset(q for a in parts for src in a.sources for q in split_sentences(src.quote))
        if plan.follow_up and not plan.anchor and parts and parts[-1].route == "documents":
            # "when did the programme end and what comes next?": the second part follows the passage the first
            # quoted, as a follow-up in the chat would
            plan = replace(plan, anchor=[src.quote for src in parts[-1].sources])
        try:
            parts.append(_answer_plan(plan, tool, avoid=quoted))
        except StoreUnavailable:
            parts.append(_none(TEXT_UNAVAILABLE))
            text_down = True
    answer = _combine(parts)
    if answer.route == "none":  # every part declined: the reply is parts[0], for plans[0]
        _add_suggestions(answer, plans[0], tool, tables_only=text_down)
    written = llm.rewrite(question, answer)  # None unless a language model is configured and checks out
    if written:
        cites = cite(answer.sources)
        answer.text = f"{written}\n\nSources: {cites}."
    return answer


def understand_all(question, history: list | None = None) -> list[Plan]:
    """The plans for every question in the message."""
    from qa.plan import default_reader

    return default_reader().understand(question, history)


# ------------------------------------------------------------------ one part

def _answer_plan(plan: Plan, tool: TableTool, avoid: frozenset[str] = frozenset()) -> Answer:
    if plan.decline:
        return _none(plan.decline)
    if plan.route == "table":
        if plan.intent == "earned_autonomy_member":
            return _earned_autonomy_answer(plan.authorities[0], tool, _place_names(" ".join(plan.anchor)))
        answer = _table_answer(plan.table_query(), tool)
        if plan.judgement and answer.route == "table":
            # "is that down to bad management?", "should the people in charge go?": no verdict, the figures
            return Answer(f"The reports don't judge this: they give what each authority achieved, not whether it "
                          f"was well run. What they do give, from the outcome tables: "
                          f"{re.sub(r'^(?:Yes|No)[.,:] ', '', answer.text)}", "none",
                          answer.sources, answer.data, answer.chart, ["none"])
        if plan.answer_type == "reason" and answer.route == "table":
            return _why_figures(plan, answer, avoid)
        early = next((y for y in plan.years if y in tool.counted_to), None)
        if early and answer.route == "table" and slots.has("year_end_words", plan.question):
            # "what did dudley finish the year on": the 2023-24 annex counts only to 3 January 2024
            return Answer(f"The reports don't give a final figure for the whole of {early}: its Annex A counts "
                          f"outcomes only up to {tool.counted_to[early]}. What it gives: {answer.text}", "none",
                          answer.sources, answer.data, answer.chart, ["none"])
        if plan.intent == "earned_autonomy_list" and answer.route == "table":
            _add_text_list(answer, "Earned Autonomy", plan.years)
        verdict = _verdict_first(plan, answer.data) if answer.route == "table" else ""
        answer.text = f"{verdict} {answer.text}" if verdict else answer.text
        if plan.intent == "lookup" and plan.answer_type == "summary" and answer.route == "table":
            _add_sections_about(answer, plan)  # "tell me about leeds": its figures, and what the text says of it
        if plan.year_note and answer.route == "table":
            answer.text = f"For {plan.year_note}: {answer.text}"
        if plan.years_named_outside and plan.intent != "ehsg" and answer.route == "table":
            # "leeds for 2022-23, to compare with this year": the year they have, and that the other is not there
            answer.text = (f"The outcome tables cover {' and '.join(tool.years)} only, not "
                           f"{', '.join(plan.years_named_outside)}. {answer.text}")
        if plan.outside_place and answer.route == "table":
            body, _, source = answer.text.partition("\n\nSource:")
            answer.text = f"{body}\n\n{plan.outside_place}\n\nSource:{source}"
        return answer
    answer = _each_authority(plan, avoid) or _document_answer(plan, avoid)
    if answer.route == "none" and plan.year_note and len(plan.years) == 1:
        # "how many councils have EA now": "now" chose the latest report; when only the report before says,
        # that is the latest the reports say (and the answer says which report it is)
        wider = _document_answer(replace(plan, years=[], year_note=""), avoid)
        if wider.route == "documents":
            wider.text = f"The {plan.years[0]} report doesn't say; the latest the reports say is this.\n\n{wider.text}"
            return wider
    if answer.route == "none" and plan.answer_type == "reason" and not plan.follow_up and plan.authorities \
            and answer.text.startswith("I couldn't find"):
        # "why did hull do so badly in 2023-24": no reason in the text; its figures are what the reports give
        figures = _table_answer(replace(plan, intent="lookup").table_query(), tool)
        if figures.route == "table":
            return _why_figures(plan, figures, avoid, text_answer=answer)
    not_found = ("I couldn't find this in the reports.", f"The reports don't say this about {listed(plan.authorities)}.")
    if answer.route == "none" and plan.answer_type == "reason" and plan.follow_up and plan.authorities \
            and answer.text.startswith(not_found):
        # "why?", "why were they so far behind?" after an area's figures: say what is missing, not that nothing
        # was found
        said = next(m for m in not_found if answer.text.startswith(m))
        answer.text = answer.text.replace(said, f"The reports don't give a reason for {listed(plan.authorities)}'s "
                                                f"figures.", 1)
    return answer


def _verdict_first(plan: Plan, rows: list[dict]) -> str:
    """What a table answer opens with when the question asks yes or no, or which of two: "" when it doesn't."""
    cues = plan.cues
    if plan.in_both:
        return f"In both lists: {listed(plan.authorities)}."
    # (with a comparison in it: "do kent and essex compare?" asks no yes or no)
    if plan.intent == "compare" and "yes_no" in cues and ("comparatives" in cues or plan.direction):
        return _compare_verdict(plan, rows)  # "did solihull beat coventry?": No, then the two
    if plan.intent in ("filter", "count") and len(plan.years) in (0, 2) and not plan.all_years and not plan.transition \
            and len({r["year"] for r in rows}) == 2 and {"comparatives", "change_words"} & cues:
        return _counts_verdict(plan, rows)  # "were there more councils at 100% in 24/25 than 23/24?"
    if plan.intent in ("filter", "count") and len(plan.years) == 1 and plan.items_asked and not plan.transition \
            and not plan.all_years and {"checking_cues", "yes_no"} & cues:
        got = sum(r["year"] == plan.years[0] for r in rows)  # "did 60 councils hit 100% last year?": No, 53
        return "Yes." if got == plan.items_asked else f"No: {got}, not {plan.items_asked}."
    if plan.intent in ("national_rate", "totals") and not plan.authorities and not plan.subset \
            and len(plan.years) == 1 and plan.value is not None and {"checking_cues", "yes_no"} & cues:
        return _national_claim_verdict(plan, rows[0])  # "was the national rate 95% in 2024-25?": No, then 81%
    if plan.intent == "national_rate" and not plan.authorities and len(plan.years) == 1 and plan.value is None \
            and plan.answer_type == "yes_no" and {"target_words", "full_marks"} & cues:
        row = rows[0]  # "did england hit its target last year": the whole national allocation?
        return "Yes." if row["achieved"] >= row["max_outcomes"] else "No."
    if plan.intent == "change" and len(plan.authorities) >= 2 and (plan.asked_order or plan.direction) \
            and ("comparatives" in cues or plan.direction):
        return _change_verdict(plan, rows)  # "who improved more, leeds or bradford": Bradford, then each change
    if plan.intent == "national_rate" and len(plan.authorities) == 1 and "yes_no" in cues \
            and len(plan.direction) == 1:
        return _national_verdict(plan, rows)  # "is surrey above the national rate?": Yes, then the two
    if plan.intent == "lookup" and _checks_a_claim(plan):
        return _claim_verdict(plan, rows)  # "is it true kent got 100% in 2023-24"
    return ""


def _compare_verdict(plan: Plan, rows: list[dict]) -> str:
    """Yes or No for "did X do better than Y" (the first council named against the second, by the plan's
    measure, "better" meaning a higher share), per year when the years differ; "" when not two councils."""
    if len(plan.authorities) != 2:
        return ""
    m = plan.measure or "achieved"
    first, second = plan.authorities
    said = {}
    for year in dict.fromkeys(r["year"] for r in rows):
        by = {r["authority"]: r for r in rows if r["year"] == year}
        if first not in by or second not in by or m not in by[first]:
            return ""
        a, b = by[first][m], by[second][m]
        lower, higher = plan.direction.get("lower"), plan.direction.get("higher")
        if lower and higher:  # "is lambeth doing better or worse than southwark": which, not yes or no
            said[year] = "Level" if a == b else (higher if a > b else lower).capitalize()
        else:
            said[year] = "Level" if a == b else "Yes" if (a < b if lower else a > b) else "No"
    return _per_year(said)


def _change_verdict(plan: Plan, rows: list[dict]) -> str:
    """Which of the councils named changed most from the first year to the last, the way the question ranks
    ("improved more": the biggest rise; "fell more": the biggest fall), by the plan's measure (the share of the
    allocation unless one is named); "" without both years for each."""
    m = plan.measure or "percentage"
    change = {}
    for name in plan.authorities:
        mine = sorted((r for r in rows if r.get("authority") == name and m in r), key=lambda r: r["year"])
        if len(mine) < 2:
            return ""
        change[name] = mine[-1][m] - mine[0][m]
    rise = plan.asked_order == "top" if plan.asked_order else "higher" in plan.direction
    ranked = sorted(change, key=change.get, reverse=rise)
    first, rest = ranked[0], ranked[1:]
    if any(change[r] == change[first] for r in rest):
        return "They changed by the same amount."
    unit = {"percentage": " points", "achieved": " outcomes", "max_outcomes": " funded outcomes"}.get(m, "")
    said = lambda name: f"{change[name]:+,}{unit}"
    verdict = (f"{first} {'improved' if rise else 'fell'} more: {said(first)} against "
               + ", ".join(f"{r}'s {said(r)}" for r in rest) + ".")
    if "yes_no" in plan.cues:  # "did leeds improve more than bradford?": of the first one named
        return f"{'Yes' if first == plan.authorities[0] else 'No'}: {verdict}"
    return verdict


def _national_verdict(plan: Plan, rows: list[dict]) -> str:
    """Yes or No for "is X above (below) the national rate?": its share of its allocation against England's,
    per year when the years differ."""
    said = {}
    for year in dict.fromkeys(r["year"] for r in rows):
        mine = next((r for r in rows if r["year"] == year and r.get("authority") == plan.authorities[0]), None)
        england = next((r for r in rows if r["year"] == year and "authority" not in r), None)
        if not mine or not england or not mine["max_outcomes"] or not england["max_outcomes"]:
            return ""
        a, b = mine["achieved"] / mine["max_outcomes"], england["achieved"] / england["max_outcomes"]
        said[year] = "Level" if a == b else "Yes" if (a < b if "lower" in plan.direction else a > b) else "No"
    return _per_year(said)


def _per_year(said: dict[str, str]) -> str:
    """One verdict when every year's is the same ("No."), else each year's ("In 2023-24: Yes. In 2024-25: No.")."""
    if len(set(said.values())) == 1:
        return f"{next(iter(said.values()))}."
    return " ".join(f"In {year}: {verdict}." for year, verdict in said.items())


def _checks_a_claim(plan: Plan) -> bool:
    """ "is it true kent got 100% in 2023-24", "leeds got 2,102 outcomes in 24-25 yeah?": one council, one year,
    a figure and a word asking whether it is right."""
    return len(plan.authorities) == 1 and len(plan.years) == 1 and plan.value is not None \
        and plan.comparator == "eq" and plan.value_measure in ("percentage", "achieved", "max_outcomes") \
        and bool({"checking_cues", "yes_no"} & plan.cues)


def _claim_verdict(plan: Plan, rows: list[dict]) -> str:
    """Yes when the council's row gives the figure claimed, else No (the row follows with the real one)."""
    row = next((r for r in rows if r.get("authority") == plan.authorities[0] and r.get("year") == plan.years[0]), None)
    if row is None or plan.value_measure not in row:
        return ""
    return _claim_said(round(row[plan.value_measure]) == round(plan.value))


def _claim_said(right: bool) -> str:
    # (said of the claim, so that "she's wrong, isn't she?" is answered as plainly as "is that right?")
    return "Yes, that's right." if right else "No, that's not right."


def _national_claim_verdict(plan: Plan, row: dict) -> str:
    """Yes or No for a share or a total claimed or asked of England's ("was it 95%?", "was it above 80%?",
    "england got 120,000 outcomes in 2024-25 right?"); "" for a measure England's row lacks."""
    if plan.value_measure not in ("percentage", "achieved", "max_outcomes"):
        return ""
    figure = 100 * row["achieved"] / row["max_outcomes"] if plan.value_measure == "percentage" \
        else row[plan.value_measure]
    if plan.comparator == "eq":
        return _claim_said(round(figure) == round(plan.value))
    compare = getattr(operator, plan.comparator) if plan.comparator in ("lt", "le", "ge", "gt") else None
    return "" if compare is None else "Yes." if compare(figure, plan.value) else "No."


def _counts_verdict(plan: Plan, rows: list[dict]) -> str:
    """ "Were there more councils at 100% in 24/25 than 23/24?": the two years' counts, the year named first
    against the other, with Yes or No when the question asks it."""
    first, second = plan.years if len(plan.years) == 2 else sorted({r["year"] for r in rows}, reverse=True)
    a, b = (sum(r["year"] == y for r in rows) for y in (first, second))
    counts = f"{a} in {first} against {b} in {second} ({abs(a - b)} {'more' if a > b else 'fewer'})"
    if "yes_no" not in plan.cues or a == b:
        return f"{counts}." if a != b else f"The same number in both years ({a})."
    yes = a < b if plan.direction.keys() == {"lower"} else a > b
    return f"{'Yes' if yes else 'No'}: {counts}."


def _verdict(authority: str, results: list) -> str:
    """Yes or No for "is bexley the worst…?": whether each year's ranking puts the area first (or ties it with
    the first), per year when the years differ."""
    said = {}
    for r in results:
        first = r.rows[0]["authority"]
        said[r.rows[0]["year"]] = "Yes" if first == authority else f"Yes, tied with {first}" if authority in r.tied \
            else f"No: {first} and {len(r.tied)} more tie there" if r.tied else f"No: {first} is"
    return _per_year(said)


def _table_answer(q: TableQuery, tool: TableTool) -> Answer:
    try:
        results = tool.answer(q)
    except TableToolError as e:
        return _none(str(e))
    if not results:
        return _none("I couldn't tell which local authority or year this is about; please name them.")
    text = " ".join(r.summary for r in results)
    if q.check and all(r.rows for r in results):
        text = f"{_verdict(q.check, results)} {text}"
    sources = [Source(s["year"], s["section"], s.get("quote", ""), s.get("rows", [])) for r in results for s in r.sources]
    rows = [row for r in results for row in r.rows]
    chart = results[0].chart if len(results) == 1 else {"x": "authority" if len(q.authorities) > 1 else "year",
                                                         "y": q.measure or "achieved", "kind": "bar"}
    return Answer(f"{text}\n\nSource: {cite(sources)}.", "table", sources, rows, chart, ["table"])


def _add_text_list(answer: Answer, heading: str, years: list[str]) -> None:
    """Add to a table answer the report text's own list under `heading` (the areas newly given Earned
    Autonomy that year, which the Annex A markers predate), quoted with its lead-in."""
    from qa.retrieval import default_retriever

    retriever = default_retriever()
    for year in years or retriever.years:
        for path in (p for p in retriever.sections(year) if p.split(" › ")[-1] == heading):
            ids = retriever.section_sentences(year, path)
            for k, i in enumerate(ids):
                if len(set(_place_names(retriever.sentence_text[i]))) >= 2:
                    text = " ".join(retriever.sentence_text[j] for j in ids[max(0, k - 1):k + 1])
                    answer.sources.append(Source(year, path, text))
                    body = answer.text.split("\n\nSource:")[0]
                    answer.text = (f"{body}\n\nThe {year} report’s section on {heading} adds: “{text}”\n\n"
                                   f"Source: {cite(answer.sources)}.")
                    return


def _add_sections_about(answer: Answer, plan: Plan) -> None:
    """Add to an authority's figures the report sections headed with its name (Leeds City Council in the SEND
    Good Practice project), each quoted from its first sentence, for a question that asks about the place as
    a whole. Without the text store the figures stand alone."""
    from qa.retrieval import default_retriever

    try:
        retriever = default_retriever()
    except StoreUnavailable:
        return
    body, _, _ = answer.text.partition("\n\nSource:")
    added = []
    for year in plan.years or retriever.years:
        for path in retriever.sections(year):
            *parents, heading = path.split(" › ")
            ids = retriever.section_sentences(year, path)
            named = [n for n in _place_names(heading) if n in plan.authorities]
            if parents and ids and named:
                quote = retriever.sentence_text[ids[0]].removeprefix("• ")
                answer.sources.append(Source(year, path, quote))
                added.append(f"The {year} report also writes about {named[0]} under “{parents[-1]}”: “{quote}”")
    if added:
        answer.text = "\n\n".join([body, *added]) + f"\n\nSource: {cite(answer.sources)}."


def _why_figures(plan: Plan, figures: Answer, avoid: frozenset[str], text_answer: Answer | None = None) -> Answer:
    """ "Why did Kirklees only get 20%?": the tables give figures, never reasons. The text's reason if it
    gives one about that authority (`text_answer`, when already looked for); else say the reports don't,
    and show the figures as what they do say."""
    text = text_answer or _document_answer(replace(plan, intent="text"), avoid)
    # (a rise or fall, or a figure, is explained only by a cause: not by what a project it took part in was for,
    # nor a list it is in; "why doesn't greater manchester make claims" by who "these" areas are)
    of_figures = slots.percentages(plan.question) or slots.has("comparatives", plan.question)
    if text.route == "documents" and (not of_figures or any(slots.has("reason_cues", s.quote) for s in text.sources)):
        return text
    return Answer(f"The reports don't give a reason for this. What they do give, from the outcome tables: "
                  f"{figures.text}", "none", figures.sources, figures.data, figures.chart, ["none"])


def _earned_autonomy_answer(authority: str, tool: TableTool, just_named: list[str] = ()) -> Answer:
    """Earned Autonomy for one area: the 2023-24 Annex A '*' marker, and the report text naming new EA areas.
    `just_named`: the areas the quote just given named ("is kent one of them?" after the six awarded in 2023-24),
    which the area asked about may not be among while still marked *."""
    from qa.shapes import Passage
    from qa.retrieval import default_retriever

    marker = tool.earned_autonomy(authority)
    name = marker.rows[0]["authority"]
    retriever = default_retriever()
    passages = []
    for text, meta in zip(retriever.sentence_text, retriever.sentence_meta):
        if name in text and meta["section"] == "Earned Autonomy":
            sentences = retriever.chunk_sentences(meta["chunk_id"])
            i = meta["position"]
            lead = sentences[i - 1] + " " if i > 0 and text.startswith("These") else ""
            passages.append(Passage(lead + text, meta["year"], meta["path"], 1.0))
            break
    sources = [Source(s["year"], s["section"], "", s["rows"]) for s in marker.sources]
    sources += [Source(p.year, p.section, p.text) for p in passages]
    marked = bool(marker.rows[0]["earned_autonomy_marker"])
    verdict = "Yes." if marked or passages else "No, not according to the reports."
    if just_named and name not in just_named:
        verdict = f"{name} is not one of the areas just quoted ({listed(just_named)}). " + (
            "But it has Earned Autonomy:" if marked or passages else "")
    quoted = "\n\n".join(f"The {p.year} report: “{p.text}” ({p.section})" for p in passages)
    if passages and not marked:  # awarded in 2023-24, after the areas the table marks: the award first
        text = f"{verdict} {quoted}\n\n{marker.summary}"
    else:
        text = f"{verdict} {marker.summary}".replace("  ", " ") + (f"\n\n{quoted}" if quoted else "")
    return Answer(f"{text}\n\nSource: {cite(sources)}.", "table", sources, marker.rows, None, ["table"])


def _document_answer(plan: Plan, avoid: frozenset[str] = frozenset()) -> Answer:
    from qa.extract import extract
    from qa.retrieval import YEAR_TOKENS, default_retriever, tokens

    retriever = default_retriever()
    if plan.new_subject:  # "and the SEND one?" after the mental health award: not the sentence just quoted
        avoid = avoid | {s.removeprefix("• ").strip() for q in plan.anchor for s in split_sentences(q)}
    strangers = [n for n in plan.names if not retriever.mentions(n) and retriever.unknown_words(n) and not is_common_word(n.lower())]
    # A lower-case name ("nspcc", "barnardos"): a word the reports never use that is no common English word
    # either; or an everyday word for a topic ("salary", "ofsted", vocabulary "asked_topics") they never use.
    said = " ".join(plan.said + plan.exclude).lower()  # the names the question used, kept or excluded
    strangers += [w for w in dict.fromkeys(re.sub(r"['’]s$|['’]+$", "", w)  # ("birmingham's" is Birmingham)
                                           for w in re.findall(r"[a-z][a-z'’]{2,}", plan.question.lower()))
                  if w not in said and w.capitalize() not in strangers
                  and (not _ordinary(w) or slots.has("asked_topics", w)) and retriever.unknown_words(w)
                  and not CALENDAR.match(w) and not slots.has("summary_words", w)  # "the gist of…" asks a summary
                  and not slots.has("reason_asks", w)  # "the rationale for…" asks why
                  and not slots.keys_found("related_words", w)  # "takeaway": the reports say "key finding"
                  and not _used_as_verb(w, plan.question)]  # "why did norfolk redo its strategy": no name
    bodies = _unknown_bodies(plan.question, retriever)
    # a body's own words are not named again ("Ombudsman, the Local Government Ombudsman")
    strangers = [n for n in strangers if not any(n.lower() in b.lower().split() for b in bodies)] + bodies
    if strangers and not plan.judgement:  # (a verdict asked of what they do cover, "was scrapping PbR a good idea",
        # is declined as such, with what they say of it)
        return _none(f"The reports don't mention {', '.join(strangers)}.")
    places = tuple(dict.fromkeys(n for pair in zip(plan.authorities, plan.said) for n in (pair[0], pair[1].strip())))
    if report_changes(plan):
        return _changes_answer(plan, retriever)
    passages = extract(plan, retriever, places=places, avoid=avoid, find_places=_place_names)
    ranked = _awards_ranked(plan, passages, retriever) if passages else None
    if ranked:
        return ranked
    if passages and whole_report(plan):
        return _summary_answer(_as_many_as_asked(passages, plan.items_asked))
    if len(passages) > 1 and plan.answer_type == "summary":
        return _summary_answer(_as_many_as_asked(passages, plan.items_asked), on_topic=True)
    if not passages:
        return _none("I couldn't find this in the reports.")
    signed = passages[0].signed  # "who signed the foreword": the signature block is the answer
    # "who wrote the foreword to the newer report": the section asked about is named and signed, so
    # words the reports don't use ("wrote") do not mean they don't cover it
    named_and_signed = signed and set(tokens(passages[0].section)) & set(tokens(plan.search_text))
    if not named_and_signed and _mostly_unknown(plan.search_text, retriever):
        return _none("I couldn't find this in the reports.")
    if plan.authorities and not any(_mentions_authority(retriever.section_text(p.year, p.section), name, said)
                                    for p in passages for name, said in zip(plan.authorities, plan.said)):
        who = ", ".join(plan.authorities)
        return _none(f"The reports don't say this about {who}.")  # the suggestions offer its outcome figures
    # The passage must share a content word with the question beyond the place it names: a Leeds
    # sentence about SEND does not answer how many children were in care in Leeds. (Not a word that names no
    # topic, vocabulary light_words: "got", "overall", "things"; "what was norfolk like before…" asks about Norfolk.)
    def content(text: str) -> set[str]:
        said = retriever.written_out(set(tokens(text)))  # ("ldaf": the fund's name, which the reports write out)
        return ((said & retriever.vocabulary) - YEAR_TOKENS - cue_tokens("light_words")
                - {t for n in places for t in tokens(n)})

    # ("over the whole life of the programme" says which total, a running one; it names no topic)
    search_text = slots.without("cumulative_words", plan.search_text) if plan.cumulative else plan.search_text
    search_text = _YEAR_WORD.sub(r"\1", search_text)  # "the 2023 to 2024 year": a year, no topic
    if {"checking_cues", "yes_no"} & plan.cues:  # "was the budget about £150 million?": a claim, no topic
        search_text = _CLAIMED_FIGURE.sub(" ", search_text)
    asked = content(search_text)
    # The words the reports use for what the question says otherwise (vocabulary related_words: "finish" adds
    # "completed ran until") help find the passage but prove nothing: the question's own words are checked
    # when it has any ("when will FFP finish" is not answered by a project that "ran until" 2024).
    own_text = _without_related(search_text)
    own_words = content(own_text)
    # …when it has a name or a topic the reports head a section with; "what law makes them publish…" has
    # neither, so the Act its related words found answers it
    named = {t for w in re.findall(r"[a-z]+", own_text.lower()) if not _ordinary(w) for t in tokens(w)}
    # (beyond "council" or "area", in every other heading: "what did councils pick as the things to work on")
    own_specific = own_words - cue_tokens("area_nouns")
    if not own_specific or not (own_specific & (named | retriever.heading_tokens)):
        own_words = asked
    # …beyond the words of the places counted: "five local authorities" in the SEND project does not say how
    # many local authorities have earned autonomy (a count of reports or years is about them, though)
    places_counted = plan.counted_head in _PLACE_COUNTS
    topic_words = (own_words - set(tokens(" ".join(plan.counted_words))) if places_counted else own_words) \
        or own_words
    # …and "council" or "area" is in every other passage: "which council spent the most" is about spending
    topic_words = topic_words - cue_tokens("area_nouns") or topic_words
    # (of "how much money did Wiltshire get for its pilot", "money" is said by the £ awarded in the passage about
    # Wiltshire, and "pilot" by its being about Wiltshire's project; a £ beside a family hub is no spending on
    # family hubs, an award for a project no budget of Leeds', and "its youth justice pilot" not its project)
    if plan.answer_type == "money" and plan.authorities and topic_words & cue_tokens("project_nouns") \
            and any("£" in p.text for p in passages) and not retriever.unknown_words(plan.search_text):
        topic_words = topic_words - cue_tokens("award_words") - cue_tokens("project_nouns")
    spelled = _spelled_out(topic_words, retriever)
    if asked and topic_words and not signed and not any(
            spelled & retriever.told_tokens(f"{p.section} {p.text}") for p in passages):
        return _none("I couldn't find this in the reports.")
    # …and of three or more such words, at least a share must be there, in the passage, its headings or the
    # COVERAGE_AROUND sentences before it: "the payment by results rate per outcome" is not "the response rate".
    if len(topic_words) >= 3 and not signed and _coverage_share(topic_words, passages, retriever) < MIN_COVERAGE:
        return _none("I couldn't find this in the reports.")
    # …and a figure is of the thing asked about: of "how much did the national evaluation cost", some word
    # besides "cost" must be there (the peer support projects' cost is no evaluation's)
    subject = topic_words - cue_tokens("money_words") - cue_tokens("table_words") - cue_tokens("national_words")
    if plan.wants_figure and subject and not signed and _coverage_share(subject, passages, retriever) == 0:
        return _none("I couldn't find this in the reports.")
    # …and a figure for a group or measure the tables lack ("families with disabled children", "homeless") must
    # be of it, in the passage, its headings or the sentence before it: the national rate is no rate for that group
    group = slots.find("not_in_tables", plan.question) if plan.wants_figure else None
    if group and not signed and not any({t[:5] for t in tokens(group.group())} <= {
            t[:5] for t in retriever.text_tokens(f"{p.section} {p.text}") | _before_tokens(p, retriever)}
            for p in passages):
        return _none("I couldn't find this in the reports.")
    # …and the question's most telling word (the rarest in the reports) must be there too, in the passage,
    # the sentence before it or its headings: "paid per outcome under PbR" is not answered by an award to Hull.
    # A "which councils…" question counts its everyday words too (from "which" on: "spot check failures").
    which = re.search(r"\b(?:which|what|name|list)\b", plan.question, re.I)
    places_asked = plan.answer_type in ("list", "place") and plan.places_wanted and which
    everyday = set(re.findall(r"[a-z]+", plan.question[which.start():].lower())) if places_asked else set()
    own = {t for w in re.findall(r"[a-z]+", plan.question.lower())
           if not _ordinary(w) or (w in everyday and not slots.has("informal", w))
           for t in tokens(w) if t in asked and retriever.chunk_count(t) <= RARE_CHUNKS} - _shape_words()
    if places_asked:  # ("which areas did the mental health project cover": the list of areas says they took part)
        own -= cue_tokens("member_words")
    if any("£" in p.text or "£" in _nested_text(p, retriever) for p in passages):
        own -= cue_tokens("money_words")  # "which councils got money for…": "was awarded £112,268" says so
    # (a programme or project asked about by its abbreviation, as typed: "sending" is no "SEND"; checked below)
    abbreviated = {t for t in asked if t in retriever.acronyms
                   and re.search(rf"\b{re.escape(t)}s?\b", plan.question, re.I)}
    # the words the passages, their headings and the sentences before them say, for both checks
    said_here = set().union(*(retriever.text_tokens(f"{p.section} {p.text}") | _before_tokens(p, retriever)
                              for p in passages)) if (own or abbreviated) and not signed else set()
    if own and not signed:
        rarest = min(own, key=retriever.chunk_count)
        # (an abbreviation is there when what it stands for is: "PbR" in "Payment by Results"; a word the reports
        # never use, when theirs is: "MHCLG" in "DLUHC", vocabulary related_words)
        theirs = set(tokens(" ".join(slots.keys_found("related_words", rarest))))
        if not any(rarest[:5] == t[:5] for t in said_here) \
                and not (rarest in retriever.acronyms and retriever.acronyms[rarest] <= said_here) \
                and not (theirs and theirs & said_here):
            return _none("I couldn't find this in the reports.")
    # …and a loss asked about must be one the passage tells: "which councils lost earned autonomy" is not
    # answered by the six it was awarded to
    if slots.has("loss_words", plan.question) and not any(slots.has("loss_words", p.text) for p in passages):
        return _none("I couldn't find this in the reports.")
    # …and a programme or project asked about by its abbreviation must be there: of "who will run the FFP in
    # leeds", the Families First Partnership, not Leeds's SEND project; of "when will the FFP evaluation be
    # published", not the SEND project's report "published in due course"
    if abbreviated and not signed:
        if any(t not in said_here and not retriever.acronyms[t] <= said_here for t in abbreviated):
            return _none(f"The reports don't say this about {listed(plan.authorities)}." if plan.authorities
                         else "I couldn't find this in the reports.")
    missing = passages[0].lacks or _lacks(plan, passages)
    if missing and not passages[0].lacks and plan.answer_type in READ_ON_TYPES:
        # what is missing is often in the next sentence or two ("…a cross-government project. We are
        # delivering this jointly with the Department for Work and Pensions…")
        wider = next((w for w in read_on(retriever, passages[0]) if not _lacks(plan, [w, *passages[1:]])), None)
        if wider:
            passages, missing = [wider, *passages[1:]], None
    elif not missing and plan.answer_type == "organisation" and slots.has("organisation_roles", plan.question) \
            and not slots.has("organisation_roles", passages[0].text):
        # "who was the delivery partner for the SFEA project": the next sentence names "our delivery partner"
        wider = next((w for w in read_on(retriever, passages[0]) if slots.has("organisation_roles", w.text)), None)
        passages = [wider, *passages[1:]] if wider else passages
    # (asking what they are, in whatever shape the classifier read it, not "how many descriptors in each")
    if plan.answer_type in ("list", "summary", "definition", "number") and not plan.counted \
            and slots.has("ehsg_words", f"{plan.question} {plan.earlier}") \
            and re.search(r"\bsections?\b", plan.question, re.I):  # ("what are its sections" after the EHSG)
        named = _ehsg_sections(passages[0])  # "what are the five sections of the EHSG": the text counts, Table 1 names
        if named:
            return named
    if missing:
        p = passages[0]
        other = _from_other_report(plan, retriever, places, avoid) if len(plan.years) == 1 else None
        if other and topic_words and _coverage_share(topic_words, [other], retriever) \
                < _coverage_share(topic_words, [p], retriever):
            other = None  # of "when was Working Together 2023 published", not the SEND report "published in due course"
        if other:  # "how much funding did the programme get in 2024-25": only the 2023-24 report says, for 2023-24
            return _none(f"The {plan.years[0]} report doesn't give {missing}. The {other.year} report says "
                         f"({other.section}): {other.quoted()}")
        return _none(f"The reports don't give {missing}. The nearest they say is in the {p.year} report "
                     f"({p.section}): {p.quoted()}")
    sources = [Source(p.year, p.section, p.text) for p in passages]
    if len(passages) == 1:
        p = passages[0]
        text = f"{p.quoted()}\n\nSource: {p.year} report › {p.section}."
    else:
        text = "The two reports each say:\n" + "\n".join(
            f"- {p.year} report: {p.quoted()} ({p.section})" for p in passages)
    return Answer(text, "documents", sources, [], None, ["documents"])


def _from_other_report(plan: Plan, retriever, places, avoid) -> Passage | None:
    """The passage the other report gives for a question about one year that its own report doesn't answer,
    when it holds what the question asks for (an amount of money, a date, a name)."""
    from qa.extract import extract

    others = [y for y in retriever.years if y not in plan.years]
    found = extract(replace(plan, years=others), retriever, places=places, avoid=avoid, find_places=_place_names)
    return found[0] if found and not found[0].lacks and not _lacks(plan, found[:1]) else None


def _ehsg_sections(passage) -> Answer | None:
    """The EHSG's sections: the text says there are five, Table 1 of the 2024-25 report names them with scores
    (None when the passage names them itself)."""
    scores = default_tool().ehsg()
    sections = list(dict.fromkeys(r["section"] for r in scores.rows))
    if sum(s in passage.text for s in sections) >= 3:
        return None
    sources = [Source(passage.year, passage.section, passage.text)] + \
        [Source(s["year"], s["section"], "", s["rows"]) for s in scores.sources]
    text = (f"{passage.quoted()}\n\nThe sections, as the {scores.sources[0]['year']} report's table of self-assessed "
            f"scores names them: {listed(sections)}."
            f"\n\nSource: {cite(sources)}.")
    return Answer(text, "documents", sources, scores.rows, None, ["documents", "table"])


# A question word that is no common English word and occurs in at most this many chunks of the reports is
# "telling" ("PbR", "police"): the passage (with the sentence before it and its headings) must contain it.
# Tuning set, 1,228 cases (accuracy / unanswerable declined / refusal precision): off 84.6/75.6/88.8%;
# 1 chunk 84.7/76.5/87.8%; 2 chunks 84.9/77.4/88.0%; 3 chunks 84.9/77.4/87.6%; the whole section as the
# scope: 2 chunks 84.9/76.9/88.3% (not kept). Without the common-word filter: 1 chunk 84.8/82.1/80.1%.
RARE_CHUNKS = 2

# Answer types whose missing piece is read on for in the sentences after the passage (a figure is not:
# the next sentence's figure is rarely the one asked for).
READ_ON_TYPES = {"person", "organisation"}


def _without_related(search_text: str) -> str:
    """The search text without the related words it asked in other words and without the report words added
    for them (plan.with_related_words)."""
    for key in slots.keys_found("related_words", search_text):
        search_text = search_text.replace(f" {key}", " ")
    return slots.without_related_words(search_text)


def _unknown_bodies(question: str, retriever) -> list[str]:
    """Organisations the question names that the reports never do: "the national audit office", "the early
    intervention foundation" (each word is in the reports, the name is not). A name is read as the words before
    a kind of body ("audit office") or after it ("institute of fiscal…"); the kinds are data
    (slots.vocabulary()["organisation_types"])."""
    kinds = "|".join(slots.vocabulary()["organisation_types"])
    text = question.lower()
    found = []
    for m in re.finditer(rf"\b((?:[a-z'’]+\s+){{0,2}})([a-z'’]+)\s+({kinds})\b", text):
        before, word, kind = m.groups()
        if not _STOP.fullmatch(word) and not retriever.mentions(f"{word} {kind}"):
            words = before.split()
            while words and _STOP.fullmatch(words[0]):
                words.pop(0)  # "what did the audit office": the name starts after "the"
            found.append("the " + " ".join(w[:1].upper() + w[1:] for w in [*words, word, kind]))
    for m in re.finditer(rf"\b({kinds})\s+(of|for)\s+([a-z]+(?:\s+[a-z]+)?)", text):
        if not retriever.mentions(f"{m.group(1)} {m.group(2)} {m.group(3).split()[0]}"):
            found.append("the " + m.group().title().replace(" Of ", " of ").replace(" For ", " for "))
    return found


# Words around a name that are not part of it ("what did the audit office…").
_STOP = re.compile(r"the|a|an|what|did|does|do|say|said|about|of|by|from|to|in|on|is|was|who|which|how|why|when|"
                   r"and|or|at|for|with|our|their|your|my|they|we|it|he|she|you|i|them|us")  # ("they commission")


def _shape_words() -> frozenset[str]:
    """Words that ask for a shape of answer ("summarise", "define"), not for a topic the passage must name."""
    return cue_tokens("summary_words") | cue_tokens("overview_cues") | cue_tokens("definition_words")


def _before_tokens(passage, retriever) -> set[str]:
    """Words of the sentence before a passage (what its "They…" refers to)."""
    from qa.retrieval import tokens

    before, _, _ = retriever.context(passage.year, passage.section, passage.text, around=1)
    return set(tokens(before))


def _awards_ranked(plan: Plan, passages, retriever) -> Answer | None:
    """ "Which council got the most money in the mental health project": each of the project's areas as its own
    section states its award ("Hull was awarded £90,000…"), highest first, and the one asked for quoted. None
    unless the question asks which one place had the most or least money and the passage's project has a
    section per place with an amount."""
    order = plan.asked_order
    # ("and the biggest?" after "which send pilot council had the smallest grant": the question it follows says
    # which places and what money)
    asked = f"{plan.question} {plan.earlier}" if plan.follow_up else plan.question
    which_one = plan.places_wanted == 1 or "which_place" in plan.cues or (
        plan.follow_up and re.search(r"(?:^|[-–—:,]\s|\bpilots?\s|\bprojects?\s)\W*(?:which|who)\b", plan.earlier, re.I))
    if not (order and which_one and (slots.asks_money(asked) or slots.has("award_words", asked))):
        return None
    from qa.retrieval import tokens

    p = passages[0]
    project = p.section if retriever.subsections(p.year, p.section) else p.section.rpartition(" › ")[0]
    # the project is the one asked about ("the send pilot"), not spending on the programme as a whole; with no
    # project named, a grant or award asked about is any project's ("the biggest single grant to a council")
    projects = [project]
    # (a follow-up's project is the one its question followed: "which one got the most money?")
    named = set(tokens(project.split(" › ")[-1])) - cue_tokens("generic_nouns")
    if not named & set(tokens(" ".join(asked_words(plan)))):
        if "grant_words" not in plan.cues:
            return None
        projects = list(dict.fromkeys(s.rpartition(" › ")[0] for s in retriever.sections(p.year) if " › " in s))
    awards = []
    for section in projects:
        for heading in retriever.subsections(p.year, section):  # the sections headed with a council's name
            path, names = f"{section} › {heading}", _place_names(heading)
            amounts = [(m, retriever.sentence_text[i]) for i in retriever.section_sentences(p.year, path)
                       for m in [re.search(r"£([\d,]+)", retriever.sentence_text[i])] if m]
            if names and amounts:
                awards.append((int(amounts[0][0].group(1).replace(",", "")), names[0], amounts[0][1], path))
    if len(awards) < 2:
        return None
    awards.sort(key=lambda a: a[0], reverse=True)
    amount, name, sentence, path = awards[0] if order == "top" else awards[-1]
    tied = [a[1] for a in awards if a[0] == amount and a[1] != name]
    most = "most" if order == "top" else "least"
    project_of = {s: s.rpartition(" › ")[0].split(" › ")[-1] for _, _, _, s in awards}
    several = len(set(project_of.values())) > 1
    text = (f"{name} got the {most} money" + (" of any single award" if several else "")
            + f" in the {project_of[path]}" + (f" (level with {listed(tied)})" if tied else "")
            + f": “{sentence}”\n\nBy its section on each area, highest first: "
            + "; ".join(f"{n} £{a:,}" + (f" ({project_of[s]})" if several else "") for a, n, _, s in awards) + ".")
    sources = [Source(p.year, path, sentence)] + [Source(p.year, s, q) for _, _, q, s in awards if s != path]
    cited = "; ".join(dict.fromkeys(f"{p.year} report › {s.rpartition(' › ')[0]}" for _, _, _, s in awards))
    return Answer(f"{text}\n\nSource: {cited}.", "documents", sources, [], None, ["documents"])


def _as_many_as_asked(passages, n: int) -> list:
    """ "…in 3 bullets": the first n points of each report (all of them when no number is asked)."""
    kept = []
    for p in passages:
        if not n or sum(k.year == p.year for k in kept) < n:
            kept.append(p)
    return kept


def _summary_answer(passages, on_topic: bool = False) -> Answer:
    """Key points as bullets, each quoted; a point from another section than the rest names its own."""
    lines = []
    # per report, the section the points are about: the first that is neither the report's summary nor its
    # foreword, else its summary
    main = {}
    for year in dict.fromkeys(p.year for p in passages):
        sections = [p.section for p in passages if p.year == year]
        main[year] = min(sections, key=lambda s: is_summary_section(s) + 2 * is_opening_section(s))
    for year in main:
        topic = main[year].split(" › ")[-1]
        lines.append(f"Key points of the {year} report" + (f" on {topic}:" if on_topic else ":"))
        lines += [f"- {p.quoted()}" + (f" ({p.section.split(' › ')[-1]})" if p.section != main[year] else "")
                  for p in passages if p.year == year]
    cited = "; ".join(dict.fromkeys(f"{y} report › {s}" for y, s in main.items()))
    sources = [Source(p.year, p.section, p.text) for p in passages]
    return Answer("\n".join(lines) + f"\n\nSource: {cited}.", "documents", sources, [], None, ["documents"])


# Headline points per report in a "what changed between the reports" answer.
CHANGE_POINTS = 3


def _changes_answer(plan: Plan, retriever) -> Answer:
    """What changed between the reports: the Annex A totals side by side, then each report's headline points."""
    from qa.shapes import report_summary

    tool = default_tool()
    totals = _table_answer(TableQuery("totals", years=list(tool.years)), tool)
    passages = [p for y in retriever.years for p in report_summary(retriever, y, CHANGE_POINTS)]
    points = _summary_answer(passages)
    text = totals.text.split("\n\nSource:")[0] + "\n\n" + points.text
    if totals.route == "table":
        text += " " + cite(totals.sources) + "."
    return Answer(text, "documents", totals.sources + points.sources, totals.data, totals.chart, ["table", "documents"])


def _place_names(text: str) -> list[str]:
    """The Annex A authorities a text names (exact names, no typo search)."""
    return [m.name for m in default_tool().resolver.find_all(text, typos=False)]


def cite(sources: list[Source]) -> str:
    """ "2024-25 report › Annex A …; 2023-24 report › Chapter 2 › …", each place once, in order."""
    return "; ".join(dict.fromkeys(s.cite() for s in sources))


def _each_authority(plan: Plan, avoid: frozenset[str]) -> Answer | None:
    """ "how much did hull get vs kirklees for the mental health pilot": what the text says of each council named,
    side by side, each quoted from its own passage; None for one council, or when the passages are not each
    one's own (one sentence naming both: "Staffordshire and Lincolnshire were awarded the contract…"; "Hull,
    Kirklees, Leicestershire, Southwark and Wiltshire are being funded…")."""
    if len(plan.authorities) < 2 or plan.answer_type not in ("money", "number", "comparison") or plan.places_wanted:
        return None
    # (money "for" one of the councils, "how much did hull get vs kirklees", is for whichever one is asked about)
    named = {s.lower().strip() for s in plan.said}
    money_for = "" if plan.money_for.lower() in named else plan.money_for
    each = [_document_answer(replace(plan, authorities=[name], said=[said], money_for=money_for), avoid)
            for name, said in zip(plan.authorities, plan.said)]
    quotes = [a.sources[0].quote if a.sources else "" for a in each]
    pairs = list(zip(plan.authorities, plan.said))
    # ("Hull, Kirklees, … are being funded" is neither's)
    own = [_mentions_authority(q, name, said) and not any(_mentions_authority(q, *other) for other in pairs
                                                          if other[0] != name)
           for q, (name, said) in zip(quotes, pairs)]
    if any(a.route != "documents" for a in each) or not all(own):
        return None
    text = "What the reports say of each:\n" + "\n".join(
        f"- {name}: “{a.sources[0].quote}” ({a.sources[0].year} report › {a.sources[0].section})"
        for name, a in zip(plan.authorities, each))
    sources = [src for a in each for src in a.sources]
    return Answer(text, "documents", sources, [], None, ["documents"])


def _used_as_verb(word: str, question: str) -> bool:
    """Whether an unknown lower-case word is used as a verb, so is no name the reports lack: it acts on
    something ("redo its early help strategy", "tweak the guidance"), after "did …", "to …" or on its own."""
    acts_on = r"\s+(?:its|their|his|her|our|my|your|them|it|the|a|an|this|that|these|those)\b"
    return bool(re.search(rf"\b{re.escape(word)}{acts_on}", question, re.I) and (
        re.search(rf"\b(?:to|did|does|do|didn't|doesn't|will|would|can|could|should)\s+(?:\w+\s+){{0,2}}?"
                  rf"{re.escape(word)}\b", question, re.I)
        or not re.search(rf"\b(?:the|a|an)\s+{re.escape(word)}\b", question, re.I))
        and not re.search(rf"\b(?:did|does|do|will|would|can|could|should)\s+{re.escape(word)}\b", question, re.I))


# The word "year" after a year named: "for the 2023-24 financial year".
_YEAR_WORD = re.compile(r"(\d\d)\s+(?:financial\s+|programme\s+)?years?\b", re.I)
# A figure a question states, with its size word: "£150 million", "80,000", "95%".
_CLAIMED_FIGURE = re.compile(r"[£$]?\b\d[\d,.]*\s*(?:%|per ?cent\b|million\b|billion\b|thousand\b|m\b|bn\b|k\b)?",
                            re.I)


_CONTRACTION = re.compile(r"n['’]t$|['’](?:re|ve|ll|d|m)$")  # "won't", "they've"


def _ordinary(word: str) -> bool:
    """A common English word, a plural of one, a contraction ("won't", "they've") or informal spelling ("whats",
    "yrs"): not a name."""
    return (is_common_word(word) or bool(_CONTRACTION.search(word))
            or (word.endswith("s") and is_common_word(word[:-1]))
            or (word.endswith("ies") and is_common_word(word[:-3] + "y")) or slots.has("informal", word))


# Words that date a beginning besides the vocabulary's start_words: "since April 2015", "from July 2023", "was
# announced in February 2023", "commissioned", "established".
_STARTED = re.compile(r"\b(?:since|from|announced|commissioned|established|created|formed|opened|ran between|"
                      r"running from|kicked off|got under way|underway)\b", re.I)


# A figure written in digits ("1,200", "£90,000", "52%") or as a count word ("nine"), not a year.
_FIGURE_VALUE = re.compile(r"(?<![\w.-])(?!(?:19|20)\d\d\b)(\d[\d,]*(?:\.\d+)?)|\b([a-z]+)\b", re.I)


def _figures_in(text: str) -> set[float]:
    """The values of the figures a text gives: {9.0} for "the 9 descriptors" and for "nine descriptors"."""
    found = set()
    for m in _FIGURE_VALUE.finditer(text):
        if m.group(1):
            found.add(float(m.group(1).replace(",", "").rstrip(".")))
        elif slots.number_value(m.group(2)):
            found.add(float(slots.number_value(m.group(2))))
    return found


def _lacks(plan: Plan, passages) -> str | None:
    """What the answer type needs that no passage has ("a figure for this", "a name"), or None.

    A number question needs a figure (bound to the thing counted, for "how many families"), money a £
    amount, a percentage a share, a date a date, a person or organisation a name the question lacks,
    and a "which areas" question the names of areas.
    """
    from qa.extract import FIGURE, MONTH, WHEN
    from qa.retrieval import default_retriever, tokens
    from qa.shapes import topic

    if plan.judgement:  # "was payment by results a failure?": what the reports say of it is no verdict
        return "a verdict on this"
    texts = [p.text + " " + " ".join(p.headings) for p in passages]
    asked = asked_words(plan)
    events = slots.dated_events(plan.question)
    for year in plan.years_named_outside:  # "in 2026-27": a passage from a section about other years does not answer
        if not any(year[:4] in default_retriever().section_text(p.year, p.section) for p in passages):
            return f"anything for {year}"
        if year in events and not any(year in t for t in texts):
            return f"anything on the {events[year]}"  # "the 2025 data survey": not "The 2023 Data Survey shows…"
        if plan.wants_figure and not any(year[:4] in p.text for p in passages):
            return f"a figure for {year}"  # "the response rate of the 2022 survey": not 2023's "97%"
    signed = any(p.signed for p in passages)  # a signature block names who signed (and so wrote) the section
    # (a body's role, "delivery partner", is what it does for the project: "run by Coram…" names them)
    body_role = plan.answer_type == "organisation" and slots.has("organisation_roles", plan.question)
    unsaid = set(plan.stages) - set().union(*(slots.stages(t) for t in texts)) if plan.stages else set()
    if unsaid:  # "the wave 2 pathfinder councils": not the wave one areas
        return "anything on " + " or ".join(f"{noun} {n}" for noun, n in sorted(unsaid))
    if plan.title and plan.answer_type in ("person", "organisation") and not (signed and plan.title == "author") \
            and not body_role and not any(
            t[:5] == plan.title[:5] and abs(len(t) - len(plan.title)) <= 2  # (an "author" is no "authority")
            for p in passages for t in tokens(f"{p.text} {p.section}")):
        return "a name for this"  # "who is the director…": no passage speaks of a director
    if "abbreviation_words" in plan.cues:
        short = topic(plan.question, "definition_words", "abbreviation_words")
        spelled = any(re.search(rf"\w\s+\({re.escape(w)}s?\)", t, re.I) for w in short for t in texts)
        if len(short) == 1 and not short & set(default_retriever().acronyms) and not spelled:
            return "what this stands for"  # the reports use "VCSE" but never spell it out ("Payment by Results (PbR)")


    if "forecast" in plan.cues and not any(slots.has("future_said", t) for t in texts):
        return "any forecast of this"  # "will the SEND project be rolled out": "This project ran between…" says none
    kind = plan.answer_type
    if kind == "money" and not any("£" in t for t in texts):
        return "an amount of money for this"
    if kind == "money" and plan.authorities and not any(
            "£" in sentence and any(n.lower() in sentence.lower() for n in plan.authorities + plan.said)
            for t in texts for sentence in split_sentences(t)):
        return f"an amount of money for {', '.join(plan.authorities)} for this"
    if kind == "money" and not plan.places_wanted and not plan.follow_up:
        # the money must be for what is asked about, in the sentence or its headings: "the budget for family
        # hubs" is not the programme's funding, nor "Leicestershire was awarded £84,057… at the Family Hub";
        # "leeds's spend on early help" is not its SEND award (a council's award is for the project its section
        # is about: "how much did each SEND pilot get")
        from qa.retrieval import SUBJECT_WORDS, YEAR_TOKENS
        named = set(tokens(plan.money_for)) - cue_tokens("generic_nouns") - set(tokens(" ".join(SUBJECT_WORDS))) \
            - YEAR_TOKENS - set(tokens(" ".join(slots.AREA_NOUNS)))
        said = set().union(*(default_retriever().text_tokens(
            p.section if _awarded_to_a_council(p.text) else f"{p.section} {p.text}") for p in passages))
        if named - said:  # (every word of it: "the cost of the data survey" is no data peer support project's)
            return "an amount of money for this"
    if kind == "money" and _EACH.search(plan.question) and not any(
            "£" in sentence and (_EACH.search(sentence) or _place_names(sentence))
            for t in texts for sentence in split_sentences(t)):
        return "an amount for each one"  # "how much of the £500m does each council get": only the total is given
    if kind in ("list", "place") and plan.places_wanted and slots.asks_money(plan.question) and not any(
            "£" in t or "£" in _nested_text(p, default_retriever()) for t, p in zip(texts, passages)):
        return "an amount of money for this"  # "which council got the most money": not "…can save time and money"
    if kind == "percentage" and not any(re.search(r"%|per ?cent|\b(?:half|third|quarter)\b", t) for t in texts):
        return "a percentage for this"
    if kind in ("number", "money", "percentage") and not any(FIGURE.search(t) for t in texts):
        return "a figure for this"
    stated = _figures_in(plan.question)
    if kind in ("number", "money", "percentage") and stated and not any(_figures_in(t) - stated for t in texts):
        # "the minimum EHSG score on the 9 descriptors": "…a minimum score for nine specific EHSG descriptors"
        # holds only the figure the question gives, not the one it asks for
        return "a figure for this"
    head = plan.counted_head or ""
    # The figure is bound to the thing counted ("how many family network support packages": packages); for
    # councils or areas, which the reports also call authorities, to the words after it ("…applied for EA").
    counted = [head] if len(head) > 3 and head not in _GENERIC_COUNTS else \
        [w for w in plan.counted_words if len(w) > 3 and w not in _GENERIC_COUNTS]
    if kind == "number" and counted:
        bound = _figure_before("|".join(_counted_form(w) for w in counted))
        if head in _PLACE_COUNTS:
            bound += "|" + _SHARE  # "45% of local authorities said data sharing had improved"
        if not any(re.search(bound, t, re.I) for t in texts):
            return f"a number of {' '.join(plan.counted_words)} for this"
    # …and so must each word before it saying which things: "how many lone parent families" is not answered
    # by a count of all families
    which = plan.counted_words[:plan.counted_words.index(head)] if head in plan.counted_words else []
    if kind == "number" and which:
        words = {t[:5] for t in tokens(" ".join(texts + [p.section for p in passages]))}
        if any(t[:5] not in words for w in which if len(w) > 3 for t in tokens(w)):
            return f"a number of {' '.join(plan.counted_words)} for this"
    if kind == "number" and head in _PLACE_COUNTS:
        # "how many councils use the NHS number": a count or a share of areas, not any figure in the passage
        bound = _figure_before(r"area|authorit|council|LAs?\b|places|pathfinder", "one|all|half|most|hundred")
        if not any(re.search(f"{bound}|{_SHARE}", t, re.I) for t in texts):
            return f"a number of {head} for this"
    # An age is of the person asked about: "Hannah (8)" gives no age for Sarah
    aged = re.escape(plan.age_of)
    given = rf"\b{aged}\W{{0,3}}\(\d+\)|\b{aged}\b[^.]*\baged?\s+\d+"  # "Hannah (8)", "Sarah, aged 60"
    if kind == "number" and aged and not any(re.search(given, t, re.I) for t in texts):
        return f"{plan.age_of.capitalize()}'s age"
    # A share is of the thing asked about: "what percentage of families…" is not "44% of local authorities",
    # and "the response rate" is a share of responses
    base = plan.share_of
    if kind == "percentage" and len(base) > 3 and base not in _PLACE_COUNTS and base not in _GENERIC_COUNTS \
            and not slots.has("table_words", base):
        # (in the reports' words too: a share of "kids" is one of "children", vocabulary related_words)
        said_as = "|".join(re.escape(w[:5]) for w in [base, *slots.keys_found("related_words", base)])
        if not any(re.search(rf"(?:{_SHARE}|proportion|share|percentage|half|third|quarter)\W+(?:of\s+)?"
                             rf"(?:\w+\s+){{0,3}}(?:{said_as})", t, re.I) for t in texts):
            return f"a percentage of {base} for this"
    if kind == "percentage" and plan.rate_of and not any(plan.rate_of[:5] in t.lower() for t in texts):
        return f"a {plan.rate_of} rate for this"
    # (the year in a law's name is not when anything happened: "the Welfare Reform and Work Act 2016", unless
    # the law is what is asked about)
    undated = texts if "law" in plan.cues else [re.sub(r"\bAct (?:19|20)\d\d\b", "Act", t) for t in texts]
    # …nor is a year the question names itself: "when was Working Together 2023 published" is not dated by
    # "Working Together 2023 also clarifies…"
    named = "|".join(set(re.findall(r"\b(?:19|20)\d\d\b", plan.question)))
    undated = [re.sub(rf"\b(?:{named})\b", "", t) for t in undated] if named else undated
    if kind == "date" and "month" in plan.cues and not any(MONTH.search(t) for t in texts):
        return "the month for this"  # "which month were the spot checks": "In 2024-25 fifteen areas…" gives a year
    if kind == "date" and not any(re.search(r"\b(?:19|20)\d\d\b|\b(?:quarter|q[1-4])\b", t, re.I) or MONTH.search(t)
                                  or WHEN.search(t) for t in undated):
        return "a date for this"  # (the time the reports give may be "in the coming months")
    if kind == "date" and "end_asks" in plan.cues and "start_asks" not in plan.cues \
            and not any(slots.has("end_words", t) for t in texts):
        return "when it ends"  # "when does the FFP programme end": "…£500 million… in 2025-26" says no end
    if kind == "date" and "start_asks" in plan.cues and not any(
            slots.has("start_words", t) or _STARTED.search(t) for t in texts):
        return "when it started"  # "when did earned autonomy start": "In 2023/24, 15 … have EA status" is no start
    if any(p.introduces for p in passages):
        return None  # the sentence naming the person asked about says who they are
    if kind in ("person", "organisation") and not any(new_names(t, asked) for t in texts):
        return "a name for this"
    which = re.search(r"(?:^|[-–—:;.?!]\s)\W*which\b", plan.question, re.I)  # (after a remark too)
    if kind == "place" and not plan.places_wanted and which \
            and not any(w for t in texts for w in new_names(t, asked) if not w.isupper()):
        # "which family hub in leicestershire…": "the Family Hub" names none; nor does "the VCSE sector"
        return "the name of the place for this"
    # (a heading names a person by title, "Ministerial foreword – Felicity Buchan MP…"; its other capitalised
    # words are headings', "Improving local practice")
    # ("who runs the family voice work" is answered by who does, "Safe Lives"; "who at Ealing…", "the name of the
    # researcher", "who is the data lead" ask for a person)
    asks_person = plan.title or "person_asks" in plan.cues or re.search(r"\bnames?\b", plan.question, re.I)
    if kind == "person" and asks_person and not any(_person_named(t, asked) for t in texts) \
            and not any(_PERSON_TITLE.search(p.section) for p in passages):
        return "a person's name for this"
    if kind in ("list", "place", "organisation", "person") and plan.items_asked >= 2 and not plan.places_wanted and \
            max(_items_listed(t) for t in texts) < plan.items_asked:
        return "the list itself"  # "list the ten projects": the reports say there were ten, not which
    if plan.places_wanted:
        named = {m.name for t in texts for m in default_tool().resolver.find_all(t)} - set(plan.authorities) \
            - set(plan.exclude)
        if len(named) < plan.places_wanted:
            return "the names of the areas for this"
    return None


def _counted_form(word: str) -> str:
    """How a counted word is met after its figure: as the reports say it (vocabulary counted_as: "families" as
    "120 families" or "858,179 successful family outcomes", not "two SEND Family Support Worker posts"), else by
    its first five letters ("projects": "project-based")."""
    said = slots.vocabulary()["counted_as"].get(word)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") + r"\b" for p in said) if said else re.escape(word[:5])


def _figure_before(nouns: str, words: str = "one|hundred|thousand") -> str:
    """A pattern for a figure ("45", "six", "45%"; not a year) with one of `nouns` (alternatives) within three
    words after it: "six specific EHSG descriptors"."""
    from qa.extract import NUMBER_WORDS

    return (rf"(?:(?<![\d-])(?!(?:19|20)\d\d\b)\d[\d,.]*%?|\b(?:{NUMBER_WORDS}|{words}))[\s-]+"
            rf"(?:[\w-]+\s+){{0,3}}(?:{nouns})")


def _items_listed(text: str) -> int:
    """How many things a passage lists: its bullets, or the items of "…: a, b and c" or "a, b and c"."""
    if "•" in text:
        return text.count("•")
    series = text.split(":", 1)[1] if ":" in text else (re.search(r"\w[^.;]*,[^.;]*\band\b[^.;]*", text) or [""])[0]
    return len([part for part in re.split(r",|\band\b", series) if part.strip()]) if series else 0


_PERSON_TITLE = re.compile(r"\b(?:MP|MPs|Minister|Secretary of State|Dr|Professor|Cllr|Councillor|Baroness|Lord|Dame|"
                           r"Sir)\b")


def _person_named(text: str, asked: set[str]) -> bool:
    """A person's name the question lacks: a title ("MP", "Minister", "Dr"), or one to three capitalised words,
    not opening a sentence, none of which names an organisation or a place ("Lauren", "Felicity Buchan";
    not "Northumberland County Council")."""
    if _PERSON_TITLE.search(text):
        return True
    # "and" joins the words of one name ("Community and Partnership Service" is one organisation)
    for m in re.finditer(r"(?<![.!?•]\s)(?<!^)\b[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+){0,3}\b", text):
        words = [w for w in m.group().split() if w != "and"]
        if not any(w in _ORGANISATION_WORDS or w in not_names() or w in _CALENDAR or w.lower() in asked
                   for w in words) \
                and not default_tool().resolver.find_all(m.group()):
            return True
    return False


_CALENDAR = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
# Words that make a capitalised run an organisation, a programme or a document rather than a person.
_ORGANISATION_WORDS = {"Council", "County", "Borough", "City", "Institute", "Foundation", "Department", "Ministry",
                       "Trust", "Partnership", "Research", "Lives", "Centre", "Centres", "Cluster", "School", "Schools",
                       "Learning", "Services", "Service", "Government",
                       "Fund", "Project", "Team", "Network", "Office", "Board", "Agency", "Authority", "Authorities",
                       "Guide", "System", "Review", "Pathfinder", "Survey", "Plan", "Framework", "Hub", "Hubs",
                       "Health", "Care", "Education", "Housing", "Communities", "Levelling", "Up", "Accelerator",
                       "Earned", "Autonomy",
                       "Data", "Outcome", "Outcomes", "Children", "Social", "Mental", "Voice", "Local", "National",
                       "England", "English", "Therapy", "Ecorys", "Coram", "Lead", "Practitioner", "Good", "Practice",
                       "Foreword", "Ministerial", "Executive", "Summary", "Introduction", "Chapter", "Annex", "Case",
                       "Study", "Update", "Programme",
                       # posts, not the people holding them ("Senior Responsible Officers, Data Leads…")
                       "Senior", "Responsible", "Officer", "Officers", "Leads", "Manager", "Managers", "Workers",
                       "Practitioners", "Coordinator", "Coordinators", "Navigators", "Advisors", "Advisers"}


# A sum a council was given ("Leicestershire was awarded £84,057…"): that council's money, and no budget for
# what else its sentence names.
_AWARDED = re.compile(r"^(.{0,80}?)\s+(?:was|were|has been|have been)\s+(?:awarded|given|granted|allocated)\s+£")


def _awarded_to_a_council(text: str) -> bool:
    m = _AWARDED.search(text)
    return bool(m and _place_names(m.group(1)))

# "Each council", "per family": a question about the share of each, which a total does not answer.
_EACH = re.compile(r"\b(?:each|per|every|apiece)\b(?!\s+(?:year|annum|cent)\b)"
                   r"|\baverage\s+(?:cost|spend|amount|payment)\b"  # ("the average cost of one family")
                   r"|\b(?:one|a single)\s+(?:family|outcome|child)\b", re.I)


# Counted words that any figure answers ("how many areas", "how many times").
_GENERIC_COUNTS = {"areas", "times", "more", "fewer", "less", "years", "local", "were", "have", "does", "this",
                   "councils", "authorities", "places", "people"}


# Counted words that are areas: a figure answers only if it counts areas or is a share of them.
_PLACE_COUNTS = {"areas", "councils", "authorities", "places", "las"}
# A share given as a percentage ("45% of local authorities", "45 per cent").
_SHARE = r"\d\s?%|per ?cent"


# Words that carry no topic of their own ("How much did Kirklees get?").


def _mentions_authority(text: str, name: str, said: str) -> bool:
    low = text.lower()
    return any(w in low for w in {name.lower(), said.lower().strip(), name.split()[-1].lower()})


# Share of a question's content words the reports never use at which we say they don't cover it.
UNKNOWN_SHARE = 0.5
# Share of a question's topic words (of three or more) an answer's passages must hold, with their headings
# and the COVERAGE_AROUND sentences before them. Tuning set (1,351 cases), against none: 0.26 with 3
# sentences: +2 declined, no answer lost (90.1 -> 90.2%); 0.30: one answer lost; 0.34: +4, -2; 0.26 with
# 1 sentence: +3, -2 (the sentence naming the project is further back).
MIN_COVERAGE = 0.26
COVERAGE_AROUND = 3


def _coverage_share(topic_words: set[str], passages, retriever) -> float:
    """The share of the topic words (by their first five letters) in the passages' text, headings and the
    sentences before them."""
    seen = set()
    for p in passages:
        before = retriever.context(p.year, p.section, p.text, around=COVERAGE_AROUND)[0]
        seen |= retriever.text_tokens(f"{p.section} {before} {p.text}")
    prefixes = {t[:5] for t in seen}
    return len({t for t in topic_words if {w[:5] for w in _spelled_out({t}, retriever)} & prefixes}) / len(topic_words)


def _nested_text(passage, retriever) -> str:
    """The text of a passage's section with its subsections' ("…across five local authorities", then a section
    on each council's award)."""
    return " ".join(retriever.sentence_text[i] for i in retriever.section_sentences(passage.year, passage.section,
                                                                                    nested=True))


def _spelled_out(words: set[str], retriever) -> set[str]:
    """The words with what their abbreviations stand for ("ea": also "earn", "autonomi")."""
    from qa.retrieval import tokens

    return words | {t for w in words if w in retriever.acronyms for t in tokens(" ".join(retriever.acronyms[w]))}


def _mostly_unknown(query: str, retriever) -> bool:
    """Key words of the question that the reports never use mean they don't cover it."""
    from qa.retrieval import tokens

    query = slots.without_related_words(query)  # "budget": the reports say "funding", which the search has too
    # ("wots the ffp"; "how big was the pot": words that name no topic)
    query = " ".join(w for w in query.split() if not slots.has("informal", w) and not slots.has("light_words", w))
    # (a council or an area is in every other question: "which council had the longest waiting list for early
    # help" is about waiting lists, a word the reports never use)
    content = {t for t in tokens(query) if not t.isdigit()}
    content = content - cue_tokens("area_nouns") or content
    return bool(content) and len(retriever.unknown_words(query)) / len(content) >= UNKNOWN_SHARE


def _none(message: str) -> Answer:
    return Answer(f"{message}\n\n{_coverage()}", "none", routes=["none"])


def _coverage() -> str:
    """ "The reports cover … in 2023-24 and 2024-25.", with the years of the reports in the store."""
    from qa.plan import default_reader

    return COVERAGE.format(years=listed(default_reader().years))


def _add_suggestions(answer: Answer, plan: Plan, tool: TableTool, tables_only: bool = False) -> None:
    """End a refusal with two or three questions the reports answer, close to what was asked."""
    # off topic: the first ones; but one naming an authority is offered what the reports say about it
    asked = "" if plan.intent == "out_of_scope" and not plan.authorities else plan.search_text or plan.question
    answer.suggestions = suggest.default_suggester().suggest(
        asked, [] if answer.data else plan.authorities,  # its rows are shown already: not offered again
        tool.years[-1] if tool.years else "", tables_only)
    if answer.suggestions:
        answer.text = f"{answer.text}\n\n{suggest.block(answer.suggestions)}"


def _combine(parts: list[Answer]) -> Answer:
    # a part whose quotes another part's quotes already hold says nothing new ("…a data warehouse or data lake…"
    # then "…a data warehouse or data lake… However, 23% of areas do not have either.")
    parts = [p for k, p in enumerate(parts) if not (p.route == "documents" and any(
        o is not p and o.route == "documents" and _holds(o, p) and (not _holds(p, o) or k > parts.index(o))
        for o in parts))]
    # …and one whose whole text an earlier part already gave is not said twice
    parts = [p for k, p in enumerate(parts) if not any(o.text == p.text for o in parts[:k])]
    # …nor a table answer another part's says inside its own ("Calderdale achieved 94%…", then the same beside
    # the national 81%)
    def body(a: Answer) -> str:
        return a.text.split("\n\nSource:")[0]

    parts = [p for p in parts if not (p.route == "table" and any(
        o is not p and o.route == "table" and body(p).rstrip(".") in body(o) and body(p) != body(o) for o in parts))]
    # …nor the same rows twice: "how many outcomes did Kirklees achieve … and whether that met its allocation"
    # is answered by the verdict, which gives the figures too; "how did X do … and how that compares to everyone
    # else" by the part that also says where it ranks (the one saying more)
    def rows(a: Answer) -> list:
        return sorted((r.get("authority"), r.get("year")) for r in a.data)

    def verdict(a: Answer) -> bool:  # ("Yes.", "No, that's not right.", "No: Bradford improved more…")
        return a.text.startswith(("Yes.", "No.", "Yes,", "No,", "Yes:", "No:"))

    def rank(a: Answer, k: int) -> tuple:  # (its length without "For 2024-25, the latest report: ")
        return verdict(a), len(re.sub(r"^For [^:]+: ", "", body(a))), -k

    parts = [p for k, p in enumerate(parts) if not (p.route == "table" and p.data and any(
        o is not p and o.route == "table" and rows(o) == rows(p) and rank(o, parts.index(o)) > rank(p, k)
        for o in parts))]
    if len(parts) == 1:
        return parts[0]
    answered = [p for p in parts if p.route != "none"]
    if not answered:
        return parts[0]
    return Answer(
        text="\n\n".join(p.text for p in parts),
        route=answered[0].route,
        sources=[s for p in parts for s in p.sources],
        data=[row for p in parts for row in p.data],
        chart=next((p.chart for p in parts if p.chart), None),
        routes=[p.route for p in parts],
    )


def _holds(a: Answer, b: Answer) -> bool:
    """Whether answer a's quotes contain every quote of answer b."""
    quotes = " ".join(s.quote for s in a.sources)
    return all(s.quote and s.quote.removeprefix("• ") in quotes for s in b.sources)


def warm_up() -> None:
    """Load the tables, the retriever and the model, so the first real question is fast."""
    from qa.retrieval import default_retriever

    from qa.plan import default_reader

    default_tool()
    try:
        default_retriever().embed("warm up")
    except StoreUnavailable:
        pass  # text questions will say so; tables still answer
    default_reader()
