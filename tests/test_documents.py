"""Questions answered from the report text: the right sentence or list, quoted, with its citation."""
from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("question, facts, year, section", [
    ("How much was Leeds awarded for the SEND project?", ["£112,268"], "2024-25", "SEND Good Practice project"),
    ("What are the four vital steps to rebalance the system?",
     ["Local buy-in", "Investment in partnerships", "streamlined access", "Shared data systems"], "2023-24", "Rebalancing the system"),
    ("What was programme funding for 2023-24?", ["£181,645,127"], "2023-24", "Executive Summary"),
    ("Which areas are wave one pathfinders?", ["Dorset", "Lincolnshire", "Wolverhampton"], "2023-24", ""),
    ("Who is running the systemic practice trial?", ["Coram", "Ecorys"], "2024-25", "Systemic practice trial"),
    # a count of councils about a topic only the text covers: the data survey's share, not an outcome count
    ("how many councils improved their data sharing in 2023", ["45% of local authorities"], "2023-24", "Data Survey"),
    # a council's "pilot" is its project, and the £ it was awarded says how much money it got
    ("how much money did leicestershire get for its pilot", ["£84,057"], "2024-25", "Leicestershire County Council"),
    # a money question's sentence with a £, not "has funded local areas to help 612,164 families" scoring as well
    ("what was the funding for supporting families in 2023-24", ["£181,645,127"], "2023-24", "Executive Summary"),
    # the councils are named where the project starts, their awards in a section on each
    ("which councils got money for the mental health pilots", ["Hull, Kirklees, Leicestershire, Southwark and Wiltshire"],
     "2024-25", "Mental Health Good Practice project"),
])
def test_answers_with_citation(ask, question, facts, year, section):
    answer = ask(question)
    assert answer.route == "documents", answer.text
    for fact in facts:
        assert fact in answer.text, (fact, answer.text)
    assert any(s.year == year and section in s.section for s in answer.sources), answer.sources
    assert all(s.quote in answer.text for s in answer.sources)  # quoted, not paraphrased


@pytest.mark.parametrize("question", [
    # "pot" is money (vocabulary money_words, and the reports say "funding"); "how big" names no topic
    "how big was the pot for supporting families in 2023-24",
    "whats the total pot for 2022 to 2025",
])
def test_everyday_words_for_funding(ask, question):
    answer = ask(question)
    assert answer.route == "documents" and "£695m for 2022-2025" in answer.text, answer.text


@pytest.mark.parametrize("words", [("engage", "engaged"), ("outcome", "outcomes"), ("practice", "practices"),
                                   ("collected", "collect"), ("running", "run"), ("evaluated", "evaluation"),
                                   ("allocated", "allocation"), ("updated", "update"), ("spent", "spending"),
                                   ("paid", "pay"), ("led", "leading"), ("wrote", "writing"),
                                   ("case", "cases"), ("rate", "rates"), ("date", "dates"), ("family", "families"),
                                   ("authority", "authorities"),
                                   # British doubled "l" meets the single one (and the American spelling)
                                   ("trial", "trialled", "trialling"), ("model", "modelling", "modeling"),
                                   ("travel", "travelling", "traveled"), ("level", "levelling"),
                                   ("counselling", "counseling"), ("install", "installed"),
                                   # American spellings meet the reports' British ones
                                   ("program", "programme", "programmes"), ("organization", "organisation"),
                                   ("behavior", "behaviour"), ("neighboring", "neighbouring")])
def test_forms_of_a_word_share_one_stem(words):
    from qa.retrieval import stem

    assert len({stem(w) for w in words}) == 1, [stem(w) for w in words]


@pytest.mark.parametrize("question, fact", [
    ("how many annual reports had there been by 2023-24", "This is the programme's eighth annual report"),
    # what is counted (reports, years) is the topic itself, which the passage must share
    ("how many annual reports has the programme published", "ninth annual report"),
    ("how many years did supporting families run for", "After 13 years of delivery"),
])
def test_an_ordinal_is_the_figure_a_number_question_asks_for(ask, question, fact):
    assert fact in ask(question).text


def test_a_question_worded_unlike_the_report_finds_its_sentence(ask):
    answer = ask("how many local areas did family voice engage with")  # the report: "we have engaged with 14…"
    assert "So far, we have engaged with 14 local areas" in answer.text


