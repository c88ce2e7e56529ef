"""How text is folded before two pieces of it are compared: the one definition the project uses.

`fold(text)` keeps the text readable, for checking an answer holds an expected figure or phrase:
- every character lowercased (str.lower);
- typographic quotes ‘ ’ become ', dashes – — become -;
- a comma between a digit and three more digits is dropped: "£112,268" -> "£112268";
- each run of white space becomes one space, none left at either end;
- everything else is kept as it is ("£", "%", ".", "é").

`fold(text, words=True)` keeps only the words, for matching names and aligning two copies of a text:
lowercased, '&' read as the word "and", and every other character that is not a-z or 0-9 (after
lowercasing) a space between words, commas included: "Bath & North East Somerset" -> "bath and
north east somerset", "£112,268" -> "112 268", "Council’s" -> "council s"; single spaces, none at the ends.

`fold_with_offsets` gives the same string and, for each of its characters, the index in `text`
of the character it came from, so a match found in the folded text maps back to the original.
"""
from __future__ import annotations

import re

_TYPOGRAPHIC = {"‘": "'", "’": "'", "–": "-", "—": "-"}


def fold(text: str, *, words: bool = False) -> str:
    """`text` folded for comparison (see the module docstring)."""
    return fold_with_offsets(text, words=words)[0]


def fold_with_offsets(text: str, *, words: bool = False) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index in `text` it came from."""
    if words and "&" not in text:
        low = text.lower()
        if len(low) == len(text):  # (each character lowercases to one: the runs of a-z0-9 are the words)
            return _words_with_offsets(low)
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if not words and ch == "," and i and text[i - 1].isdecimal() \
                and len(digits := text[i + 1:i + 4]) == 3 and digits.isdecimal():
            continue  # thousands separator
        for c in " and " if words and ch == "&" else ch.lower():
            c = _TYPOGRAPHIC.get(c, c)
            if c.isspace() or (words and not ("a" <= c <= "z" or "0" <= c <= "9")):
                if not out or out[-1] == " ":
                    continue
                c = " "
            out.append(c)
            offsets.append(i)
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


_WORD_RUN = re.compile(r"[a-z0-9]+")


def _words_with_offsets(low: str) -> tuple[str, list[int]]:
    """fold(words=True) of an already lowercased text without "&", found as its runs of a-z0-9 (the same
    result as the character loop, which every question's name matching runs, in a fraction of the time):
    each space between two words comes from the first character after the first word."""
    out: list[str] = []
    offsets: list[int] = []
    for m in _WORD_RUN.finditer(low):
        if out:
            out.append(" ")
            offsets.append(offsets[-1] + 1)
        out.append(m.group())
        offsets.extend(range(m.start(), m.end()))
    return "".join(out), offsets
