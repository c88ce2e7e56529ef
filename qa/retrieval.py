"""Hybrid retrieval over the report chunks, then re-scoring at sentence level.

BM25 catches what dense search misses (numbers, names: "£112,268", "Kirklees",
"IFF"); MiniLM in Chroma catches paraphrase. The two rankings are fused with
reciprocal rank fusion, and the sentences of the best chunks are re-scored
against the question so the answer can be the one sentence that answers it.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from index import vectors
from qa import weights
from qa.stores import per_build

HEADING_SHARE = 0.5
RRF_K = 60  # the usual constant; rank fusion is insensitive to it over 20-100
CANDIDATES = 20  # chunks taken from each ranking before fusion
RESCORE_CHUNKS = 10  # fused chunks whose sentences are re-scored
# …with the chunks of the sentences closest to the query on their own: a long chunk (a report's executive
# summary) can rank low as a whole while one of its sentences is the answer.
SENTENCE_RECALL = 5
# Sentence score = dense * cosine + lexical * keyword overlap + chunk * chunk rank (qa/data/weights.json).

STOPWORDS = set("""a an the and or of to in on for with by at from as is are was were be been being it its this that
these those what which who whom whose when where why how did do does done has have had will would can could should
may might shall about into than then there their they them we our us you your i me my he she his her not no yes
any all each many much more most some such so if but also very just only over under up down out per via much tell
please give show list name according report reports say said says programme supporting families
whats whos hows wheres whens s t d ll re ve m kind kinds sort sorts everything anything something
want know wondering wonder whether true heard apparently
behind across around among within without towards toward upon onto beside beyond during against along throughout
""".split())  # with what's left of "what's", "don't", "we'll", and the prepositions
# ("kind", "sort": "what kinds of problems…" asks about problems; "everything" names no topic; "I want to
# know…", "is it true…", "I heard…" ask)
# Stop words for the search (every passage is about them), yet what a question is about: "what is supporting
# families?" asks something.
SUBJECT_WORDS = {"supporting", "families", "programme", "program"}


_SUFFIXES = ("ations", "ation", "ings", "ing", "als", "al", "ed", "es", "s")


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    """Irregular word forms and the form the stemmer meets them at (vocabulary "irregular_forms")."""
    from qa import slots

    return {k: v for k, v in slots.vocabulary()["irregular_forms"].items() if not k.startswith("_")}


# A British doubled "l" before a suffix, after a vowel of the word's second syllable: "travell(ing)", "triall(ed)"
# (not "call", "fill", "skill": one syllable).
_BRITISH_LL = re.compile(r"[aeiou][^aeiou]{1,2}[aeiou]ll$|[^aeiou][ia][aeo]ll$")


def stem(word: str) -> str:
    """Light suffix stripping, enough to meet "ended"/"end", "collected"/"collection".

    Kept by hand: PyStemmer's Snowball English scored lower on the tuning set (83.8% against 84.0%,
    219 failures against 216) and folds "authorities" into "author".
    """
    word = _irregular().get(word, word)  # "spent" is "spend", "paid" "pay"
    if word.endswith("ated") and len(word) >= 9:
        return word[:-4]  # "evaluated" meets "evaluation", "allocated" "allocation" ("updated" stays "updat")
    if word.endswith("ies") and len(word) >= 6:
        return word[:-3] + "y"  # "families" meets "family", "authorities" "authority"
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix) and not word.endswith("ss"):
            if suffix == "es" and len(word) == 5:  # "cases" meets "case", "rates" "rate" (not "cas", "rat")
                return word[:-1]
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsf":
                word = word[:-1]  # "running" -> "run"
            elif _BRITISH_LL.search(word):
                return stem(word[:-1])  # "trialling" meets "trial" and "trialing", "modelled" "modeled"
            return word
    # a final "e" goes as it does before a suffix: "engage"/"engaged", "outcome"/"outcomes" meet; so does a doubled
    # letter before it, as before a suffix: "programme", "programmes" and the American "program" meet
    if len(word) > 4 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
        return word[:-1] if word[-1] == word[-2] and word[-1] not in "lsf" else word
    return word


def tokens(text: str) -> list[str]:
    """Lowercase words and numbers ("£112,268" -> "112268"), stopwords out, light stemming."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    words = re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", text)
    return [stem(w) for w in words if w not in STOPWORDS]


