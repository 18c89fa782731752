"""Chinese full-text search without a search service, portable to SQLite and PostgreSQL.

Text is cut into terms: each run of CJK characters gives its character bigrams (中文 has no
spaces; bigrams match words of any length without a dictionary) and its single characters (so a
one-character query still finds something, with a small weight); runs of Latin letters and
digits give lower-cased words ("HDMI", "X1"). An article's terms are weighted by occurrences, a
title occurrence counting TITLE_BOOST times. A query is cut the same way (bigrams only when it
has any); articles are ranked by how many of the query's terms they contain, then by
Σ weight × idf (idf = ln(1 + N / df)), then by title (selectors).
"""

from __future__ import annotations

import math
import re
from collections import Counter

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
TITLE_BOOST = 5
UNIGRAM_WEIGHT = 1  # per occurrence; bigrams and words count 2
MAX_TERMS = 4000


def _cjk_terms(text: str, *, unigrams: bool) -> list[str]:
    terms = []
    for run in CJK.findall(text):
        terms += [run[i : i + 2] for i in range(len(run) - 1)]
        if unigrams or len(run) == 1:
            terms += list(run)
    return terms


def terms_of(text: str, *, unigrams: bool = True) -> list[str]:
    text = text or ""
    words = [w[:40] for w in WORD.findall(text.lower())]
    return _cjk_terms(text, unigrams=unigrams) + words


def weights(*, title: str, text: str) -> dict[str, int]:
    """The index of an article: term → weight."""
    counts: Counter = Counter()
    for boost, part in ((TITLE_BOOST, title), (1, text)):
        for term in terms_of(part):
            counts[term] += boost * (UNIGRAM_WEIGHT if len(term) == 1 and CJK.match(term) else 2)
    return dict(counts.most_common(MAX_TERMS))


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query: bigrams and words, single characters only when a CJK run
    of the query has one character."""
    seen = []
    for term in terms_of(query or "", unigrams=False):
        if term not in seen:
            seen.append(term)
    return seen[:50]


def rank(matches: list[tuple[object, str, int]], df: dict[str, int], total: int, wanted: int) -> list[tuple]:
    """[(article_id, terms covered, score)] best first, from (article_id, term, weight) rows of
    matched terms. An article must contain at least half of the query's terms (rounded up)."""
    covered: dict = {}
    scores: dict = {}
    for article_id, term, weight in matches:
        covered.setdefault(article_id, set()).add(term)
        scores[article_id] = scores.get(article_id, 0.0) + weight * math.log(
            1 + total / max(1, df.get(term, 1))
        )
    needed = max(1, math.ceil(wanted / 2))
    ranked = [(a, len(covered[a]), round(s, 6)) for a, s in scores.items() if len(covered[a]) >= needed]
    ranked.sort(key=lambda r: (-r[1], -r[2], str(r[0])))
    return ranked
