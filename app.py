"""The chat web app: `make run` (or `.venv/bin/python app.py`), then open http://127.0.0.1:7860.

UI only. Every answer comes from `qa.ask(question, history)`; this file lays it
out: the answer text, the rows behind a table answer as a table, the sources in
a collapsible block, and a chart beside the chat when the answer has one. The
"Explore the tables" tab shows every Annex A row for both years, filterable,
sortable and downloadable as CSV.

Offline by design: analytics off, system fonts only, no external scripts.
Host and port: GRADIO_SERVER_NAME / GRADIO_SERVER_PORT (Gradio's own settings; SF_HOST / SF_PORT also
work), default 127.0.0.1:7860. Uploads are capped at MAX_UPLOAD.
API for gradio_client: `/ask` (question, history) -> answer text, and
`/ask_json` (question, history) -> the whole answer as JSON.
"""
from __future__ import annotations

import os

# Before Gradio is imported: it reads these at import time.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import atexit
import logging
import re
import sys
import shutil
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr
import pandas as pd

from index.build import ensure_answerable
from index.config import MAX_QUESTION_CHARS as LONGEST
from qa import ask, llm
from qa.answer import warm_up
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
SHORT_LABELS = {  # column headings in the chat, where width is short
    "max_outcomes": "Max. funded",
    "achieved": "Achieved",
    "percentage": "%",
    "earned_autonomy_marker": "Earned Autonomy *",
}
TABLE_ROWS_IN_CHAT = 20  # longer tables are cut in the chat; the Explore tab has them all
ALL_YEARS = "Both years"
THEME = gr.themes.Default(
    font=[gr.themes.Font("system-ui"), "sans-serif"],
    font_mono=[gr.themes.Font("ui-monospace"), "monospace"],
)
CSS = """
#sf-chart-note { min-height: 2em; }
#sf-chat .message table th, #sf-chat .message table td { padding: 4px 8px; }
#sf-chat .message table td:not(:first-child) { white-space: nowrap; }
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
             "|" + "|".join("---" if c in ("authority", "year", "section") else "---:" for c in columns) + "|"]
    lines += ["| " + " | ".join(escape(cell(c, r.get(c))) for c in columns) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n*… and {len(rows) - limit} more rows (all of them are in “Explore the tables”).*")
    return "\n".join(lines)


def sources_block(answer) -> dict | None:
    """The answer's sources as a collapsed 'thought' message: year › section, then the quote or the rows."""
    if not answer.sources:
        return None
    cites = list(dict.fromkeys(s.cite() for s in answer.sources))
    seen, parts = set(), []
    for s in answer.sources:
        if (s.cite(), s.quote) in seen:
            continue
        seen.add((s.cite(), s.quote))
        body = [f"**{s.cite()}**"] if len(cites) > 1 else []
        if s.quote:
            body.append("\n".join("> " + line for line in s.quote.splitlines()))
        if s.rows:
            body.append(markdown_table(s.rows))
        if not s.quote and not s.rows:
            body.append(f"{s.cite()} (no quoted text).")
        parts.append("\n\n".join(body))
    title = f"Source: {cites[0]}" if len(cites) == 1 else f"Sources ({len(cites)}): " + "; ".join(cites)
    return {"role": "assistant", "content": "\n\n---\n\n".join(parts),
            "metadata": {"title": title, "status": "done"}}


def answer_message(answer) -> str:
    """The answer text, and for a table answer the rows behind it as a table."""
    if answer.route == "table" and answer.data:
        return answer.text + "\n\n" + markdown_table(answer.data)
    return answer.text


