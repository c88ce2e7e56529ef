"""Cut the answer out of the report text: the shortest text that answers, quoted with its citation.

No language model: the answer is a sentence of the report (with the one
before it when it starts "They…"/"This…"), or a whole list when the question
asks for one. Where the two reports give different figures for the same
thing, both sentences are given, each with its report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.retrieval import HybridRetriever, SentenceHit

# A document answer needs at least this sentence score, else the reports are taken not to say.
# Chosen on the eval set's document and refusal cases (see README, "Refusal threshold").
MIN_SCORE = 0.42
# A second report's sentence is offered beside the first when it scores within this margin.
OTHER_YEAR_MARGIN = 0.06

_LIST_QUESTION = re.compile(
    r"\b(what are|what were|which (?:five|four|six|three|areas|authorities|local|projects|councils)|list|name the|"
    r"steps|principles|aims|markers|criteria|findings|indicators|priorities|descriptors|outcomes achieved|"
    r"what did .* aim|what .* consider|approaches|measures of success)\b")
_LEADS_ON = re.compile(r"^(They|This|These|It|Their|Its|Both|Having done this|As a result|However|Equally)\b")
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                     r"thirty|forty|fifty)\b", re.I)


@dataclass
class Passage:
    text: str
    year: str
    section: str  # citation path: chapter › section › …
    score: float


def extract(question: str, retriever: HybridRetriever, year: str | None = None) -> list[Passage]:
    """Passages that answer the question, best first; empty when the reports don't say."""
    ranked, _chunks = retriever.sentences(question, year=year)
    if not ranked or ranked[0].score < MIN_SCORE:
        return []
    best = ranked[0]
    passages = [_passage(question, best, retriever)]
    if year is None and _NUMBER.search(best.text):
        other = next((s for s in ranked if s.chunk.meta["year"] != best.chunk.meta["year"]), None)
        if other and other.score >= best.score - OTHER_YEAR_MARGIN and _NUMBER.search(other.text) \
                and _same_topic(best, other):
            passages.append(_passage(question, other, retriever))
    return passages


def _passage(question: str, hit: SentenceHit, retriever: HybridRetriever) -> Passage:
    meta = hit.chunk.meta
    if meta["kind"] == "list" and _LIST_QUESTION.search(question.lower()):
        text = hit.chunk.text  # the lead-in and every item
    else:
        sentences = retriever.chunk_sentences(hit.chunk.id)
        text = hit.text
        if hit.position > 0 and _LEADS_ON.match(text):
            text = f"{sentences[hit.position - 1]} {text}"
        elif text.rstrip().endswith(":") and hit.position + 1 < len(sentences):
            text = " ".join([text] + sentences[hit.position + 1:])
    return Passage(text, meta["year"], meta["path"], hit.score)


def _same_topic(a: SentenceHit, b: SentenceHit) -> bool:
    """Both sentences talk about the same thing: they share names or key words beyond the question's."""
    words = lambda s: {w for w in re.findall(r"[A-Za-z]{4,}", s.text)}
    shared = words(a) & words(b)
    return len(shared) >= 3
