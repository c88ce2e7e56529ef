"""Answers take the shape the question asks for: definition, person, reason, summary, list, number; and
decline, naming what is missing, when the reports don't give it. Real questions, real report values."""
from __future__ import annotations

import re

import pytest


def quotes(text: str) -> list[str]:
    return re.findall(r"“([^”]+)”", text)


@pytest.mark.parametrize("question, facts, section", [
    # The definition, not the eligibility sentence next to it.
    ("What is Earned Autonomy?", ["progression from Payment by Results", "funding upfront"], "Earned Autonomy"),
    ("what does EHSG stand for", ["Early Help System Guide (EHSG)", "thirty-one descriptors"], "Early Help System Guide"),
    ("what does rebalancing the system mean", ["shared definition of rebalancing the system"], "Rebalancing the system"),
    # An abbreviation question quotes where the abbreviation is introduced.
    ("what does FFP stand for", ["Families First Partnership (FFP)"], "Next steps to support families"),
    # the sentence saying its aim uses the abbreviation; the one before introduces it, and both are quoted
    ("what is the Families First Partnership programme?",
     ["£500 million", "The aim of the FFP Programme is to transform the whole system"], "Next steps to support families"),
    # a term explained after a colon: "…a whole family approach: ensuring there is one assessment, one family plan…"
    ("what is whole family working", ["whole family approach: ensuring there is one assessment, one family plan"],
     "The programme"),
    # read on while a sentence opens with "The <noun>" the one before named ("…a long-established approach…
    # The approach addresses…"); "what's X" with no article names a thing as "what's the X" does
    ("what's systemic practice", ["Systemic Family Therapy", "The approach addresses family issues",
                                 "treats the family as a unit"], "Systemic practice trial"),
    # a term explained in brackets ("the payment by results mechanism (whereby…)"), in the other report than the
    # best-scoring sentence that only names it
    ("what is payment by results", ["whereby local authorities received funding by submitting claims"],
     "Successful family outcomes 2024-25"),
    # "what was the X thing in <year>": what it was (no figure word asked for), not a figure from that year
    ("what was the family voice thing in the 2023-24 report?", ["cross-government project that aims to increase"],
     "Improving local practice"),
])
def test_definition_quotes_the_sentences_that_define_the_term(ask, question, facts, section):
    answer = ask(question)
    assert answer.route == "documents"
    for fact in facts:
        assert fact in answer.text
    assert section in answer.sources[0].section
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", quotes(answer.text)[0])) <= 4  # 2-4 sentences, not a page


@pytest.mark.parametrize("question, names, absent", [
    ("Who signed the foreword of the 2024-25 report?", ["Janet Daby MP", "Minister for Children and Families"],
     ["Felicity Buchan"]),
    ("who signed the foreword of the 2023-24 report", ["Felicity Buchan MP", "David Johnston MP",
                                                       "Minister for Housing and Homelessness"], ["Janet Daby"]),
    ("Who signed the foreword?", ["Janet Daby MP", "Felicity Buchan MP"], []),  # no year: both reports
    ("who signed off the 2024-25 report", ["Janet Daby MP"], ["Felicity Buchan"]),  # no section named
    # loosely worded: no sentence scores well, the section named and its signature block answer
    ("who signed off the foreword on the 23/24 one", ["Felicity Buchan MP", "David Johnston MP"], ["Janet Daby"]),
    ("who wrote the ministerial foreword in 2024-25", ["Janet Daby MP"], ["Felicity Buchan"]),  # who signed wrote it
    ("who wrote the foreword to the newer report", ["Janet Daby MP"], ["Felicity Buchan"]),  # "newer": 2024-25
    # the post asked for names its holders: "which minister…", "the names of the ministers…"
    ("which minister wrote the 2024-25 foreword", ["Janet Daby MP"], ["Felicity Buchan"]),
    ("what are the names of the ministers who signed the 2023-24 foreword", ["Felicity Buchan MP", "David Johnston MP"],
     ["Janet Daby"]),
])
def test_person_comes_from_the_signature_block(ask, question, names, absent):
    answer = ask(question)
    assert answer.route == "documents"
    for name in names:
        assert name in answer.text
    for name in absent:
        assert name not in answer.text
    assert "February Buchen" not in answer.text  # the OCR'd signature image is not a name


@pytest.mark.parametrize("question, names", [
    # the names are in the sentence after the one that matches the question
    ("family voice project - which departments deliver it?", "Department for Work and Pensions"),
    ("which council was the delivery partner on the employment advisors work", "Ealing Council, our delivery partner"),
    # a role asked for ("delivery partner") must be named: the sentence describing the project is read on from
    ("who was the delivery partner for the employment advisor (SFEA) project", "Ealing Council, our delivery partner"),
    # "now" chooses the latest report; it is no topic word ("…now more children are supported…")
    ("what government department is in charge of the programme now?", "to the Department for Education in April 2024"),
])
def test_names_asked_for_are_read_on_for_in_the_next_sentence(ask, question, names):
    answer = ask(question)
    assert answer.route == "documents"
    assert names in answer.text


@pytest.mark.parametrize("question, body", [
    # a body's name, not any capitalised word: "presentations to Leadership, data and IT teams" names none
    ("who delivered the data support for councils", "Somerset Council have provided data sharing"),
    ("who was commissioned to deliver family voice", "Safe Lives"),
    # a name made of the words asked ("Systemic Family Therapy") is the topic, not the body asked for; a body's
    # role ("delivery partners") is what the sentence naming it says it does ("run by")
    ("who ran the systemic practice trial", "The trial is being run by Coram, the Institute of Family Therapy"),
    ("who were the delivery partners for the systemic practice trial", "run by Coram"),
    # "ran between April 2023 and…" says when a project ran, not who ran it
    ("who ran the family voice project?", "Safe Lives"),
])
def test_an_organisation_is_a_name_not_a_capitalised_word(ask, question, body):
    answer = ask(question)
    assert answer.route == "documents" and body in answer.text


def test_person_named_in_a_role(ask):
    """ "Who is the delivery partner…": the post ("delivery") is matched by its stem ("to deliver")."""
    answer = ask("who is the delivery partner for the peer support project")
    assert answer.route == "documents"
    assert "Staffordshire and Lincolnshire were awarded the contract to deliver" in answer.text


def test_a_word_opening_a_bullet_is_no_persons_name(ask):
    """ "• Better signposting…", "• Support for parents…": the early findings name nobody who evaluated them."""
    answer = ask("who evaluated the SEND pilots")
    assert answer.route == "none" and re.search(r"don't give a (?:person's )?name", answer.text)
    assert "SEND Good Practice project" in answer.text  # the nearest passage, marked as such


@pytest.mark.parametrize("question, introduced", [
    ("who is hannah in the report", "Hannah (8) was subject to a special guardianship order"),
    ("who's lauren", "A practitioner from the team, Lauren, arranged to meet the family"),
    ("who was sarah", "living with her grandmother, Sarah"),
    ("remind me who sarah is in that family story", "living with her grandmother, Sarah"),
])
def test_who_is_a_person_the_reports_name_quotes_where_they_are_introduced(ask, question, introduced):
    answer = ask(question)
    assert answer.route == "documents"
    assert introduced in answer.text and "How whole family working helps families" in answer.text


@pytest.mark.parametrize("question, introduced", [
    ("who are IFF research", "The programme appointed IFF research to analyse local spending"),
    ("who are ecorys", "The trial is being run by Coram, the Institute of Family Therapy and Ecorys"),
])
def test_who_is_an_organisation_the_reports_name_quotes_where_they_are_introduced(ask, question, introduced):
    answer = ask(question)
    assert answer.route == "documents" and introduced in answer.text
    assert "don't give a name" not in answer.text


