"""The chat web app: `make run` (or `.venv/bin/python app.py`), then open http://127.0.0.1:7860.

UI only. Every answer comes from `qa.ask(question, history)`; this file lays it
out. Each answer in the chat shows, top to bottom: a badge saying where it came
from, the answer, the rows behind a table answer, a chart of them when the
answer has one, and the sources (folded): each cited passage with the cited
sentence highlighted, and a link to the published report when SF_REPORT_URLS
gives one. Retry, undo and like/dislike sit under each answer; likes go to
SF_FEEDBACK_FILE. The "Explore the tables" tab shows every Annex A row, sortable
by any column heading, filterable and downloadable as the CSV of what is shown.

Offline by design: analytics off, system fonts only, no external scripts, no
chart library (charts are plain HTML bars, readable on a phone and by a screen reader).
Host and port: GRADIO_SERVER_NAME / GRADIO_SERVER_PORT win over SF_HOST / SF_PORT;
default 127.0.0.1:7860. Uploads are capped at MAX_UPLOAD.
API for gradio_client: `/ask` (question, history) -> answer text, and
`/ask_json` (question, history) -> the whole answer as JSON.
"""
from __future__ import annotations

import os

# Before Gradio is imported: it reads these at import time.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue rebuilds its monitoring summary (a pandas frame of up to 10,000 past events) after every
# event by default; the app serves no monitoring page, so once per 1,000 events is plenty (6% of the
# app's time under 50 concurrent chats).
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import atexit
import html
import importlib.util
import json
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

# Gradio tries `import matplotlib` twice around every event. It is not installed here, and Python does not
# remember a failed import, so each event searched sys.path twice (4% of the app's time under load); a
# None in sys.modules makes that import fail at once.
if importlib.util.find_spec("matplotlib") is None:
    sys.modules["matplotlib"] = None

import gradio as gr
import pandas as pd

from index import config
from index.build import ensure_answerable
from qa import ask, llm, suggest
from qa.answer import warm_up
from qa.message import read_message
from qa.tabletool import default_tool

log = logging.getLogger("sf.app")

