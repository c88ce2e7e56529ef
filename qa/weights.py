"""The tuned numbers of retrieval and extraction, as data: qa/data/weights.json.

`python -m eval.tune` measures candidates on the tuning set and `--write` stores the best in that
file; SF_WEIGHTS_FILE points the answering side at another file (eval.tune does, for each candidate).
Read once per file version, so a rewritten file counts without a restart.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

WEIGHTS_FILE = Path(__file__).parent / "data" / "weights.json"


class Weights(BaseModel):
    """Scoring weights (see the file's "about")."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    dense: float = Field(ge=0, le=1)
    lexical: float = Field(ge=0, le=1)
    chunk: float = Field(ge=0, le=1)
    type_bonus: float = Field(ge=0, le=1)
    min_score: float = Field(ge=0, le=2)
    other_year_share: float = Field(ge=0, le=1)
    anchor_bonus: float = Field(ge=0, le=1)
    cause_bonus: float = Field(ge=0, le=2)
    purpose_bonus: float = Field(ge=0, le=2)


def path() -> Path:
    from index.config import settings

    return settings().sf_weights_file or WEIGHTS_FILE


def current() -> Weights:
    """The weights in force: SF_WEIGHTS_FILE's, else qa/data/weights.json's."""
    file = path()
    stat = file.stat()
    return _read(str(file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(file: str, *_version: int) -> Weights:
    try:
        return Weights.model_validate_json(Path(file).read_text(encoding="utf-8"))
    except ValueError as e:
        raise ValueError(f"{file}: {e}") from None


def write(weights: Weights, file: Path = WEIGHTS_FILE) -> None:
    """Store `weights`, keeping the file's "about" note."""
    old = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    data = {"about": old.get("about", ""), **weights.model_dump()}
    file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
