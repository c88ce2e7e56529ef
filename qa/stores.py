"""Open the built stores once per build: a rebuild by another process gives fresh handles."""
from __future__ import annotations

import functools
from pathlib import Path

from index import config
from index.build import read_manifest

_seen: tuple[tuple, str | None] = ((), None)  # (the manifest file's identity, its build id)


def build_key() -> tuple:
    """Which store a handle belongs to: its folder, its vector target and the build's id."""
    path = config.manifest_path()
    return str(path), config.chroma_server(), _build_id(path)


def _build_id(path: Path) -> str | None:
    """The manifest's build id, read again only when the file is another one (a swapped-in store) or
    has changed: a stat per question instead of opening and parsing the JSON several times."""
    global _seen
    try:
        stat = path.stat()
    except OSError:
        return None
    identity = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    seen = _seen
    if seen[0] != identity:
        seen = _seen = (identity, read_manifest(path.parent).get("build_id"))
    return seen[1]


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