TITLE = "Supporting Families reports: questions and answers"
EXAMPLES = [  # (label shown, question asked)
    ("Table look-up: Leeds, 2024-25", "How many successful family outcomes did Leeds achieve in 2024-25?"),
    ("Follow-up: “And in 2023-24?”", "And in 2023-24?"),
    ("Ranking: top 5 areas, 2024-25", "Which 5 authorities achieved the most successful family outcomes in 2024-25?"),
    ("Two years: Kent", "How did Kent do across both years?"),
    ("From the text: Leeds SEND award", "How much was Leeds awarded for the SEND project?"),
    ("From the text: Earned Autonomy", "What is Earned Autonomy?"),
]
LABELS = {
    "authority": "Authority",
    "year": "Year",
    "max_outcomes": "Maximum funded outcomes",
    "achieved": "Outcomes achieved",
    "percentage": "% achieved",
    "earned_autonomy_marker": "Earned Autonomy *",
    "section": "Section",
    "score": "Score",
    "average": "Average",
    "authorities": "Areas",
}
SHORT_LABELS = {  # column headings where width is short: the chat, and the Explore table on a phone
    "max_outcomes": "Max. funded",
    "achieved": "Achieved",
    "percentage": "%",
    "earned_autonomy_marker": "EA *",
}
EXPLORE_COLUMNS = ("authority", "year", "max_outcomes", "achieved", "percentage", "earned_autonomy_marker")
NUMERIC = {"max_outcomes", "achieved", "percentage", "score", "average", "authorities", "shortfall"}
TABLE_ROWS_IN_CHAT = 20  # longer tables are cut in the chat; the Explore tab has them all
CHART_BARS = 20  # bars drawn under one answer
PASSAGE_SENTENCES = 2  # sentences shown either side of a cited one
ALL_YEARS = "All years"
THEME = gr.themes.Default(
    primary_hue="blue",
    font=[gr.themes.Font("system-ui"), "sans-serif"],
    font_mono=[gr.themes.Font("ui-monospace"), "monospace"],
)
CSS = """
#sf-title h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
/* Contrast of at least 4.5:1 on white for the selected tab, placeholders and the footer. */
button[role=tab][aria-selected=true] { color: #1d4ed8 !important; border-color: #1d4ed8 !important; }
textarea::placeholder, input::placeholder { color: #595959 !important; opacity: 1; }
footer, footer a, footer button, .placeholder-content, #sf-examples .label { color: #4b5563 !important; }
#sf-input-note:empty { display: none; }
#sf-input-note { color: #b91c1c; }
/* Answer tables scroll sideways inside their own box; cells never break a name letter by letter. */
#sf-chat .message table { display: block; max-width: 100%; overflow-x: auto; }
#sf-chat .message table th, #sf-chat .message table td { padding: 4px 8px; white-space: nowrap; }
.sf-badge { display: inline-block; font-size: .8rem; font-weight: 600; padding: 1px 8px; border-radius: 999px;
            margin: 0 0 .4rem !important; border: 1px solid currentColor; }
.sf-badge-table { color: #1e40af; background: #eff6ff; }
.sf-badge-text { color: #166534; background: #f0fdf4; }
.sf-badge-none { color: #7c2d12; background: #fff7ed; }
.sf-chart { margin: .5rem 0; }
.sf-chart figcaption { font-weight: 600; font-size: .9rem; margin-bottom: .25rem; }
.sf-bar-row { display: grid; grid-template-columns: minmax(6rem, 34%) 1fr auto; gap: 6px; align-items: center;
              font-size: .85rem; line-height: 1.3; margin: 2px 0; }
.sf-bar-label { overflow-wrap: anywhere; }
.sf-bar-track { background: #e5e7eb; height: .9rem; border-radius: 2px; }
.sf-bar { display: block; height: 100%; background: #2563eb; border-radius: 2px; }
.sf-bar-alt .sf-bar { background: #6b7280; }
.sf-bar-value { font-variant-numeric: tabular-nums; text-align: right; }
.sf-sources summary { cursor: pointer; font-size: .9rem; color: #374151; }
.sf-where { font-size: .85rem; color: #374151; margin: .5rem 0 .2rem !important; }
.sf-passage { font-size: .9rem; margin: 0 0 .5rem !important; }
.sf-passage mark { background: #fef08a; color: inherit; padding: 0 1px; }
#sf-table .sf-table-wrap { max-height: 480px; overflow: auto; border: 1px solid #e5e7eb; border-radius: 6px; }
#sf-table table { border-collapse: collapse; width: 100%; font-size: .9rem; }
#sf-table caption { text-align: left; padding: 4px 8px; color: #374151; }
#sf-table th { position: sticky; top: 0; background: #f3f4f6; text-align: left; padding: 0; z-index: 1; }
#sf-table th button { all: unset; cursor: pointer; display: block; padding: 6px 8px; font-weight: 600; }
#sf-table th button:focus-visible, #sf-table td button:focus-visible { outline: 2px solid #1d4ed8; }
#sf-table td, #sf-table tbody th { padding: 4px 8px; border-top: 1px solid #e5e7eb; white-space: nowrap; }
#sf-table tbody th { background: #fff; font-weight: 400; text-align: left; }
#sf-table td.num, #sf-table th.num button { text-align: right; font-variant-numeric: tabular-nums; }
#sf-table tbody th button { all: unset; cursor: pointer; color: #1d4ed8; text-decoration: underline; }
#sf-table .short { display: none; }
@media (max-width: 640px) {
  #sf-chat .bot-row { max-width: calc(100% - 20px) !important; }
  #sf-chat .bot-row .message { max-width: 100% !important; }
  #sf-table .long { display: none; }
  #sf-table .short { display: inline; }
  #sf-table table { font-size: .85rem; }
}
"""
# Runs once when the page loads: messages get plain-text labels for screen readers, folded sources say whether
# they are open, and the question box takes the focus on a desk (on a phone that would scroll the page down).
JS = """
() => {
  const label = (el) => {
    const text = (el.querySelector('.message-content') || el).innerText.replace(/\\s+/g, ' ').trim();
    const who = el.dataset.testid === 'user' ? 'You' : 'Answer';
    const want = `${who}: ${text.slice(0, 600)}`;
    if (el.getAttribute('aria-label') !== want) el.setAttribute('aria-label', want);
  };
  const tidy = () => {
    document.querySelectorAll('#sf-chat [data-testid=bot], #sf-chat [data-testid=user]').forEach(label);
    document.querySelectorAll('#sf-chat details > summary').forEach((s) =>
      s.setAttribute('aria-expanded', String(s.parentElement.open)));
  };
  new MutationObserver(tidy).observe(document.body, {subtree: true, childList: true, characterData: true});
  document.addEventListener('toggle', tidy, true);
  if (window.matchMedia('(min-width: 700px)').matches) {
    const box = document.querySelector('#sf-question textarea');
    if (box) box.focus({preventScroll: true});
  }
}
"""
# The Explore table's clicks: a column heading sorts by it, an authority's name charts it.
TABLE_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.column) trigger('click', {column: b.dataset.column});
  else if (b.dataset.authority) trigger('click', {authority: b.dataset.authority});
});
"""


# ------------------------------------------------------------------ formatting

def label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


def cell(column: str, value) -> str:
    if value is None:
        return ""
    if column == "earned_autonomy_marker":
        return "*" if value == 1 else ""
    if column == "percentage":
        return f"{value}%"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and column not in ("year",):
        return f"{value:,}"
    return str(value)


def markdown_table(rows: list[dict], limit: int = TABLE_ROWS_IN_CHAT) -> str:
    """Rows as a Markdown table; columns that are empty in every row are left out."""
    if not rows:
        return ""
    columns = [c for c in rows[0] if any(cell(c, r.get(c)) for r in rows)]
    escape = lambda s: str(s).replace("|", "\\|").replace("*", "\\*")  # noqa: E731
    lines = ["| " + " | ".join(SHORT_LABELS.get(c, label(c)) for c in columns) + " |",
             "|" + "|".join("---:" if c in NUMERIC else "---" for c in columns) + "|"]
    lines += ["| " + " | ".join(escape(cell(c, r.get(c))) for c in columns) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n*… and {len(rows) - limit} more rows (all of them are in “Explore the tables”).*")
    return "\n".join(lines)


def bars_html(title: str, bars: list[tuple[str, float, bool]], unit: str = "") -> str:
    """A bar chart as plain HTML: one row per bar with its label and value as text (its own text alternative).

    Args:
        title: the caption.
        bars: (label, value, alternate colour) in the order shown.
        unit: "%" to write values as percentages.
    """
    top = max((v for _, v, _ in bars), default=0) or 1
    rows = []
    for name, value, alt in bars[:CHART_BARS]:
        shown = f"{value:g}%" if unit == "%" else f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
        rows.append(f'<div class="sf-bar-row{" sf-bar-alt" if alt else ""}"><span class="sf-bar-label">'
                    f'{html.escape(name)}</span><span class="sf-bar-track"><span class="sf-bar" '
                    f'style="width:{100 * max(value, 0) / top:.1f}%"></span></span>'
                    f'<span class="sf-bar-value">{shown}</span></div>')
    return f'<figure class="sf-chart"><figcaption>Chart: {html.escape(title)}</figcaption>{"".join(rows)}</figure>'


def answer_chart(answer) -> str:
    """The answer's chart (rankings, comparisons, an authority's years), or "" when it has none."""
    chart, rows = answer.chart, answer.data
    x, y = (chart or {}).get("x"), (chart or {}).get("y")
    if not chart or not rows or x not in rows[0] or y not in rows[0]:
        return ""
    years = list(dict.fromkeys(str(r.get("year", "")) for r in rows))
    names = list(dict.fromkeys(str(r.get("authority", "")) for r in rows))
    bars = []
    for r in rows:
        if r.get(y) is None:
            continue
        parts = [str(r.get("section") or "")] if "section" in r and x != "section" else []
        parts.append(str(r[x]))
        if x != "year" and len(years) > 1:
            parts.append(str(r.get("year", "")))
        if x == "year" and len(names) > 1:
            parts.insert(0, str(r.get("authority", "")))
        bars.append((" ".join(p for p in parts if p), float(r[y]), len(years) > 1 and r.get("year") == years[0]))
    who = names[0] + ": " if len(names) == 1 and names[0] else ""
    when = f", {years[0]}" if len(years) == 1 and years[0] and x != "year" else ""
    return bars_html(f"{who}{label(y)}{when}", bars, "%" if y == "percentage" else "")


def badge(answer) -> str:
    """Where the answer came from, in a few words."""
    if answer.route == "none":
        return '<p class="sf-badge sf-badge-none">Not in the reports</p>'
    parts = []
    tables = [s for s in answer.sources if s.rows]
    if tables:
        annex = all(s.section.startswith("Annex A") for s in tables)
        parts.append("From the Annex A tables" if annex else "From the reports' tables")
    quoted = sorted({s.year for s in answer.sources if s.quote})
    if quoted:
        years = " and ".join(quoted)
        parts.append(f"{'Quoted' if not tables else 'quoted'} from the {years} report{'s' if len(quoted) > 1 else ''}")
    kind = "table" if tables else "text"
    return f'<p class="sf-badge sf-badge-{kind}">{html.escape(" · ".join(parts) or "From the reports")}</p>'


def passage_html(source) -> str:
    """The cited sentence in its passage, highlighted."""
    from qa.retrieval import default_retriever

    try:
        before, quote, after = default_retriever().context(source.year, source.section, source.quote,
                                                           PASSAGE_SENTENCES)
    except Exception:  # the text store may be down; the quote alone still shows
        before, quote, after = "", source.quote, ""
    if not before and not after:  # the quote is all the section says: no need to repeat it
        return '<p class="sf-passage">The quote above is this section\'s whole text.</p>'
    parts = [html.escape(before), f"<mark>{html.escape(quote)}</mark>", html.escape(after)]
    return f'<p class="sf-passage">{" ".join(p for p in parts if p)}</p>'


def sources_html(answer) -> str:
    """The sources folded under the answer: report › section, the passage or rows, the report's link."""
    if not answer.sources:
        return ""
    cites = list(dict.fromkeys(s.cite() for s in answer.sources))
    urls = config.report_urls()
    body, seen = [], set()
    for s in answer.sources:
        if (s.cite(), s.quote) in seen:
            continue
        seen.add((s.cite(), s.quote))
        link = (f' <a href="{html.escape(urls[s.year])}">Read the {html.escape(s.year)} report</a>'
                if s.year in urls else "")
        if len(cites) > 1 or link:  # one source: the fold's own title already says where
            body.append(f'<p class="sf-where">{html.escape(s.cite()) if len(cites) > 1 else ""}{link}</p>')
        if s.quote:
            body.append(passage_html(s))
        if s.rows:
            shown = s.rows == answer.data[:len(s.rows)] or all(r in answer.data for r in s.rows)
            body.append(f'<p class="sf-passage">{len(s.rows)} row{"s" if len(s.rows) > 1 else ""} '
                        f'{"shown above" if shown else ": " + html.escape(_rows_text(s.rows))}.</p>')
    title = f"Source: {cites[0]}" if len(cites) == 1 else f"Sources ({len(cites)}): " + "; ".join(cites)
    return f'<details class="sf-sources"><summary>{html.escape(title)}</summary>{"".join(body)}</details>'


