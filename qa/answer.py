"""`ask(question, history)`: the one function the app, the CLI, scripts and the eval share.

    question ─ check input ─ split "A, and B?" ─┬─ table question ─ TableTool (SQLite) ─┐
                                                └─ anything else ─ hybrid retrieval ─ extract ─┴─ Answer
Route "none" whenever neither the tables nor the text answer: a confident
wrong answer is the worst outcome. Numbers in answers come only from table
rows or quoted report sentences.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from index import config
from index.chunks import split_sentences
from qa import llm
from qa.followup import Context, context_from, resolve
from qa.questions import TableQuery, read
from qa.tabletool import TableTool, TableToolError, default_tool

COVERAGE = ("The reports cover the Supporting Families programme in England in 2023-24 and 2024-25: "
            "successful family outcomes for each local authority (Annex A), national totals, Earned Autonomy, "
            "the Early Help System Guide and its scores, the data survey, the good-practice projects (SEND, "
            "mental health, family voice, peer support), the Families First for Children pathfinder, "
            "research and evaluation, funding, and case studies.")


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

    def to_dict(self) -> dict:
        return asdict(self)


def ask(question: str, history: list | None = None) -> Answer:
    """Answer one question about the two reports, using `history` for follow-ups."""
    problem, question = clean_question(question)
    if problem:
        return Answer(problem, "none", routes=["none"])
    tool, context = default_tool(), None
    try:
        context = context_from(history, tool.resolver)
    except Exception:  # a malformed history must not stop the question being answered
        context = Context()
    parts = []
    for i, part in enumerate(split_compound(question)):
        quoted = frozenset(q for a in parts for src in a.sources for q in split_sentences(src.quote))
        parts.append(_answer_part(part, context, tool, continues=i > 0, avoid=quoted))
        if parts[-1].route == "documents":  # a later part ("and who led it?") is about the same thing
            context = Context(context.table, part)
    answer = _combine(parts)
    written = llm.rewrite(question, answer)  # None unless a language model is configured and checks out
    if written:
        cites = "; ".join(dict.fromkeys(s.cite() for s in answer.sources))
        answer.text = f"{written}\n\nSources: {cites}."
    return answer


def clean_question(question) -> tuple[str | None, str]:
    """(problem message or None, cleaned text): control characters out, length bounded."""
    if not isinstance(question, str):
        return "Please ask a question as text.", ""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        return "Please type a question about the Supporting Families reports (2023-24 or 2024-25).", ""
    if len(text) > config.MAX_QUESTION_CHARS:
        return (f"That question is {len(text):,} characters long; please keep it under "
                f"{config.MAX_QUESTION_CHARS:,} characters."), ""
    if _SQL_LIKE.search(text):
        return ("That looks like a database command, not a question. Ask in plain English, for example "
                "“How many outcomes did Leeds achieve in 2024-25?”"), ""
    symbols = sum(not (ch.isalnum() or ch.isspace()) for ch in text)
    if symbols > 0.4 * len(text.replace(" ", "")):
        return "That doesn't read as a question. " + COVERAGE, ""
    if _INSTRUCTION_LIKE.search(text):
        return ("I only answer questions about the Supporting Families reports, and I don't follow instructions "
                "given inside a question. " + COVERAGE), ""
    if not re.search(r"[A-Za-z0-9]", text):
        return "I can only answer questions written in English about the Supporting Families reports. " + COVERAGE, ""
    return None, text


_SQL_LIKE = re.compile(r";\s*(drop|delete|insert|update|alter|create|select)\b|\bunion\s+select\b|--\s*$|"
                       r"\b(drop|truncate)\s+table\b|\bor\s+1\s*=\s*1\b", re.I)


_INSTRUCTION_LIKE = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions|prompt|rules|above)\b|system prompt|\byou are now\b|"
    r"\bact as\b|\bjailbreak|developer mode", re.I)


def split_compound(question: str) -> list[str]:
    """'How did Norfolk do in 2024-25, and what is Earned Autonomy?' -> two questions."""
    parts = re.split(r"(?:\?\s+|[,;]\s*and\s+|\s+and also\s+)(?=(?:what|how|which|who|when|where|why|is|are|did|does)\b)"
                     r"|\s+and\s+(?=(?:who|when|where|why|which|what|how)\s+(?!many\b|much\b)\w+\s+\w+)",
                     question, flags=re.I)
    return [p.strip(" ,;") for p in parts if p.strip(" ,;")] or [question]


# ------------------------------------------------------------------ one part

def _answer_part(question: str, context: Context, tool: TableTool, continues: bool = False,
                 avoid: frozenset[str] = frozenset()) -> Answer:
    query, text_query = resolve(question, context, tool.resolver, continues)
    if query is not None and query.operation == "earned_autonomy" and query.authorities:
        return _earned_autonomy_answer(query.authorities[0], tool)
    reading = read(question, tool.resolver)
    if query is not None and query.operation != "ehsg" and reading.years_out_of_range and not reading.years:
        return _none(f"The outcome tables cover 2023-24 and 2024-25 only, not {', '.join(reading.years_out_of_range)}.")
    if query is None or not query.authorities:
        unknown_place = _unknown_place(question, tool)
        if unknown_place:
            return unknown_place
    if query is not None:
        return _table_answer(query, tool)
    return _document_answer(text_query, reading, avoid)


def _table_answer(q: TableQuery, tool: TableTool) -> Answer:
    try:
        results = tool.answer(q)
    except TableToolError as e:
        return _none(str(e))
    text = " ".join(r.summary for r in results)
    sources = [Source(s["year"], s["section"], s.get("quote", ""), s.get("rows", [])) for r in results for s in r.sources]
    rows = [row for r in results for row in r.rows]
    chart = results[0].chart if len(results) == 1 else {"x": "authority" if len(q.authorities) > 1 else "year",
                                                         "y": q.measure or "achieved", "kind": "bar"}
    cite = "; ".join(dict.fromkeys(s.cite() for s in sources))
    return Answer(f"{text}\n\nSource: {cite}.", "table", sources, rows, chart, ["table"])


def _earned_autonomy_answer(authority: str, tool: TableTool) -> Answer:
    """Earned Autonomy for one area: the 2023-24 Annex A '*' marker, and the report text naming new EA areas."""
    from qa.extract import Passage
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
    text = f"{verdict} {marker.summary}"
    for p in passages:
        text += f"\n\nThe {p.year} report: “{p.text}” ({p.section})"
    cite = "; ".join(dict.fromkeys(s.cite() for s in sources))
    return Answer(f"{text}\n\nSource: {cite}.", "table", sources, marker.rows, None, ["table"])


def _document_answer(text_query: str, reading, avoid: frozenset[str] = frozenset()) -> Answer:
    from qa.extract import FIGURE, WANTS_FIGURE, extract
    from qa.retrieval import YEAR_TOKENS, default_retriever, tokens

    retriever = default_retriever()
    absent_years = [y for y in reading.years_out_of_range if not retriever.mentions(y)]
    if absent_years:
        return _none(f"The reports cover 2023-24 and 2024-25; they say nothing about {', '.join(absent_years)}.")
    strangers = _unmentioned_names(text_query, reading, retriever)
    if strangers:
        return _none(f"The reports don't mention {', '.join(strangers)}.")
    year = reading.years[0] if len(reading.years) == 1 else None
    places = tuple(dict.fromkeys(n for m in reading.authorities for n in (m.name, m.said.strip())))
    passages = extract(text_query, retriever, year=year, places=places, avoid=avoid)
    if not passages or _mostly_unknown(text_query, retriever):
        return _none("I couldn't find this in the two reports.")
    named = reading.authorities
    if named and not any(_mentions_authority(retriever.section_text(p.year, p.section), m)
                         for p in passages for m in named):
        who = ", ".join(dict.fromkeys(m.name for m in named))
        return _none(f"The reports don't say this about {who}. For {who}'s outcome figures, ask e.g. "
                     f"“How did {named[0].name} do in 2024-25?”")
    # The passage must share a content word with the question beyond the place it names: a Leeds
    # sentence about SEND does not answer how many children were in care in Leeds.
    asked = ((set(tokens(text_query)) & retriever.vocabulary) - YEAR_TOKENS - set(tokens(_LIGHT_WORDS))
             - {t for n in places for t in tokens(n)})
    if asked and not any(asked & set(tokens(f"{p.section} {p.text}")) for p in passages):
        return _none("I couldn't find this in the two reports.")
    if WANTS_FIGURE.search(text_query) and not any(FIGURE.search(p.text) for p in passages):
        return _none("The reports don't give a figure for this.")
    sources = [Source(p.year, p.section, p.text) for p in passages]
    if len(passages) == 1:
        p = passages[0]
        text = f"“{p.text}”\n\nSource: {p.year} report › {p.section}."
    else:
        text = "The two reports each say:\n" + "\n".join(
            f"- {p.year} report: “{p.text}” ({p.section})" for p in passages)
    return Answer(text, "documents", sources, [], None, ["documents"])


# Words that carry no topic of their own ("How much did Kirklees get?").
_LIGHT_WORDS = "get gets got receive received receives give gives given gave make made take took use used go went"


def _unmentioned_names(question: str, reading, retriever) -> list[str]:
    """Capitalised words (names) the reports never use, outside the authority names Annex A lists."""
    spans = [(m.start, m.end) for m in reading.authorities]
    names = []
    for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]{2,}\b", question):
        if any(s <= m.start() < e for s, e in spans):
            continue
        if not retriever.mentions(m.group()) and retriever.unknown_words(m.group()):
            names.append(m.group())
    return names


def _mentions_authority(text: str, match) -> bool:
    low = text.lower()
    return any(w in low for w in {match.name.lower(), match.said.lower().strip(), match.name.split()[-1].lower()})


# Share of a question's content words the reports never use at which we say they don't cover it.
UNKNOWN_SHARE = 0.5


def _mostly_unknown(query: str, retriever) -> bool:
    """Key words of the question that the reports never use mean they don't cover it."""
    from qa.retrieval import tokens

    content = {t for t in tokens(query) if not t.isdigit()}
    return bool(content) and len(retriever.unknown_words(query)) / len(content) >= UNKNOWN_SHARE


