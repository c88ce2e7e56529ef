"""Shared fixtures: one built store for the whole session, under build/test-store (reused when current)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SF_BUILD_DIR", str(ROOT / "build" / "test-store"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def built():
    """The stores, built (or confirmed current) once per session."""
    from index.build import ensure_built

    return ensure_built(progress=False)


@pytest.fixture(scope="session")
def tool(built):
    from qa.tabletool import default_tool

    return default_tool()


@pytest.fixture(scope="session")
def ask(built):
    from qa import ask as ask_fn

    return ask_fn
