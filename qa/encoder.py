"""MiniLM (all-MiniLM-L6-v2) query embeddings in numpy, without importing torch.

The index is built with sentence-transformers (index/vectors.py). A question needs one short forward
pass, and importing torch and sentence-transformers costs several seconds of every cold start, so
questions are encoded here from the same packaged weights: BERT (6 layers, 12 heads, 384 wide), mean
pooling over tokens, L2 normalisation, as the model's `modules.json` specifies. tests/test_offline.py
checks that it agrees with sentence-transformers.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


class MiniLMEncoder:
    """Encode text to the model's sentence embedding.

    Args:
        model_dir: the sentence-transformers folder (config.json, tokenizer.json, model.safetensors).
    """

    def __init__(self, model_dir: str | Path):
        from safetensors.numpy import load_file
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        config = json.loads((model_dir / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._threads = ThreadpoolController()  # found once: inspecting the loaded BLAS libraries takes ~0.5 ms
        self.w = {k: v.astype(np.float32) for k, v in load_file(str(model_dir / "model.safetensors")).items()}
        for name in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2 and "embeddings" not in k]:
            self.w[name] = np.ascontiguousarray(self.w[name].T)  # dense layers as (in, out): x @ w

    def encode(self, text: str) -> np.ndarray:
        """The normalised sentence embedding of one text (384 floats)."""
        with self._threads.limit(limits=1, user_api="blas"):  # matrices this small lose time to BLAS threads
            return self._encode(text)

    def _encode(self, text: str) -> np.ndarray:
        ids = np.asarray(self.tokenizer.encode(text).ids)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        for i in range(self.layers):
            x = self._layer(x, f"encoder.layer.{i}.")
        pooled = x.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def _layer(self, x: np.ndarray, p: str) -> np.ndarray:
        n, width = x.shape
        size = width // self.heads

        def heads(name: str) -> np.ndarray:
            return self._dense(x, p + f"attention.self.{name}").reshape(n, self.heads, size).transpose(1, 0, 2)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(n, width)
        x = self._norm(x + self._dense(context, p + "attention.output.dense"), p + "attention.output.LayerNorm")
        hidden = self._dense(x, p + "intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + _erf(hidden / math.sqrt(2.0)))  # exact GELU
        return self._norm(x + self._dense(hidden, p + "output.dense"), p + "output.LayerNorm")

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"] + self.w[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise (numpy has none; scipy's is vectorised and exact)."""
    from scipy.special import erf

    return erf(x)


@lru_cache(maxsize=1)
def default_encoder() -> MiniLMEncoder:
    from index import config

    return MiniLMEncoder(config.embedding_model_path())
