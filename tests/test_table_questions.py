"""Table questions through ask(): exact numbers, with their source, in the phrasings people use."""
from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("question, facts", [
    ("How many successful family outcomes did Leeds achieve in 2024-25?", ["2,102", "2,540", "83%", "2024-25 report", "Annex A"]),
    ("how many outcomes did leeds achieve in 2024/25", ["2,102"]),
    ("Leeds outcomes achieved 2024 to 2025", ["2,102"]),
    ("What was Kent's maximum funded outcomes for 2023/24?", ["2,751", "2023-24 report"]),
    ("percentage achieved by barnsley 2024 to 2025", ["100%"]),
    ("What percentage did Hull achieve in 2023-24?", ["Kingston upon Hull", "23%"]),
    ("How many outcomes did St Helens achieve in 2023-2024?", ["96"]),
    ("Southend's allocation in 2024-25?", ["399"]),
    ("How did Bournemouth, Christchurch and Poole do in 2024-25?", ["BCP", "578", "698", "83%"]),
    ("What percentage did Brighton & Hove achieve in 2023-24?", ["95%"]),
    ("How many outcomes did Birmingam achieve in 2024-25?", ["4,193"]),
    ("Torbay 2024-25", ["21", "355", "6%"]),
    # "payment by results" names the scheme the outcomes are claimed under, not money
    ("how many payment by results outcomes did the isle of wight claim in 2024-25", ["Isle of Wight achieved 235"]),
    # an abbreviation's full stop ends no sentence: "vs." and "no." keep the question whole
    ("kent vs. essex, 2024-25", ["Kent achieved 3,403", "Essex achieved 2,228"]),
    # a relayed question whose lead-in names the two councils it asks about
    ("I write for a local paper in Exeter. Readers always want to know how Devon stacks up against Cornwall - how "
     "did the two compare on Supporting Families outcomes in 2024-25?", ["Devon achieved 1,049", "Cornwall achieved 898"]),
    ("No. of outcomes for wirral in 23/24?", ["Wirral achieved"]),
])
def test_lookups(ask, question, facts):
    answer = ask(question)
    assert answer.route == "table"
    for fact in facts:
        assert fact in answer.text, (fact, answer.text)
    assert answer.sources and answer.sources[0].section.startswith("Annex A")
    assert answer.data


@pytest.mark.parametrize("question, lead, facts", [
    # "How many short?" leads with the shortfall; "did it hit its target?" with Yes or No.
    ("wandsworth 23-24 fell short by how many", "Wandsworth was 30 short of its allocation in 2023-24", ["419", "449"]),
    ("how far short of its target was Leeds in 2024-25?", "Leeds was 438 short", ["2,102", "2,540"]),
    ("sheffield fell short by how many in 2024-25", "Sheffield was not short of its allocation", ["1,652"]),
    ("did sheffield hit its target in 2024-25?", "Yes.", ["1,652"]),
    ("was wandsworth on target in 23-24", "No.", ["30 short"]),
])
def test_shortfall_of_one_authority(ask, question, lead, facts):
    answer = ask(question)
    assert answer.route == "table"
    assert answer.text.startswith(lead), answer.text
    assert all(f in answer.text for f in facts), answer.text


def test_both_years_when_no_year_given(ask):
    answer = ask("How many outcomes did Leeds achieve?")
    assert "1,029" in answer.text and "2,102" in answer.text


def test_change_between_years(ask):
    answer = ask("How did Kent change between the two years?")
    assert answer.route == "table"
    assert all(f in answer.text for f in ["2,314", "3,403", "1,089 more", "+16 points"])
    assert {s.year for s in answer.sources} == {"2023-24", "2024-25"}


