"""The Chroma side: chunks and their sentences embedded with all-MiniLM-L6-v2.

Two collections: CHUNKS (what retrieval searches) and SENTENCES (what answers
are cut from, embedded at build time so answering never embeds more than the
question). Embedded Chroma by default; a Chroma server when CHROMA_HOST is set.
Every collection is created with an explicit embedding function: Chroma's
default would try to download a model.

Builds never write into the collections answering reads from:
- embedded: fresh collections in a staging folder, swapped in by index.build;
- server: fresh collections named `<name>-staging` on the server, renamed
  over the live ones by `publish()` only once complete.
A build reuses the stored vector of every chunk and sentence whose id (a hash
of its report, headings and text) is already in the live collections, so
adding a report embeds only that report's text.

Reading needs no write access: Chroma writes to its database even to read, so
an embedded store in a folder that can't be written (a read-only mount) is
opened from a private temporary copy, removed at exit. With a server, every
request times out after config.CHROMA_HTTP_TIMEOUT seconds (Chroma's own
HTTP client never does), and a server that can't be reached or doesn't
answer in time raises StoreUnavailable, from `client()` and from every call
made through the client it returns (its collections included).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index import config
from index.chunks import Chunk, split_sentences

CHUNKS = config.COLLECTION + "_chunks"
SENTENCES = config.COLLECTION + "_sentences"
STAGING_SUFFIX = "-staging"
OLD_SUFFIX = "-old"
BATCH = 64
FETCH_BATCH = 250  # ids per get() when reusing stored vectors
SERVER_TIMEOUT = 10.0  # seconds the start-up heartbeat waits for a Chroma server
READ_ONLY_COPY_PREFIX = "sf-chroma-ro-"  # temporary copies of a read-only embedded store


class StoreUnavailable(Exception):
    """The Chroma server (CHROMA_HOST) can't be reached, or didn't answer within config.CHROMA_HTTP_TIMEOUT.

    Raised by `client()` in server mode and by any request made through the client it returns:
    get_collection, list_collections, heartbeat, and a collection's get/query/count/add.
    """


@lru_cache(maxsize=1)
def embeddings():
    """LangChain embeddings over the packaged MiniLM weights, on the CPU, normalized for cosine."""
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=config.embedding_model_path(),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True},
    )


def _settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=True)


def client(path: Path | None = None):
    """A Chroma client: HTTP when CHROMA_HOST is set, else persistent at `path` (default: the store).

    Server mode raises StoreUnavailable when the server can't be reached or doesn't answer in time.
    An embedded store that can't be written is opened from a temporary copy (see `_openable`).
    """
    import chromadb

    server = config.chroma_server()
    if server:
        return _http_client(*server)
    return chromadb.PersistentClient(path=str(_openable(Path(path or config.chroma_dir()))), settings=_settings())


# ------------------------------------------------------------------ server mode: timeouts

def _http_client(host: str, port: int):
    """An HTTP client whose every request times out after config.CHROMA_HTTP_TIMEOUT seconds.

    Chroma makes its first requests while the client is being constructed, with no timeout,
    so construction runs in a daemon thread given the same deadline (on a hung server the
    thread is left waiting; it holds nothing of ours).
    """
    import chromadb

    timeout, where = config.CHROMA_HTTP_TIMEOUT, f"http://{host}:{port}"
    outcome: dict = {}

    def connect():
        try:
            outcome["client"] = chromadb.HttpClient(host=host, port=port, settings=_settings())
        except BaseException as e:  # handed to the caller's thread below
            outcome["error"] = e

    worker = threading.Thread(target=connect, name="chroma-connect", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise StoreUnavailable(f"the Chroma server at {where} did not answer within {timeout:g}s")
    if "error" in outcome:
        error = outcome["error"]
        raise StoreUnavailable(f"the Chroma server at {where} cannot be reached "
                               f"({type(error).__name__}: {error})") from error
    chroma = outcome["client"]
    for api in (getattr(chroma, "_server", None), getattr(getattr(chroma, "_admin_client", None), "_server", None)):
        _guard_requests(api, timeout, where)
    return chroma


def _guard_requests(api, timeout: float, where: str) -> None:
    """Give one of Chroma's HTTP API objects a request timeout, and make its transport errors
    (timeouts, refused or dropped connections) StoreUnavailable. The collections a client hands
    out make their requests through this same object, so they are covered too."""
    import httpx

    session, request = getattr(api, "_session", None), getattr(api, "_make_request", None)
    if not isinstance(session, httpx.Client) or request is None:  # not the HTTP layout this was written for
        return
    session.timeout = httpx.Timeout(timeout)

    def guarded(method: str, path: str, **kwargs):
        try:
            return request(method, path, **kwargs)
        except httpx.TimeoutException as e:
            raise StoreUnavailable(f"the Chroma server at {where} did not answer within {timeout:g}s "
                                   f"({method.upper()} {path})") from e
        except httpx.TransportError as e:
            raise StoreUnavailable(f"the Chroma server at {where} cannot be reached "
                                   f"({type(e).__name__}: {e})") from e

    api._make_request = guarded


# ------------------------------------------------------------------ embedded mode: read-only stores

_read_only_copies: dict[tuple, Path] = {}


def _openable(path: Path) -> Path:
    """`path`, or a private temporary copy of it when Chroma could not write there.

    Chroma writes to its database even to read ("attempt to write a readonly database"), so a
    store in a read-only folder is copied once per process (per version of its files) and the
    copy is opened; copies are removed at exit. A missing store is returned as it is.
    """
    database = path / "chroma.sqlite3"
    if not database.exists() or (config.writable(path) and config.writable(database)):
        return path
    key = (str(path.resolve()), _tree_signature(path))
    copy = _read_only_copies.get(key)
    if copy is None or not copy.exists():
        copy = Path(tempfile.mkdtemp(prefix=READ_ONLY_COPY_PREFIX)) / "chroma"
        shutil.copytree(path, copy, copy_function=shutil.copyfile)
        _make_owner_writable(copy)
        _read_only_copies[key] = copy
    return copy


def _tree_signature(folder: Path) -> tuple:
    """(name, size, modified) of every file under `folder`: a rebuilt store gets a fresh copy."""
    return tuple((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                 for p in sorted(folder.rglob("*")) if p.is_file())


def _make_owner_writable(folder: Path) -> None:
    """copytree copies a read-only folder's permission bits; the copy must be writable by us."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o700)
        for name in files:
            os.chmod(os.path.join(root, name), 0o600)


