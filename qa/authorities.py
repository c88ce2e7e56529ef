"""Resolve what users call a local authority to the name Annex A uses, or say plainly that it isn't there.

Canonical names come from the database (so from the reports); aliases are the
everyday names people use for them. Small typos are forgiven only when one
name is clearly closest: a wrong match is worse than "not in the tables".
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from index.text import fold, fold_with_offsets

# Everyday name -> Annex A name (data: qa/data/aliases.json).
_ALIAS_DATA = json.loads((Path(__file__).parent / "data" / "aliases.json").read_text(encoding="utf-8"))
ALIASES: dict[str, str] = _ALIAS_DATA["aliases"]
# A name alone that could mean two authorities ("kingston") -> the authorities it could mean.
AMBIGUOUS: dict[str, list[str]] = {k: v for k, v in _ALIAS_DATA["ambiguous"].items() if not k.startswith("_")}
# A name's opening compass word -> its short form ("north" -> "n": "n yorkshire").
COMPASS: dict[str, str] = {k: v for k, v in _ALIAS_DATA["compass"].items() if not k.startswith("_")}

# Words councils add to their names that Annex A leaves out.
_COUNCIL_WORDS = re.compile(
    r"\b(the|london borough of|royal borough of|city of|metropolitan borough council|"
    r"borough council|county council|city council|district council|council|combined authority)\b")


def normalise(name: str) -> str:
    """The name's words as index.text.fold reads them, without a possessive 's or council words."""
    text = fold(re.sub(r"[’'`]s\b", "", name, flags=re.I), words=True)
    return " ".join(_COUNCIL_WORDS.sub(" ", text).split())


@dataclass(frozen=True)
class Match:
    name: str  # canonical Annex A name
    said: str  # the words in the question that named it
    start: int
    end: int


class AuthorityResolver:
    """Finds authority names in free text and resolves single names, with aliases and small typos."""

    FUZZY_CUTOFF = 85  # rapidfuzz ratio (0-100) a misspelling must reach
    FUZZY_MARGIN = 5  # ...and by which it must beat the next name
    ONE_EDIT_LENGTH = 6  # below the ratio, a name this long or longer is still read one edit away (OSA distance)

    def __init__(self, canonical_names: list[str]):
        self.names = sorted(canonical_names)
        self._lookup: dict[str, str] = {normalise(n): n for n in self.names}
        for alias, target in ALIASES.items():
            if target in canonical_names:
                self._lookup.setdefault(normalise(alias), target)
        for name in self.names:  # "n yorkshire", "e sussex": the compass word shortened (the longest first)
            key = normalise(name)
            word = next((w for w in COMPASS if key.startswith(f"{w} ")), None)
            if word:
                self._lookup.setdefault(f"{COMPASS[word]} {key[len(word) + 1:]}", name)
        # One pattern, longest names first, so "north east lincolnshire" wins over "lincolnshire".
        keys = sorted(self._lookup, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![a-z0-9])")
        self._by_words: dict[int, list[str]] = {}
        for key in self._lookup:
            self._by_words.setdefault(key.count(" ") + 1, []).append(key)
        self._exact: dict[str, list[Match]] = {}  # find_all(typos=False) of the reports' sentences, asked again and again

    def resolve(self, name: str) -> str | None:
        """One name -> canonical name, or None. Exact, then alias, then a clear fuzzy winner."""
        key = normalise(name)
        if not key:
            return None
        if key in self._lookup:
            return self._lookup[key]
        return self._closest(key, list(self._lookup))

    def _closest(self, key: str, keys: list[str]) -> str | None:
        """The one name clearly closest to `key` (same first letter, ahead of the next name), or None."""
        keys = [k for k in keys if k[:1] == key[:1]]
        best = process.extract(key, keys, scorer=fuzz.ratio, limit=2, score_cutoff=self.FUZZY_CUTOFF)
        if not best and len(key) >= self.ONE_EDIT_LENGTH:
            # one letter wrong or two swapped in a shorter name ("dudely", "dudlay"): one edit from one name only
            near = {self._lookup[k] for k, _, _ in process.extract(key, keys, scorer=OSA.distance, limit=3,
                                                                  score_cutoff=1)}
            return near.pop() if len(near) == 1 else None
        if not best:
            return None
        if len(best) == 1 or self._lookup[best[0][0]] == self._lookup[best[1][0]] \
                or best[0][1] - best[1][1] >= self.FUZZY_MARGIN:
            return self._lookup[best[0][0]]
        return None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest canonical names, for 'not in the tables' replies."""
        key = normalise(name)
        seen: list[str] = []
        for match, _score, _ in process.extract(key, list(self._lookup), scorer=fuzz.WRatio, limit=n * 3,
                                                score_cutoff=60):
            if self._lookup[match] not in seen:
                seen.append(self._lookup[match])
        return seen[:n]

    def find_all(self, text: str, typos: bool = True) -> list[Match]:
        """Every authority named in `text`, in order, longest names first where they overlap.
        `typos=False` matches names and aliases only (for text we wrote ourselves, like an earlier answer)."""
        if not typos and text in self._exact:
            return list(self._exact[text])
        norm, offsets = fold_with_offsets(text, words=True)
        taken = [False] * len(norm)
        found: list[tuple[int, int, str]] = []
        for m in self._pattern.finditer(norm):
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            found.append((m.start(), m.end(), self._lookup[m.group()]))
        if typos:
            found += self._fuzzy_words(norm, taken)
        found.sort()
        matches = []
        for s, e, name in found:
            start, end = offsets[s], offsets[e - 1] + 1
            if not matches or matches[-1].name != name:
                matches.append(Match(name, text[start:end], start, end))
        if not typos and len(self._exact) < EXACT_CACHE:
            self._exact[text] = list(matches)
        return matches

    def _fuzzy_words(self, norm: str, taken: list[bool]) -> list[tuple[int, int, str]]:
        """Misspelt names ('birmingam', 'manchestr'): word runs of 1-3 words closely matching a name."""
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[a-z]+", norm)]
        out = []
        for i in range(len(words)):
            for k in (3, 2, 1):
                run = words[i:i + k]
                if len(run) < k or any(taken[run[0][0]:run[-1][1]]):
                    continue
                phrase = " ".join(w for _, _, w in run)
                if len(phrase) < 5 or phrase in _COMMON_WORDS or any(w in _GLUE for _, _, w in run) \
                        or all(_is_common_word(w) for _, _, w in run):
                    continue  # a word spelt right is no misspelt name: "staff" is not "Staffs"
                # Only names with the same number of words: "was all" must not become "Walsall".
                name = self._closest(phrase, self._by_words.get(k, []))
                if name:
                    s, e = run[0][0], run[-1][1]
                    taken[s:e] = [True] * (e - s)
                    out.append((s, e, name))
                    break
        return out


def _is_common_word(word: str) -> bool:
    from qa.intents import is_common_word  # the classifier's vocabulary; imported late, it loads a tokenizer

    return is_common_word(word)


EXACT_CACHE = 20_000  # texts whose exact matches are kept (the reports have ~2,500 sentences)

_GLUE = {"was", "all", "the", "and", "of", "in", "to", "for", "did", "how", "what", "many", "much", "on", "at",
         "by", "its", "it", "is", "are", "were", "from", "with", "that", "this", "which", "who", "year", "years"}

# Ordinary words that sit within typo distance of an authority name.
_COMMON_WORDS = {
    "needs", "seeds", "kept", "rent", "bent", "brent", "leeds", "derby", "sutton", "hull",
    "family", "families", "outcome", "outcomes", "which", "where", "there", "their", "these",
    "percent", "percentage", "achieved", "maximum", "funded", "ranked", "about", "and the",
    "brighton", "reading", "bury", "wake", "walsall", "halton", "merton", "luton", "barnet",
    "data", "dataset", "survey", "system", "guide", "early", "help", "scores", "total",
    "average", "change", "changes", "between", "years", "year", "autonomy", "earned",
}
