"""A learned scorer beside a text rule's phrases: new wording of the same act.

Phrases catch what their author thought of; a collector who says the same thing in other
words gets past them. A text rule may also name a model (``learned:`` in its params): a
linear model over the words and characters of the note, trained on labelled examples of
the rule breaking and of lawful text close to it (scripts/train_scorer.py). The rule
fires when its phrases fire or when the model's score reaches the rule's threshold.

The model reads the note as the phrases do (folded, with its phonetic layer, others'
turns in a transcript left out), as a sequence of tokens: each Chinese character, each
Latin word (stemmed: owes, owed and owing are one word), and each number as ``#``;
punctuation ends a run. Its features are the runs of one to three tokens, so 坐牢,
"go to jail" and "替他 pay" are features alike. The score is the logistic of the bias
and the weights of the features present (each once). A deny from the model names its evidence as
the spans of the features that weighed most towards it, so a reviewer sees what it read;
the model file lists every weight, so a reviewer can read the model too.

Model files are JSON: ``{"format": "collectguard-linear-1", "rules": {rule id: {"bias": b,
"weights": {feature: weight}}}, "training": {...}}``.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = "collectguard-linear-1"
MAX_MODEL_BYTES = 64 * 1024 * 1024
MAX_N = 3

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CJK}]|[a-z][a-z']*|[0-9]+(?:[,.][0-9]+)*|[^\\s{_CJK}a-z0-9]")
_BREAK = frozenset("，,。.;；!！?？:：\n()（）[]【】\"“”")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word.replace("'", "")))


_LOCAL = threading.local()


def _stemmer() -> Any:
    """This thread's stemmer: a snowball stemmer keeps its state while it stems a word, so
    threads do not share one."""
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        import snowballstemmer  # a declared dependency; read on first use

        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def tokens(text: str) -> Iterator[tuple[str | None, int, int]]:
    """(token, start, end) over the folded text; a None token breaks the runs."""
    for match in _TOKEN.finditer(text):
        piece = match.group()
        first = piece[0]
        if "a" <= first <= "z":
            yield "w:" + _stem(piece), match.start(), match.end()
        elif "0" <= first <= "9":
            yield "#", match.start(), match.end()
        elif piece in _BREAK:
            yield None, match.start(), match.end()
        elif len(piece) == 1 and ("\u3400" <= first <= "\u9fff" or "\uf900" <= first <= "\ufaff"):
            yield piece, match.start(), match.end()
        else:  # a symbol: ¥, $, %, -, *
            yield piece, match.start(), match.end()


def features(text: str) -> Iterator[tuple[str, int, int]]:
    """(feature, start, end): every run of two or three tokens within a stretch, and every
    Latin word alone."""
    window: list[tuple[str, int, int]] = []
    for token, start, end in tokens(text):
        if token is None:
            window.clear()
            continue
        window.append((token, start, end))
        if len(window) > MAX_N:
            window.pop(0)
        for n in range(1, len(window) + 1):
            run = window[-n:]
            if n == 1 and not token.startswith("w:"):
                continue  # one Chinese character (or a number, a symbol) alone says too little
            yield " ".join(t for t, _, _ in run), run[0][1], run[-1][2]


# Tokens that carry no meaning of their own: a feature made only of them weighs in the score
# but is not shown as evidence (a reviewer reads "坐牢" or "w:arrest", not "你们" or "w:the").
_FUNCTION_TOKENS = frozenset(
    "的 了 着 过 是 在 有 和 跟 与 及 或 也 都 就 还 又 才 这 那 哪 个 些 么 吗 呢 吧 啊 呀 嘛 "
    "我 你 您 他 她 它 们 咱 俺 其 之 而 把 被 给 对 向 从 到 以 于 为 让 叫 将 会 能 要 想 得 地 "
    "不 没 很 太 再 先 请 一 # , . ! ? - $ ¥ %".split()) | frozenset(
    "w:" + w for w in "the a an is are was were be been am this that these those it its from to of and or "
    "but you your yours we our us i me my he him his she her they them their in on at for with by as "
    "so if then there here do doe did have has had will would can could shall should may might must "
    "not no yes just get got go come s t".split())


def meaningful(feature: str) -> bool:
    """Whether a feature has a token of its own meaning (shown as evidence)."""
    return any(token not in _FUNCTION_TOKENS for token in feature.split(" "))


class WeightIndex:
    """Every rule's weights of one model file, by feature: a note's features are looked up
    once for all the rules the file serves, not once per rule."""

    __slots__ = ("by_feature",)

    def __init__(self, models: dict[str, dict[str, float]]) -> None:
        by: dict[str, list[tuple[str, float]]] = {}
        for rule, weights in models.items():
            for feature, weight in weights.items():
                by.setdefault(feature, []).append((rule, weight))
        self.by_feature = {feature: tuple(hits) for feature, hits in by.items()}

    def present(self, found: list[tuple[str, int, int]]) -> dict[str, list[tuple[float, str, int, int]]]:
        """Per rule, the features of ``found`` it weighs, with their weights and spans."""
        out: dict[str, list[tuple[float, str, int, int]]] = {}
        get = self.by_feature.get
        for feature, start, end in found:
            hits = get(feature)
            if hits is not None:
                for rule, weight in hits:
                    kept = out.get(rule)
                    if kept is None:
                        kept = out[rule] = []
                    kept.append((weight, feature, start, end))
        return out


class LinearModel:
    """One rule's weights, read from a model file; the file's :class:`WeightIndex` finds a
    note's weighed features for all its rules at once."""

    __slots__ = ("rule", "bias", "weights", "source", "index")

    def __init__(self, rule: str, bias: float, weights: dict[str, float], source: str, index: WeightIndex) -> None:
        self.rule, self.bias, self.weights, self.source, self.index = rule, bias, weights, source, index

    def rescore(self, present: list[tuple[float, str, int, int]]) -> float:
        """The probability from these features (all present, or those left once some were
        cleared). A feature counts once however often it occurs: the model was trained on
        which features a text has."""
        total = self.bias + sum({p[1]: p[0] for p in present}.values())
        return 0.0 if total < -30 else 1.0 / (1.0 + math.exp(-total))