@atexit.register
def _remove_read_only_copies() -> None:
    """Remove this process's temporary copies of read-only stores."""
    for copy in list(_read_only_copies.values()):
        shutil.rmtree(copy.parent, ignore_errors=True)
    _read_only_copies.clear()


def target() -> str:
    """Where the vectors live: "embedded" or the server's address (recorded in the manifest)."""
    server = config.chroma_server()
    return f"http://{server[0]}:{server[1]}" if server else "embedded"


def server_problem(timeout: float | None = None) -> str | None:
    """None when no server is configured or it answers its heartbeat; else what is wrong.

    Probed with a plain HTTP request first, with a timeout and no proxy: Chroma's own
    client waits forever on a server that accepts the connection but never replies.
    """
    import http.client

    server = config.chroma_server()
    if not server:
        return None
    try:
        connection = http.client.HTTPConnection(server[0], server[1], timeout=timeout or SERVER_TIMEOUT)
        try:
            connection.request("GET", "/api/v2/heartbeat")
            status = connection.getresponse().status
        finally:
            connection.close()
        if status != 200:
            raise ConnectionError(f"heartbeat answered HTTP {status}")
        client().heartbeat()
        return None
    except Exception as e:
        return (f"the Chroma server at {target()} (CHROMA_HOST/CHROMA_PORT) does not answer: "
                f"{type(e).__name__}: {e}")