def plain_history(history) -> list[dict]:
    """Gradio 6 chat messages -> [{"role", "content": str}], without the sources blocks.

    Gradio 6 hands content to handlers as a list of blocks ([{"type": "text", "text": ...}]);
    `ask` reads plain strings.
    """
    plain = []
    for message in history or []:
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            continue
        if (message.get("metadata") or {}).get("title"):
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(c.get("text", "") for c in content if isinstance(c, dict) and c.get("type") == "text")
        elif isinstance(content, dict):
            content = content.get("text", "") if content.get("type") == "text" else ""
        if isinstance(content, str):
            plain.append({"role": message["role"], "content": content})
    return plain


def safe_ask(question, history):
    """`ask`, but a failure becomes a message in the chat instead of an error."""
    try:
        return ask(question if isinstance(question, str) else "", plain_history(history))
    except Exception as e:  # the UI must stay usable whatever happens
        log.exception("ask failed")
        from qa import Answer

        return Answer(f"Sorry, something went wrong answering that ({type(e).__name__}). Please try again.", "none")


# ------------------------------------------------------------------ charts

def y_top(values) -> float | None:
    """Upper y limit with headroom, so bars start at zero and the tallest is not clipped."""
    top = pd.to_numeric(pd.Series(values), errors="coerce").max()
    return None if pd.isna(top) else float(top) * 1.08 or None


def chart_frame(answer) -> tuple[pd.DataFrame, dict] | None:
    """(data, plot settings) for the answer's chart, or None when it has none."""
    chart = answer.chart
    if not chart or not answer.data:
        return None
    x, y = chart.get("x"), chart.get("y")
    df = pd.DataFrame(answer.data)
    if x not in df.columns or y not in df.columns:
        return None
    df = df.copy()
    color = None
    if "section" in df.columns and x != "section" and df["section"].nunique() > 1:
        color = "section"
    elif x == "authority" and "year" in df.columns and df["year"].nunique() > 1:
        # Two years of several authorities: one bar each, coloured by year (never stacked).
        df["authority"] = df["authority"] + " " + df["year"].astype(str)
        color = "year"
    elif x == "year" and "authority" in df.columns and df["authority"].nunique() > 1:
        df["year"] = df["authority"] + " " + df["year"].astype(str)
        color = "authority"
    df[x] = df[x].astype(str)  # categories, in order: years read "2023", not "2,023.0"
    names = df["authority"].unique().tolist() if "authority" in df.columns else []
    who = names[0] if len(names) == 1 else ""
    years = df["year"].astype(str).unique().tolist() if "year" in df.columns and x != "year" else []
    title = f"{who + ': ' if who else ''}{label(y)}{', ' + years[0] if len(years) == 1 else ''}"
    settings = dict(x=x, y=y, color=color, color_title=label(color) if color else None,
                    title=title, x_title=label(x), y_title=label(y),
                    sort=list(dict.fromkeys(df[x].tolist())) if chart.get("kind") != "line" else None,
                    y_lim=[0, y_top(df[y])],
                    x_label_angle=-40 if x == "authority" and len(df) > 3 else 0)
    return df, settings


# Gradio 6.31's native plots keep showing the old data when one update changes both the value and
# other props (title, sort, y_lim...). So a chart is updated in two steps: its settings, then its data.

def chart_updates(answer):
    """(bar plot settings, line plot settings, chart note, (kind, data) or None for `chart_data`)."""
    framed = chart_frame(answer)
    if framed is None:
        note = ("No chart for this answer. Rankings, comparisons and an authority's two years are charted here."
                if answer.route != "none" else "")
        return gr.BarPlot(visible=False), gr.LinePlot(visible=False), note, None
    df, settings = framed
    if answer.chart.get("kind") == "line":
        settings.pop("sort")
        settings.pop("x_label_angle")
        return gr.BarPlot(visible=False), gr.LinePlot(visible=True, **settings), "", ("line", df)
    return gr.BarPlot(visible=True, **settings), gr.LinePlot(visible=False), "", ("bar", df)


def chart_data(pending):
    """Second step of a chart update: the data alone, into whichever plot is showing."""
    if pending is None:
        return gr.skip(), gr.skip()
    kind, df = pending
    return (df, gr.skip()) if kind == "bar" else (gr.skip(), df)


