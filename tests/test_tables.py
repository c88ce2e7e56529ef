"""The tables parsed from the seed text, and the checks every build runs."""
from __future__ import annotations

import shutil

import pytest

from index import config
from index.tables import (PUBLISHED_TOTALS, TableError, parse_annex_2024_25_ocr, parse_annex_2024_25_tagged,
                          parse_tables, _split_2024_25)


@pytest.fixture(scope="module")
def tables():
    return parse_tables()


def rows(tables, year):
    return {r.authority: r for r in tables.outcomes if r.year == year}


def test_totals_match_the_reports(tables):
    for year, totals in PUBLISHED_TOTALS.items():
        year_rows = rows(tables, year).values()
        assert sum(r.max_outcomes for r in year_rows) == totals["max_outcomes"]
        assert sum(r.achieved for r in year_rows) == totals["achieved"]
    assert PUBLISHED_TOTALS["2023-24"] == {"max_outcomes": 105_149, "achieved": 64_280}
    assert PUBLISHED_TOTALS["2024-25"] == {"max_outcomes": 130_054, "achieved": 104_761}


def test_same_141_authorities_in_both_years(tables):
    a, b = rows(tables, "2023-24"), rows(tables, "2024-25")
    assert len(a) == len(b) == 141
    assert set(a) == set(b)


def test_every_percentage_matches_its_counts(tables):
    for r in tables.outcomes:
        assert abs(round(100 * r.achieved / r.max_outcomes) - r.percentage) <= 1, r


def test_both_copies_of_the_2024_25_annex_agree():
    text = (config.seeds_dir() / config.REPORTS[1].filename).read_text(encoding="utf-8")
    ocr, tagged = _split_2024_25(text)
    ocr_rows, tagged_rows = parse_annex_2024_25_ocr(ocr), parse_annex_2024_25_tagged(tagged)
    assert len(ocr_rows) == 141
    assert ocr_rows == tagged_rows


@pytest.mark.parametrize("authority, year, maximum, achieved, percentage", [
    ("Leeds", "2024-25", 2540, 2102, 83),
    ("Leeds", "2023-24", 2054, 1029, 50),
    ("Kent", "2023-24", 2751, 2314, 84),
    ("Kent", "2024-25", 3403, 3403, 100),
    ("Bath and North East Somerset", "2024-25", 204, 204, 100),  # name wrapped over two OCR lines
    ("North and West Northamptonshire", "2024-25", 1561, 695, 45),  # likewise
    ("Dorset", "2023-24", 424, 371, 88),  # OCR "Donset" in some copies
    ("Cornwall", "2023-24", 981, 609, 62),  # OCR "Comwall"
    ("Ealing", "2023-24", 757, 532, 70),  # OCR "Easling"
    ("Rutland", "2023-24", 25, 12, 48),  # run together as "Surrey Rutland"
    ("Greenwich", "2023-24", 673, 522, 78),  # a fragment pairs Greenwich with Hackney's numbers
    ("Hackney", "2023-24", 726, 521, 72),
    ("Derbyshire", "2023-24", 1272, 776, 61),  # "Derby Berbyshire"
    ("Hartlepool", "2023-24", 252, 151, 60),  # "Harrepool"
    ("Greater Manchester", "2023-24", 7297, 3443, 47),
    ("Greater Manchester", "2024-25", 9025, 6685, 74),
    ("Torbay", "2024-25", 355, 21, 6),
    ("St. Helens", "2023-24", 449, 96, 21),
    ("York", "2023-24", 189, 92, 49),  # last row, glued to the footnote
    ("Barking and Dagenham", "2023-24", 820, 820, 100),
])
def test_known_rows(tables, authority, year, maximum, achieved, percentage):
    r = rows(tables, year)[authority]
    assert (r.max_outcomes, r.achieved, r.percentage) == (maximum, achieved, percentage)


def test_the_date_each_annex_counts_outcomes_to(tables):
    """The 2023-24 Annex A counts outcomes "achieved up to 3 January 2024" (its column header); the 2024-25 one
    gives the whole year, so no date."""
    assert tables.counted_to == {"2023-24": "3 January 2024"}


@pytest.mark.parametrize("question, year, noted", [
    ("how did surrey do in 23-24", "2023-24", True),
    ("national total outcomes 2023-24", "2023-24", True),
    ("how did surrey do in 24-25", "2024-25", False),
])
def test_a_2023_24_figure_is_cited_with_the_date_it_is_counted_to(ask, question, year, noted):
    answer = ask(question)
    assert answer.route == "table" and answer.sources[0].year == year
    assert ("(outcomes achieved up to 3 January 2024)" in answer.text) == noted, answer.text


@pytest.mark.parametrize("question, counted", [
    ("Dudley was only at 132 of 659 in the 23-24 report - what did they finish the year on by end of March 2024?",
     "it achieved 132 of its maximum of 659"),
    ("what was leeds's final full-year figure for 2023-24", "Leeds achieved 1,029"),
])
def test_a_final_2023_24_figure_is_not_given_and_the_counted_figure_is_offered(ask, question, counted):
    answer = ask(question)
    assert answer.route == "none"
    assert answer.text.startswith("The reports don't give a final figure for the whole of 2023-24: its Annex A "
                                  "counts outcomes only up to 3 January 2024.")
    assert counted in answer.text


