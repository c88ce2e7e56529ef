"""Answering side: `from qa import ask`."""
from qa.answer import Answer, Source, ask

__all__ = ["ask", "Answer", "Source"]