def test_reason_gives_the_cause_with_the_sentence_it_explains(ask):
    answer = ask("when did supporting families move to the department for education?")
    follow = ask("why?", [{"role": "user", "content": "when did supporting families move to the department for "
                                                      "education?"}, {"role": "assistant", "content": answer.text}])
    assert follow.route == "documents"
    assert "As recommended by the Independent Review of Children's Social Care" in follow.text


@pytest.mark.parametrize("question, cause", [
    # the cause is in the sentence after the one that matches the question
    ("how come parents matter so much for attendance in the SEND pilots?",
     "Many parents share anxiety with the children which can compound poor attendance."),
    # a causal sentence ("as a result") beats better-ranked ones that only state a purpose ("to improve")
    ("why did norfolk bring in a partnership board for early help",
     "As a result, they implemented an Early Help Partnership Board"),
    # "what's the reason for X" asks why, as "why" does; a purpose ("aims to") is the reason given
    ("what's the reason for the systemic practice trial",
     "It aims to test whether training keyworkers in systemic practice improves outcomes for families."),
    # "they commission" is a verb, not a body called "the They Commission"
    ("why did they commission the spend study", "commissioned IFF research to look at local spending"),
    # what it was found to give is why it is done ("can save time and money"); what was "recognised" is why a
    # council changed course ("…would seem to partners that the local authority alone was leading…")
    ("why did oxfordshire invest in relationships", "can save time and money and improve outcomes"),
    ("why did norfolk change its early help approach", "they recognised that this would seem to partners that the local "
                                                        "authority alone was leading"),
    # "what's behind…", "what caused…" ask why, as "why" does
    ("what's behind the delays areas had with somerset's data support", "financial, staffing and skills challenges"),
    # "As a result, they implemented…" after "They recognised this…": who "they" are and what "this" was too
    ("how come norfolk started an early help partnership board", "the local authority alone was leading"),
    ("why did councils go for data apprenticeships", "investing in future skills for their workforce"),
    # a word the reports never use, acting on what they do ("redo its … strategy"), is a verb, not a name they
    # lack; "recognising the importance of…" gives the cause
    ("why did norfolk redo its early help strategy in 2021?", "to deepen the focus upon prevention and early help"),
    # a sentence opening with what it is for ("To understand…, we run a data survey every year") gives the reason
    ("reason for running the data survey every single year?", "To understand the maturity of local authorities' "
                                                              "data systems, we run a data survey every year"),
    # a cause a little lower in the best sentence's own section: not the award, which gives no reason
    ("why did southwark focus its SEND link worker on just two areas", "due to the high level of need in the "
                                                                      "localities"),
    # "in line with", "leads to": a cause in other words ("…expected to rise in year three, in line with the
    # increased annual allocations"; "Better signposting … leads to de-escalation of need")
    ("why was the number of outcomes expected to rise in year three", "in line with the increased annual "
                                                                      "allocations"),
    ("what freed up send support workers for the families with the highest needs",
     "which enables support workers to work more intensively"),
    ("in the SEND pilots, what freed up support workers to spend more time with the families that needed the most "
     "help?", "which enables support workers to work more intensively"),
    # a cause that points back in its opening clause ("To deliver this, …", "In turn, this can reduce…") comes
    # with the sentence it points back to, which says what "this" is
    ("why are they overhauling the early help workforce? 2023-24", "a stable, sustainable and skilled"),
    ("how would the send pilots bring caseloads down", "leads to de-escalation of need"),
    # a question's word for what the reports say otherwise ("slow" for "delays", "MHCLG" for the ministry's name)
    ("Somerset were supposed to be helping other councils sort out their data. Why were some of those councils "
     "slow to get going with it?", "financial, staffing and skills challenges"),
    ("what was the reason for moving the programme from MHCLG to education?", "enabled better co-ordination"),
    # a name typed as one word ("safelives") is the reports' two ("Safe Lives"); "isn't going to school" is their
    # "attendance", and no forecast ("going to" a place)
    ("why did they get safelives in to run the family voice work?", "significant amount of experience in working"),
    ("why focus on the parents when its the kid who isnt going to school?", "Many parents share anxiety"),
    # "what's the benefit of…" asks why (not for money); "centrally" is the reports' "stored in one place"
    ("what's the benefit of oxfordshire holding each family's strengths & needs form centrally with the council?",
     "families don't need to keep repeating their story"),
    # a British "trialling" is the reports' "trial"
    ("in the 2023-24 report why are they trialling family therapy in a few councils?",
     "systemic family therapy in some local areas"),
    # what a project is for, said with "to maximise": a purpose, so no "the reports don't give a reason"
    ("what was the employment adviser project for?", "to maximise the impact of this role"),
    ("how come they changed people's names in the case study?", "to preserve confidentiality"),
    # "y did…" typed for "why did…"
    ("y did the programme move to the department for education?", "this move will bring together the spectrum"),
    # what something did, said with "fostered…, ensuring that…": the point of it
    ("in the mental health pilots, what was the point of emphasising 'patients as parents' in adult services?",
     "ensuring that the needs of children were considered alongside those of their parents"),
])
def test_reason_quotes_the_sentences_that_give_the_cause(ask, question, cause):
    answer = ask(question)
    assert answer.route == "documents"
    assert cause in answer.text


@pytest.mark.parametrize("question, nearest", [
    ("Why did the programme introduce Earned Autonomy?", "Earned Autonomy"),
    ("why did kirklees only get 20% in 2024-25", "247"),  # the table figure offered, not a made-up reason
    # the next sentence's own purpose ("…a data lake to bring data together") is no cause of this one
    ("why is data sharing with health still weak", "weakest with health"),
    # a reason asked of an area without a table word: no reason in the text, its figures instead
    ("how come hull did so badly in 2023-24", "Kingston upon Hull achieved 213 successful family outcomes in 2023-24"),
    # why a figure rose: what a process is for ("seeks to ensure…") explains no rise; the national totals instead
    ("how come there were more outcomes in 2024-25", "104,761 successful family outcomes of 130,054 funded"),
    ("what caused the national rise in outcomes in 2024-25", "104,761 successful family outcomes of 130,054 funded"),
    # …also asked without "why", where the table figures are what it falls back on: no footnote's "as they submit…"
    ("what's behind the rise in outcomes last year", "104,761 successful family outcomes of 130,054 funded"),
])
def test_reason_declines_when_the_reports_give_none(ask, question, nearest):
    answer = ask(question)
    assert answer.route == "none"
    assert "don't give a reason" in answer.text
    assert nearest in answer.text


@pytest.mark.parametrize("question, said", [
    # asked what will happen, where the passage found says nothing of the future: no forecast, the nearest offered
    ("will the mental health pilots be extended to more councils?", "The reports don't give any forecast of this. "
                                                                     "The nearest they say"),
    # …but a plan the reports state is the answer, and "what will happen" is answered by what they say happened
    ("when will the systemic practice trial findings be published", "Findings will be shared in a report at the end "
                                                                    "of the trial in 2026-27."),
    ("what will happen to the programme after march 2025", "the Supporting Families programme ended on 31 March 2025"),
])
def test_a_forecast_is_given_only_where_the_reports_make_it(ask, question, said):
    assert said in ask(question).text


@pytest.mark.parametrize("question, declined", [
    # the year in a law's name is not when anything happens
    ("when will the next annual report come out", True),
    # …unless the law is what is asked about
    ("when did the welfare reform and work act come in", False),
])
def test_a_year_in_a_laws_name_is_no_date(ask, question, declined):
    answer = ask(question)
    assert ("don't give a date" in answer.text) == declined, answer.text
    assert "Welfare Reform and Work Act 2016" in answer.text


