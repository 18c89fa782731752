"""The knowledge base (seed S8 chapter 3 常见问题解决方案): fault troubleshooting (问题描述 +
解决方法), operating guides (问题描述 + 操作指引) and part replacement (问题描述 + 更换步骤), per
product or category or for everything. Searchable in Chinese without an external search
service: the service layer keeps ArticleTerm, an index of character bigrams (and single
characters) and Latin words per article, in the same transaction as the article (search.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class ArticleKind(models.TextChoices):
    FAULT = "fault", "常见故障排除 / Fault troubleshooting"
    OPERATION = "operation", "操作指引 / Operating guide"
    PART = "part", "配件更换 / Part replacement"
    FAQ = "faq", "常见问题 / FAQ"


class Article(BaseModel):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ArticleKind.choices)
    problem = models.TextField(_("problem description"), help_text="问题描述")
    body = models.TextField(_("solution / steps"), help_text="解决方法、操作指引或更换步骤,每行一步")
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="articles",
    )  # fmt: skip
    category = models.ForeignKey(
        "catalog.ProductCategory", verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="articles",
    )  # fmt: skip
    is_published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["product", "is_published"], name="kb_article_product_idx"),
            models.Index(fields=["category", "is_published"], name="kb_article_category_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def steps(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class ArticleTerm(models.Model):
    """One search term of an article with its weight (occurrences, title ×5)."""

    id = models.BigAutoField(primary_key=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=40)
    weight = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["term", "article"], name="kb_term_article_unique")]

    def __str__(self) -> str:
        return f"{self.term}×{self.weight}"