@pytest.mark.parametrize("question, facts, absent", [
    ("Which five authorities achieved the most in 2024-25?",
     ["Greater Manchester", "Birmingham", "Kent", "Essex", "Liverpool"], ["Leeds"]),
    ("Which 3 authorities had the lowest percentage achieved in 2024-25?", ["Torbay (6%: 21 of 355)", "Bexley (15%: 68 of 464)", "Kirklees (20%: 247 of 1,205)"], []),
    ("Excluding Greater Manchester, which authority achieved the most outcomes in 2024-25?", ["Birmingham", "4,193"], ["6,685"]),
    # "leaving X aside" excludes it too; "short of its max" ranks the shortfall, filtering nothing at 100%
    ("leaving greater manchester aside, which council was furthest short of its max in 2023-24?",
     ["excluding Greater Manchester: 1. Birmingham (2,561 short: 1,379 of 3,940)"], ["exactly 100"]),
    ("setting aside kent, who got the most outcomes in 2024-25", ["excluding Kent: 1. Greater Manchester"], []),
    ("How many authorities achieved 100% in 2024-25?", ["53 authorities"], []),
    ("How many authorities achieved 90% or more in 2023-24?", ["17 authorities"], []),
    # a comparison written after the figure ("2,000+", "2000 or more"); a round number that counts is no year
    ("count of councils with an allocation of 2,000+ in 2024-25?", ["8 authorities", "at least 2,000",
                                                                    "Liverpool (2,154)"], ["Sheffield"]),
    ("how many councils had 2000 or more outcomes funded in 2024-25", ["8 authorities", "Bradford (2,181)"], []),
    ("which councils got 400 or fewer outcomes in 2024-25", ["at most 400", "Torbay (21)"], ["Birmingham"]),
    ("Which authority's percentage fell the most between 2023-24 and 2024-25?", ["Cumberland", "96%", "23%"], []),
    # "improvers", "fallers": people ranked by their change, five of them, the fallers from the bottom
    ("biggest improvers between the two years", ["1. Greater Manchester (3,443 → 6,685, +3,242)",
                                                 "5. Leeds (1,029 → 2,102, +1,073)"], []),
    ("who were the biggest fallers from 23/24 to 24/25", ["fell the most", "1. Lancashire (1,519 → 1,143, -376)",
                                                          "5. Nottingham (711 → 551, -160)"], ["Greater Manchester"]),
    ("How many successful family outcomes were achieved nationally in 2023-24?", ["64,280", "105,149"], []),
    ("What was the total allocation in 2024-25?", ["130,054", "104,761"], []),
    ("Which areas are marked with an asterisk in the 2023-24 annex?", ["16 areas", "15 Earned Autonomy", "Westminster"], []),
    ("What were the EHSG scores in 2024?", ["Family Voice 3.8", "Data 3.2"], ["highest-scoring"]),
    # a ranking question leads with the section it asks for
    ("Which EHSG section had the lowest score in 2023?", ["The lowest-scoring section: Data in 2023 (2.9)."], []),
    ("What was the Leaders score in 2022 and 2023?", ["Leaders 2.9", "Leaders 3.2"], []),
    ("ehsg family voice 2020 and 2024", ["Family Voice 3.8", "No scores are published for 2020"], ["Family Voice 3.2"]),
    ("bristol vs bath, who did better last year", ["Bath and North East Somerset achieved 204 of a maximum of 204"], []),
    ("how many more outcomes did sunderland get in the newer report", ["175 more outcomes achieved in 2024-25"], []),
    # A group of authorities: the Earned Autonomy areas, marked * in the 2023-24 Annex A.
    ("did any earned autonomy area fall short in 2023-24", ["15 authorities", "under 100%", "Staffordshire (96%)"], []),
    ("Which Earned Autonomy area had the lowest percentage in 2023-24?",
     ["Earned Autonomy areas", "Greater Manchester (47%: 3,443 of 7,297)"], ["Sutton"]),
    ("leaving out greater manchester, worst EA council by % in 23/24", ["Leeds (50%: 1,029 of 2,054)"], ["Sutton"]),
    ("sum of the earned autonomy rows in 2023-24", ["16 Earned Autonomy areas", "16,649", "23,748"], ["64,280"]),
    ("how many of the EA councils got all their outcomes in 2024-25", ["8 authorities", "Kent (100%)"], ["53 "]),
    # Short of the allocation is read on the counts: Hartlepool's 311 of 312 is printed as 100%.
    ("how many councils fell short of their allocation in 2024-25?", ["89 authorities",
                                                                     "Hartlepool (100% as printed: 311 of 312)"], []),
    # "In both years": the authorities that pass in each year.
    ("which councils were under 50% in both years?", ["13 authorities", "in each of 2023-24 and 2024-25",
                                                     "Bexley (33% → 15%)"], []),
    # Shares in words: half, a third, three quarters.
    ("how many councils were below half in both years", ["13 authorities", "under 50%"], ["under 100%"]),
    # "half of councils" is a share of the councils, not the threshold
    ("did more than half of councils hit 100% in 2024-25", ["53 authorities", "exactly 100%"], ["over 50%"]),
    ("councils under a third in 2024-25", ["6 authorities", "under 33.3%", "Torbay (6%)"], []),
    # "After X": the ranking without X ("the next biggest fall after Cumberland").
    ("after cumberland which council's % dropped most from 23/24 to 24/25", ["excluding Cumberland",
                                                                        "1. Westmorland and Furness (85% → 52%"],
     ["1. Cumberland"]),
    # A region: the London boroughs (qa/data/places.json), not the whole country.
    ("lowest % london borough in 24/25?", ["among the London boroughs", "Bexley (15%: 68 of 464)"], ["Torbay"]),
    ("total outcomes for the london councils in 23/24", ["the 32 London boroughs", "12,222", "17,573"], []),
    # The other English regions (places.json), said to be a grouping the reports don't use; a region word
    # inside an authority's name is that authority ("north east lincolnshire")
    ("which yorkshire council was worst in 2024-25", ["among the Yorkshire and the Humber authorities",
                                                       "a grouping the reports don't use", "Kirklees (20%: 247 of 1,205)"],
     ["Torbay"]),
    ("east midlands totals 2023-24", ["the 9 East Midlands authorities", "5,377", "8,594"], ["64,280"]),
    ("how did the north east do overall in 2024-25", ["the 12 North East authorities"], ["104,761"]),
    ("how many north west councils were under 50% in 2023-24", ["6 authorities", "Warrington (40%)"], ["Sutton"]),
    ("how did north east lincolnshire do in 2024-25", ["North East Lincolnshire achieved 365"], ["authorities"]),
    # a whole group, ranked: all of it, said so
    ("how did the earned autonomy areas do in 2024-25", ["All 16 Earned Autonomy areas", "highest first",
                                                         "1. Cheshire West and Chester (100%: 676 of 676)"], []),
    ("league table 2023-24", ["All 141 authorities, by successful family outcomes achieved in 2023-24, highest first",
                              "1. Greater Manchester (3,443 of 7,297, 47%)"], []),
    ("rank the london boroughs 2024-25", ["All 32 London boroughs", "1. Newham (1,157 of 1,201, 96%)"], []),
    # which authorities a region counts, named once for both years, when nothing else is asked of them
    ("how many authorities sit in the east midlands", ["the 9 East Midlands authorities",
                                                      "The East Midlands authorities are: Derby, Derbyshire"], ["exactly"]),
    ("how many councils in the north west", ["the 15 North West authorities", "Blackburn with Darwen, Blackpool",
                                             "Westmorland and Furness and Wirral"], ["exactly 100%"]),
    ("which london boroughs are in the tables", ["the 32 London boroughs", "Barking and Dagenham, Barnet, Bexley"],
     ["Earned Autonomy", "marked *"]),
    ("which yorkshire councils got the max in 2024-25", ["exactly 100%", "among the Yorkshire and the Humber"], []),
    ("how did london do in 2024-25", ["the 32 London boroughs", "19,724"], ["not in the outcome tables"]),
    # …or outside one: England less London is 104,761 - 19,724
    ("how did england do excluding london in 2024-25", ["the 109 authorities outside London", "85,037"], []),
    ("top 3 councils outside london last year", ["among the authorities outside London", "1. Greater Manchester"], []),
    # The regions side by side, ranked by share (or by the count asked for)
    ("which region did best in 2024-25", ["a grouping the reports don't use", "1. London (91%: 19,724 of 21,734)",
                                          "2. South East (88%: 13,105 of 14,925)"], ["Barnet"]),
    ("worst region in 23/24", ["1. Yorkshire and the Humber (46%: 5,809 of 12,587)"], []),
    ("worst three regions for 2024-25", ["1. North West (71%", "3. East Midlands (79%"], ["4. "]),
    ("how did each region do last year", ["2024-25, the latest report", "1. London (91%"], []),
    ("which region had the most outcomes in 2024-25", ["1. London (19,724 of 21,734, 91%)",
                                                       "2. North West (15,363 of 21,556, 71%)"], []),
    # "fell furthest short" is the largest shortfall, not a fall
    ("which council fell furthest short in 2023-24", ["highest shortfall", "Greater Manchester (3,854 short"],
     ["Rutland"]),
    # EHSG "areas" and "sections" are the guide's, not councils; "improved most" ranks the change; "last year"
    # is the latest year of scores the tables hold
    ("which EHSG area improved the most from 2022 to 2024", ["rose most from 2022 to 2024: Communities (+0.7)"],
     ["no council's own scores"]),
    ("which section of the ehsg improved least", ["rose least from 2022 to 2024: Data (+0.5)"], []),
    ("which ehsg section scored highest in 2023", ["Family Voice in 2023 (3.5)"], ["2022:", "2024:"]),
    ("what was the average family voice score last year", ["2024: Family Voice 3.8"], ["2022:"]),
    # "how far behind" is no exclusion ("behind Kent" is); "the two years" asks for no two rows; "rank the…"
    # asks for all of them
    ("how far behind the national rate was blackpool last year", ["Blackpool achieved 36%",
                                                                  "below the national 81% (45 points)"], []),
    # "which councils went backwards" asks for all of them (11), not a top five
    ("which councils went backwards between the two years", ["11 authorities had lower successful family outcomes",
                                                             "Kirklees (-232)", "Lancashire (-376)"], []),
    ("rank the london boroughs by percentage in 2024-25", ["All 32 London boroughs, by percentage of funded outcomes"], []),
    # "how much did the national rate go up" gives both years and the change between them
    ("how much did the national rate go up by", ["+40,481 (+63%)", "went from 61% to 81%"], []),
    # Places in a league table: "came last" is the lowest share of the allocation
    ("which council came last in 2023-24", ["lowest percentage", "Sutton (11%: 31 of 270)"], ["highest"]),
    ("which authority finished bottom of the table in 2024-25", ["Torbay (6%: 21 of 355)"], ["Rutland"]),
    # "london" alone is the London boroughs, not England
    ("london outcomes 2024-25", ["the 32 London boroughs", "19,724"], ["104,761"]),
    ("average achievement rate for the london boroughs in 2024-25", ["among the London boroughs", "87.5%",
                                                                       "mean of 32"], ["79.8%"]),
    # A threshold on a count, not a percentage: "over 2000 outcomes", "an allocation over 2000", "zero"
    ("which councils got over 2000 outcomes last year", ["6 authorities", "successful family outcomes achieved over 2,000",
                                                        "Leeds (2,102)"], ["53 authorities"]),
    ("how many areas had an allocation over 2000 in 24/25", ["8 authorities", "Lancashire (3,173)"], []),
    ("how many councils were more than 500 short of their allocation in 2023-24", ["15 authorities", "Sandwell (713)"], []),
    ("are there any councils that got zero outcomes", ["No authority had successful family outcomes achieved exactly 0"],
     ["100%"]),
    ("which councils fell short by more than 1000 in 24/25", ["2 authorities", "shortfall", "Lancashire (2,030)"], []),
    # fewer than the other year, with no threshold, counts the areas that went down; "went backwards" is down
    ("did any council get fewer outcomes in 24/25 than in 23/24", ["11 authorities had lower", "Lancashire (-376)"],
     ["exactly 100%"]),
    ("how many councils went backwards between the years", ["11 authorities had lower"], []),
    ("how many outcomes was east sussex allowed to claim in 23/24", ["East Sussex's maximum funded", "810"], []),
    # "is X the worst…?": the ranking, with a verdict on the area named (a tie counts; per year when they differ)
    ("is bexley the worst london borough in 24/25", ["Yes. The authority with the lowest percentage",
                                                     "Bexley (15%: 68 of 464)"], []),
    ("was kent the best in 2024-25", ["Yes, tied with Barnet."], []),
    ("is torbay the worst in 2023-24", ["No: Sutton is."], []),
    ("is rutland the smallest", ["In 2023-24: Yes. In 2024-25: No: Torbay is."], []),
    # A ranking cut at a tie names the rest of the tie: nine areas reached 100% in 2023-24, not one.
    ("best council in 2023-24", ["Barking and Dagenham (100%", "8 more authorities", "Lambeth"], []),
    ("top 5 by % in 2024-25", ["Brent (100%", "48 more authorities", "Wokingham"], []),
    ("top performer 2023/24?", ["highest percentage", "8 more authorities"], ["Greater Manchester"]),
    # how many councils the programme has, and nothing else asked of them: the areas Annex A lists
    ("how many areas are in the programme", ["In 2023-24, 141 areas", "In 2024-25, 141 areas"], []),
    ("how many LAs deliver supporting families in 2024-25", ["In 2024-25, 141 areas"], ["2023-24"]),
    # "better/worse than" or "beat" another council: the two side by side that year, by share of the allocation
    ("did herefordshire do better than shropshire last year",
     ["In 2024-25: Herefordshire achieved 276", "Shropshire had 14 percentage points more"], ["2023-24"]),
    # …with a yes or no for the first council named, per year when the years differ
    ("did solihull beat coventry in 2024-25", ["No. In 2024-25: Solihull", "Coventry had 23 percentage points more"],
     []),
    ("was york worse than hull in 2023-24", ["No. In 2023-24: York", "York had 26 percentage points more"], []),
    ("did herefordshire do better than shropshire", ["In 2023-24: Yes. In 2024-25: No."], []),
    ("do kent and essex compare in 2024-25", ["In 2024-25: Kent achieved 3,403"], ["Yes.", "No."]),
    # which of two councils improved more: each one's change over the two years, the larger first (by share of
    # the allocation unless a measure is named), and Yes or No for the first named when asked so
    ("who improved more, leeds or bradford", ["Bradford improved more: +56 points against Leeds's +33 points.",
                                              "So 1,073 more outcomes", "So 1,351 more outcomes"], []),
    ("did leeds improve more than bradford", ["No: Bradford improved more"], ["Yes"]),
    # "how many more … than" is a change however it is led into, not each year's row
    ("In the annual report tables, how many more successful outcomes did Leicestershire achieve in 2024-25 than in "
     "2023-24?", ["So 697 more outcomes achieved in 2024-25"], []),
    # a move from one band to another over the two years: each year's own filter, not one range
    ("which councils went from under 50% to 100%",
     ["9 authorities went from percentage of funded outcomes achieved under 50% in 2023-24 to exactly 100% in 2024-25",
      "Kingston upon Hull (23% → 100%)", "St. Helens (21% → 100%)"], ["between"]),
    ("who was at 100% in 23/24 but dropped below it in 24/25",
     ["2 authorities went from", "Barking and Dagenham (100% → 85%), Lambeth (100% → 83%)"], ["The same number"]),
    # councils added together: their rows summed, each shown
    ("what was the combined allocation for kent and essex in 2024-25",
     ["Kent and Essex together achieved 5,631 successful family outcomes of a combined maximum of 6,208 funded (91%; 577 short of their allocations)",
      "Kent 3,403 of 3,403; Essex 2,228 of 2,805"], []),
    ("leeds and bradford outcomes added together last year", ["Leeds and Bradford together achieved 4,008", "2024-25"],
     []),
    # one council against England's rate: Yes or No first, per year when the years differ
    ("is surrey above the national rate last year", ["Yes. Surrey achieved 96%", "above the national 81%"], ["No"]),
    ("was hartlepool below the national rate in 2023-24", ["Yes. Hartlepool achieved 60%", "below the national 61%"],
     []),
    ("was leeds above the national average in both years", ["In 2023-24: No. In 2024-25: Yes."], []),
    # a superlative of a table measure is a ranking, whether or not it says "council"; "furthest short" ranks
    # by shortfall, not every council under 100%
    ("whats the biggest allocation in the country", ["Greater Manchester (maximum 9,025"], []),
    ("biggest allocation in the south west for 2023-24", ["among the South West authorities", "(maximum"],
     ["summing Annex A"]),
    ("name the 3 councils that fell furthest short in 23/24", ["1. Greater Manchester (3,854 short"],
     ["authorities had percentage"]),
    # one council "against the national rate" in one year is that year's pair, not a change from the year before
    ("how did derby compare with the national rate last year", ["Derby achieved", "in 2024-25", "the national 81%"],
     ["2023-24", "61%"]),
    ("who improved more by outcomes, kent or essex", ["Kent improved more: +1,089 outcomes against Essex's +358"], []),
    ("which dropped more between the two years, lancashire or kirklees", ["Kirklees fell more: -29 points"], []),
    # where one council ranks among all of them: its place, the ties, then its row
    ("what rank was leeds in 2024-25", ["Leeds ranked 80th of 141 authorities by percentage of funded outcomes "
                                        "achieved in 2024-25 (83%, level with 2 others; 79 above it)", "2,102"], []),
    ("where did essex come in the league table last year", ["Essex ranked 87th of 141", "2024-25"], ["2023-24"]),
    ("leeds compared to other councils last year", ["Leeds ranked 80th of 141", "2,102"], []),
    ("how does kent stack up against the rest in 2023-24", ["Kent ranked 25th of 141"], []),
    ("what position was torbay in 23/24 by outcomes", ["Torbay ranked 138th of 141 authorities by successful family "
                                                       "outcomes achieved in 2023-24 (48; 137 above it)"], []),
    # a council's figure claimed and asked about: Yes or No, then its row
    ("is it true kent got 100% in 2023-24", ["No, that's not right. Kent achieved 84%"], ["Yes"]),
    ("someone said torbay got 60% last year, is that right", ["No, that's not right. Torbay achieved 6%"], []),
    ("leeds got 2,102 outcomes in 24-25 yeah?", ["Yes, that's right. Leeds achieved 2,102"], ["No"]),
    # the claim in a lead-in is what is checked, however the check is asked
    ("my boss says middlesbrough got 100% last year - she's wrong isn't she?",
     ["No, that's not right. Middlesbrough achieved 95%", "2024-25"], []),
    ("my manager reckons leeds hit 83% in 24/25 - is that right?", ["Yes, that's right. Leeds achieved 83%"], []),
    # the two years' counts compared however the years are named ("the old report compared with the new one")
    ("how many councils were below 30% in the old report compared with the new one",
     ["5 in 2024-25 against 13 in 2023-24 (8 fewer).", "13 authorities had"], []),
    # whether England achieved its whole allocation: Yes or No, then the national rate; a threshold asked is no target
    ("soooo did england hit its target last year or nah", ["No. In 2024-25, 81% of the national allocation"], []),
    # a share claimed or asked of England's allocation: Yes or No first (80.6% is above 80%)
    ("was the national rate above 80% in 2024-25", ["Yes. In 2024-25, 81% of the national allocation"], ["No."]),
    ("my boss says the national rate was 95% last year, is that right", ["No, that's not right.", "81%"], []),
    ("was england under 60% in 23/24", ["No. In 2023-24, 61% of the national allocation"], ["authorities had"]),
    ("england got 120,000 outcomes in 2024-25 right?", ["No, that's not right.", "104,761"], []),
    # …and asked of "councils" with a rough share of "their goal": England's rate, not the councils at exactly 95%
    ("is it true councils hit about 95% of their goal in 2024-25?", ["No, that's not right.", "81% of the national"],
     ["Middlesbrough"]),
    # a count of councils claimed or asked: Yes or No against the councils listed
    ("did 60 councils hit 100% last year?", ["No: 53, not 60. 53 authorities had"], []),
    ("is it true 13 councils were under 30% in 23-24", ["Yes. 13 authorities had"], []),
    # how many councils passed in one year against the other: both counts and the gap, then each year's list
    ("were there more councils at 100% in 24/25 than 23/24", ["Yes: 53 in 2024-25 against 9 in 2023-24 (44 more).",
                                                              "9 authorities had", "53 authorities had"], []),
    ("were fewer councils under 50% in 2024-25 than in 2023-24", ["Yes: 17 in 2024-25 against 50 in 2023-24 (33 fewer)."],
     []),
    ("how many more councils hit 100% in 2024-25 than in 2023-24", ["53 in 2024-25 against 9 in 2023-24 (44 more)."],
     ["Yes"]),
    # "came out on top" of two ranks them by share of the allocation, as "best" does
    ("gateshead or sunderland - who came out on top last year?",
     ["In 2024-25: Gateshead achieved 384", "Gateshead had 4 percentage points more than Sunderland"], ["2023-24"]),
    # "better or worse" asks which of the two, not yes or no; "these days" is the latest report
    ("is lambeth doing better or worse than southwark these days",
     ["For 2024-25, the latest report: Worse. In 2024-25: Lambeth achieved 647"], ["Yes.", "No.", "2023-24"]),
    ("was lambeth better or worse than southwark in 2023-24", ["Better. In 2023-24: Lambeth achieved 631"], ["Yes."]),
    # "behind" another council named before it compares the two ("the best council behind kent" excludes Kent)
    ("was sutton behind merton in 2023-24", ["Yes. In 2023-24: Sutton achieved 31", "Merton achieved 79"], []),
    ("did leeds get more outcomes than bradford in 2024-25", ["Leeds had 196 successful family outcomes"], []),
    # three or more side by side: in order, not the gap between the first two
    ("compare camden, islington and hackney in 2024-25",
     ["highest first: Hackney (897), Camden (445), Islington (340)"], ["Camden had"]),
    # "the gap between" two councils is between them, not each one's gap to its allocation
    ("what's the gap between essex and kent in 2024-25", ["Kent had 1,175 successful family outcomes achieved more"],
     ["closer to its allocation"]),
    # …and with a measure named after the two, the gap between them in that measure
    ("gap between leeds and bradford's allocations in FY24/25?", ["Leeds had 359 maximum funded"], ["196"]),
    # a threshold not reached, in everyday words: under it
    ("how many councils didn't even reach 30% in 23/24?", ["13 authorities", "under 30%"], ["exactly"]),
    ("which councils failed to hit 40% in 2024-25", ["10 authorities", "Merton (38%)", "Torbay (6%)"], ["exactly"]),
    # "a quarter of their outcomes" is a share (25%), not a quarter of the year the tables lack
    ("how many councils got less than a quarter of their outcomes in 2024-25", ["5 authorities", "under 25%",
                                                                               "Warwickshire (24%)"], []),
    # the best (or closest) of those a threshold leaves: a ranking within them, not the whole filter
    ("who did best in 2023-24 out of the councils that didn't get 100%?",
     ["among those with percentage of funded outcomes achieved under 100%: 1. Cumberland (96%"], ["Haringey"]),
    ("of the councils that didn't get to 100% last year, who came closest?", ["1. Hartlepool (100% as printed: 311 of 312)"],
     ["Barnet"]),
    ("which 3 councils were worst among those under 50% in 2024-25", ["1. Torbay", "2. Bexley", "3. Kirklees"],
     ["Harrow"]),
    # councils set against England's figure: the national rate (on their counts) or the average authority's %
    ("how many councils were above the national rate in 2024-25?",
     ["85 authorities had a percentage of funded outcomes achieved above the national rate of 81% (104,761 of "
      "130,054"], ["exactly 100%"]),
    ("which councils were below average in 2023-24", ["72 authorities", "below the average authority's 60.9%",
                                                      "Hampshire (60%)"], ["exactly 100%"]),
    # one year named and nothing that changed: that year's ranking, not the change to it
    ("biggest shortfall in numbers 2024-25", ["1. Greater Manchester (2,340 short"], ["rose the most"]),
    # a growth asked without a year is the change between the two ("added", "grew")
    ("which area added the most outcomes year on year", ["1. Greater Manchester (3,443 → 6,685, +3,242)"], []),
    # changed the least either way: the smallest change up or down, not the biggest fall
    ("which council's outcome count changed the least between the 2 years?", ["changed the least",
                                                                              "1. Lambeth (631 → 647, +16)"],
     ["Lancashire"]),
    ("which council's number of outcomes moved the least between the reports", ["1. Lambeth (631 → 647, +16)"],
     ["Rutland"]),
    # the outcomes a council "left unclaimed" are its shortfall; "by %" asks the share, so the lowest percentage
    ("leaving out greater manchester which single council left the most outcomes unclaimed vs max in 2023-24?",
     ["excluding Greater Manchester: 1. Birmingham (2,561 short"], []),
    ("furthest from allocation by % in 24-25?", ["1. Torbay (6%: 21 of 355)"], ["Greater Manchester"]),
    # the fewest short among those that fell short: not the councils on 100%, 0 short
    ("in 23-24, of the councils that fell short, which was the fewest outcomes short of its max (in numbers)?",
     ["1. Rutland (13 short: 12 of 25)"], ["Barking"]),
    # …and "not 100%" said as a negation ("wasn't", "excluding those on") is under it, not exactly it
    ("highest % in 23-24 that wasn't 100?", ["under 100%: 1. Cumberland (96%"], ["Haringey"]),
    ("best 2023-24 percentage excluding those on 100%", ["under 100%: 1. Cumberland (96%"], ["exactly 100%"]),
    # …but "worst first" only sorts the councils it leaves
    ("which councils under 50% in 2024-25, worst first", ["17 authorities", "Harrow (49%)"], []),
    # England's own change, not a count of councils that changed; "more … in 2024-25" is more than the year before
    ("how many more outcomes did england achieve in 2024-25", ["outcomes achieved by +40,481 (+63%)"], []),
    ("did england do better in 24/25 than 23/24", ["went from 61% to 81%"], ["authorities had higher"]),
    ("whats the difference between the two reports in total outcomes", ["outcomes achieved by +40,481"], []),
    # which year (or report) did better: the nation's two years side by side, not the council that rose most
    ("which of the two years was better", ["went from 61% to 81%"], ["St. Helens"]),
    ("which year had more outcomes", ["outcomes achieved by +40,481"], ["Greater Manchester"]),
])
def test_aggregates(ask, question, facts, absent):
    answer = ask(question)
    assert answer.route == "table", answer.text
    for fact in facts:
        assert fact in answer.text, (fact, answer.text)
    for fact in absent:
        assert fact not in answer.text


