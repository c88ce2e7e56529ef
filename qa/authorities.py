"""Resolve what users call a local authority to the name Annex A uses, or say plainly that it isn't there.

Canonical names come from the database (so from the reports); aliases are the
everyday names people use for them. Small typos are forgiven only when one
name is clearly closest: a wrong match is worse than "not in the tables".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches

# Everyday name -> Annex A name.
ALIASES = {
    "hull": "Kingston upon Hull",
    "hull city": "Kingston upon Hull",
    "st helens": "St. Helens",
    "saint helens": "St. Helens",
    "southend": "Southend-on-Sea",
    "medway": "Medway Towns",
    "bournemouth christchurch and poole": "BCP",
    "bournemouth": "BCP",
    "bcp council": "BCP",
    "gmca": "Greater Manchester",
    "greater manchester combined authority": "Greater Manchester",
    "county durham": "Durham",
    "banes": "Bath and North East Somerset",
    "b&nes": "Bath and North East Somerset",
    "northamptonshire": "North and West Northamptonshire",
    "west northamptonshire": "North and West Northamptonshire",
    "north northamptonshire": "North and West Northamptonshire",
    "brighton": "Brighton and Hove",
    "kingston": "Kingston upon Thames",
    "richmond": "Richmond upon Thames",
    "newcastle": "Newcastle upon Tyne",
    "stockton": "Stockton-on-Tees",
    "stoke": "Stoke-on-Trent",
    "windsor": "Windsor and Maidenhead",
    "telford": "Telford and Wrekin",
    "redcar": "Redcar and Cleveland",
    "east riding": "East Riding of Yorkshire",
    "isle of wight council": "Isle of Wight",
    "tower hamlets council": "Tower Hamlets",
}

# Words councils add to their names that Annex A leaves out.
_COUNCIL_WORDS = re.compile(
    r"\b(the|london borough of|royal borough of|city of|metropolitan borough council|"
    r"borough council|county council|city council|district council|council|combined authority)\b")


def normalise(name: str) -> str:
    """Lowercase, '&' as 'and', no punctuation, no council words, single spaces."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"[’'`]s\b", "", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = _COUNCIL_WORDS.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Match:
    name: str  # canonical Annex A name
    said: str  # the words in the question that named it
    start: int
    end: int


class AuthorityResolver:
    """Finds authority names in free text and resolves single names, with aliases and small typos."""

    FUZZY_CUTOFF = 0.85

    def __init__(self, canonical_names: list[str]):
        self.names = sorted(canonical_names)
        self._lookup: dict[str, str] = {normalise(n): n for n in self.names}
        for alias, target in ALIASES.items():
            if target in canonical_names:
                self._lookup.setdefault(normalise(alias), target)
        # Longest keys first so "north east lincolnshire" wins over "lincolnshire".
        self._keys = sorted(self._lookup, key=len, reverse=True)

    def resolve(self, name: str) -> str | None:
        """One name -> canonical name, or None. Exact, then alias, then a clear fuzzy winner."""
        key = normalise(name)
        if not key:
            return None
        if key in self._lookup:
            return self._lookup[key]
        return self._closest(key, self._lookup.keys())

    def _closest(self, key: str, keys) -> str | None:
        """The one name clearly closest to `key` (ahead of the runner-up by 0.05), or None."""
        close = get_close_matches(key, keys, n=2, cutoff=self.FUZZY_CUTOFF)
        if not close:
            return None
        if len(close) == 1 or self._lookup[close[0]] == self._lookup[close[1]]:
            return self._lookup[close[0]]
        a, b = (SequenceMatcher(None, key, c).ratio() for c in close)
        return self._lookup[close[0]] if a - b >= 0.05 else None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest canonical names, for 'not in the tables' replies."""
        key = normalise(name)
        close = get_close_matches(key, self._lookup.keys(), n=n * 3, cutoff=0.6)
        seen: list[str] = []
        for c in close:
            if self._lookup[c] not in seen:
                seen.append(self._lookup[c])
        return seen[:n]

    def find_all(self, text: str) -> list[Match]:
        """Every authority named in `text`, in order, longest names first where they overlap."""
        norm, offsets = _normalise_with_offsets(text)
        taken = [False] * len(norm)
        found: list[tuple[int, int, str]] = []
        for key in self._keys:
            for m in re.finditer(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", norm):
                if not any(taken[m.start():m.end()]):
                    taken[m.start():m.end()] = [True] * (m.end() - m.start())
                    found.append((m.start(), m.end(), self._lookup[key]))
        found += self._fuzzy_words(norm, taken)
        found.sort()
        matches = []
        for s, e, name in found:
            start, end = offsets[s], offsets[e - 1] + 1
            if not matches or matches[-1].name != name:
                matches.append(Match(name, text[start:end], start, end))
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
                if len(phrase) < 5 or phrase in _COMMON_WORDS or any(w in _GLUE for _, _, w in run):
                    continue
                # Only names with the same number of words: "was all" must not become "Walsall".
                name = self._closest(phrase, [key for key in self._lookup if key.count(" ") == k - 1])
                if name:
                    s, e = run[0][0], run[-1][1]
                    taken[s:e] = [True] * (e - s)
                    out.append((s, e, name))
                    break
        return out


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


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Like normalise() but lighter (no council-word removal), keeping a map back to `text`."""
    out, offsets = [], []
    for i, ch in enumerate(text):
        if ch == "&":
            for c in (" and " if not out or out[-1] != " " else "and "):
                out.append(c)
                offsets.append(i)
            continue
        c = ch.lower()
        if not ("a" <= c <= "z" or "0" <= c <= "9"):
            c = " "
        if c == " " and out and out[-1] == " ":
            continue
        out.append(c)
        offsets.append(i)
    return "".join(out), offsets