def test_an_abbreviation_searches_what_it_stands_for(ask):
    answer = ask("how many local authorities have EA status")  # the report: "…achieved Earned Autonomy status"
    assert "21 local authorities have now achieved Earned Autonomy status" in answer.text


def test_initials_that_are_a_word_or_its_stem_are_no_short_form(built):
    from qa.retrieval import default_retriever, stem

    retriever = default_retriever()
    unwritten = retriever.unwritten
    assert unwritten["ldaf"] == {"loc", "data", "accelerator", "fund"}  # (stems)
    assert unwritten["cas"] == {"children", "adult", "servic"}  # "Children and Adult Services"
    said = {w.lower() for text in retriever.sentence_text for w in re.findall(r"[A-Za-z]+", text)}
    assert not set(unwritten) & (said | {stem(w) for w in said})  # no word the reports use, nor a stem of one
    assert "ea" not in unwritten  # defined by the reports themselves: "Earned Autonomy (EA)"


@pytest.mark.parametrize("question, fact", [
    ("how many local authorities have earned autonomy status now", "21 local authorities have now achieved"),
    ("latest data survey - how many LAs responded", "149 local authorities responded"),
])
def test_now_falls_back_to_the_report_that_says(ask, question, fact):
    answer = ask(question)  # "now" is the 2024-25 report, which does not say; the 2023-24 one does
    assert answer.route == "documents"
    assert "The 2024-25 report doesn't say" in answer.text and fact in answer.text
    assert "five local authorities" not in answer.text  # the SEND project counts authorities, not EA ones


@pytest.mark.parametrize("question, fact", [
    # a start: "…each year since 2019", not "the 2023 Data Survey shows…"
    ("when did the data survey start", "each year since 2019"),
    # words the reports never use, searched with theirs (vocabulary related_words): areas at a minimum score
    # "are invited to apply"; the programme "ended"; "going forward" is what replaced it; "budget" is "funding"
    ("how do councils qualify for earned autonomy", "minimum score for nine specific EHSG descriptors"),
    ("what's the eligibility for EA", "minimum score for nine specific EHSG descriptors"),
    ("is supporting families still going", "ended on 31 March 2025"),
    ("does the programme still exist", "ended on 31 March 2025"),
    ("what happened to the programme", "ended on 31 March 2025"),
    ("what replaced supporting families", "Families First Partnership (FFP) Programme"),
    ("what comes after the supporting families programme", "Families First Partnership (FFP) Programme"),
    ("what was the programme's budget in 2023-24", "£695m"),
    ("whats the total budget for 2022 to 2025", "£695m"),
    # families were "supported", and "overall" names no topic of its own
    ("how many families has the programme helped overall", "858,179"),
    # a running total asked of the final report is its "In this time" figure, not the year's total; "over the
    # whole life of the programme" says which total, and names no topic
    ("total families helped over the whole life of the programme, per the final report?",
     "In this time, 858,179 vulnerable families have been supported"),
    # "PbR" is spelt out in the sentence quoted, though not in capitals only
    ("what does PbR stand for", "Payment by Results (PbR)"),
    # the term ends a sentence and the next says what "this" is; "what's" leaves no stray "s" to search for
    ("what's family help", "including Family Help. This will provide effective and intensive support"),
    # a defining phrase must stand beside the term: "a shared definition of rebalancing…" defines rebalancing
    ("what is family help?", "This will provide effective and intensive support"),
    # "what kinds of X" asks about X; the programme was "taken over" when its ownership moved; a "law" is an Act
    ("what kinds of problems do the families have", "unemployment, poor school attendance"),
    ("who took over the programme in april 2024", "to the Department for Education in April 2024"),
    ("what law makes them publish this report", "Welfare Reform and Work Act 2016"),
    # a "when" question takes the dated sentence of the same section over a better-worded undated one;
    # a project that "finished" was "completed"
    ("when did the mental health pilots start", "This project ran between April 2023 to September 2024"),
    ("when did the send pilots finish", "The project was completed in December 2024"),
    # when something runs is a span ("From July 2023 to March 2025"), not when it was announced; "the rest of"
    # the money is "all remaining funding"
    ("when does the families first for children pathfinder run?", "From July 2023 to March 2025"),
    ("when was the rest of the payment by results money released?", "All remaining funding was released to local "
                                                                     "authorities following quarter 2"),
    # the programme's own name is what these ask about
    ("what is supporting families", "The Supporting Families programme"),
    # "before supporting families" is the text's "prior to"; "like" asks nothing of its own
    ("what was norfolk like before supporting families", "Prior to 2012, Norfolk's early help system"),
    # when: "in the coming months" is the time the report gives
    ("when is the spend report out", "published on gov.uk in the coming months"),
    # a misspelt council is searched as the tables spell it, and with a topic of the text it is no chat
    ("nottinghm send money?", "Nottingham was awarded £91,466"),
    ("hull mental health money?", "Hull was awarded £90,000"),
    # a "lesson" is what the reports call a "key finding" (a text topic: not the council's figures)
    ("what's oxfordshire's big lesson", "A key finding for Oxfordshire is that investing time in relationships"),
    ("main takeaway from the mental health pilots", "the consultation models showed positive outcomes"),
    ("tell me about supporting families", "858,179 successful family outcomes"),
    ("tell me everything about supporting families", "858,179 successful family outcomes"),
    # fillers of talk search nothing: "even" is not the training "in the evening"
    ("what even is supporting families", "a joined-up whole family, whole system approach to Early Help"),
    # the reports write only "Local Data Accelerator Fund", "Independent Review of Children's Social Care";
    # people shorten them to their initials
    ("how much funding did the ldaf have", "£7.9m innovation fund"),
    # "special needs" is what "SEND" stands for, in a heading the reports seldom spell out
    ("How much money went to Leeds for the special needs pilot?", "Leeds was awarded £112,268"),
    # a figure a question claims ("about £150 million") is checked, not searched for as its topic
    ("Is it true the scheme's budget for the 2023 to 2024 year was about £150 million?",
     "Programme funding for 2023-24 was £181,645,127"),
    # …and the name they stand for is the topic the passage must be about ("money" is its "funding")
    ("where did the LDAF money come from", "This funding was provided by HM Treasury's £200m Shared Outcomes Fund"),
    ("what did the IRCSC recommend", "As recommended by the Independent Review of Children's Social Care"),
])
def test_everyday_words_find_what_the_reports_say(ask, question, fact):
    answer = ask(question)
    assert answer.route == "documents" and fact in answer.text


