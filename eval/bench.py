"""`make bench` / `python -m eval.bench`: how fast, how big, and how it compares with textbook RAG.

Measures cold start to first answer, index build (from scratch and when nothing changed), `ask`
latency p50/p95 per route, and peak memory. In the same run, on the same questions, a textbook
LangChain RAG baseline (RecursiveCharacterTextSplitter 1000/200 over the raw reports -> Chroma
with the same MiniLM -> top-k, the retrieved text taken as the answer) is scored with the same
scorer, and the two are printed side by side. Results go to build/bench/.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

from eval.run import load_cases, percentile, run_case, score

BASELINE_K = 3


def _timed_subprocess(code: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=900)
    return time.perf_counter() - started


def measure_build_and_cold_start() -> dict:
    """Build from scratch in a fresh folder, again with nothing changed, then a cold first answer."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SF_BUILD_DIR": tmp}
        build = "from index.build import ensure_built; ensure_built(progress=False)"
        scratch = _timed_subprocess(build, env)
        unchanged = _timed_subprocess(build, env)
        first_answer = build + "; from qa import ask; ask('How much was Leeds awarded for the SEND project?')"
        first = _timed_subprocess(first_answer, env)  # fits the question classifier and caches it in the build folder
        cold = _timed_subprocess(first_answer, env)
    return {"build_from_scratch_s": scratch, "build_unchanged_s": unchanged, "first_start_after_build_s": first,
            "cold_start_to_first_answer_s": cold}


def baseline_answerer(tmp: str):
    """Textbook RAG: split the raw reports 1000/200, embed with the same MiniLM into Chroma, top-k."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index import config
    from index.vectors import embeddings

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts, metas = [], []
    for report in config.REPORTS:
        for piece in splitter.split_text(report.path.read_text(encoding="utf-8")):
            texts.append(piece)
            metas.append({"year": report.year})
    client = chromadb.PersistentClient(path=tmp, settings=Settings(anonymized_telemetry=False))
    store = Chroma(collection_name="baseline", embedding_function=embeddings(), client=client)
    store.add_texts(texts, metadatas=metas)

    class BaselineAnswer:
        def __init__(self, text):
            self.text, self.route, self.sources = text, "documents", []

    def ask(question, history=None):
        if not isinstance(question, str) or not question.strip():
            return BaselineAnswer("")
        docs = store.similarity_search(question[:2000], k=BASELINE_K)
        return BaselineAnswer("\n\n".join(d.page_content for d in docs))

    return ask


def facts_only(result) -> bool:
    """Scored on facts alone (the baseline has no routes); a case that must be declined passes only if declined."""
    case = result.case
    if case.expect.get("route") == "none":
        return result.route == "none"
    expect = {k: v for k, v in case.expect.items() if k != "route"}
    return not score(replace(case, expect=expect), result.route, result.text)


def run() -> dict:
    from index.build import ensure_built
    from qa import ask
    from qa.answer import warm_up

    ensure_built(progress=False)
    results = {"build": measure_build_and_cold_start()}
    warm_up()
    cases = load_cases()
    ours = [run_case(c, ask) for c in cases]
    by_route: dict[str, list[float]] = {}
    for r in ours:
        by_route.setdefault(r.route, []).append(r.seconds * 1000)
    by_route["all routes"] = [ms for v in list(by_route.values()) for ms in v]
    results["ask_ms"] = {route: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95)}
                         for route, v in sorted(by_route.items())}
    results["understand_ms"] = _time_understand([c.turns[-1] for c in cases])
    with tempfile.TemporaryDirectory() as tmp:
        baseline = baseline_answerer(tmp)
        base = [run_case(c, baseline) for c in cases]
    n = len(cases)
    ours_ms = [r.seconds * 1000 for r in ours]
    base_ms = [r.seconds * 1000 for r in base]
    results["side_by_side"] = {
        "cases": n,
        "accuracy_ours": sum(r.passed for r in ours) / n,
        "accuracy_baseline": sum(r.passed for r in base) / n,
        "facts_accuracy_ours": sum(facts_only(r) for r in ours) / n,
        "facts_accuracy_baseline": sum(facts_only(r) for r in base) / n,
        "p50_ms_ours": percentile(ours_ms, 50), "p95_ms_ours": percentile(ours_ms, 95),
        "p50_ms_baseline": percentile(base_ms, 50), "p95_ms_baseline": percentile(base_ms, 95),
        "answer_chars_ours": sum(len(r.text) for r in ours) / n,
        "answer_chars_baseline": sum(len(r.text) for r in base) / n,
    }
    results["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def _time_understand(questions: list) -> dict:
    """Reading a question into a Plan (qa.plan), warm, per question."""
    from qa.plan import default_reader

    reader = default_reader()
    times = []
    for q in questions:
        started = time.perf_counter()
        reader.understand(q)
        times.append((time.perf_counter() - started) * 1000)
    return {"n": len(times), "p50": percentile(times, 50), "p95": percentile(times, 95)}


def markdown(r: dict) -> str:
    b, s = r["build"], r["side_by_side"]
    ratio = lambda a, c: f"{a / c:.2f}x" if c else "-"
    lines = [
        "# Benchmark", "",
        f"- index build from scratch: {b['build_from_scratch_s']:.1f} s; when nothing changed: {b['build_unchanged_s']:.1f} s",
        f"- cold start to first answer (new process, stores built): {b['cold_start_to_first_answer_s']:.1f} s "
        f"(the first start after a build also fits the question classifier: {b['first_start_after_build_s']:.1f} s)",
        f"- peak memory (answering and baseline, one process): {r['peak_memory_mb']:.0f} MB", "",
        "| route | answers | p50 ms | p95 ms |", "|---|---:|---:|---:|",
    ]
    lines += [f"| {k} | {v['n']} | {v['p50']:.1f} | {v['p95']:.1f} |" for k, v in r["ask_ms"].items()]
    u = r["understand_ms"]
    lines += [f"| reading the question (plan only) | {u['n']} | {u['p50']:.2f} | {u['p95']:.2f} |"]
    lines += ["", f"Side by side on the same {s['cases']} questions:", "",
              "| | this project | textbook RAG | ratio |", "|---|---:|---:|---:|",
              f"| accuracy (route and facts) | {s['accuracy_ours']:.1%} | {s['accuracy_baseline']:.1%} | "
              f"{ratio(s['accuracy_ours'], s['accuracy_baseline'])} |",
              f"| accuracy (facts only; must-decline cases pass only when declined) | "
              f"{s['facts_accuracy_ours']:.1%} | {s['facts_accuracy_baseline']:.1%} | "
              f"{ratio(s['facts_accuracy_ours'], s['facts_accuracy_baseline'])} |",
              f"| p50 latency ms | {s['p50_ms_ours']:.1f} | {s['p50_ms_baseline']:.1f} | "
              f"{ratio(s['p50_ms_ours'], s['p50_ms_baseline'])} |",
              f"| p95 latency ms | {s['p95_ms_ours']:.1f} | {s['p95_ms_baseline']:.1f} | "
              f"{ratio(s['p95_ms_ours'], s['p95_ms_baseline'])} |",
              f"| mean answer length, characters | {s['answer_chars_ours']:.0f} | {s['answer_chars_baseline']:.0f} | "
              f"{ratio(s['answer_chars_ours'], s['answer_chars_baseline'])} |"]
    return "\n".join(lines) + "\n"


def main() -> None:
    from index import config

    results = run()
    out = config.build_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    text = markdown(results)
    (out / "bench.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
