"""Follow-up questions: fill in what a short question leaves out from the conversation so far.

"And in 2023-24?", "What about Bradford?", "What percentage did it achieve?",
"And the following year?" keep the previous table question and change one
part of it. A follow-up about the text ("Which areas are in wave one?") is
searched together with the previous question's words.
History is the Gradio messages list: [{"role": "user"|"assistant", "content": ...}].
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.authorities import AuthorityResolver
from qa.questions import YEARS, TableQuery, parse, read

_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|what of|same for|now|also|ok|okay|then)\b|"
    r"\b(it|its|they|their|them|that|those|this one|the same)\b", re.I)


@dataclass
class Context:
    """What the conversation has been about: the last table question, the last text question."""

    table: TableQuery | None = None
    text: str = ""
    named: str = ""  # names the last answer brought up ("it" in the next question may be one of them)


def turns(history: list | None, role: str = "user") -> list[str]:
    """The text of each message with this role."""
    out = []
    for message in history or []:
        if isinstance(message, dict) and message.get("role") == role:
            content = message.get("content")
            if isinstance(content, list):  # Gradio 6: [{"type": "text", "text": ...}, ...]
                content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
            if isinstance(content, str) and content.strip():
                out.append(content)
    return out


_NOT_NAMES = {"Source", "Sources", "Annex", "Chapter", "Table", "The", "This", "They", "In", "It", "Early", "Help",
              "Supporting", "Families", "Council", "County", "City", "Borough"}


def _answer_names(history: list | None) -> str:
    """Proper names in the last answer's quoted text (what a following "it" may point at)."""
    answers = turns(history, "assistant")
    if not answers:
        return ""
    quoted = answers[-1].split("Source")[0]
    return " ".join(dict.fromkeys(w for w in re.findall(r"\b[A-Z][a-z]{2,}\b", quoted) if w not in _NOT_NAMES))


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) or len(re.findall(r"[A-Za-z]+", question)) <= 4


def context_from(history: list | None, resolver: AuthorityResolver) -> Context:
    """Replay the user's earlier turns so a chain of follow-ups keeps its thread."""
    context = Context()
    for turn in turns(history, "user"):
        query, text = resolve(turn, context, resolver)
        if query is not None:
            context = Context(query, context.text)
        elif text:
            context = Context(None, text)
    context.named = _answer_names(history)
    return context


def resolve(question: str, context: Context, resolver: AuthorityResolver,
            continues: bool = False) -> tuple[TableQuery | None, str]:
    """(table query, text to search): one is set. Uses the context only when the question is a
    follow-up, or `continues` an earlier part of the same question ("When did it run, and who led it?")."""
    reading = read(question, resolver)
    own = parse(question, resolver, reading)
    follow = continues or is_follow_up(question)
    if context.table is not None and follow:
        q = replace(context.table)
        changed = False
        if own is not None and own.operation != "lookup":
            return own, ""
        if q.operation == "ehsg":
            years = [int(y) for y in re.findall(r"\b(2022|2023|2024)\b", question)]
            if years:
                q.ehsg_years = years
                return q, ""
        if reading.authorities:
            q.authorities, changed = [m.name for m in reading.authorities], True
        if reading.years:
            q.years, changed = reading.years, True
        if reading.relative_year and q.years:
            i = YEARS.index(q.years[0]) + (1 if reading.relative_year == "next" else -1)
            if 0 <= i < len(YEARS):
                q.years = [YEARS[i]]
            else:
                q.years = ["2025-26" if reading.relative_year == "next" else "2022-23"]
            changed = True
        if reading.measure and (reading.measure != "achieved" or re.search(r"achiev", question, re.I)):
            q.measure, changed = reading.measure, True
        if changed or reading.authorities or reading.years:
            if q.operation == "compare_years" and reading.years:
                q.operation = "lookup"
            return q, ""
    if own is not None:
        return own, ""
    if context.text and follow:
        names = context.named if _PRONOUN.search(question) else ""
        return None, " ".join(p for p in (question, context.text, names) if p)
    return None, question


_PRONOUN = re.compile(r"\b(it|its|they|their|them|he|she|her|his)\b", re.I)