@pytest.mark.parametrize("question", [
    "My boss says the department switch won't change anything for us. Is that what the 2023-24 report says?",
    "they've said the pilots can't carry on, haven't they?",
])
def test_a_contraction_is_no_name_the_reports_lack(ask, question):
    assert "don't mention" not in ask(question).text


def test_ocr_artefacts_do_not_reach_answers(ask):
    answer = ask("What did the minister say about being grateful?")
    assert "| am" not in answer.text and "¢" not in answer.text


def test_differing_figures_from_both_reports(ask):
    answer = ask("How many areas did Lincolnshire and Staffordshire support?")
    assert "19" in answer.text and "twenty" in answer.text
    assert {s.year for s in answer.sources} == {"2023-24", "2024-25"}


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "Who won the 2022 World Cup?",
    "How many families did Edinburgh support in 2023-24?",
    "What was Leeds' budget for 2024-25?",
    # "which council…" is answered by a sentence naming councils: it must be about spot checks too
    "which council had the most spot check failures",
    # one shared word of four ("rate") is not the answer: "the response rate is 97%"
    "what was the payment by results rate per outcome",
    # the words searched for "finish" ("ran until") are no answer without FFP itself
    "when will FFP finish",
    # "council" is in every other passage: spending (met at "spent") or a payment per outcome must be there
    "which council spent the most on supporting families",
    "how much was each council paid per outcome in 2024-25",
    # a signature line ranked only by default is no answer about who leads a trial
    "what is the name of the coram researcher on the systemic trial",
    # a figure for a group the reports don't count is not the national figure
    "what's the success rate for families with disabled children",
    # a possessive is the council's name, not a word the reports never use ("don't mention birmingham's")
    "what was birmingham's funding in 2024-25",
    # a cost is of the thing asked about: the peer support projects' cost is no evaluation's
    "how much did the national evaluation cost",
    # a share is of the thing asked about: "44% of local authorities" is no share of families
    "what percentage of families had a lead practitioner",
    # an award for a council's project is not the council's budget, nor a pilot it didn't run
    "what was wakefield's budget for 2024-25",
    "kirklees youth justice pilot - how much funding did it get",
    # everyday topics the reports never mention (vocabulary asked_topics), whatever else the passage shares
    "did supporting families cut child poverty",
    "were teenage pregnancies down in the pathfinder areas",
    # an amount for one family is not the peer support projects' total cost
    "what's the average cost of helping one family",
    # a loss the reports never tell of: not the areas Earned Autonomy was awarded to, nor those marked with it
    "which councils lost earned autonomy",
    "did any area have its earned autonomy removed",
])
def test_declines_what_the_reports_do_not_say(ask, question):
    answer = ask(question)
    assert answer.route == "none", answer.text
    assert "reports cover" in answer.text


