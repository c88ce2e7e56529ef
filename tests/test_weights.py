"""Tuned weights are data (qa/data/weights.json), in force through qa.weights, chosen by eval.tune."""
from __future__ import annotations

import json

import pytest

from eval import tune
from eval.run import Case
from qa import weights

LEEDS_SEND = "How much was Leeds awarded for the SEND project?"


def test_the_data_file_is_what_answers_use(monkeypatch):
    monkeypatch.delenv("SF_WEIGHTS_FILE", raising=False)
    raw = json.loads(weights.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert raw["about"] and weights.current() == weights.Weights(**raw)
    w = weights.current()
    assert w.dense + w.lexical + w.chunk == pytest.approx(1.0)  # the sentence score is a weighted mean


def test_a_candidate_file_changes_the_answer_and_is_dropped_after(ask, monkeypatch):
    monkeypatch.delenv("SF_WEIGHTS_FILE", raising=False)
    base = weights.current()
    assert "£112,268" in ask(LEEDS_SEND).text
    with tune.weights_in_force(base.model_copy(update={"min_score": 1.9})):  # no sentence scores that high
        declined = ask(LEEDS_SEND)
    assert "£112,268" not in declined.text and declined.route != "documents"
    assert weights.current() == base and "£112,268" in ask(LEEDS_SEND).text


def test_tune_ranks_candidates_and_keeps_the_weights_in_force_on_a_tie(ask, monkeypatch):
    monkeypatch.delenv("SF_WEIGHTS_FILE", raising=False)
    base = weights.current()
    cases = [Case("t1", "document", [LEEDS_SEND], {"route": "documents", "facts": ["£112,268"]}),
             Case("t2", "refusal", ["What was the programme's budget for 2031?"], {"route": "none", "facts": []})]
    rows = tune.tune(cases, ask, grid={"min_score": (1.9, base.min_score + 0.01, base.min_score)})
    (acc, refusal, best), second, (worst_acc, _, worst) = rows
    assert best == base and acc == 1.0 and refusal == 1.0  # a tie with min_score + 0.01: the current value wins
    assert second[2].min_score == pytest.approx(base.min_score + 0.01) and second[0] == 1.0
    assert worst.min_score == 1.9 and worst_acc == 0.5  # declines the Leeds question too


def test_write_keeps_the_note_and_a_bad_file_is_named(tmp_path, monkeypatch):
    file = tmp_path / "weights.json"
    file.write_text(json.dumps({"about": "kept", **weights.current().model_dump()}))
    weights.write(weights.current().model_copy(update={"type_bonus": 0.2}), file)
    assert json.loads(file.read_text()) == {"about": "kept", **weights.current().model_dump(), "type_bonus": 0.2}
    monkeypatch.setenv("SF_WEIGHTS_FILE", str(file))
    assert weights.current().type_bonus == 0.2
    file.write_text(json.dumps({"dense": 3}))
    with pytest.raises(ValueError, match="weights.json"):
        weights.current()