@pytest.mark.parametrize("question, month", [
    ("which month were the 2024-25 spot checks", None),  # the report gives the year only
    ("what month did the SEND project finish", "December 2024"),
])
def test_a_month_asked_for_is_a_month(ask, question, month):
    answer = ask(question)
    if month:
        assert answer.route == "documents" and month in answer.text
    else:
        assert answer.route == "none" and "don't give the month" in answer.text


def test_a_sentence_that_only_says_what_the_one_before_is_gives_no_reason(converse):
    """ "This is a small increase from the previous year." (the data survey) is no reason for the national rise."""
    answer = converse("how many outcomes nationally last year", "why the increase?")
    # (the 2024-25 report gives none; the 2023-24 one expected the rise "in line with the increased annual
    # allocations", which is said as the other report's)
    assert answer.route == "none" and re.search(r"don't give|doesn't give", answer.text) \
        and "a reason for this" in answer.text
    # the nearest thing said is about the figures asked about (successful family outcomes), not the data survey
    assert "successful family outcomes" in answer.text.split("\n\n")[0] and "44%" not in answer.text


def test_report_summary_is_cited_key_points(ask):
    answer = ask("Give me a summary of the 2023-24 report")
    assert answer.route == "documents"
    points = [line for line in answer.text.splitlines() if line.startswith("- “")]
    assert 4 <= len(points) <= 8
    for fact in ["77,203", "£181,645,127", "Dorset, Lincolnshire and Wolverhampton", "21 local authorities"]:
        assert fact in answer.text
    assert "2023-24 report › Executive Summary" in answer.text


@pytest.mark.parametrize("question, opening", [
    # a report summary opens with where its foreword says the programme stands
    ("give me the gist of the 2024-25 report", "After 13 years of delivery, the Supporting Families programme "
                                               "ended on 31 March 2025. In this time, 858,179"),
    ("sum up the 2023-24 report", "Since April 2015, over 612,000 vulnerable families"),
])
def test_a_report_summary_opens_with_its_foreword(ask, question, opening):
    answer = ask(question)
    first = next(line for line in answer.text.splitlines() if line.startswith("- “"))
    assert first.startswith(f"- “{opening}"), answer.text
    assert re.search(r"\(Ministerial foreword[^)]*\)$", first, re.I)  # the point's own section, cited


@pytest.mark.parametrize("question, year, fact", [
    # "sum up" is not a sum of the table; "in a few bullets" says how to answer, not what about
    ("can you sum up the 2024-25 report in a few bullets", "2024-25", "104,761"),
    ("brief rundown of last year's report pls", "2024-25", "858,179"),
    ("quick recap of the 2023-24 report", "2023-24", "77,203"),
    ("give me the nutshell version of the 2023-24 report as bullets", "2023-24", "612,164"),
    # "recap", "round-up" and "lowdown" are read as "summary" (vocabulary same_as), with a relative year too
    ("quick recap of last year's report pls", "2024-25", "858,179"),
    ("fill me in on the 2024-25 report", "2024-25", "104,761"),
    ("can I get a roundup of the older report", "2023-24", "77,203"),
    ("whats the lowdown on the 2024-25 report", "2024-25", "104,761"),
    # "u" is how some people write "you", not a topic of the report
    ("can u give me a summary of the 2024-25 report", "2024-25", "104,761"),
    # a word asking for a summary anywhere in it, even one the classifier reads as a comparison
    ("tldr of the 2023-24 annual report?", "2023-24", "612,164"),
    # "just the headline stuff", "in a couple of lines", "the final report" say how much and which, not a topic
    ("could i get a summary of last year's supporting families report, only the headline stuff", "2024-25", "858,179"),
    ("summarise the final annual report in a couple of lines", "2024-25", "858,179"),
])
def test_everyday_asks_for_a_report_summary(ask, question, year, fact):
    answer = ask(question)
    assert answer.route == "documents" and answer.text.startswith(f"Key points of the {year} report:"), answer.text
    assert fact in answer.text


@pytest.mark.parametrize("question, points, first", [
    ("summarise the 2024-25 report in 3 bullets", 3, "Key points of the 2024-25 report:"),
    # "headline numbers" ask for the report's key points; "three bullets" is how many, not chapter 3
    ("give me the headline numbers from the older report in three bullets", 3, "Key points of the 2023-24 report:"),
    ("give me 2 key points on the data survey", 2, "Key points of the 2024-25 report on Data survey:"),
])
def test_a_summary_gives_as_many_points_as_asked(ask, question, points, first):
    answer = ask(question)
    assert answer.route == "documents" and answer.text.startswith(first), answer.text
    assert len(re.findall(r"^- “", answer.text, re.M)) == points


@pytest.mark.parametrize("question, fact", [
    # "the short version" asks for a summary; a section of few figures is summed up by what it says
    ("whats the short version of the spend evaluation section", "The research has found significant variation "
                                                                 "around spending"),
    # "sum up how X went" asks for key points, not one figure
    ("sum up how the spot checks went in the final year", "In 2024-25 fifteen areas were selected to be checked."),
    ("can you summarise how the 2024 data survey went", "Less than half of areas (44%)"),
])
def test_a_summary_asked_of_how_something_went_is_key_points(ask, question, fact):
    answer = ask(question)
    assert answer.route == "documents" and answer.text.startswith("Key points of the 2024-25 report"), answer.text
    assert fact in answer.text


def test_a_topic_asked_for_in_brief_is_its_key_points(ask):
    answer = ask("what did the 2023 data survey find about data sharing, in brief")  # ("in brief": a summary)
    assert answer.text.startswith("Key points of the 2023-24 report on Data Survey:"), answer.text


def test_topic_summary_adds_the_sections_figures(ask):
    answer = ask("tell me about the validation of claims in 2024-25")
    assert answer.route == "documents"
    assert answer.text.startswith("Key points of the 2024-25 report on Validation of claims")
    for fact in ["spot check", "fifteen areas", "150 cases", "139"]:
        assert fact in answer.text


@pytest.mark.parametrize("question", ["summarise the mental health project",
                                      "quick summary of what the mental health project found pls"])
def test_a_topic_summary_is_of_the_section_headed_with_it_in_either_report(ask, question):
    """The 2024-25 report has a section headed "Mental Health Good Practice project"; a 2023-24 sentence that
    names the project scores better, yet its section ("Improving local practice") is about five projects. And
    "found" asks for findings: it names no topic ("the fund had progressed the data maturity…" is another's)."""
    answer = ask(question)
    assert answer.text.startswith("Key points of the 2024-25 report on Mental Health Good Practice project")
    assert "Hull, Kirklees, Leicestershire, Southwark and Wiltshire" in answer.text
    assert "the fund had progressed" not in answer.text


def test_a_topic_summary_takes_no_report_summary_point_on_another_topic(ask):
    """The executive summary's "The 2023 Data Survey shows…" and funding points are not about spot checks."""
    answer = ask("summarise the spot checks in 2023-24")
    assert answer.text.startswith("Key points of the 2023-24 report on Validation of claims")
    assert "No claims were found to be invalid" in answer.text
    assert "Data Survey" not in answer.text and "£181,645,127" not in answer.text


@pytest.mark.parametrize("question, section", [
    # the heading that names the topic, not the one sharing a generic word ("pilot") with the question
    ("tell me about the SEND pilot", "Key points of the 2024-25 report on SEND Good Practice project"),
    ("tell me about the mental health pilot", "Key points of the 2024-25 report on Mental Health Good Practice project"),
    # "in a nutshell" asks for the summary; it names nothing the reports could lack
    ("what happened with the mental health pilots in a nutshell", "Key points of the 2024-25 report on "),
    ("give me the gist of the SEND good practice project", "Key points of the 2024-25 report on SEND Good Practice"),
    # "what does X say" asks what it says, in points: a section named by its heading
    ("I run an early help team and need to brief my boss - what does the 'next steps' section in the latest report "
     "say?", "Key points of the 2024-25 report on Next steps to support families"),
    ("what does the ministers' foreword in the 2023-24 report basically say",
     "Key points of the 2023-24 report on Ministerial foreword"),
])
def test_an_overview_is_of_the_section_the_topic_names(ask, question, section):
    answer = ask(question)
    assert answer.text.startswith(section), answer.text
    assert "- “Felicity Buchan MP Minister" not in answer.text  # a signature line is no key point


