"""The app in a real Chromium (Debian's /usr/bin/chromium, never `playwright install`), at a phone's
width (390 px) and a desk's (1280 px).

Chat: badges, answer tables, the chart inside its answer, the sources fold with the cited sentence
highlighted, retry / undo / like, rejected and empty input, suggestions under a refusal. Explore:
column sorting, the CSV of what is shown, formatting, the marker legend, an authority's chart.
Accessibility: one h1, contrast, plain-text message labels, aria-expanded, chart captions. The page
must log no console error and make no request beyond the app itself (offline).
Screenshots go to build/screenshots/; look at them after a change to the page.
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest


pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 20_000
PHONE, DESK = 390, 1280
BOT = "#sf-chat [data-testid=bot]"
LEEDS = "How many successful family outcomes did Leeds achieve in 2024-25?"


def screenshots_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "build" / "screenshots"  # not SF_BUILD_DIR: always here
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def server(app_server):
    return app_server


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = (f"{CHROMIUM} is missing: install Debian's Chromium with `make browser-deps` "
                   "(apt-get install -y chromium chromium-driver)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, url: str, width: int):
    """A fresh page at `width`; yields it, then checks it logged no error and stayed offline."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width == PHONE else 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((url, "data:", "blob:", "about:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#sf-question textarea").wait_for()
    yield page
    context.close()
    assert not outside, f"the page reached outside the app: {outside}"
    assert not errors, f"the page logged errors or warnings: {errors}"


@pytest.fixture(params=[PHONE, DESK], ids=["phone", "desk"])
def page(request, browser, server):
    yield from open_page(browser, server.url, request.param)


@pytest.fixture
def desk(browser, server):
    yield from open_page(browser, server.url, DESK)


def width(page) -> int:
    return page.viewport_size["width"]


def ask(page, question: str, expect: str):
    """Type a question, send it, wait until `expect` shows in a new answer; that answer's locator."""
    replies = page.locator(BOT).count()
    box = page.locator("#sf-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#sf-chat [data-testid=bot]').length > n", arg=replies)
    reply = page.locator(BOT).nth(replies)
    reply.get_by_text(expect, exact=False).first.wait_for()
    settle(page)
    return reply


def settle(page) -> None:
    """Wait until no block is greyed out as pending, so screenshots show the finished page."""
    page.wait_for_function("() => !document.querySelector('.pending, .generating')")
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    settle(page)
    page.screenshot(path=screenshots_dir() / f"{width(page)}-{name}.png", full_page=True)


def test_page_opens_at_its_top_with_one_h1(page):
    page.wait_for_timeout(800)
    assert page.evaluate("window.scrollY") == 0
    h1 = page.locator("h1")
    assert h1.count() == 1 and "Supporting Families" in h1.inner_text()
    assert h1.bounding_box()["y"] < 100
    shot(page, "00-opened")


def test_table_answer_badge_and_readable_table(page):
    reply = ask(page, LEEDS, "2,102")
    assert reply.locator(".sf-badge").inner_text() == "From the Annex A tables"
    table = reply.locator("table")
    assert "2,540" in table.inner_text() and "83%" in table.inner_text()
    # Every cell is as wide as its text (nothing squeezed to a letter a line); a wide table scrolls in its box.
    squeezed = table.locator("th, td").evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
                                                    ".map(e => e.innerText)")
    assert not squeezed, squeezed
    box = reply.bounding_box()
    assert box["x"] + box["width"] <= width(page), "the answer is wider than the screen"
    text = reply.inner_text()
    assert text.count("Source:") == 1, text  # the sources fold's title; no second "Source:" line
    ask(page, "And in 2023-24?", "1,029")
    shot(page, "01-table-answer")


def test_chart_sits_in_its_answer(page):
    reply = ask(page, "Which 5 authorities achieved the most successful family outcomes in 2024-25?",
                "The 5 authorities with the highest")
    chart = reply.locator("figure.sf-chart")
    assert "Outcomes achieved, 2024-25" in chart.locator("figcaption").inner_text()
    rows = chart.locator(".sf-bar-row")
    assert rows.count() == 5
    assert "Greater Manchester" in rows.first.inner_text() and "6,685" in rows.first.inner_text()
    widths = [b["width"] for b in chart.locator(".sf-bar").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect())")]
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0
    chart.scroll_into_view_if_needed()
    shot(page, "02-ranking-chart")


