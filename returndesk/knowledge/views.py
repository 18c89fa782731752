"""Knowledge base pages. Reading and searching is public (customers see published articles
before they ask, and replies link to them); editing is for the roles services.EDITORS names.
`/kb/partial/` is the fragment the portal includes (product / category / q parameters)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from returndesk.catalog.models import Product, ProductCategory
from returndesk.core.errors import DomainError

from . import selectors, services
from .forms import ArticleForm
from .models import ArticleKind


def _editor(request) -> bool:
    return request.user.is_authenticated and services._may_edit(request.user)


def _scope(request):
    product = (
        Product.objects.filter(pk=request.GET.get("product") or None).first()
        if _uuid(request.GET.get("product"))
        else None
    )
    category = ProductCategory.objects.filter(code=request.GET.get("category", "")).first()
    return product, category


def _uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_GET
def search(request):
    product, category = _scope(request)
    query = request.GET.get("q", "").strip()[:100]
    editor = _editor(request)
    results = selectors.articles_for(product, category, query, limit=30, include_drafts=editor)
    return render(
        request,
        "knowledge/search.html",
        {
            "results": results, "query": query, "product": product, "category": category, "editor": editor,
            "categories": ProductCategory.objects.order_by("code"), "kinds": dict(ArticleKind.choices),
        },
    )  # fmt: skip


@require_GET
def partial(request):
    """Up to 5 published articles for the portal to show before a consultation."""
    product, category = _scope(request)
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.articles_for(product, category, query, limit=5)
    return render(request, "knowledge/_articles.html", {"results": results})


@require_GET
def article(request, id):
    try:
        item = selectors.article_get(id, include_drafts=_editor(request))
    except DomainError as exc:
        raise Http404(exc.message) from exc
    link = request.build_absolute_uri()
    return render(
        request, "knowledge/article.html", {"article": item, "editor": _editor(request), "link": link}
    )


def _save(request, item=None):
    if not _editor(request):
        raise PermissionDenied
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                if item is None:
                    item = services.article_create(actor=request.user, **data)
                else:
                    item = services.article_update(
                        article=item, actor=request.user, expected_version=version, **data
                    )
            except DomainError as exc:
                for name, message in exc.field_messages().items():
                    form.add_error(name if name in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                return redirect("knowledge:article", id=item.pk)
    elif item is not None:
        form = ArticleForm(
            initial={
                "title": item.title, "kind": item.kind, "product": item.product, "category": item.category,
                "problem": item.problem, "body": item.body, "is_published": item.is_published, "version": item.version,
            }
        )  # fmt: skip
    else:
        form = ArticleForm(initial={"kind": ArticleKind.FAULT})
    return render(request, "knowledge/edit.html", {"form": form, "article": item})


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    return _save(request)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, id):
    try:
        item = selectors.article_get(id, include_drafts=True)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return _save(request, item)