@pytest.mark.parametrize("question, opening, section", [
    # "pilot" for the project the heading names: its opening, not a "Key learning from the pilot" sentence
    ("what was the mental health pilot", "“This project ran between April 2023 to September 2024 across five local "
                                         "authorities", "Mental Health Good Practice project"),
    ("what was the send pilot", "“This project ran between May 2023 and December 2024", "SEND Good Practice project"),
])
def test_what_a_project_was_is_the_opening_of_its_section(ask, question, opening, section):
    answer = ask(question)
    assert answer.text.startswith(opening) and answer.sources[0].section.endswith(section), answer.text


def test_what_a_report_says_about_a_topic_is_an_overview_of_its_section(ask):
    answer = ask("what did the 2023-24 report say about earned autonomy?")
    assert answer.text.startswith("Key points of the 2023-24 report on Earned Autonomy")
    for fact in ["Dorset, Hertfordshire, Lancashire, Norfolk, Somerset and Wolverhampton", "Payment by Results"]:
        assert fact in answer.text


def test_what_changed_gives_totals_side_by_side_and_headlines(ask):
    answer = ask("What changed between the two reports?")
    assert answer.route == "documents"
    for fact in ["64,280", "105,149", "104,761", "130,054", "Key points of the 2023-24 report",
                 "Key points of the 2024-25 report"]:
        assert fact in answer.text


@pytest.mark.parametrize("question, names", [
    # The councils are headings of the section, gathered into one list.
    ("which councils took part in the SEND good practice project in 2024-25",
     ["Hertfordshire", "Leeds", "Nottingham", "Southwark", "Wakefield"]),
    ("which councils were in the mental health project", ["Hull", "Kirklees", "Leicestershire", "Southwark",
                                                          "Wiltshire"]),
    # asked by the money: "got money", "got cash" ask which councils, and "was awarded £…" answers "money"
    ("which councils got money for the SEND project", ["Hertfordshire", "Leeds", "Nottingham", "Southwark",
                                                       "Wakefield"]),
    ("which LAs got cash for the mental health pilots", ["Hull", "Kirklees", "Leicestershire", "Southwark",
                                                         "Wiltshire"]),
    # asked with the project as the subject: "cover" and "work in" ask which areas took part
    ("which areas did the mental health project cover", ["Hull", "Kirklees", "Leicestershire", "Southwark",
                                                         "Wiltshire"]),
    ("what areas did the mental health project work in", ["Hull", "Kirklees", "Leicestershire", "Southwark",
                                                          "Wiltshire"]),
    # the newer report counts the pathfinder's areas ("the 10 local authorities") without naming them;
    # the older one names wave one, so that comes first
    ("which areas are in the families first for children pathfinder", ["Dorset", "Lincolnshire", "Wolverhampton",
                                                                       "10 local authorities"]),
])
def test_list_gathers_every_council(ask, question, names):
    answer = ask(question)
    assert answer.route == "documents"
    for name in names:
        assert name in answer.text


def test_a_list_of_councils_opens_with_what_introduces_them_not_a_sentence_carrying_on(ask):
    """The project's opening leads the councils its sections are headed with; one council's "They chose to
    target the project in two specific districts…" says nothing without the sentence before it."""
    answer = ask("name the councils in the send project")
    assert "across five local authorities" in answer.text and "They chose" not in answer.text
    assert all(name in answer.text for name in ["Hertfordshire", "Leeds", "Nottingham", "Southwark", "Wakefield"])


def test_what_councils_chose_is_a_list_of_things_not_of_councils(ask):
    """ "What did councils pick…": the councils are who picked, and the descriptors they picked are the answer."""
    answer = ask("what did councils pick as the things to work on in 2024-25")
    assert answer.route == "documents"
    for item in ["prioritise for improvement", "Family engagement", "Regular data feeds"]:
        assert item in answer.text


@pytest.mark.parametrize("question, first, order", [
    ("which council got the most money in the mental health project",
     "Kingston upon Hull got the most money in the Mental Health Good Practice project: “Hull was awarded £90,000",
     "Kingston upon Hull £90,000; Southwark £85,650; Leicestershire £84,057; Wiltshire £75,000; Kirklees £69,000"),
    ("who got the least cash in the send pilot",
     "Wakefield got the least money in the SEND Good Practice project: “Wakefield was awarded £80,488.”",
     "Leeds £112,268; Hertfordshire £93,391; Nottingham £91,466; Southwark £86,299; Wakefield £80,488"),
    ("which mental health pilot area got the smallest award",
     "Kirklees got the least money in the Mental Health Good Practice project: “Kirklees was awarded £69,000",
     "Wiltshire £75,000; Kirklees £69,000"),
    # the project named first, before a dash or a colon
    ("mental health good practice pilots - who got the biggest grant?",
     "Kingston upon Hull got the most money in the Mental Health Good Practice project", "Kirklees £69,000"),
    ("SEND pilot: which council got the least money?", "Wakefield got the least money in the SEND Good Practice",
     "Wakefield £80,488"),
    # no project named: every project's awards, each with its project (a grant is never the outcome tables')
    ("which project handed out the biggest single grant to a council",
     "Leeds got the most money of any single award in the SEND Good Practice project: “Leeds was awarded £112,268",
     "Leeds £112,268 (SEND Good Practice project); Hertfordshire £93,391 (SEND Good Practice project)"),
    ("which council got the smallest award", "Kirklees got the least money of any single award in the Mental "
                                             "Health Good Practice project", "Kirklees £69,000 (Mental Health"),
])
def test_most_money_in_a_project_ranks_the_awards_its_sections_state(ask, question, first, order):
    answer = ask(question)
    assert answer.route == "documents" and answer.text.startswith(first), answer.text
    assert order in answer.text


def test_most_money_with_no_amounts_in_the_reports_is_declined(ask):
    """ "Which council got the most money from the programme": the reports give no council's funding, and "can
    save time and money" in a case study is no amount."""
    answer = ask("which council got the most money from the programme")
    assert answer.route == "none" and "an amount of money" in answer.text


def test_list_of_titled_paragraphs_gives_each_item(ask):
    """The 2023-24 projects are paragraphs titled "Family Voice - This is a cross-government project…"."""
    answer = ask("what were the good practice projects in 23/24")
    assert answer.route == "documents"
    for item in ["Supporting Families Employment Advisors (SFEAs) -", "Family Voice -", "Voluntary and Community Sector -",
                 "Connecting the Early Help and Mental Health systems -"]:
        assert item in answer.text


@pytest.mark.parametrize("question", ["what are the five sections of the EHSG", "whats the five sections of the EHSG"])
def test_ehsg_sections_are_named_from_the_table_the_text_counts_them_in(ask, question):
    answer = ask(question)
    assert answer.route == "documents" and "structured into five sections" in answer.text
    assert "Family Voice, Workforce, Communities, Leaders and Data" in answer.text


def test_earned_autonomy_list_adds_the_newly_awarded_areas_from_the_text(ask):
    answer = ask("which councils got earned autonomy in 2023-24")
    assert answer.route == "table"
    assert "Barking and Dagenham" in answer.text  # Annex A markers
    assert "Dorset, Hertfordshire, Lancashire, Norfolk, Somerset and Wolverhampton" in answer.text  # the text