def _unknown_place(question: str, tool: TableTool) -> Answer | None:
    """A table-style question about a place that isn't in Annex A: say so, offer the nearest names."""
    if not re.search(r"outcome|achiev|allocat|maximum|percentage|funded", question, re.I):
        return None
    m = re.search(r"\b(?:did|does|for|of|in|by)\s+((?:[A-Z][\w'’.-]*\s?){1,4})", question) or \
        re.search(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)*)['’]s\b", question)
    if not m:
        return None
    name = m.group(1).strip().removesuffix("'s").removesuffix("’s")
    if name.lower() in {"the", "supporting families", "annex a", "england"} or tool.resolver.resolve(name):
        return None
    suggestions = tool.resolver.suggest(name)
    hint = f" Nearest names in the tables: {', '.join(suggestions)}." if suggestions else ""
    return _none(f"“{name}” is not in the outcome tables of either report (Annex A lists the English "
                 f"upper-tier authorities in the programme).{hint}")


def _none(message: str) -> Answer:
    return Answer(f"{message}\n\n{COVERAGE}", "none", routes=["none"])


def _combine(parts: list[Answer]) -> Answer:
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


def warm_up() -> None:
    """Load the tables, the retriever and the model, so the first real question is fast."""
    from qa.retrieval import default_retriever

    default_tool()
    default_retriever().embed("warm up")