# The programme years name which report, not what it says: they don't count as matching words.
YEAR_TOKENS = {"2023", "2024", "2025", "23", "24", "25"}


# The title of a titled paragraph: "Family Voice - This is a cross-government project…".
_TITLED = re.compile(r"^(?!The |This |It )([A-Z][\w() ,'’]{2,120})\s[-–]\s(?:This|These|It)\b")

# Sentences that lean on the one before ("They have supported 19 areas", "However, 23% of areas…").
_PRONOUN_START = re.compile(r"^(They|This|These|It|Their|Its|He|She|Her|His|However|Both|Equally|As a result|Having)\b")


class Keywords:
    """BM25 keyword search over the chunks (bm25s, Lucene's variant) and the words' rarity (idf).

    Args:
        docs: each chunk's tokens (`tokens()`), in the order of the chunk ids.
    """

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import

        self.df = Counter(t for d in docs for t in set(d))  # in how many chunks each word occurs
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in self.df.items()}  # as Lucene's BM25
        self.size = n
        self.index = bm25s.BM25(k1=k1, b=b, method="lucene")
        self.index.index(docs, show_progress=False)

    def scores(self, query: list[str]) -> np.ndarray:
        """Each chunk's BM25 score for the query's words (zeros when the chunks use none of them)."""
        known = [t for t in query if t in self.idf]
        return self.index.get_scores(known) if known else np.zeros(self.size)


@dataclass
class ChunkHit:
    id: str
    text: str
    meta: dict
    score: float  # fused RRF score
    dense_rank: int | None
    lexical_rank: int | None


@dataclass
class SentenceHit:
    text: str
    chunk: ChunkHit
    position: int
    score: float
    cosine: float
    lexical: float
    words: frozenset = frozenset()  # its content words, with those of a sentence it continues


