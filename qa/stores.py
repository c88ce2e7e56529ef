"""Open the built stores once per build: a rebuild by another process gives fresh handles."""
from __future__ import annotations

import functools

from index import config
from index.build import read_manifest


def build_key() -> tuple:
    """Which store a handle belongs to: its folder, its vector target and the build's id."""
    return str(config.manifest_path()), config.chroma_server(), read_manifest().get("build_id")


def per_build(fn):
    """Cache fn() until the store is rebuilt or moved (SF_BUILD_DIR, CHROMA_HOST change)."""
    cache: dict = {}

    @functools.wraps(fn)
    def wrapper():
        key = build_key()
        if cache.get("key") != key:
            cache.clear()
            cache.update(key=key, value=fn())
        return cache["value"]

    return wrapper
