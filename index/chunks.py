"""Chunks that follow the reports' structure, and the sentences inside them.

A chunk never crosses a heading: it holds consecutive paragraphs of one
chapter › section › subsection, up to MAX_CHARS. A list (its lead-in line and
all its bullets) is always one chunk, so "What are the four vital steps?" can
be answered with the whole list. Sentences are what answers are cut from.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

from index.reports import Block

MAX_CHARS = 900  # chosen on the eval set (see README): recall@5 flat from 700-1200, answers shorter below


@dataclass(frozen=True)
class Chunk:
    id: str
    year: str
    chapter: str
    section: str
    subsection: str
    case_study: str
    path: str
    kind: str  # "text" | "list"
    text: str
    order: int

    def metadata(self) -> dict:
        data = asdict(self)
        data.pop("text")
        data.pop("id")
        return data

    @property
    def embed_text(self) -> str:
        """What gets embedded: the headings give a paragraph its topic."""
        return f"{self.path}\n{self.text}"


def chunk_blocks(blocks: list[Block], max_chars: int = MAX_CHARS) -> list[Chunk]:
    groups: list[tuple[Block, str, list[str]]] = []  # (first block, kind, texts)
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "heading":
            i += 1
            continue
        # A lead-in ending with ":" plus the bullets after it, or a run of bullets, is one list.
        j = i + 1
        while j < len(blocks) and blocks[j].kind == "bullet" and blocks[j].path == b.path:
            j += 1
        if j > i + 1 or b.kind == "bullet":
            groups.append((b, "list", [_as_item(x) for x in blocks[i:j]]))
            i = j
            continue
        groups.append((b, "text", [b.text]))
        i += 1
    chunks: list[Chunk] = []
    pending: tuple[Block, list[str]] | None = None

    def flush():
        nonlocal pending
        if pending:
            chunks.append(_make(pending[0], "text", "\n".join(pending[1]), len(chunks)))
            pending = None

    for first, kind, texts in groups:
        if kind == "list":
            flush()
            for part in _list_parts(texts, max_chars):
                chunks.append(_make(first, "list", "\n".join(part), len(chunks)))
            continue
        text = texts[0]
        for piece in _split_long(text, max_chars):
            if pending and pending[0].path == first.path and len("\n".join(pending[1])) + len(piece) < max_chars:
                pending[1].append(piece)
            else:
                flush()
                pending = (first, [piece])
    flush()
    return chunks


def _list_parts(items: list[str], max_chars: int) -> list[list[str]]:
    """A list with a lead-in line is one answer and stays whole; a long run of bare bullets (an
    executive summary) is cut into parts of at most max_chars, so each part's embedding stays focused."""
    if not items[0].startswith("• ") or len("\n".join(items)) <= max_chars:
        return [items]
    parts: list[list[str]] = [[]]
    for item in items:
        if parts[-1] and len("\n".join(parts[-1] + [item])) > max_chars:
            parts.append([])
        parts[-1].append(item)
    return parts


def _as_item(block: Block) -> str:
    return f"• {block.text}" if block.kind == "bullet" else block.text


def _split_long(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    pieces, current = [], ""
    for sentence in split_sentences(text):
        if current and len(current) + len(sentence) + 1 > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _make(block: Block, kind: str, text: str, order: int) -> Chunk:
    digest = hashlib.sha1(f"{block.year}|{block.path}|{text}".encode()).hexdigest()[:16]
    return Chunk(f"{block.year}-{digest}", block.year, block.chapter, block.section, block.subsection,
                 block.case_study, block.path, kind, text, order)


_ABBREVIATIONS = r"(?<!\be\.g)(?<!\bi\.e)(?<!\bSt)(?<!\bMr)(?<!\bDr)(?<!\bNo)"
_SENTENCE_END = re.compile(_ABBREVIATIONS + r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"‘(£0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; list items are sentences of their own."""
    out = []
    for line in text.split("\n"):
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out