def test_quote_marks_hold_only_report_text(ask, built):
    from qa.retrieval import default_retriever

    corpus = " ".join(default_retriever().sentence_text)
    answer = ask("which councils took part in the SEND good practice project in 2024-25")
    for quote in quotes(answer.text):
        for sentence in re.split(r"(?<=[.!?])\s+", quote):
            assert sentence.strip("• ") in corpus


@pytest.mark.parametrize("question, missing", [
    ("How many families will the Families First Partnership support in 2025-26?", "a number of families"),
    ("what does VCSE stand for", "what this stands for"),
    ("who is the director of the supporting families programme", "a name"),
    ("who heads norfolk's early help partnership board?", "a name"),  # the board is named, its chair is not
    ("who wrote the spend study?", "a name"),  # the study is described, its authors are not named
    # "who evaluates…" asks who does the evaluating: a Lead Practitioner's job is no answer
    ("who evaluates the programme", "a name"),
    # the foreword is signed by ministers; no passage speaks of a permanent secretary
    ("which senior official was in charge of the programme at the department", "a name"),
    # a share for each is asked; only the total (£500 million) is given
    ("how much money does each council get from the families first partnership", "an amount for each one"),
    # the money must be for the thing asked about: Leicestershire's award names a Family Hub, the programme's
    # funding names no hubs
    ("what is the budget for family hubs in 2025", "an amount of money for this"),
    # …and a council's award for the SEND project is no spending on early help
    ("how much did leeds spend on early help in 2024-25", "an amount of money for this"),
    # "each family hub" is who the money went to: an award to a council that has a Family Hub is not it
    ("how much did each family hub get", "an amount of money for this"),
    # posts ("Senior Responsible Officers, Data Leads") are no one's name
    ("what is the name of the data lead in hull", "a person's name"),
    # a count the question states must be met: the report says twenty areas, and names none of them
    ("name the twenty areas that got system maturity peer support", "the names of the areas"),
    # "which are the other N councils" asks for N more names than the ones it sets aside: the report names three
    ("which are the other 7 councils in the FFC pathfinder, besides dorset, lincolnshire and wolverhampton?",
     "the names of the areas"),
    # ten projects were funded; the report names none of them ("which N …" asks for the list, whoever they are)
    ("which 10 projects got local data accelerator funding", "the list itself"),
    ("how much will families first partnership get in 2026-27", "anything for 2026-27"),
    # the data survey asked about the NHS number; the report gives no count or share of councils using it
    ("how many local authorities use the nhs number", "a number of authorities"),
    # a count of all families does not say how many were foster families
    ("how many foster families got help through the programme", "a number of foster families"),
    # "what is the … rate" asks for a share, not a definition: the Hull award is no success rate
    ("what is the success rate for families with mental health needs", "a percentage"),
    # the councils named beside the trial are the mental health project's, not the family therapy trial's
    ("list all the councils in the family therapy trial", "the names of the areas"),
    # asked politely ("can u list…") it is the same list, and the report says "the ten areas" without naming them
    ("can u list all the data accelerator councils", "the names of the areas"),
    # a post is its last word ("education secretary": a secretary), and "whos" asks who holds it, as "who's"
    # does; "who was … when …" asks for a name, not a date; the reports name ministers, no secretary or head
    ("who was the education secretary when the programme moved to the DfE", "a name for this"),
    ("whos the head of the national supporting families team", "a name for this"),
    # "what's the cost of X" asks for money for X, every word of it: the peer support projects' £300,000 (data
    # maturity support) is no cost of the data survey
    ("what's the cost of running the data survey", "an amount of money for this"),
    ("how much did the family voice project cost", "an amount of money for this"),  # not the peer support £300,000
    # when something started needs a start: "In 2023/24, 15 local authorities have Earned Autonomy status" is none
    ("when did earned autonomy start", "when it started"),
    # a numbered stage must be the one the passage names: the reports give only the wave one pathfinders
    ("which councils are in wave two of the families first pathfinder", "anything on wave 2"),
    ("second wave pathfinder areas?", "anything on wave 2"),
    # "no. of" is "number of", not an answer "No." ending a sentence
    ("no. of families helped by hull's mental health practitioner?", "a number of families"),
    # "who at <a council>" asks for someone there; "Ealing Council, our delivery partner" is the council, and a
    # heading's capitalised words ("Improving local practice") or "Earned Autonomy" are no one's name
    ("who at Ealing council led the employment advisor work?", "a person's name"),
    ("who at dorset runs the pathfinder", "a person's name"),
    # whoever holds a post ("their director", "norfolk's director"), after a remark; the names of a post's
    # holders; which holder of a post did something: people, whom the reports don't name
    ("norfolk case study is great - who's their director of children's services?", "a name for this"),
    ("who is norfolk's director of children's services", "a name for this"),
    ("name of the lead researcher at Coram on the systemic practice trial pls", "a name for this"),
    ("what are the names of the two SEND navigators in leeds", "a person's name"),  # "…Learning Centres" is none
    ("which secretary of state laid the 2023-24 annual report before parliament?", "a name for this"),
    # "which <place>" asks for one by name: "the Family Hub", "two areas", "the VCSE sector" name none
    ("which family hub in leicestershire did the mental health practitioner sit in", "the name of the place"),
    ("southwark SEND link worker - which two parts of the borough was it targeted at?", "the name of the place"),
    ("which hub was hull's practitioner based in", "the name of the place"),
    # "advisers" is the reports' "Advisors": the project is the subject, and it gives no start date (not the
    # programme's "Since April 2015")
    ("since when have the employment advisers been around", "a date for this"),
    # "MH" is mental health, a part of the programme the tables don't count: Southwark's clinician saw families
    # the report doesn't count, not its Annex A outcomes
    ("southwark adult MH clinician, how many families did they see?", "a number of families"),
    # a figure the question gives itself is not the one it asks for: "nine specific EHSG descriptors" gives no score
    ("whats the minimum EHSG score on the 9 descriptors you need to get invited to apply for earned autonomy",
     "a figure for this"),
])
def test_decline_names_what_is_missing_and_offers_the_nearest(ask, question, missing):
    answer = ask(question)
    assert answer.route == "none"
    assert f"The reports don't give {missing}" in answer.text


@pytest.mark.parametrize("question", [
    # a year the question names is part of what it asks about ("Working Together 2023"), not a date it is given
    "what date was working together 2023 published?",
    "what year did working together 2023 come out",
])
def test_a_year_the_question_names_does_not_date_it(ask, question):
    answer = ask(question)
    assert answer.route == "none" and "don't give a date for this" in answer.text, answer.text
    assert "Working Together" in answer.text  # the nearest offered is about it, not another report's date


def test_a_year_its_report_does_not_answer_gets_the_other_reports_figure_said_as_that_reports(ask):
    """The 2024-25 report gives no programme funding for 2024-25; the 2023-24 report gives 2023-24's."""
    answer = ask("how much funding did the programme get in 2024-25")
    assert answer.route == "none"
    assert "The 2024-25 report doesn't give an amount of money" in answer.text
    assert "The 2023-24 report says" in answer.text and "Programme funding for 2023-24 was £181,645,127" in answer.text


@pytest.mark.parametrize("question", ["why?", "who ran it?", "what about them?", "And in 2023-24?",
                                      # councils of an answer before it: not a ranking of all of them
                                      "which of the two was better", "which one of them did best",
                                      "were either of them at 100%"])
def test_bare_follow_up_on_a_fresh_page_asks_what_it_follows(ask, question):
    answer = ask(question, [])
    assert answer.route == "none"
    assert "no earlier question" in answer.text


