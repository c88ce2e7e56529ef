"""`python -m eval.tune`: grid-search the retrieval/refusal settings on the eval cases, print the table.

The chosen values live in qa/retrieval.py and qa/extract.py; this only measures, it never writes them.
"""
from __future__ import annotations

import itertools

from eval.run import load_cases, run_case
from index.build import ensure_built


def main() -> None:
    import qa.extract as extract
    import qa.retrieval as retrieval
    from qa import ask
    from qa.answer import warm_up

    ensure_built(progress=False)
    warm_up()
    cases = [c for c in load_cases() if c.category in
             {"document", "document_list", "differing_figures", "refusal", "conversation", "earned_autonomy"}]
    print("dense lexical chunk type_bonus min_score | accuracy")
    grid = itertools.product((0.45, 0.55), (0.3, 0.4), (0.15,), (0.05, 0.08, 0.12), (0.38, 0.42, 0.46))
    results = []
    for dense, lexical, chunk, bonus, min_score in grid:
        retrieval.DENSE_WEIGHT, retrieval.LEXICAL_WEIGHT, retrieval.CHUNK_WEIGHT = dense, lexical, chunk
        extract.TYPE_BONUS, extract.MIN_SCORE = bonus, min_score
        passed = sum(run_case(c, ask).passed for c in cases)
        results.append((passed / len(cases), dense, lexical, chunk, bonus, min_score))
    for acc, *params in sorted(results, reverse=True)[:15]:
        print(*params, f"| {acc:.1%}")


if __name__ == "__main__":
    main()
