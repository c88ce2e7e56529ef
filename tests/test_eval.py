"""The eval suite as a test: every case runs, and the floors hold."""
from __future__ import annotations

# Floors: table and aggregate questions 100%, overall at least 95% (measured: 95.2%, see README).
TABLE_FLOOR = 1.0
OVERALL_FLOOR = 0.95
REFUSAL_RECALL_FLOOR = 0.95


def test_eval_floors(built, tmp_path):
    from eval.run import load_cases, run_eval

    cases = load_cases()
    assert len(cases) >= 200
    summary = run_eval(out_dir=tmp_path)
    assert (tmp_path / "report.md").exists() and (tmp_path / "report.json").exists()
    failures = [f["id"] for f in summary["failures"]]
    assert summary["table_accuracy"] >= TABLE_FLOOR, failures
    assert summary["accuracy"] >= OVERALL_FLOOR, failures
    assert summary["refusal"]["recall"] >= REFUSAL_RECALL_FLOOR
    assert summary["by_category"]["bad_input"]["accuracy"] == 1.0