@pytest.mark.parametrize("first, follow_up, fact", [
    ("hertfordshire send pilot", "what about leeds?", "Leeds was awarded £112,268"),
    ("how much was nottingham given for the SEND pilot", "and wakefield?", "Wakefield was awarded £80,488"),
    # out of context this reads as off-topic; after an answer about the trial it asks about the trial
    ("what is the systemic practice trial", "what is it actually testing?", "It aims to test whether training keyworkers"),
    # the body asked for is not the project the question before named
    ("what does the report say about employment advisors", "who delivered that work", "Ealing Council"),
    # the section headed with the council's name, not the project's list of councils
    ("tell me about the mental health project", "what did kirklees do", "The consultant role was co-located"),
    # after a definition "it" is the fund defined, not HM Treasury's £200m fund its answer goes on to name
    ("what was the data accelerator fund", "how much was it worth", "£7.9m innovation fund"),
    # …and after an amount ("£7.9m… provided by HM Treasury's £200m Shared Outcomes Fund") "it" is the fund too
    ("how much was the data accelerator fund", "did it work",
     "This found that the fund was successful in improving data maturity in the ten areas."),
    # "and was it…?" asks a question of its own about the council, in any report, not the table's year again
    ("how did wolverhampton do last year", "and was it one of the first pathfinders?",
     "Wave one pathfinder"),
    # a new topic takes the old one's place, the council stays: Southwark's mental health award, not its SEND one
    ("what did southwark do in the SEND project?", "and how much did they get for the mental health one?",
     "Southwark was awarded £85,650"),
    # "which one" after a project's councils asks which of them: the awards ranked, the project the one before
    ("which five councils were in the SEND good practice project?", "which one got the most money?",
     "Leeds got the most money in the SEND Good Practice project"),
    # …and after one whose project came before "which"
    ("in the SEND pilot which council got the most money", "and which got the least?",
     "Wakefield got the least money in the SEND Good Practice project"),
    # an order alone after the awards ranked is the same ranking the other way
    ("which one of the send pilot councils had the smallest grant", "and the biggest?",
     "Leeds got the most money in the SEND Good Practice project"),
    # years counted are the text's: the tables hold two ("they" is Norfolk, from the case study)
    ("tell me about the norfolk case study", "how many years in a row did they hit 100% of claims?",
     "100% of Supporting Families claims for four consecutive years"),
    # the running total asked after a year's: the programme's, not that year's again
    ("how many families were helped to a successful outcome in 2024-25?", "and in total over the whole programme?",
     "The programme has now achieved 858,179 successful family outcomes from April 2012 to March 2025."),
])
def test_text_follow_up_asks_about_what_was_just_said(converse, first, follow_up, fact):
    answer = converse(first, follow_up)
    assert answer.route == "documents"
    assert fact in answer.text


@pytest.mark.parametrize("question, said", [
    # asked outright, not only as a follow-up: the areas the text says were awarded it, then the table's marker
    ("was norfolk awarded EA status", "Yes. The 2023-24 report: “This year, we have awarded six areas Earned"),
    ("was lancashire awarded earned autonomy status in 2023-24", "Yes."),
    ("is bradford an EA council", "No, not according to the reports. Bradford is not marked *"),
])
def test_whether_one_area_has_earned_autonomy(ask, question, said):
    answer = ask(question)
    assert answer.text.startswith(said), answer.text


@pytest.mark.parametrize("question", [
    # "given" names no topic: the sentence naming the areas is found by "earned autonomy", not by "given"
    "which councils were given earned autonomy in 2023-24?",
    "which six areas were awarded earned autonomy",
])
def test_the_areas_awarded_earned_autonomy_are_named(ask, question):
    answer = ask(question)
    assert answer.route == "documents" and "Dorset, Hertfordshire, Lancashire, Norfolk, Somerset and Wolverhampton" \
        in answer.text, answer.text
    assert "Wave one pathfinder" not in answer.text  # (the bullet before the Earned Autonomy one, about another thing)


@pytest.mark.parametrize("question, each", [
    # two councils asked side by side in the text: each one's own passage (money for Hull is Hull's award)
    ("how much did hull get vs kirklees for the mental health pilot",
     ["- Kingston upon Hull: “Hull was awarded £90,000", "- Kirklees: “Kirklees was awarded £69,000"]),
    # "MH" is written out (vocabulary shorthand): the mental health pilot's awards
    ("hull vs wiltshire - how much did each get for the MH pilot",
     ["- Kingston upon Hull: “Hull was awarded £90,000", "- Wiltshire: “Wiltshire was awarded £75,000"]),
    ("compare the SEND awards for nottingham and southwark",
     ["- Nottingham: “Nottingham was awarded £91,466", "- Southwark: “Southwark was awarded £86,299"]),
])
def test_two_councils_in_the_text_are_set_side_by_side(ask, question, each):
    answer = ask(question)
    assert answer.route == "documents" and answer.text.startswith("What the reports say of each:"), answer.text
    for line in each:
        assert line in answer.text


def test_a_sentence_naming_both_councils_is_neither_ones_own(ask):
    """"Staffordshire and Lincolnshire were awarded the contract…": one passage, not the same quote twice."""
    answer = ask("of the 125k for system maturity peer support, how much went to staffs vs lincs")
    assert "What the reports say of each" not in answer.text


def test_shorthand_is_written_out(ask):
    """"case mgmt system" is the reports' "case management system" (vocabulary shorthand), not a word they lack."""
    answer = ask("what share of councils have the outcomes framework built into their early help case mgmt system")
    assert answer.route == "documents" and "case management system to some extent (97%)" in answer.text, answer.text


def test_a_running_total_is_not_one_years(ask):
    answer = ask("how many families were helped to a successful outcome in total over the whole programme?")
    assert "858,179 successful family outcomes from April 2012 to March 2025" in answer.text
    assert "104,761 families have achieved successful family outcomes in 2024-25" not in answer.text


def test_is_it_one_of_them_checks_the_areas_just_quoted(converse):
    """After the six areas awarded Earned Autonomy in 2023-24, Kent is not one of them, though marked * before."""
    answer = converse("which six councils were awarded earned autonomy this year in the 2023-24 report",
                      "is kent one of them")
    assert answer.text.startswith("Kent is not one of the areas just quoted (Dorset, Hertfordshire")
    assert "Kent is marked *" in answer.text


def test_text_follow_up_stays_with_what_was_quoted(ask):
    first = "tell me about the family voice project"
    answer = ask(first)
    assert "Family Voice" in answer.text
    follow = ask("who ran it?", [{"role": "user", "content": first}, {"role": "assistant", "content": answer.text}])
    assert follow.route == "documents"
    assert "2023-24 report" in follow.text and "Improving local practice" in follow.text
    assert "Mental Health" not in follow.text and "SEND" not in follow.text


@pytest.mark.parametrize("question, body", [
    ("has the local government association looked at supporting families?", "the Local Government Association"),
    ("what did the institute for government say about the programme", "the Institute for Government"),
    ("did the care quality commission inspect any early help services", "the Care Quality Commission"),
    ("what did the Children's Commissioner say about the programme", "the Children's Commissioner"),
    ("what did the Local Government Ombudsman say about the programme", "the Local Government Ombudsman."),
])
def test_an_organisation_the_reports_never_name_is_declined(ask, question, body):
    """Each word is in the reports, the organisation's name is not: no quote about something else."""
    answer = ask(question)
    assert answer.route == "none"
    assert f"The reports don't mention {body}" in answer.text


@pytest.mark.parametrize("question, topic", [
    ("What is the average salary of a Supporting Families lead practitioner?", "salary"),
    ("what's the staff turnover in early help teams", "turnover"),
    ("did family income go up on the programme", "income"),
    ("which councils are 'trailblazers' for family help", "trailblazers."),  # the word, not its quote mark
    # a name the reports lack, typed in lower case, is still one: "did barnardos get…" (it does nothing to "any")
    ("did barnardos get any money", "barnardos"),
    ("what did the nspcc say about family hubs", "nspcc"),
])
def test_an_everyday_topic_the_reports_never_use_is_declined(ask, question, topic):
    """An everyday word ("salary") the reports never use means they don't cover it: no nearest quote instead."""
    answer = ask(question)
    assert answer.route == "none"
    assert f"The reports don't mention {topic}" in answer.text


