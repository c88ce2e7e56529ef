"""The LangChain faces: the hybrid retriever as a BaseRetriever and `ask` as a Runnable, in a real chain."""
from __future__ import annotations

from langchain_core.runnables import RunnableLambda


def test_retriever_returns_cited_chunks(built):
    from qa.chain import ReportsRetriever

    docs = ReportsRetriever(k=3).invoke("What is Earned Autonomy?")
    assert len(docs) == 3
    assert any("Earned Autonomy" in d.metadata["section"] for d in docs)
    assert {d.metadata["year"] for d in docs} <= {"2023-24", "2024-25"}


def test_retriever_keeps_to_one_report(built):
    from qa.chain import ReportsRetriever

    docs = ReportsRetriever(k=4, year="2024-25").invoke("peer support cost")
    assert {d.metadata["year"] for d in docs} == {"2024-25"}
    assert any("£300,000" in d.page_content for d in docs)


def test_retriever_in_a_chain(built):
    from qa.chain import ReportsRetriever

    chain = ReportsRetriever(k=1, year="2023-24") | RunnableLambda(lambda docs: docs[0].metadata["section"])
    assert "Families First for Children" in chain.invoke("wave one pathfinder areas")


def test_ask_runnable_invoke_batch_and_stream(built):
    from qa.chain import ask_runnable

    assert "2,102" in ask_runnable.invoke("how did leeds do in 2024-25").text
    first, follow = ask_runnable.batch([
        "how many outcomes did leeds achieve in 2024-25",
        {"question": "and the year before?", "history": [
            {"role": "user", "content": "how many outcomes did leeds achieve in 2024-25"},
            {"role": "assistant", "content": "Leeds achieved 2,102 successful family outcomes in 2024-25."}]},
    ])
    assert "2,102" in first.text and "1,029" in follow.text
    streamed = list(ask_runnable.stream("kent vs essex 2024-25"))
    assert len(streamed) == 1 and "3,403" in streamed[0].text and "2,228" in streamed[0].text
