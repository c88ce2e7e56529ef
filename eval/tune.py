"""`python -m eval.tune`: grid-search the sentence-scoring and refusal settings on the eval cases.

Prints the best settings by accuracy on the text-route cases (documents, lists, differing
figures, conversations) together with refusal and bad-input cases, so a threshold that answers
more cannot win by answering what should be declined. The chosen values are written by hand
into qa/retrieval.py and qa/extract.py; this only measures.
"""
from __future__ import annotations

import itertools

from eval.run import load_cases, run_case
from index.build import ensure_built

CATEGORIES = {"document", "document_list", "differing_figures", "conversation", "refusal", "bad_input", "everyday_text",
              "everyday_conversation", "everyday_unanswerable", "everyday_noisy"}
GRID = {
    "DENSE_WEIGHT": (0.45, 0.55),
    "LEXICAL_WEIGHT": (0.4, 0.5),
    "TYPE_BONUS": (0.12, 0.16, 0.2),
    "MIN_SCORE": (0.3, 0.42, 0.5, 0.56),
}


def main() -> None:
    import qa.extract as extract
    import qa.retrieval as retrieval
    from qa import ask
    from qa.answer import warm_up

    ensure_built(progress=False)
    warm_up()
    cases = [c for c in load_cases() if c.category in CATEGORIES]
    rows = []
    for values in itertools.product(*GRID.values()):
        settings = dict(zip(GRID, values))
        for name, value in settings.items():
            setattr(retrieval if hasattr(retrieval, name) else extract, name, value)
        results = [run_case(c, ask) for c in cases]
        declined = [r for r in results if r.case.category in ("refusal", "bad_input")]
        rows.append((sum(r.passed for r in results) / len(results),
                     sum(r.passed for r in declined) / len(declined), settings))
    print(f"{len(cases)} cases; best settings first")
    print("accuracy | refusal+bad accuracy | settings")
    for acc, refusal, settings in sorted(rows, key=lambda r: r[0], reverse=True)[:12]:
        print(f"{acc:.1%} | {refusal:.1%} | {settings}")


if __name__ == "__main__":
    main()