# ------------------------------------------------------------------ chat handlers

def respond(message: str, history: list):
    """One chat turn: ask, then show the answer, its sources and its chart."""
    history = list(history or [])
    answer = safe_ask(message, history)
    shown = " ".join((message or "").split()) if isinstance(message, str) else ""
    if shown:  # an empty question shows only the reply asking for one
        history.append({"role": "user", "content": shown if len(shown) <= LONGEST else shown[:300] + "…"})
    history.append({"role": "assistant", "content": answer_message(answer)})
    block = sources_block(answer)
    if block:
        history.append(block)
    bar, line, note, pending = chart_updates(answer)
    return "", history, bar, line, note, pending


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
    """Every Annex A row for both years, for the Explore tab."""

    def __init__(self):
        rows = default_tool().all_rows()
        self.raw = pd.DataFrame(rows)
        self.authorities = sorted(self.raw["authority"].unique().tolist())
        self.years = sorted(self.raw["year"].unique().tolist())
        self.export_dir = Path(tempfile.mkdtemp(prefix="sf-tables-"))
        atexit.register(shutil.rmtree, self.export_dir, True)  # the CSV exports go with the app

    def view(self, name: str = "", year: str = ALL_YEARS, sort_by: str = "Authority",
             descending: bool = False) -> pd.DataFrame:
        df = self.raw
        name = (name or "").strip()
        if name:
            df = df[df["authority"].str.contains(re.escape(name), case=False, regex=True)]
        if year and year != ALL_YEARS:
            df = df[df["year"] == year]
        df = df.assign(earned_autonomy_marker=df["earned_autonomy_marker"].map(lambda v: "*" if v == 1 else ""))
        df = df.rename(columns=LABELS)
        if sort_by in df.columns:
            keys = [sort_by] + [c for c in ("Authority", "Year") if c != sort_by]
            df = df.sort_values(keys, ascending=[not descending] + [True] * (len(keys) - 1), kind="stable",
                                key=lambda col: col.str.lower() if col.dtype == object else col)
        return df.reset_index(drop=True)

    def csv(self, df: pd.DataFrame, name: str = "", year: str = ALL_YEARS, sort_by: str = "Authority",
            descending: bool = False) -> str:
        """The rows shown, as a CSV file named after the view (same view, same name, same content)."""
        slug = lambda text: re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")  # noqa: E731
        stem = "annex-a"
        if year and year != ALL_YEARS:
            stem += "-" + year
        if name and slug(name):
            stem += "-" + slug(name)[:60]
        if sort_by and sort_by != "Authority" or descending:
            stem += f"-by-{slug(sort_by)}{'-desc' if descending else ''}"
        path = self.export_dir / f"{stem}.csv"
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        df.to_csv(partial, index=False)
        os.replace(partial, path)  # atomic: a concurrent download never sees half a file
        return str(path)

    def authority_chart(self, authority: str | None) -> tuple[pd.DataFrame, str]:
        rows = self.raw[self.raw["authority"] == authority] if authority else self.raw.iloc[0:0]
        records = []
        for _, r in rows.sort_values("year").iterrows():
            records.append({"bar": f"{r['year']} funded", "year": r["year"], "measure": "Maximum funded",
                            "outcomes": int(r["max_outcomes"])})
            records.append({"bar": f"{r['year']} achieved", "year": r["year"], "measure": "Achieved",
                            "outcomes": int(r["achieved"])})
        summary = "; ".join(f"**{r['year']}**: {int(r['achieved']):,} of {int(r['max_outcomes']):,} "
                            f"({r['percentage']}%)" for _, r in rows.sort_values("year").iterrows())
        frame = pd.DataFrame(records, columns=["bar", "year", "measure", "outcomes"])
        return frame.astype({"bar": str, "year": str, "measure": str, "outcomes": "int64"}), summary