def test_quoted_answer_sources_fold_with_highlight(page):
    reply = ask(page, "What is Earned Autonomy?", "EA is a progression")
    assert reply.locator(".sf-badge").inner_text() == "Quoted from the 2023-24 report"
    summary = reply.locator("details.sf-sources > summary")
    assert summary.inner_text().startswith("Source: 2023-24 report › Chapter 2")
    assert summary.get_attribute("aria-expanded") == "false"
    summary.click()
    page.wait_for_function("() => [...document.querySelectorAll('#sf-chat details > summary')]"
                           ".some(s => s.getAttribute('aria-expanded') === 'true')")
    passage = reply.locator(".sf-passage")
    mark = passage.locator("mark")
    assert mark.inner_text().startswith("EA is a progression from Payment by Results")
    assert "awarded six areas Earned Autonomy" in passage.inner_text()  # the sentence before it, unmarked
    assert reply.locator("a").count() == 0  # no report address is configured, so none is guessed
    mark.scroll_into_view_if_needed()
    shot(page, "03-sources-open")


def test_refusal_is_short_and_offers_questions_that_answer(page):
    reply = ask(page, "Who won the football world cup in 2022?", "Not in the reports")
    assert len(reply.inner_text()) < 700
    suggestions = [t.strip() for t in page.locator("#sf-chat button").all_inner_texts() if t.strip().endswith("?")]
    assert 2 <= len(suggestions) <= 3, suggestions
    before = page.locator(BOT).count()
    page.locator("#sf-chat button", has_text=suggestions[0]).first.click()
    page.wait_for_function("n => document.querySelectorAll('#sf-chat [data-testid=bot]').length > n", arg=before)
    settle(page)
    assert page.locator(BOT).last.locator(".sf-badge").inner_text() != "Not in the reports"
    shot(page, "04-refusal-suggestions")


def test_empty_send_does_nothing_and_rejected_input_stays(desk):
    page = desk
    box = page.locator("#sf-question textarea")
    box.press("Enter")
    page.wait_for_timeout(800)
    assert page.locator(BOT).count() == 0 and page.locator("#sf-chat [data-testid=user]").count() == 0
    long = "x " * 6000
    box.fill(long)
    box.press("Enter")
    page.locator("#sf-input-note").get_by_text("under 10,000 characters").wait_for()
    assert box.input_value() == long  # the message stays, to be cut down rather than pasted again
    assert page.locator(BOT).count() == 0
    shot(page, "05-rejected-input")


def test_retry_undo_and_feedback(desk, server):
    page = desk
    ask(page, LEEDS, "2,102")
    ask(page, "How did Kent do across both years?", "3,403")
    page.get_by_role("button", name="Retry").last.click()
    page.wait_for_timeout(300)
    settle(page)
    page.locator(BOT).last.get_by_text("3,403").first.wait_for()
    assert page.locator(BOT).count() == 2  # the answer was replaced, not added

    page.get_by_role("button", name="Undo").last.click()
    page.wait_for_function("() => document.querySelectorAll('#sf-chat [data-testid=bot]').length === 1")
    assert page.locator("#sf-question textarea").input_value() == "How did Kent do across both years?"

    page.get_by_role("button", name="Like").last.click()
    deadline = 50
    while deadline and not (server.feedback_file.exists() and server.feedback_file.read_text().strip()):
        page.wait_for_timeout(100)
        deadline -= 1
    record = json.loads(server.feedback_file.read_text().splitlines()[-1])
    assert record["liked"] is True and record["question"] == LEEDS and "2,102" in record["answer"]


def test_accessibility(page):
    ask(page, LEEDS, "2,102")
    labels = page.locator(BOT).evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert labels[0].startswith("Answer: From the Annex A tables")
    assert not any(mark in labels[0] for mark in ("|", "<", "**", "---")), labels[0]
    contrast = page.evaluate(CONTRAST_JS, ["button[role=tab][aria-selected=true]", "#sf-question textarea",
                                           "footer a, footer button"])
    assert all(ratio >= 4.5 for ratio in contrast.values()), contrast


