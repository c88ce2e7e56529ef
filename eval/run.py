"""Run the known-answer cases through `ask` and score them.

Two sets, both written from reading the reports, not from the answering code:
- eval/cases/*.jsonl, the TUNING set: the reports' own wording plus everyday
  wording (everyday.jsonl). eval.tune and every threshold are chosen on it.
- eval/paraphrase/*.jsonl, the PARAPHRASE TEST set: users' wording, written
  before the question plan existed, never used to choose a threshold, an
  example or a rule. It only measures.
A case passes when the answer's route is the expected one and every expected
fact appears in the answer text, both folded by index.text.fold (case-insensitive,
spaces collapsed, thousands commas ignored, typographic quotes and dashes as ASCII).
The scorer never changes a case.
"""
from __future__ import annotations

import json
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from index.text import fold

CASES_DIR = Path(__file__).parent / "cases"
PARAPHRASE_DIR = Path(__file__).parent / "paraphrase"
SETS = {"tuning": CASES_DIR, "paraphrase": PARAPHRASE_DIR}
TABLE_CATEGORIES = {"table_lookup", "ranking", "filter_count", "total_average", "change", "earned_autonomy", "ehsg",
                    "everyday_table", "table", "casual"}
# Plausible questions the reports cannot answer: every one must be declined.
UNANSWERABLE_CATEGORIES = {"refusal", "everyday_unanswerable", "unanswerable"}


@dataclass
class Case:
    id: str
    category: str
    turns: list[str]
    expect: dict
    gold_section: str | None = None
    year: str | None = None
    shape: str | None = None  # the answer's shape: definition, person, reason, summary, list, number, decline


@dataclass
class Result:
    case: Case
    passed: bool
    route: str
    text: str
    seconds: float
    missing: list[str] = field(default_factory=list)
    error: str | None = None


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    cases = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            turns = raw.get("turns") or [raw.get("question", raw.get("input"))]
            turns = [_expand(t) for t in turns]
            cases.append(Case(raw["id"], raw["category"], turns, raw["expect"], raw.get("gold_section"), raw.get("year"),
                              raw.get("shape")))
    return cases


def _expand(turn):
    """{"repeat": "a ", "times": 50000} stands for a long input without storing it."""
    if isinstance(turn, dict) and "repeat" in turn:
        return turn["repeat"] * int(turn["times"])
    return turn


def score(case: Case, route: str, text: str) -> list[str]:
    """What the answer is missing; empty means it passes."""
    expect, got = case.expect, fold(text)
    missing = []
    want_route = expect.get("route", "any")
    if want_route != "any" and route != want_route:
        missing.append(f"route {want_route} (got {route})")
    for fact in expect.get("facts", []):
        if fold(str(fact)) not in got:
            missing.append(str(fact))
    any_of = expect.get("any_of")
    if any_of and not any(fold(str(a)) in got for a in any_of):
        missing.append("one of " + " | ".join(map(str, any_of)))
    if case.category == "bad_input" and not text.strip():
        missing.append("a clear message")
    return missing


def run_case(case: Case, ask) -> Result:
    history: list[dict] = []
    started = time.perf_counter()
    try:
        for turn in case.turns[:-1]:
            answer = ask(turn, history)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer.text}]
        started = time.perf_counter()
        answer = ask(case.turns[-1], history)
        seconds = time.perf_counter() - started
    except Exception:
        return Result(case, False, "error", "", time.perf_counter() - started, ["no exception"], traceback.format_exc())
    missing = score(case, answer.route, answer.text)
    return Result(case, not missing, answer.route, answer.text, seconds, missing)


