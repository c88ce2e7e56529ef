"""Refusals are short and end with two or three questions the reports answer, close to what was asked."""
from __future__ import annotations

import pytest

from qa.suggest import LEAD, load

QUESTIONS = load()["questions"]


@pytest.mark.parametrize("entry", QUESTIONS, ids=[q["question"] for q in QUESTIONS])
def test_every_suggestion_is_answered(ask, entry):
    answer = ask(entry["question"])
    assert answer.route == entry["route"], answer.text
    assert not answer.suggestions


def test_the_authority_question_is_answered_for_every_authority(tool):
    from qa import ask
    from qa.suggest import default_suggester

    wrong = []
    for authority in tool.resolver.names:
        question = default_suggester().suggest("What was its budget?", [authority], tool.years[-1])[0]
        answer = ask(question)
        if answer.route != "table" or authority not in answer.text:
            wrong.append((question, answer.text[:120]))
    assert not wrong


def test_suggestion_file_is_sound():
    questions = [q["question"] for q in QUESTIONS]
    assert 25 <= len(questions) <= 40 and len(set(questions)) == len(questions)
    assert all(q["route"] in ("table", "documents") and q["topic"] for q in QUESTIONS)
    assert sum(q["route"] == "table" for q in QUESTIONS) >= 3  # enough for tables-only refusals


def test_a_refusal_is_short_with_the_store_years_and_its_suggestions_last(ask, built):
    from qa.plan import default_reader

    answer = ask("What was Leeds' budget for 2024-25?")
    assert answer.route == "none"
    years = default_reader().years
    assert f"The reports cover the Supporting Families programme in England in {' and '.join(years)}." in answer.text
    assert "Annex A" not in answer.text  # the old 400-character coverage paragraph is gone
    assert len(answer.text) <= 600, len(answer.text)
    assert 2 <= len(answer.suggestions) <= 3
    assert answer.text.endswith("\n\n" + LEAD + "".join(f"\n- {s}" for s in answer.suggestions))
    assert answer.to_dict()["suggestions"] == answer.suggestions


def test_a_leeds_refusal_suggests_leeds_first_with_the_newest_table_year(ask, tool):
    answer = ask("How many children were in care in Leeds?")
    assert answer.route == "none", answer.text
    assert answer.suggestions[0] == f"How did Leeds do in {tool.years[-1]}?" == "How did Leeds do in 2024-25?"
    assert "How much was Leeds awarded for the SEND project?" in answer.suggestions


def test_an_earned_autonomy_refusal_suggests_earned_autonomy_first(ask):
    answer = ask("How many councils applied for Earned Autonomy and were turned down?")
    assert answer.route == "none", answer.text
    assert "Earned Autonomy" in answer.suggestions[0]
    assert all("Leeds" not in s and "Hull" not in s for s in answer.suggestions)  # no other council's question


@pytest.mark.parametrize("question, first", [
    ("How long were the waiting lists for the mental health pilots?", "mental health"),
    ("family voice has two strands - what are they", "family voice"),
    ("which councils have no data warehouse or data lake", "data"),
    ("how many EHCPs did wakefield avoid thanks to the send pilot", "wakefield"),
])
def test_suggestions_are_about_what_was_asked(ask, question, first):
    answer = ask(question)
    assert answer.route == "none", answer.text
    assert first in answer.suggestions[0].lower(), answer.suggestions


def test_off_topic_gets_the_first_questions_of_the_file(ask):
    answer = ask("What is the capital of France?")
    assert answer.route == "none"
    assert answer.suggestions == [q["question"] for q in QUESTIONS[:3]]


def test_answers_carry_no_suggestions(ask):
    answer = ask("How did Leeds do in 2024-25?")
    assert answer.route == "table" and answer.suggestions == [] and LEAD not in answer.text


def test_with_the_text_store_down_only_table_questions_are_suggested(built):
    from qa.suggest import default_suggester

    table = {q["question"] for q in QUESTIONS if q["route"] == "table"}
    offered = default_suggester().suggest("How many SEND tribunals were there?", tables_only=True)
    assert 2 <= len(offered) <= 3 and set(offered) <= table


def test_strip_removes_only_the_suggestions():
    from qa.suggest import block, strip

    text = "I couldn't find this in the reports.\n\nThe reports cover 2023-24 and 2024-25."
    assert strip(f"{text}\n\n{block(['How did Leeds do in 2024-25?', 'What is Earned Autonomy?'])}") == text
    assert strip(text) == text


def _refused_after_a_ranking(ask, follow_up: str):
    """A ranking, then a refusal whose suggestions name Leeds (written here: the suggester only names an
    authority the user named), then `follow_up`."""
    history = []
    for question in ("Which five authorities achieved the most outcomes in 2024-25?", "And in 2026-27?"):
        answer = ask(question, history)
        text = answer.text
        if answer.route == "none":
            assert LEAD in text
            text += "\n- How did Leeds do in 2024-25?"
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": text}]
    return ask(follow_up, history)


@pytest.mark.parametrize("follow_up", ["What were their percentages in 2023-24?", "And in 2023-24?"])
def test_follow_ups_ignore_the_suggested_questions(ask, follow_up):
    answer = _refused_after_a_ranking(ask, follow_up)
    assert "Leeds" not in answer.text, answer.text
    assert all(row.get("authority") != "Leeds" for row in answer.data)
    assert "Greater Manchester" in answer.text  # the ranking it follows, in 2023-24
