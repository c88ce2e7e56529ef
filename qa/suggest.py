"""Questions a refusal offers instead: two or three the reports answer, close to what was asked.

The questions are data (qa/data/suggestions.json), each one answered by `qa.ask` (tests/test_suggest.py).
They are ranked against the refused question by the query encoder retrieval uses (MiniLM, qa/encoder.py;
the suggestions are embedded once, on the first refusal) plus the words they share. A question that
named an authority gets that authority's outcome question first, for the newest year the tables hold.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.text import fold

SUGGESTIONS = Path(__file__).parent / "data" / "suggestions.json"
LEAD = "You could ask:"  # starts the block of suggestions at the end of a refusal's text
COUNT = 3  # suggestions offered at most; the third only when it is about as close as the best (MARGIN)
MARGIN = 0.15
PER_TOPIC = 2  # at most this many from one topic, so the last one offers something else
LEXICAL_WEIGHT = 0.5  # score = cosine + LEXICAL_WEIGHT * share of the suggestion's (rarity-weighted) words asked
RELEVANT = 0.2  # below this best score nothing is close: the file's first questions are offered
# These were set by reading the suggestions given to the tuning set's 262 refusals (eval/cases); no eval figure
# depends on them (a refusal is scored by its route).


class Suggester:
    """Ranks the suggestion questions against a refused question.

    Args:
        questions: [{"question", "route", "topic", "authority"?}], the order of qa/data/suggestions.json; one
            naming an authority is offered only for a question that names it.
        authority: the question offered first when an authority was named, with {authority} and {year}.
        embed: text -> unit vector (the query encoder); None ranks by shared words alone.
    """

    def __init__(self, questions: list[dict], authority: str = "", embed=None):
        from qa.retrieval import tokens

        self.questions = questions
        self.authority = authority
        self.embed = embed
        self._vectors: np.ndarray | None = None
        self._tokens = lambda text: set(tokens(_YEARS.sub(" ", text)))
        self._words = [self._tokens(q["question"]) for q in questions]
        counts = Counter(t for words in self._words for t in words)
        self._idf = {t: math.log((len(questions) + 1) / (n + 0.5)) for t, n in counts.items()}

    def vectors(self) -> np.ndarray:
        """The suggestions' embeddings (years left out), computed on first use."""
        if self._vectors is None:
            self._vectors = np.stack([self.embed(_YEARS.sub(" ", q["question"])) for q in self.questions])
        return self._vectors

    def scores(self, text: str) -> list[float]:
        """How close each suggestion is to `text`: cosine without the years (every question has one, and
        MiniLM weighs them heavily), plus the share of the suggestion's words, by rarity, that `text` has."""
        words = self._tokens(text)
        lexical = [sum(self._idf[t] for t in words & w) / (sum(self._idf[t] for t in w) or 1.0) for w in self._words]
        text = " ".join(_YEARS.sub(" ", text).split())
        if self.embed is None or not text:
            return lexical
        dense = self.vectors() @ self.embed(text)
        return [float(d) + LEXICAL_WEIGHT * x for d, x in zip(dense, lexical)]

    def suggest(self, text: str, authorities: list[str] = (), table_year: str = "",
                tables_only: bool = False) -> list[str]:
        """Two or three questions for a refusal of `text`.

        Args:
            text: what was asked (for a follow-up, with the words of what it follows).
            authorities: Annex A authorities the question named; the first gets its outcome question first.
            table_year: the newest year the outcome tables hold.
            tables_only: only questions the outcome tables answer (the text store is out of reach).
        """
        asked = _plain(text)
        allowed = [i for i, q in enumerate(self.questions)
                   if (not tables_only or q["route"] == "table") and _plain(q["question"]) != asked
                   and q.get("authority") in (None, *authorities)]
        out: list[str] = []
        if authorities and table_year and self.authority:
            name = authorities[0].replace(".", "")  # "St. Helens": its "." would read as the end of a sentence
            out.append(self.authority.format(authority=name, year=table_year))
        scores = self.scores(text) if allowed else []
        best = max((scores[i] for i in allowed), default=0.0)
        order = sorted(allowed, key=lambda i: -scores[i]) if best >= RELEVANT else allowed
        topics: dict[str, int] = {}
        for i in order:
            q = self.questions[i]
            if len(out) >= COUNT or (len(out) >= 2 and best >= RELEVANT and scores[i] < best - MARGIN):
                break
            if topics.get(q["topic"], 0) < PER_TOPIC and _plain(q["question"]) not in map(_plain, out):
                out.append(q["question"])
                topics[q["topic"]] = topics.get(q["topic"], 0) + 1
        return out


def block(suggestions: list[str]) -> str:
    """ "You could ask:\\n- …\\n- …", the end of a refusal's text."""
    return LEAD + "".join(f"\n- {s}" for s in suggestions) if suggestions else ""


def strip(text: str) -> str:
    """An answer's text without its block of suggestions (what a follow-up reads of the last answer)."""
    return _BLOCK.sub("", text)


_BLOCK = re.compile(rf"\s*^{re.escape(LEAD)}[ \t]*(?:\n[ \t]*[-•*][^\n]*)*", re.M)


# Programme and calendar years ("2024-25", "23/24", "2024"): left out when ranking.
_YEARS = re.compile(r"\b(?:20)?\d\d\s*[-–/]\s*(?:20)?\d\d\b|\b(?:19|20)\d\d\b")


def _plain(text: str) -> str:
    """A question's words, for telling two questions apart ("How did Bath & NE Somerset…" is the same question
    as "How did Bath and NE Somerset…")."""
    return fold(text, words=True)


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(SUGGESTIONS.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_suggester() -> Suggester:
    """Over qa/data/suggestions.json, ranked with the cached query encoder retrieval uses."""
    from qa.retrieval import _embed_query  # retrieval's cache: a refused text question with no year is encoded once

    data = load()
    return Suggester(data["questions"], data.get("authority", ""), _embed_query)
