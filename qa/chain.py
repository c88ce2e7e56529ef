"""LangChain faces of the assistant, for use in anyone's chain.

    from qa.chain import ReportsRetriever, ask_runnable
    docs = ReportsRetriever(k=3, year="2024-25").invoke("peer support funding")
    answer = ask_runnable.invoke("how did leeds do in 2024-25")       # an Answer
    answers = ask_runnable.batch(["kent vs essex", {"question": "and in 2023-24?", "history": [...]}])

The retriever is the same hybrid search (BM25 + MiniLM, fused) that answers questions; each Document
carries the report year and the chapter › section path it comes from.
"""
from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda


class ReportsRetriever(BaseRetriever):
    """The reports' chunks that best match a query.

    Args:
        k: how many chunks.
        year: only this report ("2023-24"), or every report when None.
    """

    k: int = 5
    year: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        from qa.retrieval import default_retriever

        hits = default_retriever().search(query, k=self.k, year=self.year)
        return [Document(page_content=h.text, metadata={"year": h.meta["year"], "section": h.meta["path"],
                                                        "score": h.score}) for h in hits]


def _ask(request):
    """A question, or {"question": ..., "history": [...]}, to an Answer."""
    from qa.answer import ask

    if isinstance(request, str):
        return ask(request)
    return ask(request["question"], request.get("history"))


ask_runnable = RunnableLambda(_ask, name="supporting_families_ask")