class HybridRetriever:
    """BM25 + Chroma dense search, fused; sentence re-scoring from build-time sentence embeddings."""

    def __init__(self, chroma_client=None):
        chroma = chroma_client or vectors.client()
        self.source = type(chroma).__name__  # which Chroma client the vectors were read through
        got = chroma.get_collection(vectors.CHUNKS).get(include=["documents", "metadatas", "embeddings"])
        # The chunk vectors are held in memory (a few hundred rows): dense search is one matrix product,
        # exact, with no round trip to Chroma per question.
        self.chunk_vecs = np.asarray(got["embeddings"], dtype=np.float32)
        self.chunk_years = np.asarray([m["year"] for m in got["metadatas"]])
        self.ids: list[str] = got["ids"]
        self.texts: dict[str, str] = dict(zip(got["ids"], got["documents"]))
        self.metas: dict[str, dict] = dict(zip(got["ids"], got["metadatas"]))
        self.years = sorted({m["year"] for m in self.metas.values()})  # every indexed report
        self.keywords = Keywords([tokens(f"{m['path']} {t}") for t, m in zip(got["documents"], got["metadatas"])])
        s = chroma.get_collection(vectors.SENTENCES).get(include=["documents", "metadatas", "embeddings"])
        self.sentence_text: list[str] = s["documents"]
        self.sentence_meta: list[dict] = s["metadatas"]
        self.sentence_vecs = np.asarray(s["embeddings"], dtype=np.float32)
        self.sentence_years = np.array([m["year"] for m in self.sentence_meta])
        self.by_chunk: dict[str, list[int]] = {}
        for i, m in enumerate(self.sentence_meta):
            self.by_chunk.setdefault(m["chunk_id"], []).append(i)
        self.sentence_tokens = self._tokens_with_antecedents()
        self.vocabulary = set(self.keywords.idf)
        self._vocab_list = sorted(self.vocabulary | {t for s in self.sentence_tokens for t in s})
        self._corpus = " ".join(self.texts.values()).lower()
        self.words = frozenset(re.findall(r"[a-z]+", self._corpus))  # the reports' words as written, for spelling
        self.proper_names = _proper_names(self.sentence_text)
        self._sections: dict[tuple[str, str], str] = {}  # (year, path) -> the path and all its text
        for cid, text in self.texts.items():
            key = (self.metas[cid]["year"], self.metas[cid]["path"])
            self._sections[key] = self._sections.get(key, key[1]) + "\n" + text
        meta = self.sentence_meta
        # Every sentence in reading order, grouped by (year, heading path).
        self._reading: dict[tuple[str, str], list[int]] = {}
        for i in sorted(range(len(meta)), key=lambda i: (meta[i]["year"], meta[i]["order"], meta[i]["position"])):
            self._reading.setdefault((meta[i]["year"], meta[i]["path"]), []).append(i)
        self.reading_place = {i: (key, k) for key, ids in self._reading.items() for k, i in enumerate(ids)}
        self.ids_of_text: dict[str, list[int]] = {}
        for i, text in enumerate(self.sentence_text):
            self.ids_of_text.setdefault(text.removeprefix("• ").strip(), []).append(i)
        defined = _acronyms(list(self.texts.values()) + [m["path"] for m in self.metas.values()])
        self.acronyms = {short: set(tokens(" ".join(phrases))) for short, phrases in defined.items()}
        self.unwritten = _unwritten_short_forms(list(self.texts.values()), defined)  # "ldaf": local data…
        # Abbreviations the reports use less than the words they stand for ("EA" once, "Earned Autonomy"
        # throughout; not "SEND"), spelled out: a question's "EA" is read as "earned autonomy", and a
        # sentence's "The aim of the FFP Programme…" matches "the aims of the families first partnership".
        self.spelled_out = {short: defined[short][0] for short, words in self.acronyms.items()
                            if self.chunk_count(short) < min(map(self.chunk_count, words))}
        for words in self.sentence_tokens:
            words |= self._short_forms(words)

    def _tokens_with_antecedents(self) -> list[set[str]]:
        """Each sentence's words; one opening "They…"/"This…" also gets the words of the sentence it
        continues, so "They have supported 19 areas" still matches a question naming Lincolnshire."""
        out = [set(tokens(t)) for t in self.sentence_text]
        meta = self.sentence_meta
        ordered = sorted(range(len(meta)), key=lambda i: (meta[i]["year"], meta[i]["order"], meta[i]["position"]))
        for prev, cur in zip(ordered, ordered[1:]):
            same_section = (meta[prev]["year"], meta[prev]["path"]) == (meta[cur]["year"], meta[cur]["path"])
            if same_section and _PRONOUN_START.match(self.sentence_text[cur]):
                out[cur] |= out[prev]
        # a titled paragraph ("Family Voice - This is a cross-government project…") is about its title throughout:
        # "We have commissioned Safe Lives to deliver this project" is family voice's
        for ids in self.by_chunk.values():
            title = _TITLED.match(self.sentence_text[ids[0]]) if ids else None
            for i in ids[1:] if title else []:
                out[i] |= set(tokens(title.group(1)))
        return out

    def embed(self, text: str) -> np.ndarray:
        return _embed_query(text)

    def search(self, query: str, k: int = 5, year: str | None = None,
               query_vector: np.ndarray | None = None) -> list[ChunkHit]:
        """Top-k chunks by reciprocal rank fusion of dense and BM25 rankings."""
        vec = self.embed(query) if query_vector is None else query_vector
        similarity = self.chunk_vecs @ vec
        if year:
            similarity = np.where(self.chunk_years == year, similarity, -np.inf)
        order = np.argsort(-similarity, kind="stable")[:CANDIDATES]
        dense = [self.ids[i] for i in order if np.isfinite(similarity[i])]
        # the chunks are searched by the words an abbreviation stands for as well ("EA": earned autonomy)
        words = self.query_tokens(query)
        written = [w for t in words for w in (sorted(self.unwritten[t]) if t in self.unwritten else [t])]
        lex_scores = self.keywords.scores(written + sorted(self._spelled_words(set(words)) - set(words)))
        order = np.argsort(-lex_scores)
        lexical = [self.ids[i] for i in order[:CANDIDATES] if lex_scores[i] > 0
                   and (not year or self.metas[self.ids[i]]["year"] == year)]
        fused: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, cid in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=fused.get, reverse=True)[:k]
        return [ChunkHit(cid, self.texts[cid], self.metas[cid], fused[cid],
                         dense.index(cid) if cid in dense else None,
                         lexical.index(cid) if cid in lexical else None) for cid in best]

    def sentences(self, query: str, year: str | None = None) -> tuple[list[SentenceHit], list[ChunkHit]]:
        """Sentences of the best chunks, best first, and the chunks they came from."""
        vec = self.embed(query)
        hits = self.search(query, k=RESCORE_CHUNKS, year=year, query_vector=vec)
        hits += self._sentence_recall(vec, year, {h.id for h in hits})
        q_tokens = set(self.query_tokens(query)) - YEAR_TOKENS
        # (a short form the reports never write, "LDAF", is scored by the words it stands for)
        q_tokens = self.written_out(q_tokens)
        q_weight = sum(self.keywords.idf.get(t, 0.0) for t in q_tokens) or 1.0
        top_fused = hits[0].score if hits else 1.0
        w = weights.current()
        out: list[SentenceHit] = []
        for hit in hits:
            heading = set(tokens(hit.meta["path"]))
            for i in self.by_chunk.get(hit.id, []):
                cosine = float(self.sentence_vecs[i] @ vec)
                own = q_tokens & self.sentence_tokens[i]
                # Words of the section's headings count at half weight: "foreword" finds the signatures.
                overlap = (sum(self.keywords.idf.get(t, 0.0) for t in own)
                           + HEADING_SHARE * sum(self.keywords.idf.get(t, 0.0) for t in (q_tokens & heading) - own)) / q_weight
                score = w.dense * cosine + w.lexical * overlap + w.chunk * hit.score / top_fused
                out.append(SentenceHit(self.sentence_text[i], hit, self.sentence_meta[i]["position"],
                                       score, cosine, overlap, frozenset(self.sentence_tokens[i])))
        out.sort(key=lambda s: s.score, reverse=True)
        return out, hits

    def _sentence_recall(self, vec: np.ndarray, year: str | None, have: set[str]) -> list[ChunkHit]:
        """The chunks, not among `have`, of the SENTENCE_RECALL sentences most like the query (of that year)."""
        similarity = self.sentence_vecs @ vec
        if year:
            similarity = np.where(self.sentence_years == year, similarity, -np.inf)
        out: dict[str, ChunkHit] = {}
        for i in np.argsort(-similarity, kind="stable")[:SENTENCE_RECALL]:
            cid = self.sentence_meta[i]["chunk_id"]
            if np.isfinite(similarity[i]) and cid not in have and cid not in out:
                out[cid] = ChunkHit(cid, self.texts[cid], self.metas[cid], 0.0, None, None)
        return list(out.values())

    def text_tokens(self, text: str) -> set[str]:
        """A passage's words, with those its abbreviations stand for ("the FFP Programme": families first
        partnership)."""
        words = set(tokens(text))
        return words | self._spelled_words(words)

    def told_tokens(self, text: str) -> set[str]:
        """A passage's words with those of every abbreviation it uses, however seldom the reports spell it out:
        a heading's "SEND" speaks of special educational needs (for checking a passage is about what was asked;
        ranking keeps text_tokens)."""
        words = set(tokens(text))
        return words | self._spelled_words(words, self.acronyms)

    def _spelled_words(self, words: set[str], shorts: dict | None = None) -> set[str]:
        """The words the abbreviations among `words` stand for: those of `shorts` (by default the ones the
        reports spell out less than they abbreviate)."""
        return {t for short in words & (self.spelled_out if shorts is None else shorts).keys()
                for t in self.acronyms[short]}

    def written_out(self, words: set[str]) -> set[str]:
        """The words with a short form the reports never write ("ldaf") replaced by the name it stands for."""
        short = words & self.unwritten.keys()
        return (words - short).union(*(self.unwritten[t] for t in short))

    def _short_forms(self, words: set[str]) -> set[str]:
        """The abbreviations whose words are all there: "families first partnership" -> "ffp". Ranking matches
        a concept by its one short form, so a name and its abbreviation do not count twice."""
        return {short for short in self.spelled_out if self.acronyms[short] <= words}

    def query_tokens(self, query: str) -> list[str]:
        """The query's words for scoring sentences, with the short form of a name it spells out ("families first
        partnership" -> "ffp"): a sentence saying "the FFP Programme" carries "ffp" too (see _short_forms)."""
        words = tokens(query)
        return words + sorted(self._short_forms(set(words)) - set(words))

    def chunk_count(self, token: str) -> int:
        """In how many chunks a (stemmed) word occurs."""
        return self.keywords.df.get(token, 0)

    def mentions(self, phrase: str) -> bool:
        """Whether the reports' text contains the phrase (e.g. a year like "2025-26")."""
        return phrase.lower() in self._corpus

    def section_text(self, year: str, path: str) -> str:
        """All the text under one heading path of one report (with the path itself)."""
        return self._sections.get((year, path), "")

    def section_sentences(self, year: str, path: str, nested: bool = False) -> list[int]:
        """Indices of a section's sentences in reading order (with its subsections' when `nested`)."""
        if not nested:
            return list(self._reading.get((year, path), []))
        return [i for (y, p), ids in self._reading.items() if y == year and (p == path or p.startswith(path + " › "))
                for i in ids]

    def context(self, year: str, path: str, quote: str, around: int = 2) -> tuple[str, str, str]:
        """(before, quote, after): up to `around` sentences either side of a quote, from its own section.

        The quote is found by its first and last sentences; a quote not found in the section
        comes back alone, ("", quote, "").
        """
        from index.chunks import split_sentences

        parts = [s.removeprefix("• ").strip() for s in split_sentences(quote)]
        places = [self.reading_place[i] for i in self.ids_of_text.get(parts[0], [])] if parts else []
        start = next((k for key, k in places if key == (year, path)), None)
        if start is None:
            return "", quote, ""
        texts = [self.sentence_text[i].removeprefix("• ").strip() for i in self.section_sentences(year, path)]
        end = next((k for k in range(start, len(texts)) if texts[k] == parts[-1]), start)
        return " ".join(texts[max(0, start - around):start]), quote, " ".join(texts[end + 1:end + 1 + around])

    def subsections(self, year: str, path: str) -> list[str]:
        """The headings directly under a section, in reading order."""
        depth = path.count(" › ") + 1
        return [p.split(" › ")[-1] for y, p in self._reading if y == year and p.startswith(path + " › ")
                and p.count(" › ") == depth]

    def sections(self, year: str) -> list[str]:
        """One report's heading paths in reading order."""
        return [p for y, p in self._reading if y == year]

    @cached_property
    def heading_tokens(self) -> frozenset[str]:
        """The words of the reports' section headings: the topics they are organised by ("data survey")."""
        return frozenset(t for y in self.years for p in self.sections(y) for t in tokens(p))

    def chunk_sentences(self, chunk_id: str) -> list[str]:
        return [self.sentence_text[i] for i in self.by_chunk.get(chunk_id, [])]

    def unknown_words(self, query: str) -> list[str]:
        """Content words of the query that the reports never use (nor anything close)."""
        from rapidfuzz import fuzz, process

        unknown = []
        for t in set(tokens(query)):
            if t in self.vocabulary or t in self.unwritten or t.isdigit() or len(t) <= 2:
                continue
            if process.extractOne(t, self._vocab_list, scorer=fuzz.ratio, score_cutoff=80) is None:
                unknown.append(t)
        return unknown


