"""`make bench` / `python -m eval.bench`: how fast, how big, and how it compares with textbook RAG.

Measures cold start to first answer, index build (from scratch and when nothing changed), `ask`
latency p50/p95 per route, and peak memory. In the same run, on the same questions, a textbook
LangChain RAG baseline (RecursiveCharacterTextSplitter 1000/200 over the raw reports -> Chroma
with the same MiniLM -> top-k, the retrieved text taken as the answer) is scored with the same
scorer, and the two are printed side by side. Then under load: the real app (`app.py`) in its own
process on a free port, 50 chat sessions at once through gradio_client, each a few turns with
follow-ups; p50/p95 per turn, errors, and wrong or crossed answers (one session given another's
figure). `python -m eval.bench --load` runs only that. Results go to build/bench/.
"""
from __future__ import annotations

import functools
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from eval.run import load_cases, percentile, run_case, score
from index.config import settings

BASELINE_K = 3
ROOT = Path(__file__).resolve().parent.parent

LOAD_SESSIONS = 50  # chat sessions at once, each its own gradio_client Client
LOAD_API = "/chat"  # the chat box's handler in app.py (question, chatbot history) -> updated history
TURN_TIMEOUT = 120  # seconds for one turn under load before it counts as an error
LOAD_TIMEOUT = 900  # seconds for the whole load run
# Sessions, each a few turns: (question, the figure or name its answer must contain). Session i runs
# LOAD_SCRIPTS[i % len(LOAD_SCRIPTS)]; follow-ups lean on the history that session built.
LOAD_SCRIPTS = [
    [("how did leeds do in 2024-25", "2,102"), ("and the year before?", "1,029"), ("what about Kent?", "2,314")],
    [("How many outcomes did Kent achieve in 2024-25?", "3,403"), ("and in 2023-24?", "2,314"),
     ("what about Essex?", "1,870")],
    [("What did Barnsley achieve in 2024-25?", "737"), ("and the previous year?", "253")],
    [("bradford 2024-25 outcomes", "1,906"), ("and 2023-24?", "555")],
    [("How many successful family outcomes did Essex achieve in 2024-25?", "2,228"), ("And in 2023-24?", "1,870")],
    [("Which five local authorities were in the SEND Good Practice project?", "Wakefield"),
     ("How much was Wakefield awarded?", "£80,488")],
    [("Who wrote the ministerial foreword to the 2023-24 Supporting Families annual report?", "Felicity Buchan"),
     ("According to the 2023-24 foreword, by how much did the proportion of juveniles receiving custodial "
      "sentences decrease?", "40%")],
]


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
    results["load"] = measure_load()
    return results


# ------------------------------------------------------------------ under load, through the running app

def _content(message) -> str:
    content = message.get("content") if isinstance(message, dict) else message
    if isinstance(content, list):
        return " ".join(c.get("text", "") for c in content if isinstance(c, dict))
    return content if isinstance(content, str) else ""


def _reply(history: list) -> str:
    """The answer just added to the chat: the last assistant message that isn't the sources block."""
    for message in reversed(history or []):
        if isinstance(message, dict) and message.get("role") == "assistant" \
                and not (message.get("metadata") or {}).get("title"):
            return _content(message)
    return ""


def _has(text: str, marker: str) -> bool:
    """`marker` as a whole figure or word: "737" is not found in "1,737" or "7,370"."""
    return re.search(r"(?<![\w£.,])" + re.escape(marker) + r"(?!\w|[.,]\d)", text) is not None


@functools.lru_cache(maxsize=1)
def _tls_context():
    """One TLS context for every load client. gradio_client hands `ssl_verify` to each httpx request, and
    with True httpx builds a fresh context from certifi's bundle every time: ~40 ms of CPU, twice a turn,
    which on this 2-core machine the app would wait behind (113 ms of client CPU a turn against 10 ms)."""
    import ssl

    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _client(url: str):
    """One chat session's connection: a gradio_client Client, as a page load opens one."""
    from gradio_client import Client

    return Client(url, analytics_enabled=False, verbose=False, ssl_verify=_tls_context())


def _session(client, script: list, index: int) -> list[dict]:
    """One chat session through the app's chat handler, turn by turn with its own history."""
    history, turns = [], []
    for question, expected in script:
        started = time.perf_counter()
        try:
            outputs = client.submit(question, history, api_name=LOAD_API).result(timeout=TURN_TIMEOUT)
            history = outputs[1]
            answer, error = _reply(history), None
            if answer.startswith("Sorry, something went wrong"):
                error = answer
        except Exception as e:  # a failed or timed-out turn is counted, and the session goes on
            answer, error = "", f"{type(e).__name__}: {e}"[:200]
        turns.append({"session": index, "question": question, "expected": expected, "answer": answer,
                      "error": error, "ms": (time.perf_counter() - started) * 1000})
    return turns