@pytest.mark.parametrize("question, refusal", [
    ("How many outcomes did Cardiff achieve in 2024-25?", "Cardiff is in Wales"),
    ("how many families were helped in wales", "Wales is not covered; the Supporting Families programme"),
    # a place outside the tables in a lead-in ("my sister's in rochdale - …") is the place asked about
    ("my sister's in rochdale - how did her council do in 2024-25?", "Rochdale is not listed on its own"),
    # two districts of one area: one sentence for both
    ("which did better in 23/24, bury or bolton", "Bury and Bolton are not listed on their own in the outcome "
                                                 "tables: they are part of Greater Manchester"),
    ("How many outcomes did Leeds achieve in 2019-20?", "not 2019-20"),
    ("What was Kent's maximum funded outcomes for 2025-26?", "not 2025-26"),
    # a year outside the tables, named beside words for several years ("4 years running"): that year, not both
    ("norfolk got 100% for 4 years running - what were their numbers in 2021-22", "not 2021-22"),
    ("what were the ehsg scores in 2019", "EHSG scores for 2022, 2023 and 2024 only, not 2019"),
    # EHSG scores are national averages only: no group of councils has its own
    ("average data score for earned autonomy councils", "published only as national averages"),
    ("outcomes for families with disabled children last year", "they don't give “disabled” figures"),
    # the text gives no region's figures
    ("how much funding did the north east get", "The reports say nothing about the North East as a region"),
    # a ranking of staff the tables don't count, not of outcomes
    ("which council had the most lead practitioners in 2023-24", "they don't give “lead practitioners” figures"),
    # what lies behind a council's row: the children in its families, the families it took on, what it submitted
    # above the 100% cap; the row gives none of them
    ("For Lancashire's 1,143 successful family outcomes last year, how many individual children did that cover?",
     "they don't give “individual children” figures"),
    ("hull got 1140 outcomes in 24-25 but how many families did it take on in total?", "they don't give “take on”"),
    ("how many outcomes did norfolk really submit before the cap in 2024-25?", "they don't give “before the cap”"),
    ("can i get leeds outcomes month by month for 24/25", "they don't give “month by month” figures"),
    ("how many families did kent have referred in 2024-25", "they don't give “referred” figures"),
    # the size of the team running the programme is no figure of the tables (it summed them)
    ("roughly how big is the national supporting families team", "they don't give “supporting families team”"),
    # a name alone that could mean two authorities is asked back, not answered with the national totals
    ("Kingston 2024-25", "Which Kingston do you mean: Kingston upon Thames or Kingston upon Hull?"),
    ("how did kingston do last year", "Which Kingston do you mean"),
])
def test_table_refusals(ask, question, refusal):
    answer = ask(question)
    assert answer.route == "none"
    assert refusal in answer.text
    assert "reports cover" in answer.text  # offers what they do cover