def _acronyms(texts) -> dict[str, list[str]]:
    """Abbreviations the reports define, with what they stand for: "Earned Autonomy (EA)" -> {"ea": ["earned
    autonomy"]}. A term's definition often uses only the short form ("EA is a progression from…")."""
    found: dict[str, list[str]] = {}
    for text in texts:
        for m in re.finditer(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the|to|by|in|on|with)\s+)?){1,6})\(([A-Z]{2,6})\)", text):
            words = m.group(1).split()
            initials = [w for w in words if w[0].isupper()]
            short = m.group(2)
            # The capitalised words must spell the abbreviation: "Payment by Results (PbR)" is PR; "(EA)" EA.
            caps = re.sub(r"[^A-Z]", "", short)
            if len(initials) >= len(caps) and "".join(w[0] for w in initials[-len(caps):]) == caps:
                long_words = words[words.index(initials[-len(caps)]):]
                phrase = " ".join(long_words).lower()
                if phrase not in found.setdefault(short.lower(), []):
                    found[short.lower()].append(phrase)
    return found


def _unwritten_short_forms(texts, defined: dict) -> dict[str, set[str]]:
    """Names the reports never shorten that people do: "Local Data Accelerator Fund" is asked about as "LDAF".
    Three to six capitalised words in running text (not at a sentence's start), whose initials are no word
    the reports use and no abbreviation they define: initials -> the name's words."""
    found: dict[str, set[str]] = {}
    words_used = {w.lower() for text in texts for w in re.findall(r"[A-Za-z]+", text)}
    words_used |= set(tokens(" ".join(words_used)))  # (and their stems: "cas" is "cases")
    for text in texts:
        for m in re.finditer(r"(?<=[a-z,;] )((?:[A-Z][a-z'’]+ +(?:(?:of|for|and) +)?){2,5}[A-Z][a-z]+)\b", text):
            initials = "".join(w[0] for w in m.group(1).split() if w[0].isupper()).lower()
            if len(initials) >= 3 and initials not in words_used | defined.keys() | found.keys() \
                    and len(tokens(m.group(1))) >= 3:
                found[initials] = set(tokens(m.group(1)))
    return found


def _proper_names(sentences: list[str]) -> frozenset[str]:
    """Words the reports write only with a capital, inside sentences: names of people and places ("Hannah",
    "Lauren", "Coram"), lower-cased."""
    lower = {w for s in sentences for w in re.findall(r"\b[a-z][a-z'’]+\b", s)}
    capital = {m.group().lower() for s in sentences
               for m in re.finditer(r"(?<!^)(?<![.!?:•]\s)\b[A-Z][a-z]{2,}\b", s.removeprefix("• "))}
    return frozenset(capital - lower)


@lru_cache(maxsize=512)
def _embed_query(text: str) -> np.ndarray:
    """Query embeddings, cached: one question is searched in each report, and follow-ups repeat. Encoded
    in numpy from the same weights the index was built with (qa/encoder.py): no torch import at start-up."""
    from qa.encoder import default_encoder

    return default_encoder().encode(text).astype(np.float32)


@per_build
def default_retriever() -> HybridRetriever:
    return HybridRetriever()