@pytest.mark.parametrize("question, said", [
    # the everyday name for what the reports call otherwise: MHCLG's "handover" is DLUHC's move of ownership
    ("What prompted the handover of the programme from MHCLG to DfE in april 2024?",
     "As recommended by the Independent Review of Children's Social Care"),
    # "PbR" is the Payment by Results the passage names; "sending" is no SEND project
    ("PbR was scrapped in 2024-25 so why are LAs still sending in claims?", "the payment by results mechanism"),
    # "rationale" asks why; it is no topic the reports lack
    ("What was the rationale for giving some councils earned autonomy rather than keeping them on payment by "
     "results?", "Earned Autonomy"),
])
def test_words_the_reports_do_not_use_are_read_as_theirs(ask, question, said):
    answer = ask(question)
    assert said in answer.text, answer.text
    assert "couldn't find" not in answer.text and "don't mention" not in answer.text


@pytest.mark.parametrize("question, route, said", [
    ("when did the mental health pilot wrap up", "documents", "September 2024"),
    # an end asked for needs a passage saying something ends: the FFP's £500m "in 2025-26" gives no end
    ("when will the FFP programme be wound up?", "none", "reports cover"),
    # a figure that names a wave is no count asked for: the wave's areas
    ("the wave 1 pathfinder areas pls", "documents", "Dorset, Lincolnshire"),
    # an American spelling ("program") is the reports' word
    ("on what date did the Supporting Families program end?", "documents", "ended on 31 March 2025"),
    # read as a share or an amount, but asking for neither: what the reports say of it
    ("what older schemes fed into the children's social care reforms", "documents",
     "Strengthening Families, Protecting Children programme"),
    # "kids … ending up in care" is the reports' "children … going into care"
    ("what share of kids on the programme went into care afterwards - did it go down?", "documents",
     "the proportion of children on the programme going into care reduced by a third"),
    ("by how much did the number of kids on the programme ending up in care fall?", "documents",
     "the proportion of children on the programme going into care reduced by a third"),
])
def test_everyday_asks_are_answered_in_the_reports_words(ask, question, route, said):
    answer = ask(question)
    assert answer.route == route, answer.text
    assert said in answer.text


@pytest.mark.parametrize("question, said", [
    ("the spend research, what was it meant to find out?", "This research aimed to understand how local areas are "
                                                            "spending early help funding"),
    ("family therapy trial - what was it trying to find out?", "The Family Therapy Trial aims to test the use of "
                                                               "systemic family therapy"),
])
def test_a_question_ending_in_find_out_is_the_question(ask, question, said):
    """ "…to find out?" at the end asks what something was for; it is no request with the question after it."""
    answer = ask(question)
    assert answer.route == "documents", answer.text
    assert said in answer.text


@pytest.mark.parametrize("question, said", [
    ("was ending the programme the right decision?",
     "The reports don't give a verdict on this. The nearest they say is in the 2024-25 report (Ministerial Foreword)"),
    ("Kirklees dropped to 20% in 2024-25, is that poor management on their part?",
     "not whether it was well run. What they do give, from the outcome tables: In 2024-25 Kirklees achieved 247 of its "
     "maximum of 1,205 funded outcomes (20%)"),
    # the programme set against other programmes or countries: a comparison the reports never make
    ("Does Family Nurse Partnership get better results than Supporting Families?",
     "The reports don't give a verdict on this."),
    ("Have other countries like the Netherlands or Australia got better results with whole family programmes than "
     "England?", "The reports don't give a verdict on this."),
    ("is the supporting families approach more effective than the healthy child programme?",
     "The reports don't give a verdict on this."),
    # a word the reports don't use ("scrapping") in a verdict asked is no sign they don't cover the topic
    ("was scrapping payment by results a good idea?", "The reports don't give a verdict on this. The nearest they say"),
    ("whose fault is it that Cumberland fell so far last year?",
     "not whether it was well run. What they do give, from the outcome tables: In 2024-25 Cumberland achieved 115"),
])
def test_a_verdict_the_reports_do_not_give_is_declined_with_what_they_say(ask, question, said):
    """A judgement ("the right decision", "poor management", "whose fault") is no fact in the reports: declined,
    and what they do say is given as such (no "Yes."/"No." from a target check)."""
    answer = ask(question)
    assert answer.route == "none", answer.text
    assert said in answer.text, answer.text
    assert not answer.text.startswith(("Yes", "No"))