@pytest.mark.parametrize("question, facts", [
    # a group added up, asked with "total", "sum of", "plus", and with what it fell short by or how it changed
    ("tees valley councils (darlington, hartlepool, middlesbrough, redcar, stockton) - total outcomes achieved in "
     "2023-24?", ["together achieved 1,034 successful family outcomes of a combined maximum of 1,797"]),
    ("kent plus medway together in FY24/25 — achieved vs allocation?", ["together achieved 4,058", "(100%)"]),
    ("how many outcomes short of their allocation were lancashire, blackpool and blackburn w darwen last year, all "
     "together?", ["2,757 short of their allocations"]),
    ("derby and derbyshire combined achieved, 23/24 vs 24/25, how much did it go up by",
     ["their combined outcomes achieved changed by +1,021 (1,060 → 2,081)"]),
    ("Cumbria overall (Cumberland + Westmorland and Furness) last year: how many outcomes achieved out of how many "
     "allocated?", ["together achieved 300 successful family outcomes of a combined maximum of 863"]),
    # a region "including" a council in it: the region's total
    ("north west incl greater manchester - outcomes achieved last year?", ["the 15 North West authorities",
                                                                            "achieved 15,363"]),
    # "vs" with "total": each one's, side by side
    ("leeds vs bradford total outcomes 2024-25", ["Leeds achieved 2,102", "Bradford achieved 1,906"]),
    # a part of England's total: of the allocation, or of the outcomes achieved; a council, a group or a region
    ("greater manchester's share of the total national allocation in 24/25", ["9,025", "6.9% of the national "
                                                                              "allocation (130,054"]),
    ("what share of all outcomes achieved in 23/24 came from kent", ["2,314", "3.6% of the national total achieved"]),
    ("london boroughs' share of all outcomes achieved last year", ["19,724", "18.8%"]),
    ("essex, kent and herts together - what share of the 24/25 national allocation is that", ["8,042", "6.2%"]),
    # a group's mean, each row counted once; each one against England's mean; a region's change between the years
    ("average of the % figures for leeds, bradford, kirklees, calderdale and wakefield last year",
     ["was 66.8% (mean of their 5 Annex A rows", "Kirklees 20%"]),
    ("mean % for camden, islington, hackney and westminster 24/25", ["was 84.0%"]),
    ("are leeds and bradford above average in 2024-25", ["Bradford's 87% in 2024-25 is above the average of 79.8%",
                                                         "Leeds's 83% in 2024-25 is above the average"]),
    ("yorkshire & the humber outcomes achieved - 23/24 vs 24/25 and the increase?",
     ["their outcomes achieved changed by +6,669 (5,809 → 12,478)"]),
    # the gap between two, and how many times the one the other is
    ("gap between kent and essex achieved in 24/25?", ["Kent had 1,175 successful family outcomes achieved more"]),
    ("how many times bigger is haringey's allocation than wokingham's, 24/25", ["Haringey's 832 is 8.0 times "
                                                                                "Wokingham's 104"]),
    ("lancashire achieved how many times what solihull did last year?", ["Lancashire's 1,143 is 9.0 times"]),
    # a change ranked within a region; "mean %" of a named group of councils the tables' regions hold
    ("which south west council improved its % the most from 23/24 to 24/25?", ["among the South West authorities",
                                                                               "1. Swindon (69% → 100%, +31 points)"]),
    ("mean % achieved for the tees valley five in FY23/24", ["among the Tees Valley authorities", "was 54.6%"]),
    # "from 23/24 to last year" is both years, and a fall or drop ranks the change downwards, however big it is said
    ("biggest fall in raw outcomes achieved from 23/24 to last year?", ["1. Lancashire (1,519 → 1,143, -376)"]),
    ("largest drop from 2023-24 to 2024-25", ["fell the most", "1. Lancashire (1,519 → 1,143, -376)"]),
    # none of a region's fell: said so, with the smallest rise (not "fell the most: … +4 points")
    ("which north east council dropped its % the most between the two years",
     ["No authority's percentage of funded outcomes achieved fell", "the smallest rise: 1. Middlesbrough"]),
    # "the next best" after the one a lead-in names: the top two
    ("york had the top % in yorkshire last year, who was next best?", ["1. Barnsley", "2. Doncaster"]),
    # "the smallest drop" is the least fall among those that fell (ties named), not the biggest fall
    ("which council had the smallest drop in % between 23/24 and 24/25",
     ["whose percentage of funded outcomes achieved fell", "1. Blackburn with Darwen (49% → 47%, -2 points)",
      "Tied on -2 points with Blackburn with Darwen: 1 more authority (Islington)"]),
    ("least increase in outcomes achieved from 23/24 to last year?", ["the smallest rises first: 1. Lambeth (631 → 647, +16)"]),
    # …and where none moved that way, says so
    ("which north east council had the smallest drop in % between the two years",
     ["No authority's percentage of funded outcomes achieved fell from 2023-24 to 2024-25, among the North East"]),
])
def test_groups_added_up_and_their_part_of_englands_total(ask, question, facts):
    answer = ask(question)
    assert answer.route == "table"
    assert all(f in answer.text for f in facts), answer.text