def retrieval_metrics(cases: list[Case], retriever, k: int = 5) -> dict:
    """recall@k and MRR of the gold section among retrieved chunks, for cases that name one."""
    ranks = []
    for case in cases:
        if not case.gold_section or case.category in TABLE_CATEGORIES:
            continue
        golds = [fold(g) for g in case.gold_section.split(";")]  # "A; B": either section answers
        hits = retriever.search(case.turns[-1], k=k)
        rank = next((i + 1 for i, h in enumerate(hits)
                     if any(g.strip() in fold(h.meta["path"]) for g in golds)
                     and (case.year in (None, "both") or h.meta["year"] == case.year)), None)
        ranks.append(rank)
    n = len(ranks) or 1
    return {"cases": len(ranks), f"recall@{k}": sum(r is not None for r in ranks) / n,
            "mrr": sum(1 / r for r in ranks if r) / n}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summarise(results: list[Result], retrieval: dict) -> dict:
    by_category: dict[str, list[Result]] = defaultdict(list)
    by_shape: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_category[r.case.category].append(r)
        if r.case.shape:
            by_shape[r.case.shape].append(r)
    expected_none = [r for r in results if r.case.expect.get("route") == "none"]
    predicted_none = [r for r in results if r.route == "none"]
    true_none = [r for r in expected_none if r.route == "none"]
    latency: dict[str, list[float]] = defaultdict(list)
    for r in results:
        latency[r.route].append(r.seconds * 1000)
    table = [r for r in results if r.case.category in TABLE_CATEGORIES]
    unanswerable = [r for r in results if r.case.category in UNANSWERABLE_CATEGORIES]
    return {
        "cases": len(results),
        "accuracy": sum(r.passed for r in results) / len(results),
        "table_accuracy": sum(r.passed for r in table) / max(len(table), 1),
        "unanswerable_declined": sum(r.route == "none" for r in unanswerable) / max(len(unanswerable), 1),
        "by_category": {c: {"cases": len(rs), "accuracy": sum(r.passed for r in rs) / len(rs)}
                        for c, rs in sorted(by_category.items())},
        "by_shape": {s: {"cases": len(rs), "accuracy": sum(r.passed for r in rs) / len(rs)}
                     for s, rs in sorted(by_shape.items())},
        "refusal": {"precision": len(true_none) / max(len(predicted_none), 1),
                    "recall": len(true_none) / max(len(expected_none), 1)},
        "retrieval": retrieval,
        "latency_ms": {route: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95)}
                       for route, v in sorted(latency.items())},
        "failures": [{"id": r.case.id, "question": r.case.turns[-1][:300], "expected": r.case.expect,
                      "missing": r.missing, "got": r.text[:600], "route": r.route, "error": r.error}
                     for r in results if not r.passed],
    }


def markdown(summary: dict, name: str = "") -> str:
    lines = [f"# Eval report{': ' + name + ' set' if name else ''}", "",
             f"{summary['cases']} cases: overall accuracy **{summary['accuracy']:.1%}**, "
             f"table and aggregate questions **{summary['table_accuracy']:.1%}**, "
             f"plausible-but-unanswerable questions declined **{summary['unanswerable_declined']:.1%}**.", "",
             "| category | cases | accuracy |", "|---|---:|---:|"]
    lines += [f"| {c} | {v['cases']} | {v['accuracy']:.1%} |" for c, v in summary["by_category"].items()]
    if summary.get("by_shape"):
        lines += ["", "| answer shape | cases | accuracy |", "|---|---:|---:|"]
        lines += [f"| {s} | {v['cases']} | {v['accuracy']:.1%} |" for s, v in summary["by_shape"].items()]
    ref, ret = summary["refusal"], summary["retrieval"]
    lines += ["", f"Refusal precision {ref['precision']:.1%}, recall {ref['recall']:.1%}.",
              f"Retrieval over {ret['cases']} document cases: recall@5 {ret['recall@5']:.1%}, MRR {ret['mrr']:.3f}.",
              "", "| route | answers | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {r} | {v['n']} | {v['p50']:.1f} | {v['p95']:.1f} |" for r, v in summary["latency_ms"].items()]
    if summary["failures"]:
        lines += ["", "## Failures", ""]
        for f in summary["failures"]:
            lines += [f"- **{f['id']}** {f['question']}", f"  - expected: {json.dumps(f['expected'], ensure_ascii=False)}",
                      f"  - missing: {f['missing']}", f"  - got ({f['route']}): {f['got'][:300]!r}"]
    return "\n".join(lines) + "\n"


def run_eval(out_dir: Path | None = None, cases: list[Case] | None = None, name: str = "tuning") -> dict:
    """Run one set's cases; write report-<name>.md and .json to the build folder; return the summary."""
    from index import config
    from index.build import ensure_built
    from qa import ask
    from qa.answer import warm_up
    from qa.retrieval import default_retriever

    ensure_built(progress=False)
    warm_up()
    cases = cases or load_cases(SETS[name])
    results = [run_case(c, ask) for c in cases]
    summary = summarise(results, retrieval_metrics(cases, default_retriever()))
    out_dir = out_dir or config.build_dir() / "eval"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"report-{name}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (out_dir / f"report-{name}.md").write_text(markdown(summary, name))
    return summary