def forget_clients() -> None:
    """Drop Chroma's cached clients so a swapped-in store is opened afresh."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:  # older layout
        from chromadb.api.client import SharedSystemClient
    SharedSystemClient.clear_system_cache()


def vector_store(name: str, chroma_client=None, metadata: dict | None = None):
    """The langchain-chroma store for one collection, with our embedding function."""
    from langchain_chroma import Chroma

    return Chroma(collection_name=name, embedding_function=embeddings(),
                  client=chroma_client or client(),
                  collection_metadata={"hnsw:space": "cosine", **(metadata or {})})


def sentence_items(chunks: list[Chunk]) -> list[tuple[str, str, dict]]:
    """(id, text, metadata) of every sentence of every chunk."""
    return [(f"{c.id}-s{i}", s, {**c.metadata(), "chunk_id": c.id, "position": i})
            for c in chunks for i, s in enumerate(split_sentences(c.text))]


def sentence_embed_text(sentence: str, meta: dict) -> str:
    """A sentence is embedded under its nearest heading, so "This project ran between May 2023 and
    December 2024" carries which project it is about."""
    heading = meta.get("subsection") or meta.get("case_study") or meta.get("section") or meta.get("chapter")
    return f"{heading}: {sentence}" if heading else sentence


@dataclass
class StageResult:
    chunks: int
    sentences: int
    embedded: int  # texts embedded by this build
    reused: int  # texts whose stored vector was reused


def _drop(chroma, name: str) -> None:
    try:
        chroma.delete_collection(name)
    except StoreUnavailable:
        raise
    except Exception:  # not there
        pass


def _stored_vectors(name: str, ids: list[str]) -> dict[str, list[float]]:
    """Stored vectors of those ids that the live collection holds; {} when it can't be read."""
    out: dict[str, list[float]] = {}
    try:
        collection = client().get_collection(name)  # the live store: the server, or the current embedded one
        for start in range(0, len(ids), FETCH_BATCH):
            got = collection.get(ids=ids[start:start + FETCH_BATCH], include=["embeddings"])
            for i, vec in zip(got["ids"], got["embeddings"]):
                out[i] = [float(x) for x in vec]
    except (KeyboardInterrupt, SystemExit, StoreUnavailable):
        raise
    except BaseException:  # unreadable: embed everything afresh
        return {}
    return out


def stage(chunks: list[Chunk], path: Path, build_id: str, reuse: bool = True,
          progress: bool = True, fingerprint: str = "") -> StageResult:
    """Write complete, fresh collections aside (never the live ones) tagged with `build_id`.

    Embedded: at `path` (the staging store's chroma folder). Server: `<name>-staging`.
    With `reuse`, vectors already in the live collections are copied, not recomputed.
    """
    from tqdm import tqdm

    server = config.chroma_server() is not None
    chroma = client() if server else client(path)
    names = staged_names() if server else (CHUNKS, SENTENCES)
    for name in names:
        _drop(chroma, name)
    meta = {"build_id": build_id, "fingerprint": fingerprint}
    chunk_store = vector_store(names[0], chroma, meta)._collection
    sentence_store = vector_store(names[1], chroma, meta)._collection
    sentences = sentence_items(chunks)
    stored_chunks: dict[str, list[float]] = {}
    stored_sentences: dict[str, list[float]] = {}
    if reuse:
        stored_chunks = _stored_vectors(CHUNKS, [c.id for c in chunks])
        stored_sentences = _stored_vectors(SENTENCES, [i for i, _, _ in sentences])
    reused = sum(c.id in stored_chunks for c in chunks) + sum(i in stored_sentences for i, _, _ in sentences)
    embedded = 0
    total = len(chunks) + len(sentences)
    with tqdm(total=total, desc="Embedding", unit="text", disable=not progress) as bar:
        jobs = [(chunk_store, [(c.id, c.embed_text, c.text, c.metadata()) for c in chunks], stored_chunks),
                (sentence_store, [(i, sentence_embed_text(s, m), s, m) for i, s, m in sentences], stored_sentences)]
        for collection, items, stored in jobs:
            for start in range(0, len(items), BATCH):
                batch = items[start:start + BATCH]
                missing = [item for item in batch if item[0] not in stored]
                if missing:
                    fresh = embeddings().embed_documents([embed_text for _, embed_text, _, _ in missing])
                    stored.update({item[0]: vec for item, vec in zip(missing, fresh)})
                    embedded += len(missing)
                collection.add(ids=[i for i, _, _, _ in batch], embeddings=[stored[i] for i, _, _, _ in batch],
                               documents=[doc for _, _, doc, _ in batch], metadatas=[m for _, _, _, m in batch])
                bar.update(len(batch))
    if chunk_store.count() != len(chunks) or sentence_store.count() != len(sentences):
        raise RuntimeError(f"staged collections hold {chunk_store.count()} chunks and {sentence_store.count()} "
                           f"sentences, expected {len(chunks)} and {len(sentences)}")
    return StageResult(len(chunks), len(sentences), embedded, reused)