@pytest.mark.parametrize("question, facts, absent", [
    # a name that could mean two authorities, told apart by the one left out or the region named
    ("Kingston (the London one, not Hull) - how many outcomes in 2024/25?",
     ["Kingston upon Thames achieved 247"], "Kingston upon Hull"),
    ("kingston in london, 2023-24 outcomes", ["Kingston upon Thames achieved 200"], "Kingston upon Hull"),
    ("how did leeds do in 2024-25, not bradford", ["Leeds achieved 2,102"], "Bradford"),
    # a place further down a ranking than the area a lead-in names: the ranking, not that area's figures
    ("Cumberland obviously had the biggest drop in % achieved between the two years - who had the second biggest?",
     ["1. Cumberland", "2. Westmorland and Furness (85% → 52%, -33 points)"], "maximum funded +98"),
    ("barnet had the most outcomes in london in 2024-25, who was runner up",
     ["1. Newham (1,157 of 1,201, 96%)", "2. Enfield (1,118 of 1,118, 100%)"], "Barnet achieved"),
])
def test_a_name_told_apart_or_set_aside_by_the_question(ask, question, facts, absent):
    answer = ask(question)
    assert answer.route == "table"
    assert all(f in answer.text for f in facts) and absent not in answer.text


@pytest.mark.parametrize("question, facts", [
    # a place the tables lack, named beside one they have: the row, and why the other has none
    ("kent vs cardiff 2024-25", ["Kent achieved 3,403", "Cardiff is in Wales"]),
    ("compare cornwall with cumbria for last year", ["Cornwall achieved 898", "Cumberland and Westmorland and Furness"]),
    ("leeds and stockport 2023-24", ["Leeds achieved 1,029", "Stockport is not listed on its own", "Greater Manchester"]),
])
def test_table_row_beside_place_outside(ask, question, facts):
    answer = ask(question)
    assert answer.route == "table", answer.text
    for fact in facts:
        assert fact in answer.text, (fact, answer.text)
    assert answer.text.rstrip().split("\n")[-1].startswith("Source: 2")