def test_an_organisation_the_reports_name_is_answered(ask):
    answer = ask("is the institute of family therapy involved in the systemic practice trial?")
    assert answer.route == "documents"
    assert "Coram, the Institute of Family Therapy and Ecorys" in answer.text


@pytest.mark.parametrize("question, fact", [
    # who runs the programme is the department that owns it, not a trial that is "run by" Coram
    ("who runs the programme nationally", "to the Department for Education"),
    ("who runs supporting families", "to the Department for Education"),
    # …while who runs something else is whoever the reports say runs it
    ("who runs the data survey", "It has been run by the Supporting Families programme each year since 2019"),
])
def test_who_runs_what(ask, question, fact):
    answer = ask(question)
    assert answer.route == "documents" and fact in answer.text, answer.text


@pytest.mark.parametrize("question", ["how is earned autonomy different from payment by results",
                                      "what's the diff between earned autonomy and PbR"])
def test_the_difference_between_two_terms_is_an_overview_of_the_first(ask, question):
    """The Earned Autonomy section says what it is against Payment by Results; the summary's point is quoted
    from the start of its bullet, not from "This removes…"."""
    answer = ask(question)
    assert answer.text.startswith("Key points of the 2023-24 report on Earned Autonomy"), answer.text
    assert "EA is a progression from Payment by Results (PbR)" in answer.text
    assert "“This removes" not in answer.text


@pytest.mark.parametrize("question, lead, items", [
    ("what were the main findings of the 2024 data survey", "The main findings of this year’s survey are set out below:",
     ["• Many local partners hold early help cases as lead practitioner.", "Less than half of areas (44%)",
      "• About half of areas (52%) give practitioners access to data in some form."]),
    ("what are the markers for earned autonomy", "The following markers underpin the criteria to become an EA area:",
     ["• Comfortably exceeding minimum numbers", "• Strong evidence of family voice informing service delivery."]),
    # the lead-in says what the question asks in its own words ("look at", "case"), in either report: the 2024-25
    # report's "spot check" sentence scores better but lists nothing
    ("what did the spot checks look at in each case",
     "Two cases from each area submitted using the new framework were looked at to consider:",
     ["• reason for referral", "• evidence used to identify needs and outcomes"]),
    # "priorities" meets "prioritise" (vocabulary irregular_forms), and a lead-in naming nothing ("The following
    # were…") comes with the sentence it carries on
    ("whats the top priorities councils chose for 2024-25 from the early help system guide",
     "All areas also identified 3 of the 31 descriptors to prioritise for improvement during 2024-25. The following "
     "were the most often identified:", ["• Family engagement", "• Case management system access"]),
])
def test_a_list_the_reports_set_out_in_bullets_comes_whole(ask, question, lead, items):
    """The sentence that leads into the bullets, then every bullet (with the sentences that carry one on)."""
    answer = ask(question)
    assert answer.route == "documents" and f"“{lead}\n" in answer.text, answer.text
    for item in items:
        assert item in answer.text


@pytest.mark.parametrize("question, names", [
    # the report whose passage holds the abbreviation asked about (SEND), not the mental health pilots'
    ("which councils were in the SEND pilot", "Hertfordshire, Leeds, Nottingham, Southwark, and Wakefield"),
    ("which councils were in the SEND project", "Hertfordshire, Leeds, Nottingham, Southwark, and Wakefield"),
    # "who were the … councils" asks for places, not a person
    ("who were the SEND pilot councils", "Hertfordshire County Council; Leeds City Council; Nottingham City Council"),
])
def test_which_councils_took_part_in_the_project_named(ask, question, names):
    answer = ask(question)
    assert answer.route == "documents" and names in answer.text, answer.text
    assert "Kirklees" not in answer.text and "Minister" not in answer.text
    # the other report's sentence on one council's award names no list of councils: it is not added
    assert "was awarded £" not in answer.text


@pytest.mark.parametrize("question, names", [
    # "name/list the …": a few words may describe the councils before the word for them
    ("name the five SEND pilot councils", "Hertfordshire County Council; Leeds City Council; Nottingham City Council; "
                                          "London Borough of Southwark; Wakefield Metropolitan Borough Council."),
    # the section's opening sentence names them, with the sentence of its paragraph that follows
    ("list the mental health pilot areas", "Hull, Kirklees, Leicestershire, Southwark and Wiltshire. Northumberland "
                                           "County Council led on this project"),
])
def test_a_list_of_described_councils_names_them_from_the_projects_section(ask, question, names):
    answer = ask(question)
    assert answer.route == "documents" and names in answer.text, answer.text
    assert "aimed to" not in answer.text and "early findings" not in answer.text


def test_when_finds_the_sentence_that_says_when_not_one_with_may_in_it(ask):
    """ "how and why this may differ" holds no date; "published … in the coming months" is the nearest to one."""
    answer = ask("when will the spend research be published")
    assert "This will be published on gov.uk in the coming months" in answer.text, answer.text


@pytest.mark.parametrize("question, fact", [
    # how to answer ("in a sentence", "in plain english") names no topic: not custodial sentences
    ("what is the supporting families programme in a sentence",
     "The Supporting Families programme funds local authorities to work together with their partners"),
    ("what is earned autonomy in plain english", "EA is a progression from Payment by Results (PbR)"),
])
def test_words_about_how_to_answer_are_not_the_topic(ask, question, fact):
    answer = ask(question)
    assert answer.route == "documents" and fact in answer.text, answer.text
    assert "custodial" not in answer.text


def test_an_overview_narrowed_to_a_word_puts_its_sentence_first(ask):
    """ "What did the 2024 survey say about police data": the survey's key points, with the one sentence on
    police data (and the sentence it carries on from) right after the opening."""
    answer = ask("what did the 2024 survey say about police data")
    assert answer.text.startswith("Key points of the 2024-25 report on Data survey"), answer.text
    points = [line for line in answer.text.splitlines() if line.startswith("- “")]
    assert "there have been some improvements in police data sharing" in points[1]
    assert points[1].startswith("- “Data sharing is strongest across children’s services and weakest with health.")


@pytest.mark.parametrize("question", ["2 approaches in the mental health pilot?",
                                      "what were the two approaches the mental health pilots used",
                                      # no number asked: the lead-in naming the approaches under the same heading
                                      "which approaches did the mental health pilots take"])
def test_a_counting_lead_in_lists_the_sections_that_follow_it(ask, question):
    """ "Two different approaches were adopted:" closes its section; the two sections after it are the items."""
    answer = ask(question)
    assert answer.route == "documents"
    assert "“Two different approaches were adopted:\n• Consultative model: Three pilots" in answer.text, answer.text
    assert "• Direct support/capacity building: Two pilots were designed" in answer.text
    assert "Key learning" not in answer.text


@pytest.mark.parametrize("question, others, left_out", [
    # the councils besides those it leaves out, from the project's own list
    ("apart from hull which councils were in the mental health pilots", ["Kirklees", "Leicestershire", "Southwark",
                                                                         "Wiltshire"], "Hull was awarded"),
    ("apart from leeds, which councils were in the send project", ["Hertfordshire", "Nottingham", "Southwark",
                                                                   "Wakefield"], "Leeds was awarded"),
])
def test_which_councils_apart_from_some_lists_the_others(ask, question, others, left_out):
    answer = ask(question)
    assert answer.route == "documents"
    assert all(name in answer.text for name in others) and left_out not in answer.text