def measure_load(sessions: int = LOAD_SESSIONS) -> dict:
    """The running app under `sessions` concurrent multi-turn chats, through gradio_client.

    First each script runs once alone (the reference answers, and a warm-up); then all sessions at once.
    A turn is wrong when its answer lacks its expected figure; crossed when it holds a figure or name
    expected by another turn that its reference answer doesn't (another session's answer leaking in).
    """
    from index import config

    logs = config.build_dir() / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    from eval.appserver import AppProcess

    app = AppProcess(logs / "load-app.log")
    try:
        reference, alone_ms = {}, []
        for i, script in enumerate(LOAD_SCRIPTS):
            for turn in _session(_client(app.url), script, -1 - i):
                reference[turn["question"]] = turn["answer"]
                alone_ms.append(turn["ms"])
        markers = {expected for script in LOAD_SCRIPTS for _, expected in script}
        pool = ThreadPoolExecutor(max_workers=sessions)
        try:
            # Every session's page is open (its Client made) before the first question: the figure is
            # the questions' latency, not 50 clients fetching the page's config on the same 2 cores.
            clients = list(pool.map(_client, [app.url] * sessions, timeout=LOAD_TIMEOUT))
            started = time.perf_counter()
            futures = [pool.submit(_session, clients[i], LOAD_SCRIPTS[i % len(LOAD_SCRIPTS)], i)
                       for i in range(sessions)]
            done, not_done = wait(futures, timeout=LOAD_TIMEOUT)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)  # never wait past the bound for a stuck request
        wall = time.perf_counter() - started
    finally:
        app.stop()
    turns = [t for f in done if f.exception() is None for t in f.result()]
    lost_sessions = len(not_done) + sum(1 for f in done if f.exception() is not None)
    answered = [t for t in turns if not t["error"]]
    wrong = [t for t in answered if not _has(t["answer"], t["expected"])]
    crossed = [t for t in answered
               if any(_has(t["answer"], m) and not _has(reference.get(t["question"], ""), m)
                      for m in markers - {t["expected"]})]
    changed = [t for t in answered if t["answer"] != reference.get(t["question"])]
    ms = [t["ms"] for t in turns]
    return {
        "sessions": sessions, "api": LOAD_API, "turns": len(turns), "wall_s": wall, "app_startup_s": app.startup_s,
        "app_concurrency": settings().sf_concurrency,
        "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": max(ms, default=0.0),
        "alone_p50_ms": percentile(alone_ms, 50),
        "errors": sum(1 for t in turns if t["error"]) + lost_sessions,
        "wrong": len(wrong), "crossed": len(crossed), "differs_from_alone": len(changed),
        "examples": {"errors": [t["error"] for t in turns if t["error"]][:3],
                     "wrong": [{k: t[k] for k in ("question", "expected", "answer")} for t in wrong[:3]],
                     "crossed": [{k: t[k] for k in ("session", "question", "answer")} for t in crossed[:3]]},
    }


def _time_understand(questions: list) -> dict:
    """Reading a question into a Plan (qa.plan), warm, per question."""
    from qa.plan import default_reader

    from qa import slots

    reader = default_reader()
    slots.clear_found()  # (the same questions were just asked: their vocabulary lookups are not counted as free)
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
    if "load" in r:
        lines += ["", *load_markdown(r["load"])]
    return "\n".join(lines) + "\n"


def load_markdown(load: dict) -> list[str]:
    n_scripts = len(LOAD_SCRIPTS)
    return [
        f"Under load: {load['sessions']} chat sessions at once through the running app ({load['api']} via "
        f"gradio_client, {n_scripts} scripts of 2-3 turns with follow-ups, table and text questions; "
        f"app queue concurrency {load['app_concurrency']}):", "",
        "| turns | p50 ms | p95 ms | max ms | errors | wrong | crossed | wall s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {load['turns']} | {load['p50_ms']:.0f} | {load['p95_ms']:.0f} | {load['max_ms']:.0f} | {load['errors']} | "
        f"{load['wrong']} | {load['crossed']} | {load['wall_s']:.1f} |", "",
        f"Latency is per turn as the client sees it, queueing included, the {load['sessions']} clients running on "
        f"the same machine; each session's client is connected before the first question (one session alone: p50 "
        f"{load['alone_p50_ms']:.0f} ms). Answers differing from the same script run alone: "
        f"{load['differs_from_alone']}. Wrong: the turn's expected figure missing; crossed: a figure or name "
        f"expected by another script's turn that this turn's answer, run alone, doesn't hold.",
    ]


def main() -> None:
    from index import config

    if "--load" in sys.argv[1:]:  # only the load section: `python -m eval.bench --load`
        from index.build import ensure_built

        ensure_built(progress=False)
        print("\n".join(load_markdown(measure_load())))
        return
    results = run()
    out = config.build_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    text = markdown(results)
    (out / "bench.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