def _rows_text(rows: list[dict]) -> str:
    return "; ".join(", ".join(cell(c, v) for c, v in r.items() if cell(c, v)) for r in rows[:TABLE_ROWS_IN_CHAT])


_SOURCE_LINE = re.compile(r"\n*^Sources?(?: \(\d+\))?: .*$", re.M)


def answer_message(answer) -> str:
    """The chat message for an answer: badge, text, rows, chart, sources. The 'Source:' line is the fold;
    a refusal's suggested questions are the buttons under it, not a list in it."""
    text = _SOURCE_LINE.sub("", answer.text).strip() if answer.sources else answer.text
    if answer.suggestions:
        text = f"{suggest.strip(text)}\n\n{suggest.LEAD}"
    parts = [badge(answer), text]
    if answer.route == "table" and answer.data:
        parts.append(markdown_table(answer.data))
    parts += [answer_chart(answer), sources_html(answer)]
    return "\n\n".join(p for p in parts if p)


_FOLDED = re.compile(r'<(figure|details|p class="sf-badge)[^>]*>.*?</(figure|details|p)>', re.S)


def plain_text(content) -> str:
    """A chat message as `ask` reads it: text blocks joined, our badge and chart gone, the sources fold
    kept as its 'Source: …' line (follow-ups read which report an answer came from)."""
    if isinstance(content, list):
        content = " ".join(c.get("text", "") for c in content if isinstance(c, dict) and c.get("type") == "text")
    elif isinstance(content, dict):
        content = content.get("text", "") if content.get("type") == "text" else ""
    if not isinstance(content, str):
        return ""
    summary = re.search(r"<summary>(.*?)</summary>", content, re.S)
    text = _FOLDED.sub("", content).strip()
    if summary:
        text += "\n\n" + html.unescape(summary.group(1)) + "."
    return text