# ------------------------------------------------------------------ layout

def build_demo() -> gr.Blocks:
    tables = Tables()
    sort_choices = [LABELS[c] for c in ("authority", "year", "max_outcomes", "achieved", "percentage")]

    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
        gr.Markdown(f"## {TITLE}\nAsk about the Supporting Families programme's annual reports for "
                    "**2023-24** and **2024-25**: each area's successful family outcomes (Annex A), "
                    "national figures, Earned Autonomy, the Early Help System Guide, the good-practice "
                    "projects and more. Every answer quotes its source.")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            label="Conversation", elem_id="sf-chat", height=560,
                            placeholder="Ask a question below, or pick an example.",
                            buttons=["copy"], feedback_options=None, group_consecutive_messages=False,
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                label="Your question", show_label=False, elem_id="sf-question", scale=6,
                                placeholder="e.g. How many successful family outcomes did Leeds achieve in 2024-25?",
                                autofocus=True, lines=1, max_lines=4, submit_btn="Ask",
                            )
                        clear = gr.Button("New conversation", size="sm", variant="secondary")
                        examples = gr.Dataset(
                            label="Examples (the follow-up continues the previous question)",
                            components=[gr.Textbox(visible=False)],
                            samples=[[q] for _, q in EXAMPLES],
                            sample_labels=[label for label, _ in EXAMPLES],
                            elem_id="sf-examples", type="values", layout="gallery",
                        )
                    with gr.Column(scale=2, min_width=320):
                        bar = gr.BarPlot(label="Chart", show_label=False, visible=False, height=400, elem_id="sf-bar")
                        line = gr.LinePlot(label="Chart", show_label=False, visible=False, height=400, elem_id="sf-line")
                        chart_note = gr.Markdown(
                            "Charts appear here for rankings, comparisons and an authority's two years.",
                            elem_id="sf-chart-note")

                pending_chart = gr.State(None)
                outputs = [question, chatbot, bar, line, chart_note, pending_chart]
                question.submit(respond, [question, chatbot], outputs, api_visibility="undocumented",
                                api_name="chat").then(
                    chart_data, pending_chart, [bar, line], queue=False, api_visibility="undocumented")
                examples.click(lambda sample: sample[0], examples, question, queue=False,
                               api_visibility="undocumented").then(
                    respond, [question, chatbot], outputs, api_visibility="undocumented").then(
                    chart_data, pending_chart, [bar, line], queue=False, api_visibility="undocumented")
                clear.click(lambda: ("", [], gr.BarPlot(visible=False), gr.LinePlot(visible=False),
                                     "Charts appear here for rankings, comparisons and an authority's two years.",
                                     None),
                            None, outputs, queue=False, api_visibility="undocumented")

            with gr.Tab("Explore the tables", id="explore"):
                gr.Markdown("Every local authority's successful family outcomes from Annex A of both reports. "
                            "Filter by name or year; sort with the menu or by clicking a column heading; "
                            "download what you see as CSV. Pick an authority to chart its two years.")
                with gr.Row():
                    name = gr.Textbox(label="Authority name contains", placeholder="e.g. York",
                                      elem_id="sf-filter-name", scale=2)
                    year = gr.Radio([ALL_YEARS] + tables.years, value=ALL_YEARS, label="Year",
                                    elem_id="sf-filter-year", scale=3)
                    sort_by = gr.Dropdown(sort_choices, value="Authority", label="Sort by", scale=2,
                                          elem_id="sf-sort")
                    descending = gr.Checkbox(label="Largest first", value=False, scale=1)
                initial = tables.view()
                count = gr.Markdown(f"{len(initial)} rows", elem_id="sf-row-count")
                table = gr.Dataframe(initial, interactive=False, elem_id="sf-table", max_height=460,
                                     wrap=True, buttons=["fullscreen", "copy"],
                                     datatype=["str", "str", "number", "number", "number", "str"])
                download = gr.DownloadButton("Download CSV", value=tables.csv(initial),
                                             elem_id="sf-download", size="sm")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=260):
                        first = "Leeds" if "Leeds" in tables.authorities else tables.authorities[0]
                        first_df, first_summary = tables.authority_chart(first)
                        authority = gr.Dropdown(tables.authorities, value=first, label="Authority",
                                                elem_id="sf-authority", filterable=True)
                        authority_summary = gr.Markdown(f"**{first}** — {first_summary}",
                                                        elem_id="sf-authority-summary")
                    with gr.Column(scale=2):
                        authority_plot = gr.BarPlot(
                            first_df, x="bar", y="outcomes", color="measure", x_title="Year", y_title="Outcomes",
                            y_lim=[0, y_top(first_df["outcomes"])], sort=first_df["bar"].tolist(),
                            color_title=" ",
                            title=f"{first}: outcomes funded and achieved",
                            label="Two years", show_label=False, height=340, elem_id="sf-authority-chart",
                            color_map={"Maximum funded": "#9ca3af", "Achieved": "#2563eb"})

                def refresh(name_text, year_choice, sort_choice, desc):
                    df = tables.view(name_text, year_choice, sort_choice, desc)
                    return (df, f"{len(df)} of {len(tables.raw)} rows",
                            gr.DownloadButton(value=tables.csv(df, name_text, year_choice, sort_choice, desc)))

                filters = [name, year, sort_by, descending]
                gr.on([name.change, year.change, sort_by.change, descending.change], refresh, filters,
                      [table, count, download], api_visibility="undocumented", trigger_mode="always_last")

                def pick(authority_name):  # settings first, then the data (see chart_updates)
                    df, summary = tables.authority_chart(authority_name)
                    if not authority_name:
                        return gr.BarPlot(title=""), ""
                    return (gr.BarPlot(title=f"{authority_name}: outcomes funded and achieved",
                                       sort=df["bar"].tolist(), y_lim=[0, y_top(df["outcomes"])]),
                            f"**{authority_name}** — {summary}")

                authority.change(pick, authority, [authority_plot, authority_summary], queue=False,
                                 api_visibility="undocumented").then(
                    lambda a: tables.authority_chart(a)[0], authority, authority_plot, queue=False,
                    api_visibility="undocumented")

                def pick_row(evt: gr.SelectData):
                    row = evt.row_value or []
                    return row[0] if row and row[0] in tables.authorities else gr.skip()

                table.select(pick_row, None, authority, api_visibility="undocumented")

        gr.api(api_ask, api_name="ask")
        gr.api(api_ask_json, api_name="ask_json")
    return demo


MAX_UPLOAD = "1mb"  # the chat takes text; nothing needs a large upload


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Gradio's own settings first (deployments set them), then the project's older names.
    host = os.environ.get("GRADIO_SERVER_NAME") or os.environ.get("SF_HOST") or "127.0.0.1"
    port = int(os.environ.get("GRADIO_SERVER_PORT") or os.environ.get("SF_PORT") or "7860")
    started = time.perf_counter()
    problem = llm.check()  # a bad SF_LLM: one line, then extractive answers
    if problem:
        print(problem, file=sys.stderr, flush=True)
    report = ensure_answerable()
    if report:
        log.info("stores: %s (%s rows, %s chunks)", report.reason, report.rows, report.chunks)
    warm_up()
    demo = build_demo()
    demo.queue(default_concurrency_limit=int(os.environ.get("SF_CONCURRENCY", "8")))
    log.info("ready in %.1fs; serving on http://%s:%s", time.perf_counter() - started, host, port)
    demo.launch(server_name=host, server_port=port, theme=THEME, css=CSS, ssr_mode=False,
                footer_links=["api", "settings"], show_error=True, quiet=False, max_file_size=MAX_UPLOAD)


if __name__ == "__main__":
    main()
