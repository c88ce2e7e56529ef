"""The app's API, through gradio_client against a real `app.py` server (no mocks)."""
from __future__ import annotations

import json
import urllib.request

import pytest
from gradio_client import Client


pytestmark = pytest.mark.slow

LEEDS = "How many successful family outcomes did Leeds achieve in 2024-25?"


@pytest.fixture(scope="module")
def client(app_url) -> Client:
    return Client(app_url, analytics_enabled=False, verbose=False)


def test_table_question(client):
    text = client.predict(LEEDS, None, api_name="/ask")
    for expected in ("2,102", "2,540", "83%", "Annex A"):
        assert expected in text, text


def test_narrative_question(client):
    text = client.predict("How much was Leeds awarded for the SEND project?", None, api_name="/ask")
    assert "£112,268" in text, text
    assert "Source:" in text and "2024-25 report" in text, text


def test_follow_up_uses_history(client):
    first = client.predict(LEEDS, None, api_name="/ask")
    history = [{"role": "user", "content": LEEDS}, {"role": "assistant", "content": first}]
    text = client.predict("And in 2023-24?", history, api_name="/ask")
    assert "1,029" in text and "Leeds" in text, text


def test_follow_up_accepts_gradio6_content_blocks(client):
    """History as the Gradio 6 Chatbot holds it: content is a list of text blocks."""
    history = [{"role": "user", "content": [{"type": "text", "text": LEEDS}]},
               {"role": "assistant", "content": [{"type": "text", "text": "…"}]}]
    text = client.predict("And in 2023-24?", history, api_name="/ask")
    assert "1,029" in text, text


@pytest.mark.parametrize("question, expected", [
    ("", "Please type a question"),
    ("   \n\t ", "Please type a question"),
    ("x" * 10_001, "under 10,000 characters"),
])
def test_empty_and_over_long_input_get_a_clear_message(client, question, expected):
    text = client.predict(question, None, api_name="/ask")
    assert expected in text, text


def test_malformed_history_does_not_error(client):
    text = client.predict(LEEDS, [{"nonsense": 1}, {"role": "user", "content": None}], api_name="/ask")
    assert "2,102" in text, text


def test_json_endpoint_has_sources_data_and_chart(client):
    result = client.predict("Which 5 authorities achieved the most successful family outcomes in 2024-25?",
                            None, api_name="/ask_json")
    assert result["route"] == "table"
    assert len(result["data"]) == 5
    assert result["chart"] == {"x": "authority", "y": "achieved", "kind": "bar"}
    assert result["sources"] and "Annex A" in result["sources"][0]["section"]


def test_ui_chat_event_renders_badge_answer_rows_chart_and_sources(client):
    """The chat box's own event: one answer message with a badge, the rows, a chart and the folded sources."""
    cleared, history, note = client.predict("How did Kent do across both years?", [], api_name="/chat")
    assert cleared == "" and note == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    answer = json.dumps(history[1]["content"], ensure_ascii=False)
    assert "From the Annex A tables" in answer
    assert "2,314" in answer and "3,403" in answer
    assert "| Authority |" in answer  # the rows as a table
    assert '<figure class=\\"sf-chart\\">' in answer and "Kent: Outcomes achieved" in answer
    assert "<summary>Sources (2): 2023-24 report › Annex A" in answer
    assert answer.count("Source") == 1  # the fold's title; the answer's own "Source:" line is not repeated


def test_ui_chat_event_keeps_rejected_input(client):
    """A message that cannot be read stays in the box, the reason under it, and the chat is untouched."""
    long = "x " * 6000
    kept, history, note = client.predict(long, [], api_name="/chat")
    assert kept == {"__type__": "update"} and history == {"__type__": "update"}  # both left as they were
    assert "under 10,000 characters" in note


def test_offline_configuration(app_url):
    with urllib.request.urlopen(app_url + "/config", timeout=10) as r:
        config = json.load(r)
    assert config["analytics_enabled"] is False
    assert config["stylesheets"] == []
    with urllib.request.urlopen(app_url + "/theme.css", timeout=10) as r:
        css = r.read().decode()
    assert "googleapis" not in css and "system-ui" in css
    with urllib.request.urlopen(app_url + "/", timeout=10) as r:
        page = r.read().decode()
    assert "googleapis" not in page and "cdn." not in page


def _post_upload(url: str, size: int) -> int:
    """POST a file of `size` bytes to Gradio's upload route; the HTTP status."""
    import urllib.error

    boundary = "sfboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + b"a" * size + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{url}/gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def test_large_uploads_are_refused(app_url):
    """The app is served on GRADIO_SERVER_NAME/PORT (the app_server fixture sets them) and caps uploads at 1 MB."""
    assert _post_upload(app_url, 2_000_000) >= 400
    assert _post_upload(app_url, 10_000) == 200
