"""Every write of the knowledge base; each keeps the article's search index (ArticleTerm) in
the same transaction (search.py), so search never sees an article without its terms."""

from __future__ import annotations

from django.db import transaction

from returndesk.accounts.roles import Role

from . import errors, search
from .models import Article, ArticleKind, ArticleTerm

# Seed S8 ch. 3 is written by after-sales and production/QC (故障排除, 配件更换).
EDITORS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.QC, Role.ADMIN})
FIELDS = ("title", "kind", "problem", "body", "product", "category", "is_published")


def _may_edit(actor) -> bool:
    return actor is not None and (actor.is_superuser or actor.role in EDITORS)


def _clean(data: dict) -> dict:
    data = {**data}
    for name in ("title", "problem", "body"):
        data[name] = (data.get(name) or "").strip()
    if not data["title"]:
        raise errors.invalid("title", "请填写标题", "Give the article a title")
    if len(data["title"]) > 200:
        raise errors.invalid("title", "标题最多 200 个字符", "The title has at most 200 characters")
    if not data["problem"]:
        raise errors.invalid("problem", "请描述问题", "Describe the problem")
    if not data["body"]:
        raise errors.invalid("body", "请填写解决方法或步骤", "Give the solution or the steps")
    if data.get("kind") not in ArticleKind.values:
        raise errors.invalid("kind", "请选择文章类型", "Choose the kind of article")
    if data.get("product") is not None and data.get("category") is not None:
        if data["product"].category_id != data["category"].pk:
            raise errors.invalid("category", "产品不属于所选类别", "The product is not in that category")
    return data


def _reindex(article: Article) -> None:
    ArticleTerm.objects.filter(article=article).delete()
    index = search.weights(title=article.title, text=f"{article.problem}\n{article.body}")
    ArticleTerm.objects.bulk_create(
        [ArticleTerm(article=article, term=term, weight=weight) for term, weight in index.items()],
        batch_size=1000,
    )


@transaction.atomic
def article_create(
    *, actor, title: str, kind: str, problem: str, body: str, product=None, category=None, is_published=False
) -> Article:
    """A new article (draft unless published), indexed for search."""
    if not _may_edit(actor):
        raise errors.forbidden()
    data = _clean(
        {"title": title, "kind": kind, "problem": problem, "body": body, "product": product,
         "category": category, "is_published": bool(is_published)}
    )  # fmt: skip
    article = Article.objects.create(created_by=actor, updated_by=actor, **data)
    _reindex(article)
    return article


@transaction.atomic
def article_update(*, article: Article, actor, expected_version: int | None = None, **changes) -> Article:
    """Change an article (any of FIELDS); a stale copy (version) is refused as a conflict."""
    if not _may_edit(actor):
        raise errors.forbidden()
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.version != (article.version if expected_version is None else expected_version):
        raise errors.conflict()
    data = _clean({**{name: getattr(locked, name) for name in FIELDS}, **changes})
    for name in FIELDS:
        setattr(locked, name, data[name])
    locked.version += 1
    locked.updated_by = actor
    locked.save()
    _reindex(locked)
    return locked
