"""Reads of the knowledge base: search, the articles for a product or category (the portal
shows them before a consultation), one article."""

from __future__ import annotations

from django.db.models import Count, Q

from . import errors, search
from .models import Article, ArticleTerm


def _scope(product=None, category=None):
    """Articles of the product, of its (or the given) category, and general ones."""
    category_id = getattr(category, "pk", category) or (product.category_id if product is not None else None)
    q = Q(product__isnull=True, category__isnull=True)
    if product is not None:
        q |= Q(product=product)
    if category_id is not None:
        q |= Q(product__isnull=True, category_id=category_id)
    return q


def articles_for(
    product=None, category=None, query: str = "", *, limit: int = 10, include_drafts: bool = False
) -> list[Article]:
    """Published articles for a product or category (or all), best first: ranked by the search
    when `query` is given (search.py), else the product's own, then its category's, then general
    ones. Each result has `.score` (0 without a query)."""
    qs = Article.objects.select_related("product", "category")
    if not include_drafts:
        qs = qs.filter(is_published=True)
    if product is not None or category is not None:
        qs = qs.filter(_scope(product, category))
    terms = search.query_terms(query)
    if not terms:
        if (query or "").strip():
            return []
        results = sorted(qs[:500], key=lambda a: (0 if a.product_id else 1 if a.category_id else 2, a.title))[
            :limit
        ]
        for a in results:
            a.score = 0.0
        return results
    allowed = qs.values("pk")
    matches = list(
        ArticleTerm.objects.filter(term__in=terms, article__in=allowed).values_list(
            "article_id", "term", "weight"
        )
    )
    df = dict(
        ArticleTerm.objects.filter(term__in=terms, article__in=allowed)
        .values_list("term")
        .annotate(n=Count("id"))
    )
    total = qs.count()
    ranked = search.rank(matches, df, total, len(terms))
    articles = {a.pk: a for a in qs.filter(pk__in=[a for a, _n, _s in ranked])}
    results = []
    for article_id, covered, score in ranked:
        article = articles[article_id]
        article.score = round(score, 3)
        article.covered = covered
        results.append(article)
    results.sort(key=lambda a: (-a.covered, -a.score, a.title))  # equal scores: by title
    return results[:limit]


def article_get(article_id, *, include_drafts: bool = False) -> Article:
    qs = Article.objects.select_related("product", "category")
    if not include_drafts:
        qs = qs.filter(is_published=True)
    article = qs.filter(pk=article_id).first()
    if article is None:
        raise errors.not_found()
    return article
