"""index.text.fold: the one way text is folded before it is compared (strings from the reports)."""
from __future__ import annotations

import pytest

from index.text import fold, fold_with_offsets

CASES = [
    # (text, fold(text), fold(text, words=True))
    ("Kingston upon Hull, City of", "kingston upon hull, city of", "kingston upon hull city of"),
    ("Bath & North East Somerset", "bath & north east somerset", "bath and north east somerset"),
    ("Leeds was awarded £112,268 and", "leeds was awarded £112268 and", "leeds was awarded 112 268 and"),
    ("This is the programme’s ninth annual report", "this is the programme's ninth annual report",
     "this is the programme s ninth annual report"),
    ("Chapter 3 – Successful family outcomes 2024-25", "chapter 3 - successful family outcomes 2024-25",
     "chapter 3 successful family outcomes 2024 25"),
    ("  Data sharing is strongest across\nchildren’s \t services. ", "data sharing is strongest across children's services.",
     "data sharing is strongest across children s services"),
    ("¹ National evaluation of the Supporting Families Programme 2015-2020",
     "¹ national evaluation of the supporting families programme 2015-2020",
     "national evaluation of the supporting families programme 2015 2020"),
    ("a total of 64,280 families (61%)", "a total of 64280 families (61%)", "a total of 64 280 families 61"),
    ("", "", ""),
    # characters that lowercase to two ("İ" -> "i̇") or are letters beyond a-z ("é") stand for spaces between words
    ("İpswich – café & Co.", "i̇pswich - café & co.", "i pswich caf and co"),
    ("—Leeds’ ", "-leeds'", "leeds"),
]


@pytest.mark.parametrize("text, folded, words", CASES)
def test_fold(text, folded, words):
    assert fold(text) == folded
    assert fold(text, words=True) == words


@pytest.mark.parametrize("words", [False, True])
@pytest.mark.parametrize("text", [c[0] for c in CASES])
def test_offsets_point_back_to_the_original(text, words):
    folded, offsets = fold_with_offsets(text, words=words)
    assert folded == fold(text, words=words)
    assert len(offsets) == len(folded) and offsets == sorted(offsets)
    for char, at in zip(folded, offsets):
        # Each folded character is its source character folded ('&' -> "and"), or a space standing for it.
        assert char == " " or char in fold(text[at], words=words)


def test_offsets_of_a_match_give_the_original_words():
    text = "What did Bath & North East Somerset’s families achieve?"
    folded, offsets = fold_with_offsets(text, words=True)
    start = folded.index("bath and north east somerset")
    end = start + len("bath and north east somerset")
    assert text[offsets[start]:offsets[end - 1] + 1] == "Bath & North East Somerset"
    assert {offsets[i] for i in range(folded.index("and"), folded.index("and") + 3)} == {text.index("&")}
