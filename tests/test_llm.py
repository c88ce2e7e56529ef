"""The optional language model, with LangChain's fake chat models: used only when its numbers check out."""
from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from qa import llm


@pytest.fixture
def fake_model():
    def use(*responses):
        model = FakeListChatModel(responses=list(responses))
        llm.configure(model)
        return model
    yield use
    llm.configure(None)


def test_off_by_default_and_nothing_contacted(ask, monkeypatch):
    monkeypatch.delenv("SF_LLM", raising=False)
    llm.configure(None)
    assert llm.chat_model() is None
    assert ask("How many outcomes did Leeds achieve in 2024-25?").text.startswith("Leeds achieved 2,102")


def test_model_answer_used_when_its_numbers_are_in_the_sources(ask, fake_model):
    fake_model("In 2024-25 Leeds achieved 2,102 of its 2,540 funded outcomes, 83%.")
    answer = ask("How many outcomes did Leeds achieve in 2024-25?")
    assert answer.text.startswith("In 2024-25 Leeds achieved 2,102")
    assert "Annex A" in answer.text  # citations stay


def test_model_answer_with_an_invented_number_is_thrown_away(ask, fake_model):
    fake_model("Leeds achieved 2,500 outcomes in 2024-25.")
    answer = ask("How many outcomes did Leeds achieve in 2024-25?")
    assert "2,500" not in answer.text
    assert answer.text.startswith("Leeds achieved 2,102")


def test_refusals_never_go_to_the_model(ask, fake_model):
    fake_model("Paris.")
    answer = ask("What is the capital of France?")
    assert answer.route == "none" and "Paris" not in answer.text