def plain_history(history) -> list[dict]:
    """Gradio 6 chat messages -> [{"role", "content": str}], as `ask` reads them."""
    plain = []
    for message in history or []:
        if isinstance(message, dict) and message.get("role") in ("user", "assistant"):
            plain.append({"role": message["role"], "content": plain_text(message.get("content"))})
    return plain


def safe_ask(question, history):
    """`ask`, but a failure becomes a message in the chat instead of an error."""
    try:
        return ask(question if isinstance(question, str) else "", plain_history(history))
    except Exception as e:  # the UI must stay usable whatever happens
        log.exception("ask failed")
        from qa import Answer

        return Answer(f"Sorry, something went wrong answering that ({type(e).__name__}). Please try again.", "none")


# ------------------------------------------------------------------ chat handlers

def respond(message: str, history: list):
    """One chat turn -> (question box, chat, note under the box).

    An empty send does nothing; a message that cannot be read stays in the box with the reason under it.
    """
    if not isinstance(message, str) or not message.strip():
        return gr.skip(), gr.skip(), ""
    problem = read_message(message)
    if problem.problem and not problem.candidates:
        return gr.skip(), gr.skip(), problem.problem
    history = list(history or [])
    answer = safe_ask(message, history)
    shown = " ".join(message.split())
    history.append({"role": "user", "content": shown if len(shown) <= 600 else shown[:600] + "…"})
    reply = {"role": "assistant", "content": answer_message(answer)}
    if answer.suggestions:  # a refusal's questions that the reports do answer, as buttons
        reply["options"] = [{"value": s} for s in answer.suggestions]
    history.append(reply)
    return "", history, ""