def test_compound_question_gets_both_parts(ask):
    answer = ask("How did Norfolk do in 2024-25, and what is Earned Autonomy?")
    assert "1,838" in answer.text
    assert "Earned Autonomy" in answer.text
    assert answer.routes == ["table", "documents"]


def test_an_aside_between_the_parts_still_splits_them(ask):
    answer = ask("how did lewisham do in 23/24, and btw how much was Wakefield awarded for the SEND project?")
    assert "Lewisham achieved 670" in answer.text and "Wakefield was awarded £80,488" in answer.text, answer.text


@pytest.mark.parametrize("question, facts", [
    ("Which local authority had the lowest percentage achieved in 2024-25, and what was it?", ["Torbay", "6%"]),
    ("who got the most outcomes last year and how many was that?", ["Greater Manchester", "6,685"]),
    ("which area topped the table in 23/24 & what was its figure", ["Greater Manchester", "3,443"]),
])
def test_a_part_that_only_asks_again_for_the_answer_is_not_a_question_of_its_own(ask, question, facts):
    """ "…, and what was it?": the first part's answer gives it; no "I couldn't find this" after it."""
    answer = ask(question)
    assert answer.routes == ["table"], answer.text
    assert all(f in answer.text for f in facts), answer.text


@pytest.mark.parametrize("question", ["when did the programme end and what comes next?",
                                      "Can you tell me when the programme ended and what comes next?"])
def test_a_second_part_follows_the_passage_the_first_quoted(ask, question):
    """ "what comes next?" in the same message as "when did it end" reads on from the ending, as in a chat."""
    answer = ask(question)
    assert answer.routes == ["documents", "documents"]
    assert "ended on 31 March 2025" in answer.text and "Families First Partnership (FFP) Programme" in answer.text


def test_a_statement_before_numbered_parts_is_what_the_first_is_about(ask):
    answer = ask("I'm at Hull. Q1) our 23/24 percentage Q2) what did we do in the mental health pilot")
    assert answer.routes == ["table", "documents"]
    assert "Kingston upon Hull achieved 23% of its funded successful family outcomes in 2023-24" in answer.text
    assert "Hull was awarded £90,000" in answer.text and "2024-25 (" not in answer.text


@pytest.mark.parametrize("message", [
    "Two things: 1) how many outcomes did Kent achieve in 2023-24 and 2) who wrote the foreword to the 2024-25 report?",
    "q1: kent outcomes 2023-24 q2: who wrote the 2024-25 foreword",
])
def test_numbered_parts_are_each_answered_on_their_own(ask, message):
    """ "1) … and 2) …", "Q1: … Q2: …": two questions; the second names its own report, so it is not asked
    about Kent."""
    answer = ask(message)
    assert answer.routes == ["table", "documents"]
    assert "2,314" in answer.text and "Janet Daby MP" in answer.text
    assert "don't say this about Kent" not in answer.text


def test_a_request_inside_a_letter_is_each_of_its_questions(ask):
    """ "…and I want to know what the programme is and whether it still exists": the story before the request
    is no topic; both questions are answered."""
    answer = ask("Dear Sir/Madam, I am writing as a parent. My family was supported by the council and I want to "
                 "know what the programme is and whether it still exists. Regards")
    assert "858,179 successful family outcomes" in answer.text
    assert "the Supporting Families programme ended on 31 March 2025" in answer.text


def test_and_why_after_an_areas_figures_gives_them_and_says_no_reason_is_given(ask):
    answer = ask("how did leeds do last year and why")
    assert answer.routes == ["table", "none"]
    assert "Leeds achieved 2,102" in answer.text and "The reports don't give a reason for Leeds's figures" in answer.text


