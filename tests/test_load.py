"""50 conversations at once through gradio_client against a real `app.py` server.

Each conversation is its own client (its own session): a table question, then a
follow-up that relies on the history. Every answer must be right; none may be
lost, time out or error. The whole run is bounded in time.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest
from gradio_client import Client


pytestmark = pytest.mark.slow

CONVERSATIONS = 50
OVERALL_TIMEOUT = 300  # seconds for all of them together

# (authority, year asked, achieved that year, achieved in the other year: the follow-up's answer)
KNOWN = [
    ("Leeds", "2024-25", "2,102", "1,029"),
    ("Kent", "2023-24", "2,314", "3,403"),
    ("Barnsley", "2024-25", "737", "253"),
    ("Bradford", "2024-25", "1,906", "555"),
    ("Essex", "2024-25", "2,228", "1,870"),
]
OTHER_YEAR = {"2023-24": "2024-25", "2024-25": "2023-24"}


def conversation(url: str, i: int) -> dict:
    authority, year, achieved, other = KNOWN[i % len(KNOWN)]
    started = time.perf_counter()
    client = Client(url, analytics_enabled=False, verbose=False)
    question = f"How many successful family outcomes did {authority} achieve in {year}?"
    first = client.predict(question, None, api_name="/ask")
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first}]
    follow_up = client.predict(f"And in {OTHER_YEAR[year]}?", history, api_name="/ask")
    return {"i": i, "authority": authority, "first": first, "follow_up": follow_up,
            "ok": achieved in first and authority in first and other in follow_up,
            "seconds": time.perf_counter() - started}


def test_fifty_concurrent_conversations(app_url):
    started = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=CONVERSATIONS)
    try:
        futures = [pool.submit(conversation, app_url, i) for i in range(CONVERSATIONS)]
        done, not_done = wait(futures, timeout=OVERALL_TIMEOUT)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # never wait past the bound for a stuck request
    elapsed = time.perf_counter() - started

    assert not not_done, f"{len(not_done)} of {CONVERSATIONS} conversations unfinished after {OVERALL_TIMEOUT}s"
    errors = [repr(f.exception()) for f in done if f.exception() is not None]
    assert not errors, f"{len(errors)} conversations failed: {errors[:5]}"
    results = [f.result() for f in done]
    wrong = [r for r in results if not r["ok"]]
    assert not wrong, f"{len(wrong)} wrong answers, e.g. {wrong[:3]}"
    assert len(results) == CONVERSATIONS
    slowest = max(r["seconds"] for r in results)
    print(f"\n{CONVERSATIONS} conversations (100 questions) in {elapsed:.1f}s; slowest {slowest:.1f}s")