def retry(history: list, evt: gr.RetryData):
    """Ask the chosen question again, dropping everything after it."""
    history = list(history or [])[:evt.index]
    _, history, note = respond(plain_text(evt.value), history)
    return history, note


def undo(history: list, evt: gr.UndoData):
    """Take back the last question and its answer; the question goes back into the box."""
    return list(history or [])[:evt.index], plain_text(evt.value)


def suggestion(history: list, evt: gr.SelectData):
    """A suggested question under a refusal, asked as if typed."""
    _, history, note = respond(evt.value, history)
    return history, note


def record_feedback(history: list, evt: gr.LikeData) -> None:
    """A like or dislike, with the question and answer it is about, appended to SF_FEEDBACK_FILE."""
    history = list(history or [])
    index = evt.index if isinstance(evt.index, int) else (evt.index or [0])[0]
    question = next((plain_text(m.get("content")) for m in reversed(history[:index]) if m.get("role") == "user"), "")
    answer = plain_text(history[index].get("content")) if index < len(history) else plain_text(evt.value)
    record = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "liked": evt.liked,
              "question": question, "answer": answer, "index": index}
    path = config.feedback_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _feedback_lock, path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError:
        log.exception("could not record feedback in %s", path)


_feedback_lock = threading.Lock()


def api_ask(question: str, history: list[dict] | None = None) -> str:
    """Answer one question about the Supporting Families reports 2023-24 and 2024-25.

    Parameters:
        question: the question, in English.
        history: earlier messages, [{"role": "user" | "assistant", "content": str}], for follow-ups.
    Returns:
        the answer in plain English, ending with a "Source: ..." line.
    """
    return safe_ask(question, history).text


