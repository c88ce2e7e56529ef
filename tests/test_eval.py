"""The eval sets as tests: every case runs, and the floors hold.

Floors are regression guards at the measured figures (README, "Measured"), not targets:
- tuning set (eval/cases, 1,351 cases; the set thresholds and examples were chosen on);
- paraphrase test set (eval/paraphrase, 483 cases in users' wording; never used for tuning).
Of the issues' bars for the paraphrase set, overall 90% is met (92.3%); tables 100%, unanswerable 100% declined
and each answer shape 90% are not yet. These floors, one case under the measured figure, stop it from slipping
while that work goes on.
"""
from __future__ import annotations

import pytest

FLOORS = {
    "tuning": {"accuracy": 0.923, "table_accuracy": 0.995, "unanswerable_declined": 0.915},
    "paraphrase": {"accuracy": 0.92, "table_accuracy": 0.97, "unanswerable_declined": 0.89},
}
# Per answer shape (tuning: 32-36 cases each; paraphrase: 13-16, so one case is 6-8 points), measured less one case.
SHAPE_FLOORS = {
    "tuning": {"definition": 0.90, "person": 0.90, "reason": 0.75, "summary": 0.78, "list": 0.88, "number": 0.90,
               "decline": 0.88},
    "paraphrase": {"definition": 0.84, "person": 0.92, "reason": 0.76, "summary": 0.84, "list": 0.84,
                   "number": 0.76, "decline": 0.75},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FLOORS))
def test_eval_floors(built, tmp_path, name):
    from eval.run import SETS, load_cases, run_eval

    assert len(load_cases(SETS[name])) >= 300
    summary = run_eval(out_dir=tmp_path, name=name)
    assert (tmp_path / f"report-{name}.md").exists() and (tmp_path / f"report-{name}.json").exists()
    failures = [f["id"] for f in summary["failures"]]
    for measure, floor in FLOORS[name].items():
        assert summary[measure] >= floor, (measure, summary[measure], failures)
    for shape, floor in SHAPE_FLOORS[name].items():
        assert summary["by_shape"][shape]["accuracy"] >= floor, (shape, summary["by_shape"][shape], failures)
    if name == "tuning":
        assert summary["by_category"]["bad_input"]["accuracy"] == 1.0


def test_the_paraphrase_set_is_kept_apart():
    """The test set is never read by the tuning code."""
    from pathlib import Path

    tune = (Path(__file__).parent.parent / "eval" / "tune.py").read_text()
    assert "paraphrase" not in tune.lower() and "PARAPHRASE_DIR" not in tune
