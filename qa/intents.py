"""What a question asks for, learned from labelled example questions (qa/data/examples.tsv).

Each example line is `intent <tab> answer_type <tab> question`. Questions are
read with their slots masked (an authority becomes "AREA", a year "YEAR", a
figure "NUM"), so the classifier learns the shape of a question, not the names
in it. Features are TF-IDF word and character n-grams plus the mean of the
MiniLM model's own token embeddings (the packaged all-MiniLM-L6-v2 weights,
read without running the transformer, so a question is classified in well
under a millisecond). Two logistic regressions give the intent and the answer
type with their probabilities; the plan uses the intent probability to decide
between answering and declining.

Adding a new way of asking means adding example lines, not code.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
EXAMPLES = DATA / "examples.tsv"

INTENTS = ("lookup", "change", "compare", "target", "rank", "rank_change", "count_change", "filter", "count",
           "totals", "national_rate", "average", "earned_autonomy_list", "earned_autonomy_member", "ehsg", "text",
           "follow_up", "out_of_scope")
ANSWER_TYPES = ("number", "money", "percentage", "person", "organisation", "date", "place", "list", "definition",
                "summary", "reason", "yes_no", "comparison")
# Intents answered from the tables, and how many authorities each needs.
TABLE_INTENTS = {"lookup", "change", "compare", "target", "rank", "rank_change", "count_change", "filter", "count",
                 "totals", "national_rate", "average", "earned_autonomy_list", "earned_autonomy_member", "ehsg"}
NEEDS_AUTHORITY = {"lookup", "change", "compare", "target", "earned_autonomy_member"}
NO_AUTHORITY = {"rank", "rank_change", "count_change", "filter", "count", "totals", "national_rate", "average",
                "earned_autonomy_list"}


@dataclass(frozen=True)
class Example:
    intent: str
    answer_type: str
    question: str


def load_examples(path: Path = EXAMPLES) -> list[Example]:
    """The labelled example questions; a line with an unknown label is an error, named with its line number."""
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if number == 1 or not row or not "".join(row).strip():
                continue
            if len(row) != 3 or row[0] not in INTENTS or row[1] not in ANSWER_TYPES:
                raise ValueError(f"{path.name} line {number}: expected intent, answer type, question: {row!r}")
            out.append(Example(row[0], row[1], row[2].strip()))
    return out


class TokenEmbedder:
    """Mean of MiniLM's input token embeddings: a cheap sentence vector from the packaged weights.

    Args:
        model_dir: folder of the sentence-transformers model (tokenizer.json, model.safetensors).
    """

    def __init__(self, model_dir: str):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        weights = load_file(str(Path(model_dir) / "model.safetensors"))
        self.table = weights["embeddings.word_embeddings.weight"].astype(np.float32)
        self.skip = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")}

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(texts)):
            ids = [t for t in enc.ids if t not in self.skip]
            if ids:
                v = self.table[ids].mean(axis=0)
                out[i] = v / (np.linalg.norm(v) or 1.0)
        return out


@dataclass
class Prediction:
    intent: str
    confidence: float  # probability of the intent chosen
    answer_type: str
    type_confidence: float
    ranked: list[tuple[str, float]]  # every intent with its probability, best first


class IntentClassifier:
    """Intent and answer type for a masked question.

    Args:
        examples: labelled example questions, already masked the way questions will be.
        embedder: callable turning a list of texts into an (n, d) array.
    """

    # Scale of the embedding block beside the TF-IDF blocks. 5-fold CV on the example library: intent
    # accuracy 85.0% without it, 88.8% at 1.0, 88.7% at 2.0 (answer type 82.4 / 84.1 / 84.8%); C=20.
    EMBEDDING_WEIGHT = 2.0
    C = 20.0  # inverse regularisation; 5-fold CV: 5 / 20 / 50 within 0.3 points

    def __init__(self, examples: list[tuple[str, str, str]], embedder):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._hstack, self._csr = hstack, csr_matrix
        self.embedder = embedder
        texts = [q for _, _, q in examples]
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w+\b|%")
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2)
        x = self._features(texts, fit=True)
        self.intent_model = LogisticRegression(C=self.C, max_iter=3000).fit(x, [i for i, _, _ in examples])
        self.type_model = LogisticRegression(C=self.C, max_iter=3000).fit(x, [t for _, t, _ in examples])
        # Multinomial logistic regression is a softmax over x·W + b: computed directly, a question takes
        # microseconds instead of sklearn's input validation on every call.
        self._intent_w, self._intent_b = self.intent_model.coef_.T.copy(), self.intent_model.intercept_
        self._type_w, self._type_b = self.type_model.coef_.T.copy(), self.type_model.intercept_
        self._analyzers = {id(v): v.build_analyzer() for v in (self.words, self.chars)}

    @classmethod
    def cached(cls, examples: list[tuple[str, str, str]], embedder) -> "IntentClassifier":
        """The classifier for these examples, fitted once and kept in the build folder (fitting takes seconds).

        The file is named by a hash of the masked examples, the settings and scikit-learn's version, so
        changed examples refit; a build folder that cannot be written just means fitting at each start.
        """
        import hashlib
        import pickle

        import sklearn

        from index import config

        h = hashlib.sha256(f"{sklearn.__version__}|{cls.EMBEDDING_WEIGHT}|{cls.C}".encode())
        for example in examples:
            h.update("\t".join(example).encode() + b"\n")
        path = config.build_dir() / "plan" / f"classifier-{h.hexdigest()[:20]}.pkl"
        try:
            with path.open("rb") as f:
                model = pickle.load(f)
            model.embedder = embedder
            return model
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
            pass
        model = cls(examples, embedder)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                pickle.dump(model, f)
            tmp.replace(path)
        except OSError:
            pass
        return model

    def __getstate__(self):
        state = self.__dict__.copy()
        for unpicklable in ("embedder", "_hstack", "_csr", "_analyzers"):
            state.pop(unpicklable, None)
        return state

    def __setstate__(self, state):
        from scipy.sparse import csr_matrix, hstack

        self.__dict__.update(state)
        self._hstack, self._csr = hstack, csr_matrix
        self._analyzers = {id(v): v.build_analyzer() for v in (self.words, self.chars)}

    def _features(self, texts: list[str], fit: bool = False):
        if fit:
            words, chars = self.words.fit_transform(texts), self.chars.fit_transform(texts)
        else:
            words, chars = self.words.transform(texts), self.chars.transform(texts)
        dense = self._csr(self.embedder(texts) * self.EMBEDDING_WEIGHT)
        return self._hstack([words, chars, dense]).tocsr()

    def _scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Intent and answer-type logits for one text: TF-IDF by hand (same analyzers, idf and
        normalisation as the fitted vectorizers) and the weights applied directly."""
        parts, offset = [], 0
        for vec in (self.words, self.chars):
            counts: dict[int, int] = {}
            for term in self._analyzers[id(vec)](text):
                j = vec.vocabulary_.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if counts:
                idx = np.fromiter(counts, dtype=np.int64)
                vals = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * vec.idf_[idx]
                vals /= np.linalg.norm(vals) or 1.0
                parts.append((idx + offset, vals))
            offset += len(vec.vocabulary_)
        dense = self.embedder([text])[0] * self.EMBEDDING_WEIGHT
        intent = self._intent_b + dense @ self._intent_w[offset:]
        kind = self._type_b + dense @ self._type_w[offset:]
        for idx, vals in parts:
            intent = intent + vals @ self._intent_w[idx]
            kind = kind + vals @ self._type_w[idx]
        return intent, kind

    def predict(self, masked: str) -> Prediction:
        intent, kind = self._scores(masked)
        p, tp = _softmax(intent), _softmax(kind)
        ranked = sorted(zip(self.intent_model.classes_, p), key=lambda t: -t[1])
        best_type = int(np.argmax(tp))
        return Prediction(str(ranked[0][0]), float(ranked[0][1]), str(self.type_model.classes_[best_type]),
                          float(tp[best_type]), [(str(i), float(v)) for i, v in ranked])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z).ravel()
    e = np.exp(z - z.max())
    return e / e.sum()


@lru_cache(maxsize=1)
def token_embedder() -> TokenEmbedder:
    from index import config

    return TokenEmbedder(config.embedding_model_path())


@lru_cache(maxsize=65_536)
def is_common_word(word: str) -> bool:
    """Whether a word is a whole token of MiniLM's 30,522-piece vocabulary (common English, not a rare name)."""
    return token_embedder().tokenizer.token_to_id(word.lower()) is not None
