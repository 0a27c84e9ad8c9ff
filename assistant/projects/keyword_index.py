"""The keyword channel: German-aware tokenisation and a BM25 index over the stored chunks.

Why a keyword channel at all: the dense model is strong on paraphrases but weak on exact names,
acronyms and ids (KDN, GKD, 5G, B54, RUHR.ON). BM25 is the opposite. Both run on the same chunk
table (read back from Chroma), so the two channels always see the same corpus state.

Tokenisation, applied identically to documents and queries:
- casefold; Snowball German stemming, which also folds umlauts and their spellings
  ("Mülheim", "Muelheim", "Mulheim" -> "mulheim"); tokens with digits keep their form ("5g");
- hyphenated, dotted or slashed compounds give the whole word *and* its parts
  ("Smart-City-Plattform" -> smartcityplattform, smart, city, plattform; "CONNECTED.RUHR" ->
  connectedruhr, connected, ruhr); closed compounds are split into parts that occur as words
  elsewhere in the corpus ("Feinstaubsensoren" -> feinstaubsensoren, feinstaub, sensoren);
- a small German + English stopword list, so "Welche Projekte gibt es ..." does not match on
  filler words.

Scoring uses rank-bm25's BM25Okapi (k1, b, length normalisation) with Lucene's idf, evaluated
through a postings list: rank-bm25's own `get_scores` walks every document's dict per query
term in Python, ~10x slower at 20,000 chunks. A test checks both give the same scores.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"[^\W_]+(?:[-‐‑–/.'’+][^\W_]+)*")
_JOINERS = re.compile(r"[-‐‑–/.'’+]")
_UMLAUT_BASE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})

_STOPWORD_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bin bis
    bist da damit dann das dass dem den denen der des dessen die dies diese diesem diesen dieser dieses
    doch dort du durch ein eine einem einen einer eines er es etwa etwas euch für gegen gibt gab hat
    haben hatte hier ich ihr ihre im in ins ist ja jede jedem jeden jeder jedes kann können könnte man
    mehr mit muss nach nicht noch nur ob oder ohne sehr sein seine sich sie sind so soll sollen sowie
    über um und uns unter vom von vor war waren was weil welche welchem welchen welcher welches wenn
    wer werden wie wieder wir wird wo zu zum zur zwischen gibts
    a an and are as at be been by can could do does did for from has have how i in into is it its
    of on or that the their there these this to was were what which who why will with would you your
    any about
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Stem one casefolded word; words with digits or non-Latin letters are only folded."""
    stem = word.translate(_UMLAUT_BASE) if any(ch.isdigit() for ch in word) else _stemmer().stemWord(word)
    decomposed = unicodedata.normalize("NFKD", stem)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("german")


def _keep(word: str) -> bool:
    return word not in STOPWORDS and (len(word) > 1 or word.isdigit())