def api_ask_json(question: str, history: list[dict] | None = None) -> dict:
    """Like /ask, but the whole answer: text, route, sources, data rows and chart.

    Parameters:
        question: the question, in English.
        history: earlier messages, [{"role": "user" | "assistant", "content": str}], for follow-ups.
    Returns:
        the answer as a JSON object.
    """
    return safe_ask(question, history).to_dict()


# ------------------------------------------------------------------ explore tab

class Tables:
    """Every Annex A row, for the Explore tab: filtered, sorted, shown as HTML and saved as CSV."""

    def __init__(self):
        self.raw = pd.DataFrame(default_tool().all_rows(), columns=list(EXPLORE_COLUMNS))
        self.authorities = sorted(self.raw["authority"].unique().tolist(), key=str.casefold)
        self.years = sorted(self.raw["year"].unique().tolist())
        self.export_dir = Path(tempfile.mkdtemp(prefix="sf-tables-"))
        atexit.register(shutil.rmtree, self.export_dir, True)  # the CSV exports go with the app

    def view(self, name: str = "", year: str = ALL_YEARS, sort_by: str = "authority",
             descending: bool = False) -> pd.DataFrame:
        """The rows matching the filters, in the chosen order (names A–Z whatever their case)."""
        df = self.raw
        name = (name or "").strip()
        if name:
            df = df[df["authority"].str.contains(re.escape(name), case=False, regex=True)]
        if year and year != ALL_YEARS:
            df = df[df["year"] == year]
        sort_by = sort_by if sort_by in df.columns else "authority"
        keys = [sort_by] + [c for c in ("authority", "year") if c != sort_by]
        df = df.sort_values(keys, ascending=[not descending] + [True] * (len(keys) - 1), kind="stable",
                            key=lambda col: col.str.casefold() if pd.api.types.is_string_dtype(col) else col.fillna(-1))
        return df.reset_index(drop=True)

    def html(self, df: pd.DataFrame, sort_by: str, descending: bool) -> str:
        """The rows as an HTML table whose headings sort (aria-sort says how) and whose names chart."""
        head = []
        for c in EXPLORE_COLUMNS:
            state = ("descending" if descending else "ascending") if c == sort_by else "none"
            arrow = {"ascending": " ▲", "descending": " ▼"}.get(state, "")
            short = SHORT_LABELS.get(c, label(c))
            head.append(f'<th scope="col" aria-sort="{state}" class="{"num" if c in NUMERIC else ""}">'
                        f'<button data-column="{c}" title="Sort by {html.escape(label(c))}">'
                        f'<span class="long">{html.escape(label(c))}</span><span class="short">'
                        f'{html.escape(short)}</span>{arrow}</button></th>')
        body = []
        for r in df.itertuples(index=False):
            row = r._asdict()
            name = html.escape(row["authority"])
            cells = [f'<th scope="row"><button data-authority="{name}" '
                     f'title="Chart {name}">{name}</button></th>']
            cells += [f'<td class="{"num" if c in NUMERIC else ""}">{html.escape(cell(c, _plain(row[c])))}</td>'
                      for c in EXPLORE_COLUMNS[1:]]
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<div class="sf-table-wrap" role="region" aria-label="Annex A rows" tabindex="0"><table>'
                f'<caption>{len(df)} of {len(self.raw)} rows; click a heading to sort, a name to chart it'
                f'</caption><thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')

    def csv(self, df: pd.DataFrame, name: str = "", year: str = ALL_YEARS, sort_by: str = "authority",
            descending: bool = False) -> str:
        """The rows shown, in the order shown, as a CSV file named after the view (numbers unformatted)."""
        slug = lambda text: re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")  # noqa: E731
        stem = "annex-a"
        if year and year != ALL_YEARS:
            stem += "-" + year
        if name and slug(name):
            stem += "-" + slug(name)[:60]
        if sort_by and sort_by != "authority" or descending:
            stem += f"-by-{slug(label(sort_by))}{'-desc' if descending else ''}"
        path = self.export_dir / f"{stem}.csv"
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        out = df.assign(earned_autonomy_marker=df["earned_autonomy_marker"].map(lambda v: "*" if v == 1 else ""))
        out.rename(columns=LABELS).to_csv(partial, index=False)
        os.replace(partial, path)  # atomic: a concurrent download never sees half a file
        return str(path)

    def authority_chart(self, authority: str | None) -> str:
        """An authority's outcomes funded and achieved, each year, as a chart with the figures in words."""
        rows = self.raw[self.raw["authority"] == authority].sort_values("year") if authority else self.raw.iloc[0:0]
        if rows.empty:
            return "Pick an authority to chart its years."
        bars = []
        for r in rows.itertuples(index=False):
            bars += [(f"{r.year} funded", float(r.max_outcomes), True), (f"{r.year} achieved", float(r.achieved), False)]
        summary = "; ".join(f"<strong>{r.year}</strong>: {int(r.achieved):,} of {int(r.max_outcomes):,} "
                            f"({r.percentage}%)" for r in rows.itertuples(index=False))
        chart = bars_html(f"{authority}: outcomes funded (grey) and achieved (blue)", bars)
        return f"<p><strong>{html.escape(authority)}</strong> — {summary}</p>{chart}"