def test_which_other_councils_when_the_reports_name_no_others_is_declined(ask):
    """Wave one's three are all the pathfinder councils the reports name: not the Earned Autonomy six."""
    answer = ask("besides dorset, lincolnshire and wolverhampton which other councils are in the families first for "
                 "children pathfinder?")
    assert answer.route == "none" and "don't give the names of the areas" in answer.text
    assert "Wave one pathfinders are Dorset, Lincolnshire, and Wolverhampton" in answer.text


def test_why_a_project_was_set_up_is_its_aim_in_the_project_named(ask):
    """ "set up" asks what it aimed at; the SEND project's sentences, not the mental health pilots' learning."""
    answer = ask("why were the send pilots set up")
    assert answer.route == "documents", answer.text
    assert "Test methods to better connect the SEND system of support" in answer.text
    assert "mental health" not in answer.text.lower()


@pytest.mark.parametrize("question, opening", [
    ("what was the mental health good practice project", "This project ran between April 2023 to September 2024 "
                                                         "across five local authorities"),
    ("what was the SEND good practice project", "Good Practice project ran between May 2023 until December 2024"),
    ("what's the SEND good practice project", "Good Practice project ran between May 2023 until December 2024"),
    # the section opens with the trial; "Systemic practice is based on…" defines only part of the term
    ("what is the systemic practice trial", "“The Supporting Families programme commissioned a trial of systemic "
                                            "practice in early help services. Systemic practice is based on"),
])
def test_what_was_a_thing_a_section_is_headed_with_quotes_what_introduces_it(ask, question, opening):
    answer = ask(question)
    assert answer.route == "documents" and opening in answer.text, answer.text


def test_a_follow_up_keeps_the_abbreviation_of_what_it_follows(converse):
    answer = converse("what was the SEND good practice project?", "which councils took part?")
    assert "Hertfordshire, Leeds, Nottingham, Southwark, and Wakefield" in answer.text, answer.text
    assert "Kirklees" not in answer.text


@pytest.mark.parametrize("question, sentences", [
    ("what did leicestershire do in the mental health pilot",
     ["awarded £84,057", "The role provided assessment, consultation and support", "One 0.5 Change Management Leader"]),
    ("tell me about hull's mental health project",
     ["awarded £90,000", "The post holder was co-located", "This co-location helped"]),
])
def test_what_an_authority_did_is_its_own_short_section(ask, question, sentences):
    answer = ask(question)
    assert answer.route == "documents"
    for sentence in sentences:
        assert sentence in answer.text, answer.text
    assert "Kirklees" not in answer.text  # not the whole project


@pytest.mark.parametrize("question, name, absent", [
    # a titled paragraph ("Family Voice - This is…") is about its title throughout: Safe Lives runs family voice
    ("who runs the family voice work", "Safe Lives", "Coram"),
])
def test_who_is_found_in_the_paragraph_about_the_thing_asked(ask, question, name, absent):
    answer = ask(question)
    assert answer.route == "documents" and name in answer.text and absent not in answer.text, answer.text


def test_why_something_matters_is_why_the_reports_call_it_vital(ask):
    answer = ask("why does early help matter")
    assert answer.route == "documents", answer.text
    assert "Offering Early Help to families who are struggling is vital in preventing the need for expensive " \
           "statutory intervention" in answer.text


def test_whats_new_compared_to_the_year_before_is_what_changed(ask):
    """ "the year before" names a year, not a topic: the reports' changes, totals side by side."""
    answer = ask("what's new in the 2024-25 report compared to the year before")
    assert answer.route == "documents", answer.text
    assert "In 2023-24, 141 areas achieved 64,280" in answer.text and "In 2024-25, 141 areas achieved 104,761" in answer.text


def test_brief_me_on_asks_an_overview(ask):
    answer = ask("brief me on the workforce project")
    assert answer.text.startswith("Key points of the 2023-24 report on Workforce project:"), answer.text


def test_a_definition_by_abbreviation_is_kept_over_the_sections_opening(ask):
    """ "EA is a progression from Payment by Results…" names Earned Autonomy by its abbreviation: it stays first,
    not "This year, we have awarded six areas Earned Autonomy (EA) status." that opens the section."""
    answer = ask("What is Earned Autonomy?")
    assert quotes(answer.text)[0].startswith("EA is a progression from Payment by Results"), answer.text


@pytest.mark.parametrize("question, answered", [
    ("how old is hannah", True),
    ("how old was hannah when the case study happened", True),  # an age, though it says "when"
    ("how old is sarah", False),  # "Hannah (8)" is Hannah's age, not her grandmother's
])
def test_an_age_is_of_the_person_asked_about(ask, question, answered):
    answer = ask(question)
    assert "Hannah (8)" in answer.text
    assert (answer.route == "documents") == answered
    if not answered:
        assert "don't give Sarah's age" in answer.text


@pytest.mark.parametrize("question, missing", [
    # an amount of money asked in a definition's or a summary's words is still an amount of money
    ("what did it cost to run the data survey", "don't give an amount of money"),
    ("whats the payment per successful family outcome", "don't give an amount of money"),
    # a figure before "SEND Family Support Worker posts" counts posts, not families
    ("how many families took part in the SEND good practice project", "don't give a number of families"),
    # the post asked about ("civil servant") is in no passage: a minister's signature is not its holder
    ("what's the name of the civil servant who runs supporting families", "don't give a name for this"),
    ("name the director who is in charge of the programme", "don't give a name for this"),
])
def test_what_the_answer_type_needs_and_the_passage_lacks_is_said_to_be_missing(ask, question, missing):
    answer = ask(question)
    assert answer.route == "none" and missing in answer.text, answer.text


@pytest.mark.parametrize("question, answer", [
    # a figure for a year outside the reports' own is in the sentence quoted: 2023's rate is no 2022 rate
    ("what was the response rate of the 2022 data survey", "The reports don't give anything on the 2022 data survey."),
    # …and it is quoted when that sentence gives it
    ("what share of councils said data sharing improved in 2022", "(compared to 43% in 2022)"),
])
def test_a_figure_for_an_earlier_year_is_that_years(ask, question, answer):
    assert answer in ask(question).text


@pytest.mark.parametrize("text, stages", [
    ("who are the wave 2 pathfinders", {("wave", 2)}),
    ("the second wave of the pathfinder", {("wave", 2)}),
    ("Wave one pathfinder areas are Dorset, Lincolnshire and Wolverhampton.", {("wave", 1)}),
    ("phase 3 and the first cohort", {("phase", 3), ("cohort", 1)}),
    ("a wave of new referrals in 2024", set()),  # a wave with no number is no stage
])
def test_numbered_stages_are_read_in_words_or_figures(text, stages):
    from qa import slots

    assert slots.stages(text) == stages


@pytest.mark.parametrize("question, before", [
    # "In turn, this can reduce caseloads…" says what "this" is only with the sentence before it
    ("how does earlier support in the SEND pilots end up cutting caseloads? dont get the logic",
     "Better signposting and earlier support leads to de-escalation of need"),
])
def test_a_sentence_leading_on_comes_with_the_one_it_leads_on_from(ask, question, before):
    answer = ask(question)
    assert answer.route == "documents"
    assert before in answer.text and "In turn, this can reduce caseloads" in answer.text


@pytest.mark.parametrize("follow_up", ["anything else?", "what else?", "tell me more"])
def test_asking_for_more_gives_the_key_points_of_what_was_just_quoted(converse, follow_up):
    """After one council's part in a project, "anything else?" is the rest of its section, not the same sentence."""
    answer = converse("leicestershre MH pilot what did they hire", follow_up)
    assert answer.text.startswith("Key points of the 2024-25 report on Leicestershire County Council"), answer.text
    assert "One 0.5 Change Management Leader was also employed" in answer.text
