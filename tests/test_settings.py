"""One settings object: every SF_*, CHROMA_* and GRADIO_* variable has a default, a check and a README row."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from index import config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(monkeypatch):
    for name in config.Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_defaults(env):
    s = config.settings()
    assert s.sf_build_dir == ROOT / "build" and s.chroma_port == 8000 and s.sf_concurrency == 8
    assert config.chroma_server() is None and config.report_urls() == {}
    assert config.server_address() == ("127.0.0.1", 7860)
    assert config.feedback_path() == ROOT / "build" / "feedback.jsonl"


def test_gradio_names_win_over_the_older_ones(env):
    env.setenv("SF_HOST", "0.0.0.0")
    env.setenv("SF_PORT", "8080")
    assert config.server_address() == ("0.0.0.0", 8080)
    env.setenv("GRADIO_SERVER_NAME", "127.0.0.2")
    env.setenv("GRADIO_SERVER_PORT", "9000")
    assert config.server_address() == ("127.0.0.2", 9000)


def test_empty_means_default_and_a_changed_environment_counts(env):
    env.setenv("CHROMA_HOST", "chroma.internal")
    env.setenv("CHROMA_PORT", "")
    assert config.chroma_server() == ("chroma.internal", 8000)
    env.setenv("CHROMA_PORT", "8123")
    assert config.chroma_server() == ("chroma.internal", 8123)
    env.setenv("SF_REPORT_URLS", "2024-25=https://example.org/sf-2024-25")
    assert config.report_urls() == {"2024-25": "https://example.org/sf-2024-25"}


@pytest.mark.parametrize("name, value, says", [
    ("CHROMA_PORT", "70000", "less than or equal to 65535"),
    ("CHROMA_PORT", "eighty", "valid integer"),
    ("GRADIO_SERVER_PORT", "0", "greater than or equal to 1"),
    ("SF_CONCURRENCY", "-2", "greater than or equal to 1"),
    ("SF_REPORT_URLS", "2024-25=ftp://example.org/r", "year=http(s)://address"),
])
def test_a_bad_value_is_refused_by_name(env, name, value, says):
    env.setenv(name, value)
    with pytest.raises(ValueError) as raised:
        config.settings()
    assert f"{name}={value!r}" in str(raised.value) and says in str(raised.value)


def test_the_app_stops_on_a_bad_setting_with_its_name(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "app.py")], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "SF_BUILD_DIR": str(tmp_path), "SF_CONCURRENCY": "lots"})
    assert run.returncode != 0 and "SF_CONCURRENCY='lots'" in run.stderr


def test_every_setting_has_a_readme_row():
    readme = (ROOT / "README.md").read_text()
    rows = set(re.findall(r"^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)?", readme, re.M))
    documented = {name for row in rows for name in row if name}
    assert {name.upper() for name in config.Settings.model_fields} == documented
