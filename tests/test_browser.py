"""The app in a real Chromium (Debian's /usr/bin/chromium, never `playwright install`).

Chat: a table question, a follow-up, a two-year comparison with its chart, a
narrative question with its quoted source; then the Explore tab: filter, rows,
an authority's chart, the CSV download. Screenshots go to build/screenshots/.
The page must make no request beyond the app itself (offline).
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from conftest_app import app_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 20_000


def screenshots_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "build" / "screenshots"  # not SF_BUILD_DIR: always here
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def app_url(request) -> str:
    return app_server(request).url


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


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((app_url, "data:", "blob:", "about:")) else None)
    page.goto(app_url, wait_until="domcontentloaded")
    page.locator("#sf-question textarea").wait_for()
    yield page
    context.close()
    assert not outside, f"the page reached outside the app: {outside}"


def ask(page, question: str, expect: str) -> None:
    """Type a question, send it, wait until `expect` shows in the chat."""
    replies = page.locator("#sf-chat [data-testid=bot]").count()
    box = page.locator("#sf-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(  # a new reply (not an earlier one that happens to hold the same number)
        "n => document.querySelectorAll('#sf-chat [data-testid=bot]').length > n", arg=replies)
    page.locator("#sf-chat [data-testid=bot]").nth(replies).get_by_text(expect, exact=False).first.wait_for()
    settle(page)


def bar_labels(page, selector: str) -> list[str]:
    return page.locator(f"{selector} svg .mark-rect path").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || '')")


def wait_for_bars(page, selector: str, contains: str, count: int) -> None:
    """Wait until the chart draws `count` bars, one of them labelled with `contains`."""
    page.wait_for_function(
        """([sel, text, n]) => {
            const bars = [...document.querySelectorAll(sel + ' svg .mark-rect path')];
            return bars.length === n && bars.some(b => (b.getAttribute('aria-label') || '').includes(text));
        }""", arg=[selector, contains, count])


def settle(page) -> None:
    """Wait until no block is greyed out as pending, so screenshots show the finished page."""
    page.wait_for_function("() => !document.querySelector('.pending, .generating')")
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    settle(page)
    page.screenshot(path=screenshots_dir() / name, full_page=True)


def test_chat(page):
    chat = page.locator("#sf-chat")

    ask(page, "How many successful family outcomes did Leeds achieve in 2024-25?", "2,102")
    text = chat.inner_text()
    assert "2,540" in text and "83%" in text
    assert "Source: 2024-25 report › Annex A" in text  # the collapsed sources block's title
    assert chat.locator("table").count() >= 1  # the rows behind the answer, as a table
    shot(page, "01-table-question.png")

    ask(page, "And in 2023-24?", "1,029")
    assert "2,054" in chat.inner_text()

    page.locator("#sf-examples").get_by_text("Ranking: top 5 areas, 2024-25").click()  # an example question
    chat.get_by_text("The 5 authorities with the highest").first.wait_for()
    chart = page.locator("#sf-bar")
    chart.wait_for(state="visible")
    wait_for_bars(page, "#sf-bar", "Greater Manchester", 5)
    shot(page, "02-follow-up-ranking-chart.png")

    ask(page, "How did Kent do across both years?", "3,403")  # the chart is replaced, not kept
    wait_for_bars(page, "#sf-bar", "3403", 2)

    ask(page, "How much was Leeds awarded for the SEND project?", "£112,268")
    title = chat.get_by_text(re.compile(r"Source: 2024-25 report › .*SEND Good Practice project")).last
    title.wait_for()
    title.click()  # open the sources block: the quoted report text appears
    quote = chat.locator("blockquote").last
    quote.wait_for(state="visible")
    assert "£112,268" in quote.inner_text()
    quote.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the accordion finish opening
    shot(page, "03-narrative-sources-open.png")


def test_empty_question_shows_a_message(page):
    page.locator("#sf-question textarea").press("Enter")
    page.locator("#sf-chat").get_by_text("Please type a question").first.wait_for()


def test_explore_tables(page, tmp_path):
    page.get_by_role("tab", name="Explore the tables").click()
    table = page.locator("#sf-table")
    table.wait_for(state="visible")
    assert "282" in page.locator("#sf-row-count").inner_text()

    page.locator("#sf-filter-name input, #sf-filter-name textarea").first.fill("Leeds")
    count = page.locator("#sf-row-count")
    page.wait_for_function("() => document.querySelector('#sf-row-count').innerText.startsWith('2 of')")
    assert table.get_by_text("Leeds").count() >= 2
    assert "2102" in table.inner_text().replace(",", "")

    page.locator("#sf-filter-year").get_by_text("2024-25").click()
    page.wait_for_function("() => document.querySelector('#sf-row-count').innerText.startsWith('1 of')")
    assert "1029" not in table.inner_text().replace(",", "")

    with page.expect_download() as download_info:
        page.locator("#sf-download").click()
    saved = tmp_path / "download.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(saved.open()))
    assert len(rows) == 1 and rows[0]["Authority"] == "Leeds" and rows[0]["Outcomes achieved"] == "2102", rows

    dropdown = page.locator("#sf-authority input")
    dropdown.click()
    dropdown.fill("Kent")
    page.get_by_role("option", name="Kent", exact=True).click()
    summary = page.locator("#sf-authority-summary")
    summary.get_by_text("2,314").wait_for()
    assert "3,403" in summary.inner_text()
    wait_for_bars(page, "#sf-authority-chart", "2314", 4)  # Kent's bars, not the previous authority's
    assert not any("2102" in label for label in bar_labels(page, "#sf-authority-chart"))
    assert count.inner_text().startswith("1 of")
    shot(page, "04-explore-tables.png")

    # Sort: every row again, largest number of outcomes achieved first.
    page.locator("#sf-filter-name input, #sf-filter-name textarea").first.fill("")
    page.locator("#sf-filter-year").get_by_text("Both years").click()
    sort = page.locator("#sf-sort input")
    sort.click()
    page.get_by_role("option", name="Outcomes achieved", exact=True).click()
    page.get_by_label("Largest first").check()
    page.wait_for_function(
        "() => document.querySelector('#sf-row-count').innerText.startsWith('282 of')"
        " && document.querySelector(\"#sf-table [role=row][aria-rowindex='2']\")?.innerText.includes('6685')")
    first_row = table.locator("[role=row][aria-rowindex='2']").first.inner_text()
    assert "Greater Manchester" in first_row and "2024-25" in first_row, first_row
