"""Optional: a language model writes the answer from the quoted passages and table rows.

Off by default, and nothing is contacted when off. Switch it on with SF_LLM:
    SF_LLM=ollama:llama3.1                      (a local Ollama; pip install '.[llm]')
    SF_LLM=openai:MODEL SF_LLM_BASE_URL=http://127.0.0.1:8080/v1   (any OpenAI-compatible server)
or from code with `configure(chat_model)` (any LangChain chat model).
Every number the model writes must appear in the sources it was given; otherwise its text is
thrown away and the extractive answer stands. Numbers are never generated.
"""
from __future__ import annotations

import os
import re

_model = None
_configured = False

PROMPT = """You answer questions about the Supporting Families programme annual reports (2023-24, 2024-25).
Use ONLY the sources below. Do not add facts or numbers that are not in them. Answer in two or three plain
English sentences and name the report year for each fact.

Question: {question}

Sources:
{sources}
"""


def configure(model) -> None:
    """Use this LangChain chat model (None switches the language model off)."""
    global _model, _configured
    _model, _configured = model, True


def chat_model():
    """The configured chat model, or None (the default: no language model, no network)."""
    global _model, _configured
    if _configured:
        return _model
    spec = os.environ.get("SF_LLM", "").strip()
    _configured = True
    if not spec:
        _model = None
    elif spec.startswith("ollama:"):
        from langchain_ollama import ChatOllama

        _model = ChatOllama(model=spec.split(":", 1)[1], temperature=0,
                            base_url=os.environ.get("SF_LLM_BASE_URL", "http://127.0.0.1:11434"))
    elif spec.startswith("openai:"):
        from langchain_openai import ChatOpenAI

        _model = ChatOpenAI(model=spec.split(":", 1)[1], temperature=0,
                            base_url=os.environ.get("SF_LLM_BASE_URL"),
                            api_key=os.environ.get("SF_LLM_API_KEY", "not-needed"))
    else:
        raise ValueError(f"SF_LLM should be 'ollama:MODEL' or 'openai:MODEL', not {spec!r}")
    return _model


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def source_text(answer) -> str:
    parts = []
    for s in answer.sources:
        body = s.quote or "; ".join(", ".join(f"{k}: {v}" for k, v in row.items()) for row in s.rows)
        parts.append(f"[{s.year} report, {s.section}] {body}")
    return "\n".join(parts) + "\n" + answer.text


def rewrite(question: str, answer) -> str | None:
    """The model's answer when every number in it is in the sources; None to keep the extractive one."""
    model = chat_model()
    if model is None or answer.route == "none":
        return None
    sources = source_text(answer)
    try:
        reply = model.invoke(PROMPT.format(question=question, sources=sources))
    except Exception:  # an unreachable or failing model must not stop the answer
        return None
    text = getattr(reply, "content", str(reply))
    if not isinstance(text, str) or not text.strip():
        return None
    if not _numbers(text) <= _numbers(sources) | _numbers(question):
        return None
    return text.strip()