class Decompounder:
    """Splits German compounds into parts that occur as words of the corpus itself.

    "Feinstaubsensoren" -> feinstaub + sensoren, "Kohlendioxidausstoßes" -> kohlendioxid +
    ausstoßes, when those parts appear on their own somewhere in the corpus. No dictionary to ship
    and no guessing beyond the corpus vocabulary; the whole word is always kept as a token too, so
    an exact compound match still scores above a match on its parts.
    """

    MIN_WORD = 8
    MIN_PART = 4
    LINKS = ("", "s", "es", "n", "en")

    def __init__(self, vocabulary: set[str]) -> None:
        self.vocabulary = {w for w in vocabulary if len(w) >= self.MIN_PART and w.isalpha()}
        self.stems = {_stem(w) for w in self.vocabulary}
        self._cache: dict[str, list[str]] = {}
        self._word_tokens: dict[str, list[str]] = {}

    def tokens(self, words: Iterable[str]) -> list[str]:
        """Tokens of a word sequence; each distinct word is analysed once per index."""
        result: list[str] = []
        cache = self._word_tokens
        for word in words:
            found = cache.get(word)
            if found is None:
                found = cache[word] = _word_tokens(word, self)
            result.extend(found)
        return result

    def known(self, part: str) -> bool:
        """A corpus word, also in another inflection ("ausstoßes" is known when "Ausstoß" is)."""
        return part in self.vocabulary or _stem(part) in self.stems

    def split(self, word: str) -> list[str]:
        """Parts of `word` (casefolded), longest known tail first; [] when it is not a compound."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts: list[str] = []
        if len(word) >= self.MIN_WORD and word.isalpha():
            for cut in range(self.MIN_PART, len(word) - self.MIN_PART + 1):
                head, tail = word[:cut], word[cut:]
                if not self.known(tail):
                    continue
                for link in self.LINKS:
                    stem = head[: len(head) - len(link)] if link and head.endswith(link) else head
                    if len(stem) >= self.MIN_PART and (self.known(stem) or self.split(stem)):
                        parts = [*(self.split(stem) or [stem]), tail]
                        break
                if parts:
                    break
        self._cache[word] = parts
        return parts


def words_of(text: str) -> list[str]:
    """Casefolded words of a text, hyphenated/dotted compounds still joined ("smart-city")."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def vocabulary(words: Iterable[str]) -> set[str]:
    """Words and hyphen parts: the decompounder's dictionary."""
    return {p for word in set(words) for p in _JOINERS.split(word) if p}


def _word_tokens(word: str, decompounder: Decompounder | None) -> list[str]:
    parts = [p for p in _JOINERS.split(word) if p]
    tokens = [_stem("".join(parts))] if len(parts) > 1 else []
    for part in parts:
        if _keep(part):
            tokens.append(_stem(part))
            if decompounder is not None:
                tokens.extend(_stem(p) for p in decompounder.split(part) if _keep(p))
    return tokens


@lru_cache(maxsize=100_000)
def _plain_word_tokens(word: str) -> tuple[str, ...]:
    return tuple(_word_tokens(word, None))


def tokenize(text: str, decompounder: Decompounder | None = None) -> list[str]:
    """Index/query tokens of a text (see the module docstring for the rules)."""
    if decompounder is not None:
        return decompounder.tokens(words_of(text))
    return [token for word in words_of(text) for token in _plain_word_tokens(word)]


def query_terms(text: str, decompounder: Decompounder | None = None) -> dict[str, str]:
    """Token -> the query word it came from (for "matched: Glasfaser, 5G" explanations)."""
    terms: dict[str, str] = {}
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        for token in tokenize(match.group(0), decompounder):
            terms.setdefault(token, match.group(0))
    return terms


Scores = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