def _plain(value):
    """pandas' numpy numbers as Python ones, so `cell` formats them."""
    return value.item() if hasattr(value, "item") else value


# The Annex A marker, in the 2023-24 report's own words (its Annex A footnote).
EA_LEGEND = ("**\\*** In the 2023-24 table: “Earned Autonomy local authorities and Greater Manchester (which "
             "delivers the programme under a devolution agreement) no longer submit numbers of family outcomes "
             "for Payment by Results purposes. Instead, they report successful family outcomes on a quarterly "
             "basis.” The 2024-25 table has no marker. (2023-24 report › Annex A)")


# ------------------------------------------------------------------ layout

def build_demo() -> gr.Blocks:
    tables = Tables()
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=False) as demo:
        gr.Markdown(f"# {TITLE}\nAsk about the Supporting Families programme's annual reports for "
                    f"{' and '.join(f'**{y}**' for y in tables.years)}: each area's successful family outcomes "
                    "(Annex A), national figures, Earned Autonomy, the Early Help System Guide, the good-practice "
                    "projects and more. Every answer says where it comes from.", elem_id="sf-title")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                chatbot = gr.Chatbot(
                    label="Conversation", elem_id="sf-chat", height="min(620px, 62vh)",
                    placeholder="Ask a question below, or pick an example.",
                    buttons=["copy"], group_consecutive_messages=False,
                )
                question = gr.Textbox(
                    label="Your question", show_label=False, elem_id="sf-question",
                    placeholder="e.g. How many successful family outcomes did Leeds achieve in 2024-25?",
                    lines=1, max_lines=4, submit_btn="Ask",
                )
                note = gr.Markdown("", elem_id="sf-input-note")
                clear = gr.Button("New conversation", size="sm", variant="secondary")
                examples = gr.Dataset(
                    label="Examples (the follow-up continues the previous question)",
                    components=[gr.Textbox(visible=False)],
                    samples=[[q] for _, q in EXAMPLES],
                    sample_labels=[text for text, _ in EXAMPLES],
                    elem_id="sf-examples", type="values", layout="gallery",
                )
                quiet = dict(api_visibility="undocumented")
                question.submit(respond, [question, chatbot], [question, chatbot, note], api_name="chat", **quiet)
                examples.click(lambda sample: sample[0], examples, question, queue=False, **quiet).then(
                    respond, [question, chatbot], [question, chatbot, note], **quiet)
                chatbot.retry(retry, chatbot, [chatbot, note], **quiet)
                chatbot.undo(undo, chatbot, [chatbot, question], queue=False, **quiet)
                chatbot.option_select(suggestion, chatbot, [chatbot, note], **quiet)
                chatbot.like(record_feedback, chatbot, None, queue=False, **quiet)
                clear.click(lambda: ("", [], ""), None, [question, chatbot, note], queue=False, **quiet)

            with gr.Tab("Explore the tables", id="explore"):
                gr.Markdown("Every local authority's successful family outcomes from Annex A of the reports. "
                            "Filter by name or year; click a column heading to sort by it (again to reverse); "
                            "click a name to chart its years below. “Download CSV” saves the rows shown, "
                            "in the order shown.")
                with gr.Row():
                    name = gr.Textbox(label="Authority name contains", placeholder="e.g. York",
                                      elem_id="sf-filter-name", scale=2, min_width=200)
                    year = gr.Radio([ALL_YEARS] + tables.years, value=ALL_YEARS, label="Year",
                                    elem_id="sf-filter-year", scale=3, min_width=200)
                sort_by = gr.State("authority")
                descending = gr.State(False)
                initial = tables.view()
                table = gr.HTML(tables.html(initial, "authority", False), elem_id="sf-table",
                                js_on_load=TABLE_JS, padding=False)
                gr.Markdown(EA_LEGEND, elem_id="sf-ea-legend")
                download = gr.DownloadButton("Download CSV", value=tables.csv(initial),
                                             elem_id="sf-download", size="sm")
                first = "Leeds" if "Leeds" in tables.authorities else tables.authorities[0]
                authority = gr.Dropdown(tables.authorities, value=first, label="Authority to chart",
                                        elem_id="sf-authority", filterable=True)
                authority_chart = gr.HTML(tables.authority_chart(first), elem_id="sf-authority-chart",
                                          js_on_load=None)

                def refresh(name_text, year_choice, column, desc):
                    df = tables.view(name_text, year_choice, column, desc)
                    return (tables.html(df, column, desc),
                            gr.DownloadButton(value=tables.csv(df, name_text, year_choice, column, desc)))

                filters = [name, year, sort_by, descending]
                gr.on([name.change, year.change], refresh, filters, [table, download],
                      trigger_mode="always_last", **quiet)

                def clicked(name_text, year_choice, column, desc, evt: gr.EventData):
                    """A heading sorts (a second click reverses); a name picks the authority to chart."""
                    data = evt._data or {}
                    if data.get("authority") in tables.authorities:
                        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), data["authority"]
                    if data.get("column") not in EXPLORE_COLUMNS:
                        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                    desc = not desc if data["column"] == column else data["column"] in NUMERIC
                    shown, saved = refresh(name_text, year_choice, data["column"], desc)
                    return data["column"], desc, shown, saved, gr.skip()

                table.click(clicked, filters, [sort_by, descending, table, download, authority], **quiet)
                authority.change(tables.authority_chart, authority, authority_chart, queue=False, **quiet)

        gr.api(api_ask, api_name="ask")
        gr.api(api_ask_json, api_name="ask_json")
    return demo


MAX_UPLOAD = "1mb"  # the chat takes text; nothing needs a large upload


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = config.settings()  # a bad setting stops here, naming the variable
    except ValueError as e:
        sys.exit(f"Settings: {e}")
    host, port = config.server_address()
    started = time.perf_counter()
    problem = llm.check()  # a bad SF_LLM: one line, then extractive answers
    if problem:
        print(problem, file=sys.stderr, flush=True)
    report = ensure_answerable()
    if report:
        log.info("stores: %s (%s rows, %s chunks)", report.reason, report.rows, report.chunks)
    warm_up()
    demo = build_demo()
    # Queue positions go out once a second, not to every waiting chat each time an answer starts (with 40
    # chats waiting that was 40 messages per answer).
    demo.queue(default_concurrency_limit=settings.sf_concurrency, status_update_rate=1)
    log.info("ready in %.1fs; serving on http://%s:%s", time.perf_counter() - started, host, port)
    demo.launch(server_name=host, server_port=port, theme=THEME, css=CSS, js=JS, ssr_mode=False,
                footer_links=["api", "settings"], show_error=True, quiet=False, max_file_size=MAX_UPLOAD)


if __name__ == "__main__":
    main()