def load_models(path: Path) -> dict[str, LinearModel]:
    """Every rule's model in the file at ``path``, sharing one :class:`WeightIndex`;
    ValueError says what is wrong."""
    data = _read(path)
    rules = data.get("rules")
    if not isinstance(rules, dict):
        raise ValueError(f"model file {path}: rules must map each rule id to its bias and weights")
    read = {rule: _rule_weights(path, rule, entry) for rule, entry in rules.items()}
    index = WeightIndex({rule: weights for rule, (_, weights) in read.items()})
    return {rule: LinearModel(rule, bias, weights, path.name, index) for rule, (bias, weights) in read.items()}


def _rule_weights(path: Path, rule: str, entry: Any) -> tuple[float, dict[str, float]]:
    """One rule's bias and weights, each a finite number; ValueError names what is wrong."""
    bias = entry.get("bias") if isinstance(entry, dict) else None
    weights = entry.get("weights") if isinstance(entry, dict) else None
    if not isinstance(bias, (int, float)) or isinstance(bias, bool) or not math.isfinite(bias):
        raise ValueError(f"model file {path}: rules.{rule}.bias must be a finite number")
    if not isinstance(weights, dict):
        raise ValueError(f"model file {path}: rules.{rule}.weights must be a mapping of feature to weight")
    for feature, weight in weights.items():
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not math.isfinite(weight):
            raise ValueError(f"model file {path}: rules.{rule}.weights[{feature!r}] must be a finite number")
    return float(bias), {str(k): float(v) for k, v in weights.items()}


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValueError(f"model file {path}: cannot be read ({exc.strerror})") from None
    if size > MAX_MODEL_BYTES:
        raise ValueError(f"model file {path}: {size} bytes, over the limit of {MAX_MODEL_BYTES}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"model file {path}: not a JSON model ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"model file {path}: format must be {FORMAT!r}")
    return data
