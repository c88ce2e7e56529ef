"""Authority names: canonical, aliases, case and punctuation, small typos, honest refusals."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("said, canonical", [
    ("Leeds", "Leeds"),
    ("leeds", "Leeds"),
    ("LEEDS CITY COUNCIL", "Leeds"),
    ("Hull", "Kingston upon Hull"),
    ("Hull City Council", "Kingston upon Hull"),
    ("St Helens", "St. Helens"),
    ("st. helens", "St. Helens"),
    ("Southend", "Southend-on-Sea"),
    ("Medway", "Medway Towns"),
    ("Bournemouth, Christchurch and Poole", "BCP"),
    ("Brighton & Hove", "Brighton and Hove"),
    ("Bath & North East Somerset", "Bath and North East Somerset"),
    ("London Borough of Southwark", "Southwark"),
    ("Birmingam", "Birmingham"),
    ("Hertfordshir", "Hertfordshire"),
    ("Greater Manchestr", "Greater Manchester"),
])
def test_resolves(tool, said, canonical):
    assert tool.resolver.resolve(said) == canonical


@pytest.mark.parametrize("said", ["Cardiff", "Glasgow", "Belfast", "Manchester City Council", "Atlantis", ""])
def test_unknown_names_are_not_matched(tool, said):
    assert tool.resolver.resolve(said) is None


def test_unknown_name_offers_nearest(tool):
    from qa.tabletool import TableToolError

    with pytest.raises(TableToolError) as err:
        tool.lookup("Manchester", "2024-25")
    assert "not in the tables" in str(err.value)
    assert "Greater Manchester" in err.value.suggestions


@pytest.mark.parametrize("text, names", [
    ("How did North East Lincolnshire do?", ["North East Lincolnshire"]),  # not Lincolnshire
    ("Compare Derby and Derbyshire", ["Derby", "Derbyshire"]),
    ("When was all remaining funding released?", []),  # "was all" is not Walsall
    ("What about Kent's figures in 2023/24?", ["Kent"]),
    ("how many staff work in the national team", []),  # a word spelt right is not a misspelt "Staffs"
    ("how did staffs and birmingam do", ["Staffordshire", "Birmingham"]),
])
def test_finds_names_in_questions(tool, text, names):
    assert [m.name for m in tool.resolver.find_all(text)] == names