# The contrast ratio of each selector's text (a textarea: its placeholder) on the first opaque background up
# its ancestors, as WCAG 2 defines it.
CONTRAST_JS = """
(selectors) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
                                                  : ((v + 0.055) / 1.055) ** 2.4; })
                                       .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                                 if (c.length === 3 || c[3] > 0.9) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = {};
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    if (!el) { out[sel] = 0; continue; }
    const style = el.tagName === 'TEXTAREA' ? getComputedStyle(el, '::placeholder') : getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))].sort((x, y) => y - x);
    out[sel] = Math.round((a + 0.05) / (b + 0.05) * 100) / 100;
  }
  return out;
}
"""


def explore(page):
    page.get_by_role("tab", name="Explore the tables").click()
    table = page.locator("#sf-table table")
    table.wait_for(state="visible")
    return table


def first_row(page) -> str:
    return page.locator("#sf-table tbody tr").first.inner_text()


def test_explore_sorts_by_heading_and_downloads_the_view(page, tmp_path):
    table = explore(page)
    assert "282 of 282 rows" in table.locator("caption").inner_text()
    names = page.locator("#sf-table tbody th").all_inner_texts()
    assert names.index("Barking and Dagenham") < names.index("BCP")  # A–Z whatever the case
    assert "*" in page.locator("#sf-ea-legend").inner_text() and "Earned Autonomy" in page.locator(
        "#sf-ea-legend").inner_text()

    heading = page.locator("#sf-table th[scope=col] button[data-column=achieved]")
    heading.click()  # numbers sort largest first
    page.wait_for_function("() => document.querySelector('#sf-table th[aria-sort=descending] [data-column=achieved]')")
    assert first_row(page).split("\t")[:4] == ["Greater Manchester", "2024-25", "9,025", "6,685"] or \
        "6,685" in first_row(page), first_row(page)
    assert "74%" in first_row(page)
    heading.click()  # again: smallest first
    page.wait_for_function("() => document.querySelector('#sf-table th[aria-sort=ascending] [data-column=achieved]')")
    smallest = first_row(page)

    with page.expect_download() as download_info:
        page.locator("#sf-download").click()
    saved = tmp_path / "download.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(saved.open()))
    assert len(rows) == 282 and rows[0]["Authority"] in smallest and rows[0]["Outcomes achieved"] in \
        smallest.replace(",", "")
    achieved = [int(r["Outcomes achieved"]) for r in rows]
    assert achieved == sorted(achieved)  # the file is in the order on screen

    if width(page) == PHONE:  # headings stay one short line; the table scrolls sideways in its own box
        head = page.locator("#sf-table thead tr").bounding_box()
        assert head["height"] < 60, head
        wrap = page.locator("#sf-table .sf-table-wrap").bounding_box()
        assert wrap["x"] + wrap["width"] <= PHONE
    shot(page, "06-explore-sorted")


def test_explore_filter_and_chart(page, tmp_path):
    table = explore(page)
    page.locator("#sf-filter-name input, #sf-filter-name textarea").first.fill("Leeds")
    page.wait_for_function("() => document.querySelector('#sf-table caption').innerText.startsWith('2 of')")
    assert "2,102" in table.inner_text() and "1,029" in table.inner_text()
    page.locator("#sf-filter-year").get_by_text("2024-25").click()
    page.wait_for_function("() => document.querySelector('#sf-table caption').innerText.startsWith('1 of')")
    with page.expect_download() as download_info:
        page.locator("#sf-download").click()
    saved = tmp_path / "download.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(saved.open()))
    assert len(rows) == 1 and rows[0]["Authority"] == "Leeds" and rows[0]["Outcomes achieved"] == "2102", rows

    page.locator("#sf-filter-name input, #sf-filter-name textarea").first.fill("Kent")
    page.wait_for_function("() => document.querySelector('#sf-table caption').innerText.startsWith('1 of')"
                           " && document.querySelector('#sf-table tbody th').innerText === 'Kent'")
    page.locator("#sf-table tbody th button").first.click()  # a name charts its years
    chart = page.locator("#sf-authority-chart")
    chart.get_by_text("Kent: outcomes funded").wait_for()
    assert "2,314 of 2,751 (84%)" in chart.inner_text() and "3,403" in chart.inner_text()
    assert chart.locator(".sf-bar-row").count() == 4
    chart.scroll_into_view_if_needed()
    shot(page, "07-explore-chart")