@pytest.mark.parametrize("turns, facts", [
    # "which of the two…" after one council, then another: the two side by side
    (["how did gateshead do in 2024-25", "and sunderland?", "which of the two was closer to its allocation"],
     ["Gateshead was closer to its allocation (167 short, against 288)"]),
    (["How many outcomes did Leeds achieve in 2024-25?", "And in 2023-24?"], ["1,029"]),
    # "out of how many?" after a council's figure is its row (not a count of councils), and the row carries on;
    # "b4" is "before"
    (["how many outcomes did milton keynes get in 2024-25", "out of how many?", "and the year before?"],
     ["Milton Keynes achieved 79 successful family outcomes in 2023-24, of a maximum of 410"]),
    (["how did st helens do in 24-25", "n the year b4?"], ["St. Helens achieved 96"]),
    (["What was Bradford's percentage in 2024-25?", "What about Leeds?"], ["83%"]),
    (["How many did Kent achieve in 2023-24?", "And the following year?"], ["3,403"]),
    (["What was the maximum for Essex in 2024-25?", "What percentage did it achieve?"], ["79%"]),
    # A follow-up that names an order takes it: the best after the worst.
    (["worst performing earned autonomy area in 2023-24?", "and the best?"],
     ["highest", "Earned Autonomy areas", "Barking and Dagenham (100%"]),
    # "what did those councils achieve?" after a ranking: their rows, not the text (achieve is a table word)
    (["top 3 allocations in 2023-24", "what did they achieve then?"],
     ["Birmingham achieved 1,379 successful family outcomes in 2023-24"]),
    # "and the X one?" after a text answer: the same kind of answer about the other project, not the quote again
    (["how much was southwark awarded for mental health", "and the SEND one?"], ["£86,299"]),
    # a comparison asked of the conversation: the two authorities it named, or the year before
    (["how did leeds do in 2023-24", "and bradford?", "which was better?"],
     ["Leeds achieved 1,029 of a maximum of 2,054 (50%); Bradford achieved 555"]),
    (["how did cornwall get on", "and devon", "which one hit a higher percentage"],
     ["Devon had 14 percentage points more than Cornwall", "Devon had 11 percentage points more"]),
    # "which london boroughs hit their full allocation" lists those at 100% (not the boroughs' sum), and "how many
    # is that" counts them
    (["which london boroughs hit their full allocation in 24/25?", "how many is that"],
     ["17 authorities had percentage of funded outcomes achieved exactly 100% in 2024-25, among the London boroughs"]),
    # "and the next 2?" after the top one: the two below it, and "the second one" is the second of those
    (["who got the most successful outcomes in 2024-25", "and the next 2?"],
     ["excluding Greater Manchester: 1. Birmingham (4,193 of 4,873, 86%); 2. Kent (3,403 of 3,403, 100%)"]),
    # "how many more did X get" after X then Y: more than Y that year (not X's own change); "diff between them"
    # is their difference in the measure asked ("target": the maximum), not their sum
    (["norfolk outcomes 2024-25", "suffolk?", "how many more did norfolk get"],
     ["Norfolk had 1,057 successful family outcomes achieved more than Suffolk"]),
    (["leeds target for 24-25", "bradford?", "diff between them?"],
     ["Leeds had 359 maximum funded successful family outcomes more than Bradford"]),
    # "that" is the first authority's figure, set beside the one the follow-up names
    (["what was sheffield's max outcomes for 24-25", "is that more than rotherham?"],
     ["Sheffield achieved 1,652 of a maximum of 1,652 (100%); Rotherham achieved 559 of a maximum of 850"]),
    # "all of it" after an allocation asks whether it was met; "got it" after Earned Autonomy is its areas
    (["what was essex's allocation in 2024-25", "did they use all of it?"], ["No.", "577 short of its allocation"]),
    (["what's earned autonomy", "which councils got it in 2023-24"],
     ["marked * in the 2023-24 Annex A", "Dorset, Hertfordshire, Lancashire, Norfolk, Somerset and Wolverhampton"]),
    # a partial name is the authority ("westmorland"); a name nobody knows is said to be unknown, not taken
    # for the authority before it
    (["how did cumberland do in 2024-25", "and westmorland?"],
     ["Westmorland and Furness achieved 185 successful family outcomes in 2024-25"]),
    (["how did cumberland do in 2024-25", "and gotham?"], ["“gotham” is not in the outcome tables"]),
    (["how did cumberland do in 2024-25", "what about Narnia?"], ["“Narnia” is not in the outcome tables"]),
    # a region stays with the follow-up; another region, or "outside" one, takes its place
    (["how did the north east do in 2024-25", "which council there did worst"],
     ["among the North East authorities", "Darlington (53%: 128 of 243)"]),
    (["how'd the north west do in the final year", "and the worst council there?"],
     ["among the North West authorities", "Cumberland (23%: 115 of 507)"]),
    (["london outcomes 2024-25", "and the best one?"], ["highest percentage", "among the London boroughs"]),
    (["lowest 5 in london 2024-25", "what about the south west"],
     ["among the South West authorities", "1. Torbay (21 of 355, 6%)"]),
    (["lowest 5 in london 2024-25", "how about outside london"], ["among the authorities outside London", "Torbay"]),
    # a region after a count or a list narrows it to that region's authorities
    (["how many councils hit 100% in 2024-25", "how many were in london"],
     ["17 authorities had percentage of funded outcomes achieved exactly 100% in 2024-25, among the London boroughs"]),
    (["which councils were under 50% in 2023-24", "which of them are in the north west"],
     ["6 authorities", "among the North West authorities", "Warrington (40%)"]),
    # "which improved more" after two areas side by side: each one's change between the years
    (["kent vs essex 2024-25", "and the previous year", "which improved more"],
     ["percentage +16 points", "Essex: in 2023-24 it achieved 1,870"]),
    # "how did they do" after the Earned Autonomy areas: all of them, ranked
    (["which councils got earned autonomy in 2023-24", "how did they do in 2024-25"],
     ["All 16 Earned Autonomy areas", "by percentage of funded outcomes achieved in 2024-25"]),
    (["how many outcomes in total last year", "and the year before", "what's the difference"],
     ["64,280", "104,761", "+40,481"]),
    (["kent 24/25", "was that better than the year before?"], ["1,089 more outcomes achieved in 2024-25"]),
    # after an Earned Autonomy answer, "that" is Earned Autonomy: what it means, from the text
    (["did Kent get earned autonomy", "what does that mean for them"], ["EA is a progression from Payment by Results"]),
    # set against the national rate; "how many is that?" after a list counts it
    (["how did hartlepool do in 24/25", "was that above the national rate"], ["above the national 81% (19 points)"]),
    (["which councils were under 50% in 2023-24", "how many are there"], ["50 authorities"]),
    (["how did sheffield get on in 24/25", "what about the year before", "so did they improve?"],
     ["468 more outcomes achieved in 2024-25"]),
    (["what was the national total in 2023-24", "and in 2024-25?", "so how much did it go up?"],
     ["outcomes achieved by +40,481 (+63%)"]),
    (["who wrote the foreword in 23/24", "and in the newer report?"], ["Janet Daby MP"]),
    # after the EHSG scores, "which section…" is about the same table and year
    (["what were the ehsg scores in 2024", "which section was lowest"], ["2024: Family Voice 3.8", "Data 3.2"]),
    # …after the scores too, and "since 2022" is from 2022 to the latest
    (["what's the EHSG", "what were the scores in 2023", "which section improved most since 2022"],
     ["The section that rose most from 2022 to 2024: Communities (+0.7)"]),
    # …and after what the EHSG is, "section" alone is one of its sections
    (["what's the EHSG", "what was the lowest scoring section in 2024"], ["The lowest-scoring section: Data in 2024 (3.2)"]),
    (["ehsg workforce score 2024", "and the year before?"], ["Workforce 3.3"]),
    # "its numbers" after the one council a ranking of changes put first: its rows, both years
    (["which council had the biggest jump in % achieved from 23-24 to 24-25", "what were its numbers each year?"],
     ["St. Helens: in 2023-24 it achieved 96 of a maximum of 449 (21%); in 2024-25 555 of 555 (100%)"]),
    # the councils a project's text names, then their rows: "their percentages", "how did they do in the table"
    (["which councils were in the SEND good practice project?", "what were their 2024-25 percentages"],
     ["Nottingham achieved 551 of a maximum of 1,140 (48%)", "Southwark (100%), Leeds (83%), Hertfordshire (80%)"]),
    (["what were the wave one pathfinder areas", "how did they do in the 24-25 outcomes table?"],
     ["Dorset achieved 525 of a maximum of 525 (100%)", "Wolverhampton achieved 536 of a maximum of 906 (59%)"]),
    (["which areas got earned autonomy in the 23-24 report", "what were their percentages in 2024-25?"],
     ["Lancashire achieved 1,143 of a maximum of 3,173 (36%)", "Somerset achieved 1,036"]),
    # the section asked about stays with the year that follows it, and "how much did it go up?" is its change
    # between the years the conversation asked about
    (["ehsg family voice score 2024?", "and in 2022?"], ["2022: Family Voice 3.2."]),
    (["ehsg family voice score 2024?", "and in 2022?", "how much did it go up"], ["Change 2022 to 2024: Family "
                                                                                 "Voice +0.6."]),
    # after a text answer about the EHSG, its scores are the EHSG table's
    (["what is the EHSG", "what were the scores last year"], ["2024: Family Voice 3.8", "Data 3.2"]),
    # "her job title" after who signed: the signature block says it
    (["who signed the foreword in the latest report", "what's her job title"], ["Minister for Children and Families"]),
    # "reach" is what the reports call "engaged with"
    (["tell me about the family voice work", "how many areas did it reach"], ["we have engaged with 14 local areas"]),
    # …and "what department were they from": both signatures, each with its department
    (["who signed the 2023-24 foreword", "what department were they from"],
     ["Department for Levelling Up, Housing and Communities", "David Johnston MP", "Department for Education"]),
    # each earlier turn is read with the answer that followed it: "their" is the three listed, in both years
    (["top 3 councils in 2024-25 by outcomes", "what were their percentages", "and in 2023-24?"],
     ["Greater Manchester achieved 3,443", "Birmingham achieved 1,379", "Kent achieved 2,314"]),
    # "which of them did worst" after all of them in order: the one at the bottom of the same group
    (["which councils have earned autonomy", "how did they do in 2023-24", "and which of them did worst"],
     ["The authority with the lowest percentage", "among the Earned Autonomy areas", "1. Greater Manchester (47%"]),
    # only a year after two councils side by side: the same two, that year (not each one's change)
    (["solihull vs coventry 2023-24", "what about last year"], ["In 2024-25: Solihull achieved", "Coventry achieved"]),
    # "and compared with X?" after one council's figures: the two side by side, that year
    (["how did barnsley do in 24/25", "and compared with wakefield?"], ["In 2024-25: Barnsley achieved",
                                                                      "Wakefield achieved"]),
    # "what place was Kent": where it came in the table, not the places the text names
    (["what place was Kent for number of outcomes achieved in 2024-25"],
     ["Kent ranked 3rd of 141 authorities by successful family outcomes achieved in 2024-25"]),
    (["rotherham's place in the table for percentage achieved last year?"],
     ["Rotherham ranked 106th of 141 authorities by percentage of funded outcomes achieved in 2024-25"]),
    # …and "and in 2023-24?" after it: where it came that year, not its change
    (["where did Kent come by outcomes in 2024-25", "and in 2023-24?"],
     ["Kent ranked 2nd of 141 authorities by successful family outcomes achieved in 2023-24"]),
    # "ok now" only moves the conversation on: "both years" are both, not the latest ("now")
    (["Hillingdon 23/24", "and 24/25?", "ok now Hounslow for both years"],
     ["Hounslow achieved 343 successful family outcomes in 2023-24", "Hounslow achieved 793"]),
    # "they" after a text answer about one council's project is that council: its outcome row
    (["what did Southwark get for its mental health pilot?", "and what % of their family outcomes did they hit "
                                                              "in 2023-24?"],
     ["Southwark achieved", "in 2023-24"]),
])
def test_follow_ups(converse, turns, facts):
    answer = converse(*turns)
    for fact in facts:
        assert fact in answer.text, answer.text