def staged_names() -> tuple[str, str]:
    return CHUNKS + STAGING_SUFFIX, SENTENCES + STAGING_SUFFIX


def publish() -> None:
    """Server mode: rename the staged collections over the live ones (embedded: index.build swaps folders).

    The old live collections are renamed aside first and dropped only once the new
    ones are in place; if a rename fails, the old ones are put back.
    """
    if not config.chroma_server():
        return
    chroma = client()
    existing = {c.name if hasattr(c, "name") else str(c) for c in chroma.list_collections()}
    for live in (CHUNKS, SENTENCES):
        staged, old = live + STAGING_SUFFIX, live + OLD_SUFFIX
        _drop(chroma, old)
        moved_aside = False
        try:
            if live in existing:
                chroma.get_collection(live).modify(name=old)
                moved_aside = True
            chroma.get_collection(staged).modify(name=live)
        except Exception:
            if moved_aside:
                try:
                    chroma.get_collection(old).modify(name=live)
                except Exception:
                    pass
            raise
        _drop(chroma, old)


def discard_staging() -> None:
    """Server mode: drop half-built staging collections after a failed build."""
    if not config.chroma_server():
        return
    try:
        chroma = client()
        for name in staged_names():
            _drop(chroma, name)
    except Exception:  # the server is gone: the next build drops them before staging again
        return


def adoptable(fingerprint: str, chunks: int, sentences: int) -> str | None:
    """Server mode: the build id of live collections that another replica already built from
    exactly these seeds and this code (same fingerprint, same counts, healthy); else None."""
    if not config.chroma_server() or not fingerprint:
        return None
    try:
        live = client().get_collection(CHUNKS).metadata or {}
    except StoreUnavailable:
        raise
    except Exception:
        return None
    if live.get("fingerprint") != fingerprint:
        return None
    if store_problem(chunks, sentences, fingerprint=fingerprint) is not None:
        return None
    return live.get("build_id")


def store_problem(expected_chunks: int, expected_sentences: int | None = None,
                  build_id: str | None = None, fingerprint: str | None = None) -> str | None:
    """Why the live collections can't be used, or None when they open, hold what the manifest
    says, come from the build it records (or, on a shared server, from an identical build:
    same `fingerprint`), and answer a nearest-neighbour probe.

    Raises StoreUnavailable when the server can't be reached: that is not a broken store."""
    if not config.chroma_server():
        damaged = _sqlite_damage(config.chroma_dir() / "chroma.sqlite3")
        if damaged:
            return damaged
    try:
        chroma = client()
        problems = []
        for name, expected in ((CHUNKS, expected_chunks), (SENTENCES, expected_sentences)):
            collection = chroma.get_collection(name)
            meta = collection.metadata or {}
            same_build = not build_id or meta.get("build_id") == build_id
            same_content = bool(fingerprint) and meta.get("fingerprint") == fingerprint
            if not (same_build or same_content):
                return f"collection {name} is not the one the manifest records (another build)"
            count = collection.count()
            if expected is not None and count != expected:
                problems.append(f"{name} holds {count} items, the manifest says {expected}")
                continue
            if count == 0:
                problems.append(f"{name} is empty")
                continue
            probe = collection.get(limit=1, include=["embeddings"])
            found = collection.query(query_embeddings=[list(probe["embeddings"][0])], n_results=1, include=[])
            if not found["ids"] or not found["ids"][0]:
                problems.append(f"{name} does not answer a search")
        return "; ".join(problems) or None
    except (KeyboardInterrupt, SystemExit, StoreUnavailable):
        raise
    except BaseException as e:  # Chroma's Rust core raises PanicException (a BaseException) on broken files
        return f"cannot be read ({type(e).__name__}: {str(e)[:160]})"


def _sqlite_damage(path: Path) -> str | None:
    """SQLite's own page-level check of the embedded store's database file (read-only)."""
    import sqlite3

    if not path.exists():
        return f"{path.name} is missing"
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        return f"{path.name} cannot be read ({e})"
    return None if result == "ok" else f"{path.name} is damaged ({str(result)[:160]})"