def test_earned_autonomy_markers(tables):
    marked = sorted(a for a, r in rows(tables, "2023-24").items() if r.earned_autonomy_marker)
    assert len(marked) == 16  # 15 Earned Autonomy authorities and Greater Manchester (Chapter 3)
    assert {"Leeds", "Kent", "Greater Manchester", "Westminster", "Camden"} <= set(marked)
    assert "Norfolk" not in marked  # awarded during 2023-24, after the Annex was compiled
    assert all(r.earned_autonomy_marker is None for r in rows(tables, "2024-25").values())


def test_ehsg_scores(tables):
    scores = {(s.year, s.section): s.score for s in tables.ehsg}
    assert len(scores) == 15
    assert scores[(2022, "Family Voice")] == 3.2
    assert scores[(2022, "Workforce")] == 3.0
    assert scores[(2023, "Data")] == 2.9
    assert scores[(2024, "Family Voice")] == 3.8
    assert scores[(2024, "Data")] == 3.2


def test_a_corrupted_row_fails_the_build_naming_it(tmp_path):
    for report in config.REPORTS:
        shutil.copy(report.path, tmp_path / report.filename)
    path = tmp_path / config.REPORTS[1].filename
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Leeds 2540 2102 83%", "Leeds 2540 2012 83%"), encoding="utf-8")
    with pytest.raises(TableError) as err:
        parse_tables(tmp_path)
    assert "Leeds" in str(err.value)


def test_a_wrong_total_fails_the_build(tmp_path):
    for report in config.REPORTS:
        shutil.copy(report.path, tmp_path / report.filename)
    path = tmp_path / config.REPORTS[1].filename
    text = path.read_text(encoding="utf-8")
    # Change both copies consistently so only the total check can catch it.
    text = text.replace("Torbay 355 21 6%", "Torbay 355 20 6%").replace("\tTorbay \n\tTorbay \n\tTorbay \n\n\t355 \n\t355 \n\n\t21 \n\t21 ",
                                                                          "\tTorbay \n\tTorbay \n\tTorbay \n\n\t355 \n\t355 \n\n\t20 \n\t20 ")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as err:
        parse_tables(tmp_path)
    assert "total achieved" in str(err.value) or "Torbay" in str(err.value)


@pytest.mark.parametrize("authority, year, measure, said", [
    ("Kent", "2024-25", "percentage", "Kent ranked 1st of 141 authorities by percentage of funded outcomes achieved in "
                                      "2024-25 (100%, level with 52 others; 0 above it)"),
    ("Greater Manchester", "2023-24", "achieved", "Greater Manchester ranked 1st of 141"),
    ("Torbay", "2024-25", "percentage", "Torbay ranked 141st of 141"),
])
def test_where_an_authority_ranks(tool, authority, year, measure, said):
    assert tool.position(authority, year, measure).summary.startswith(said)


@pytest.mark.parametrize("authorities, year, achieved, most", [
    (["Kent", "Essex"], "2024-25", 5631, 6208),
    (["Greater Manchester", "Birmingham", "Kent"], "2024-25", 14281, 17301),
    (["Kent", "Medway"], "2023-24", 2843, 3280),  # an alias is the Annex A name
])
def test_authorities_added_together(tool, authorities, year, achieved, most):
    result = tool.combined(authorities, year)
    assert sum(r["achieved"] for r in result.rows) == achieved
    assert f"together achieved {achieved:,} successful family outcomes of a combined maximum of {most:,}" in result.summary


def test_authorities_that_moved_from_one_band_to_another(tool):
    result = tool.filter_transition("percentage", ["2023-24", "2024-25"], ("lt", 30), ("gt", 90))
    assert {r["authority"] for r in result.rows} == {"Kingston upon Hull", "North Lincolnshire", "St. Helens"}
    assert all(r["percentage"] < 30 for r in result.rows if r["year"] == "2023-24")
    assert result.summary.startswith("3 authorities went from percentage of funded outcomes achieved under 30% in "
                                     "2023-24 to over 90% in 2024-25")


@pytest.mark.parametrize("year, comparator, against, count", [
    ("2024-25", "gt", "national_rate", 85),  # above 104,761 / 130,054 on each one's own counts
    ("2023-24", "lt", "national_rate", 73),  # below 64,280 / 105,149
    ("2023-24", "lt", "average", 72),  # below the mean of the printed percentages, 60.9%
])
def test_authorities_set_against_englands_figure(tool, tables, year, comparator, against, count):
    result = tool.filter_against(year, comparator, against)
    assert len(result.rows) == count and result.summary.startswith(f"{count} authorities")
    if against == "national_rate":
        achieved = sum(r.achieved for r in rows(tables, year).values())
        most = sum(r.max_outcomes for r in rows(tables, year).values())
        above = [r["achieved"] / r["max_outcomes"] > achieved / most for r in result.rows]
        assert all(above) if comparator == "gt" else not any(above)


def test_the_authority_that_changed_least_either_way(tool):
    result = tool.rank_change("achieved", 1, years=["2023-24", "2024-25"], moved="least")
    assert result.rows[0]["authority"] == "Lambeth" and result.rows[0]["change"] == 16
    every = tool.rank_change("achieved", 200, years=["2023-24", "2024-25"])
    assert min(abs(r["change"]) for r in every.rows) == 16