class KeywordIndex:
    """BM25 over a fixed list of texts; built once per corpus state and reused for every query."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        from rank_bm25 import BM25Okapi

        self.size = len(texts)
        words = [words_of(t) for t in texts]
        self.decompounder = Decompounder(vocabulary(w for doc in words for w in doc))
        self._docs = [self.decompounder.tokens(doc) for doc in words]
        self._bm25: Any = BM25Okapi(self._docs, k1=k1, b=b) if any(self._docs) else None
        self._postings: dict[str, tuple[npt.NDArray[np.int64], Scores]] = {}
        if self._bm25 is not None:
            # Lucene's idf instead of rank-bm25's ATIRE idf: the latter is 0 for a term in exactly half
            # of the chunks and a small epsilon above that, which silences real matches in small or
            # topical corpora. Set on the BM25Okapi object, so its own get_scores uses it too.
            document_frequency: dict[str, int] = {}
            for freqs in self._bm25.doc_freqs:
                for term in freqs:
                    document_frequency[term] = document_frequency.get(term, 0) + 1
            n = self._bm25.corpus_size
            self._bm25.idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in document_frequency.items()}
            doc_len = np.asarray(self._bm25.doc_len, dtype=np.float64)
            self._norm = self._bm25.k1 * (1 - self._bm25.b + self._bm25.b * doc_len / self._bm25.avgdl)
            rows: dict[str, tuple[list[int], list[int]]] = {}
            for index, freqs in enumerate(self._bm25.doc_freqs):
                for term, count in freqs.items():
                    entry = rows.setdefault(term, ([], []))
                    entry[0].append(index)
                    entry[1].append(count)
            for term, (indices, counts) in rows.items():
                idx = np.asarray(indices, dtype=np.int64)
                tf = np.asarray(counts, dtype=np.float64)
                weight = self._bm25.idf[term] * tf * (self._bm25.k1 + 1) / (tf + self._norm[idx])
                self._postings[term] = (idx, weight)

    def scores(self, tokens: Sequence[str]) -> Scores:
        """BM25 score of every document (same numbers as BM25Okapi.get_scores)."""
        result = np.zeros(self.size, dtype=np.float64)
        for token in tokens:
            posting = self._postings.get(token)
            if posting is not None:
                result[posting[0]] += posting[1]
        return result

    def reference_scores(self, tokens: Sequence[str]) -> Scores:
        """rank-bm25's own implementation (slow); kept for the equivalence test."""
        if self._bm25 is None:
            return np.zeros(self.size, dtype=np.float64)
        return np.asarray(self._bm25.get_scores(list(tokens)), dtype=np.float64)

    def top(self, tokens: Sequence[str], n: int, mask: Mask | None = None) -> list[tuple[int, float]]:
        """Best n (document index, score) with score > 0, restricted to `mask` when given."""
        scores = self.scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]

    def matched(self, index: int, tokens: Sequence[str]) -> set[str]:
        """Which query tokens occur in document `index`."""
        document = set(self._docs[index])
        return {t for t in tokens if t in document}


@dataclass
class ChunkTable:
    """The stored chunks of one index state, in memory: ids, passages, metadata, project cards.

    Built from what Chroma returns (not from the corpus files) so that an app replica without the
    corpus directory, or a process that did not build the index, sees exactly the indexed state.
    """

    ids: list[str]
    documents: list[str]
    metadatas: list[Mapping[str, Any]]
    keywords: KeywordIndex
    position: dict[str, int] = field(default_factory=dict)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    _masks: dict[tuple[str, str], Mask] = field(default_factory=dict)

    @classmethod
    def build(cls, ids: list[str], documents: list[str], metadatas: Sequence[Mapping[str, Any]]) -> ChunkTable:
        from assistant.projects.chunking import keyword_text

        keywords = KeywordIndex([keyword_text(m, d) for m, d in zip(metadatas, documents, strict=True)])
        table = cls(ids, documents, list(metadatas), keywords)
        table.position = {chunk_id: i for i, chunk_id in enumerate(ids)}
        for metadata in metadatas:
            project_id = str(metadata.get("project_id", ""))
            if project_id not in table.cards:
                table.cards[project_id] = json.loads(str(metadata.get("card") or "{}"))
        return table

    def project_of(self, index: int) -> str:
        return str(self.metadatas[index].get("project_id", ""))

    def mask(self, key: str, value: str) -> Mask:
        """Chunks whose list metadata `key` contains `value`, or whose `key` equals it (cached)."""
        cached = self._masks.get((key, value))
        if cached is None:
            cached = np.fromiter(
                (
                    value in m.get(key, ()) if isinstance(m.get(key), list) else m.get(key) == value
                    for m in self.metadatas
                ),
                dtype=np.bool_, count=len(self.metadatas),
            )
            self._masks[(key, value)] = cached
        return cached


@dataclass
class Filters:
    """Search filters as (metadata key, value, is-list) triples, applied identically to both channels:
    as a Chroma `where` clause for the dense query and as a boolean mask over this chunk table."""

    pairs: list[tuple[str, str, bool]] = field(default_factory=list)  # key, value, is_list

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = [
            {key: {"$contains": value}} if is_list else {key: value} for key, value, is_list in self.pairs
        ]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def mask(self, table: ChunkTable) -> Mask | None:
        mask: Mask | None = None
        for key, value, _ in self.pairs:
            part = table.mask(key, value)
            mask = part if mask is None else mask & part
        return mask