def test_why_after_an_areas_figures_says_no_reason_is_given_for_them(converse):
    """ "why were they so far behind?" after Solihull's row: what the reports lack is a reason for its figures."""
    answer = converse("solihull 24-25", "why were they so far behind?")
    assert answer.route == "none"
    assert answer.text.startswith("The reports don't give a reason for Solihull's figures."), answer.text


def test_why_after_figures_asks_about_those_figures_whatever_words_asked_for_them(converse):
    """ "why so low?" after "as a % of the allocation?": why that year's outcome figures are what they are, in
    that year's report; not a sentence that shares the word "allocation" (a case study's "point of allocation")."""
    answer = converse("national total outcomes 2023-24?", "as a % of the allocation?", "why so low")
    assert "Lauren" not in answer.text and "2023-24 report" in answer.text, answer.text
    assert "successful family outcomes" in answer.text


def test_langchain_tool_has_typed_arguments(tool):
    lc = tool.as_langchain_tool()
    schema = lc.args_schema.model_json_schema()
    assert {"operation", "authority", "year", "measure"} <= set(schema["properties"])
    assert "2,102" in lc.invoke({"operation": "lookup", "authority": "Leeds", "year": "2024-25", "measure": "achieved"})
    assert "Greater Manchester" in lc.invoke({"operation": "rank", "year": "2024-25", "measure": "achieved", "n": 1})
    assert "16,649" in lc.invoke({"operation": "totals", "year": "2023-24", "subset": "earned_autonomy"})
    assert "19,724" in lc.invoke({"operation": "totals", "year": "2024-25", "subset": "london"})
    assert "1. London (91%" in lc.invoke({"operation": "rank", "year": "2024-25", "by_region": True})


