"""`python -m eval.tune [--write]`: grid-search the sentence-scoring and refusal weights on the tuning set.

Each candidate is written to a temporary weights file that SF_WEIGHTS_FILE points the answering side at
(qa.weights), so nothing in the code is patched. Candidates are scored on the text-route cases
(documents, lists, differing figures, conversations) together with refusal and bad-input cases, so a
threshold that answers more cannot win by answering what should be declined. Ties keep the weights in
force. `--write` stores the best in qa/data/weights.json. Only the tuning set (eval/cases) is read here.
"""
from __future__ import annotations

import argparse
import itertools
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from eval.run import Case, load_cases, run_case
from qa import weights

CATEGORIES = {"document", "document_list", "differing_figures", "conversation", "refusal", "bad_input", "everyday_text",
              "everyday_conversation", "everyday_unanswerable", "everyday_noisy"}
DECLINED = {"refusal", "bad_input"}
GRID = {
    "dense": (0.45, 0.55),
    "lexical": (0.4, 0.5),
    "type_bonus": (0.12, 0.16, 0.2),
    "min_score": (0.3, 0.42, 0.5, 0.56),
}


@contextmanager
def weights_in_force(candidate: weights.Weights):
    """Answer with `candidate` inside the block (through SF_WEIGHTS_FILE), as before after it."""
    with tempfile.TemporaryDirectory(prefix="sf-weights-") as folder:
        file = Path(folder) / "weights.json"
        weights.write(candidate, file)
        with mock.patch.dict(os.environ, {"SF_WEIGHTS_FILE": str(file)}):
            yield


def evaluate(candidate: weights.Weights, cases: list[Case], ask) -> tuple[float, float]:
    """(accuracy on `cases`, accuracy on their refusal and bad-input cases) with `candidate` in force."""
    with weights_in_force(candidate):
        results = [run_case(c, ask) for c in cases]
    declined = [r for r in results if r.case.category in DECLINED]
    return (sum(r.passed for r in results) / max(len(results), 1),
            sum(r.passed for r in declined) / max(len(declined), 1))


def candidates(base: weights.Weights, grid: dict[str, tuple] = GRID) -> list[weights.Weights]:
    """`base` with every combination of the grid's values."""
    return [base.model_copy(update=dict(zip(grid, values))) for values in itertools.product(*grid.values())]


def tune(cases: list[Case], ask, grid: dict[str, tuple] = GRID) -> list[tuple[float, float, weights.Weights]]:
    """Every candidate's (accuracy, refusal accuracy, weights), best first; on a tie the weights in force win."""
    base = weights.current()
    rows = [(*evaluate(c, cases, ask), c) for c in candidates(base, grid)]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2] == base), reverse=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.tune", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the best weights in qa/data/weights.json")
    args = parser.parse_args(argv)

    from index.build import ensure_built
    from qa import ask
    from qa.answer import warm_up

    ensure_built(progress=False)
    warm_up()
    cases = [c for c in load_cases() if c.category in CATEGORIES]
    rows = tune(cases, ask)
    print(f"{len(cases)} cases; best weights first")
    print("accuracy | refusal+bad accuracy | weights")
    for acc, refusal, w in rows[:12]:
        print(f"{acc:.1%} | {refusal:.1%} | {w.model_dump()}")
    if args.write:
        weights.write(rows[0][2])
        print(f"wrote {weights.WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
