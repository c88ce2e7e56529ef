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

_TYPOGRAPHIC = {"‘": "'", "’": "'", "–": "-", "—": "-"}


def fold(text: str, *, words: bool = False) -> str:
    """`text` folded for comparison (see the module docstring)."""
    return fold_with_offsets(text, words=words)[0]


def fold_with_offsets(text: str, *, words: bool = False) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index in `text` it came from."""
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