def test_a_reason_asked_before_the_figures_it_is_about_comes_after_them(ask):
    answer = ask("Is there a reason given anywhere, and what were Swindon's two percentages?")
    assert answer.routes == ["table", "none"], answer.text
    assert "Swindon achieved 264" in answer.text and "The reports don't give a reason for Swindon's figures" \
        in answer.text


def test_a_part_whose_quote_another_part_holds_is_not_repeated(ask):
    answer = ask("the data team want to know which areas had a data warehouse or lake according to the latest data "
                 "survey, and what % had neither.")
    assert "23% of areas do not have either" in answer.text
    assert answer.text.count("Most areas have a data warehouse or data lake") == 1


@pytest.mark.parametrize("first, follow_up, fact", [
    ("Tell me about the Families First for Children pathfinder", "Which areas are in wave one?", "Wolverhampton"),
    # "its sections" after the EHSG: the guide's five, named from its table
    ("what is the EHSG", "what are its sections", "Family Voice, Workforce, Communities, Leaders and Data"),
    # the figure asked for may be in the sentence just quoted
    ("what is the EHSG", "how many descriptors does it have", "thirty-one descriptors"),
])
def test_document_follow_up(converse, first, follow_up, fact):
    assert fact in converse(first, follow_up).text


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x07", "a " * 50_000, "🙂🙂🙂", "'; DROP TABLE outcomes; --"])
def test_bad_input_gets_a_clear_message(ask, tool, bad):
    answer = ask(bad)
    assert answer.route == "none" and answer.text.strip()
    assert len(tool.all_rows()) == 282


@pytest.mark.parametrize("question", ["outcomes to date nationally", "total outcomes since 2012?",
                                      "how many families has supporting families ever helped",
                                      # the other report's running total beside this one's, not one year's figure
                                      "grand total of successful family outcomes over the whole life of the "
                                      "programme?"])
def test_a_running_total_is_the_reports_figure_over_the_programmes_years(ask, question):
    """The tables give one year each; the text gives the running total (the newer report's is in a long executive
    summary whose sentence is found on its own, not by the whole summary's likeness to the question)."""
    answer = ask(question)
    assert answer.route == "documents", answer.text
    assert "858,179 successful family outcomes from April 2012 to March 2025" in answer.text, answer.text


def test_a_sentence_opening_with_their_carries_on_the_one_it_follows(ask):
    """ "Wakefield was awarded £80,488. Their vision was to use a whole family assessment…": what the money was for."""
    answer = ask("what did wakefield spend its send money on")
    assert "£80,488. Their vision was to use a whole family assessment process" in answer.text, answer.text


def test_a_year_beyond_the_reports_that_the_text_names_finds_the_sentence_naming_it(ask):
    """2025-26 is in no table, but the 2024-25 report says what is committed for it (not 2023-24's funding)."""
    answer = ask("what was the budget for 2025-26")
    assert answer.route == "documents", answer.text
    assert "over £500 million" in answer.text and "in 2025-26 through the Families First Partnership" in answer.text
    assert "181,645,127" not in answer.text


def test_a_rate_is_of_what_it_names(ask):
    """The 2024-25 data survey gives no response rate ("28% provide regularly updated data…" is not one); the
    2023 survey's is offered, marked as the other report's."""
    answer = ask("what was the response rate for the 2024 data survey")
    assert "28%" not in answer.text
    assert "The 2024-25 report doesn't give a response rate" in answer.text
    assert "The response rate is 97%" in answer.text


def test_a_count_of_areas_is_answered_by_their_share(ask):
    """ "How many areas give practitioners…" counts areas; "About half of areas (52%)" answers it."""
    answer = ask("how many areas give practitioners data access")
    assert answer.route == "documents" and "About half of areas (52%) give practitioners access" in answer.text


@pytest.mark.parametrize("question, fact", [
    # a count with no threshold and nothing of the tables is not "how many hit 100%": the text gives it
    ("how many las responded in 2023", "149 local authorities responding in 2023"),
    ("how many councils got EA in 2023-24", "This year, we have awarded six areas Earned Autonomy (EA) status"),
])
def test_a_count_without_a_threshold_is_read_from_the_text(ask, question, fact):
    answer = ask(question)
    assert answer.route == "documents" and fact in answer.text, answer.text
    assert "exactly 100%" not in answer.text
