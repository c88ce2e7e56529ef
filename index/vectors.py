"""The Chroma side: chunks and their sentences embedded with all-MiniLM-L6-v2.

Two collections: CHUNKS (what retrieval searches) and SENTENCES (what answers
are cut from, embedded at build time so answering never embeds more than the
question). Embedded Chroma by default; a Chroma server when CHROMA_HOST is set.
Every collection is created with an explicit embedding function: Chroma's
default would try to download a model.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from index import config
from index.chunks import Chunk, split_sentences

CHUNKS = config.COLLECTION + "_chunks"
SENTENCES = config.COLLECTION + "_sentences"
BATCH = 64


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
    """A Chroma client: HTTP when CHROMA_HOST is set, else persistent at `path` (default: the store)."""
    import chromadb

    server = config.chroma_server()
    if server:
        return chromadb.HttpClient(host=server[0], port=server[1], settings=_settings())
    return chromadb.PersistentClient(path=str(path or config.chroma_dir()), settings=_settings())


def forget_clients() -> None:
    """Drop Chroma's cached clients so a swapped-in store is opened afresh."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:  # older layout
        from chromadb.api.client import SharedSystemClient
    SharedSystemClient.clear_system_cache()


def vector_store(name: str, chroma_client=None):
    """The langchain-chroma store for one collection, with our embedding function."""
    from langchain_chroma import Chroma

    return Chroma(collection_name=name, embedding_function=embeddings(),
                  client=chroma_client or client(), collection_metadata={"hnsw:space": "cosine"})


def build_collection(chunks: list[Chunk], path: Path, progress: bool = True) -> None:
    """Embed the chunks and their sentences into fresh collections."""
    from tqdm import tqdm

    chroma = client(path)
    for name in (CHUNKS, SENTENCES):
        try:
            chroma.delete_collection(name)
        except Exception:  # not there yet
            pass
    chunk_store, sentence_store = vector_store(CHUNKS, chroma), vector_store(SENTENCES, chroma)
    sentences = [(f"{c.id}-s{i}", s, {**c.metadata(), "chunk_id": c.id, "position": i})
                 for c in chunks for i, s in enumerate(split_sentences(c.text))]
    total = len(chunks) + len(sentences)
    with tqdm(total=total, desc="Embedding", unit="text", disable=not progress) as bar:
        for start in range(0, len(chunks), BATCH):
            batch = chunks[start:start + BATCH]
            vectors = embeddings().embed_documents([c.embed_text for c in batch])
            chunk_store._collection.add(ids=[c.id for c in batch], embeddings=vectors,
                                        documents=[c.text for c in batch],
                                        metadatas=[c.metadata() for c in batch])
            bar.update(len(batch))
        for start in range(0, len(sentences), BATCH):
            batch = sentences[start:start + BATCH]
            vectors = embeddings().embed_documents([s for _, s, _ in batch])
            sentence_store._collection.add(ids=[i for i, _, _ in batch], embeddings=vectors,
                                           documents=[s for _, s, _ in batch],
                                           metadatas=[m for _, _, m in batch])
            bar.update(len(batch))


def store_is_healthy(expected_chunks: int) -> bool:
    """The collections open and hold what the manifest says; any error means rebuild."""
    try:
        chroma = client()
        count = chroma.get_collection(CHUNKS).count()
        return count == expected_chunks and chroma.get_collection(SENTENCES).count() > 0
    except Exception:
        return False
