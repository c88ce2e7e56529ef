"""Answering side: `from qa import ask` (and `understand`, to see how a question was read)."""
from qa.answer import Answer, Source, ask
from qa.plan import Plan, understand

__all__ = ["ask", "understand", "Answer", "Source", "Plan"]