def test_cli_json(built):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "qa", "--json", "What percentage did Leeds achieve in 2024-25?"],
                         capture_output=True, text=True, timeout=120, check=True)
    data = json.loads(out.stdout)
    assert data["route"] == "table" and "83%" in data["text"]


def test_regions_name_annex_a_authorities(tool):
    """Every Annex A authority is in exactly one region (places.json), so regions' figures miss none."""
    from qa import slots

    names = {row["authority"] for row in tool.all_rows()}
    members = [name for region in slots.places()["regions"].values() for name in region]
    assert len(members) == len(set(members)) and set(members) == names, set(members) ^ names


def test_groups_name_annex_a_authorities(tool):
    """The other groups (metropolitan counties, combined areas: places.json "groups") name Annex A authorities."""
    from qa import slots

    names = {row["authority"] for row in tool.all_rows()}
    for group, (_, members) in slots.groups().items():
        assert set(members) <= names and len(members) == len(set(members)) >= 2, (group, set(members) - names)


@pytest.mark.parametrize("question, said", [
    # a group people name (a metropolitan county, a combined area, a county of unitaries): its rows summed
    ("combined outcomes achieved by the 4 South Yorkshire councils in 2024-25?",
     "the 4 South Yorkshire authorities (a grouping the reports don't use) achieved 3,975 successful family "
     "outcomes of 4,266 funded"),
    ("add up the six Berkshire unitaries for 24/25 pls", "achieved 1,133 successful family outcomes of 1,365 funded"),
    ("Tees Valley's five councils in 2023-24: combined outcomes and overall %?", "1,034 successful family outcomes "
                                                                                 "of 1,797 funded (58% overall"),
    ("is sheffield in south yorkshire", "Yes: Sheffield is one of the South Yorkshire authorities (Barnsley, Doncaster, "
                                        "Rotherham and Sheffield"),
    ("south yorkshire vs west yorkshire 2024-25", "By group of authorities"),
    # a group named after one of its councils is the group, not that council
    ("liverpool city region 23/24 - combined %?", "the 6 Liverpool City Region authorities"),
    # an authority named after one ("West Berkshire") is that authority
    ("how did west berkshire do in 2024-25", "West Berkshire achieved 104 successful family outcomes in 2024-25"),
])
def test_a_group_of_authorities_is_its_rows(ask, question, said):
    answer = ask(question)
    assert answer.route == "table" and said in answer.text, answer.text


@pytest.mark.parametrize("question, said", [
    ("which region is hampshire in", "Hampshire is in the South East (by English region, a grouping the reports don't use)"),
    ("is hampshire in the north west", "No: Hampshire is not in the North West; Hampshire is in the South East"),
    ("is leeds in yorkshire", "Yes: Leeds is in Yorkshire and the Humber"),
    # a compass word asks where it is; "South" in South Tyneside's name does not
    ("is south tyneside in the north", "South Tyneside is in the North East"),
])
def test_which_region_an_authority_is_in(ask, question, said):
    answer = ask(question)
    assert answer.route == "table" and said in answer.text, answer.text
    assert "successful family outcomes" not in answer.text.split("Source:")[0]


def test_an_authority_named_with_a_compass_word_is_not_asked_where_it_is(converse):
    answer = converse("gateshead 24/25", "what about south tyneside")
    assert "South Tyneside achieved 520 successful family outcomes in 2024-25" in answer.text, answer.text


@pytest.mark.parametrize("question, said", [
    # "every outcome they were funded for" is 100% of the allocation: the tables count those areas
    ("how many councils got every outcome they were funded for in 23/24",
     "9 authorities had percentage of funded outcomes achieved exactly 100% in 2023-24"),
    ("which areas got every single outcome in 2024-25",
     "53 authorities had percentage of funded outcomes achieved exactly 100% in 2024-25"),
    # a share of the councils asked with "%" or "share of" is the count and its part of all 141
    ("what % of areas got full marks in 2023-24", "(9 of 141 authorities, 6%)"),
    ("share of councils with full marks in 24/25", "(53 of 141 authorities, 38%)"),
])
def test_every_outcome_funded_is_full_marks(ask, question, said):
    answer = ask(question)
    assert answer.route == "table" and said in answer.text, answer.text


@pytest.mark.parametrize("question, said", [
    ("did london do better than the north west in 2024-25",
     "1. London (91%: 19,724 of 21,734); 2. North West (71%: 15,363 of 21,556)."),
    ("yorkshire vs the east midlands 23/24",
     "1. East Midlands (63%: 5,377 of 8,594); 2. Yorkshire and the Humber (46%: 5,809 of 12,587)."),
])
def test_two_regions_named_are_set_side_by_side(ask, question, said):
    answer = ask(question)
    assert answer.route == "table" and said in answer.text, answer.text
    assert "South West" not in answer.text  # only the regions named


@pytest.mark.parametrize("question", [
    "re: FW: FW: supporting families stats --- can u send the wirral numbers for last yr",
    "please send kent stats 23/24",
])
def test_send_me_a_councils_numbers_is_its_table_row(ask, question):
    """ "send" here asks for something (it is no SEND project), and "stats"/"numbers" are the tables'."""
    answer = ask(question)
    assert answer.route == "table" and "successful family outcomes" in answer.text, answer.text


def test_a_part_another_part_already_says_is_not_repeated(ask):
    answer = ask("what percentage of its allocation did Calderdale achieve in 2024-25, and how does that compare "
                 "with the national figure?")
    assert answer.text.count("Calderdale achieved 94%") == 1, answer.text
    assert "above the national 81%" in answer.text


def test_fell_short_in_both_years_is_under_full_marks_in_each(ask):
    """ "fell short" is a threshold (under 100%), not a change between the years."""
    answer = ask("which councils fell short in both years")
    assert answer.route == "table", answer.text
    assert "87 authorities had percentage of funded outcomes achieved under 100% in each of 2023-24 and 2024-25" \
        in answer.text, answer.text


def test_a_ranking_by_something_the_tables_lack_is_declined(ask):
    answer = ask("which council had the most complaints")
    assert answer.route == "none" and "don't give “complaints” figures" in answer.text, answer.text
