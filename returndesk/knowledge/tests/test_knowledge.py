"""The knowledge base: articles written through the service keep their bigram index, Chinese
queries find and rank them without any search service, and the portal selector scopes them."""

import pytest

from returndesk.accounts.models import User
from returndesk.catalog.tests.factories import make_category, make_product
from returndesk.core.errors import DomainError
from returndesk.knowledge import search, selectors, services
from returndesk.knowledge.models import Article, ArticleTerm

pytestmark = pytest.mark.django_db


def test_terms_are_character_bigrams_single_characters_and_lowercased_words():
    assert search.terms_of("屏幕闪烁 HDMI") == ["屏幕", "幕闪", "闪烁", "屏", "幕", "闪", "烁", "hdmi"]
    assert search.query_terms("屏幕闪烁") == ["屏幕", "幕闪", "闪烁"]
    assert search.query_terms("屏") == ["屏"]


@pytest.fixture
def kb(db):
    editor = User.objects.create_user(username="qc", password="x", role="qc")
    laptops = make_category(code="NB", name="笔记本")
    monitors = make_category(code="MON", name="显示器")
    x1 = make_product(sku="X1", name="笔记本X1", category=laptops)
    m27 = make_product(sku="M27", name="显示器27", category=monitors)

    def write(title, problem, body, **kw):
        return services.article_create(
            actor=editor, title=title, kind=kw.pop("kind", "fault"), problem=problem, body=body,
            is_published=kw.pop("is_published", True), **kw,
        )  # fmt: skip

    articles = {
        "flicker": write("显示器屏幕闪烁", "屏幕闪烁或有横纹", "检查 HDMI 线缆\n更换接口", product=m27),
        "battery": write("笔记本电池不充电", "插上电源后电池不充电", "校准电池\n更新 BIOS", category=laptops),
        "keyboard": write(
            "更换键盘", "键盘按键失灵需要更换", "拆下底壳\n断开排线\n装上新键盘", kind="part", product=x1
        ),
        "general": write("如何申请退货", "退货流程说明", "在订单页面提交申请"),
        "draft": write("屏幕坏点检测", "屏幕出现坏点", "使用纯色图片检查", is_published=False),
    }
    return editor, {"x1": x1, "m27": m27, "laptops": laptops}, articles


def test_given_a_chinese_query_when_searching_then_the_matching_article_first_and_drafts_hidden(kb):
    _editor, _products, a = kb

    results = selectors.articles_for(query="屏幕闪烁")

    assert [r.pk for r in results] == [a["flicker"].pk]
    assert selectors.articles_for(query="不充电")[0].pk == a["battery"].pk
    assert selectors.articles_for(query="hdmi")[0].pk == a["flicker"].pk
    assert [r.pk for r in selectors.articles_for(query="屏幕", include_drafts=True)] == [
        a["draft"].pk,
        a["flicker"].pk,
    ]  # the same weight (title once, problem once): by title, 屏 before 显
    assert [r.pk for r in selectors.articles_for(query="屏幕 横纹", include_drafts=True)] == [
        a["flicker"].pk,
        a["draft"].pk,
    ]  # more of the query's terms first
    assert selectors.articles_for(query="洗衣机") == []


def test_given_a_product_when_asking_for_its_articles_then_its_own_its_categorys_and_general_ones(kb):
    _editor, p, a = kb

    assert [r.pk for r in selectors.articles_for(product=p["x1"])] == [
        a["keyboard"].pk,
        a["battery"].pk,
        a["general"].pk,
    ]
    assert [r.pk for r in selectors.articles_for(product=p["m27"], query="键盘")] == []
    assert [r.pk for r in selectors.articles_for(category=p["laptops"])] == [a["battery"].pk, a["general"].pk]


def test_given_an_edit_when_saved_then_the_index_follows_and_a_stale_copy_is_refused(kb):
    editor, _p, a = kb
    article = a["battery"]

    services.article_update(article=article, actor=editor, title="笔记本无法开机", problem="按电源键无反应")

    assert selectors.articles_for(query="无法开机")[0].pk == article.pk
    assert selectors.articles_for(query="不充电") == []  # only the old title and problem said so
    assert not ArticleTerm.objects.filter(article=article, term="不充").exists()
    assert selectors.articles_for(query="校准电池")[0].pk == article.pk  # the body is unchanged
    with pytest.raises(DomainError) as stale:
        services.article_update(article=article, actor=editor, expected_version=1, title="旧的")
    assert stale.value.code == "knowledge.conflict"
    assert Article.objects.get(pk=article.pk).title == "笔记本无法开机"


def test_given_a_warehouse_user_or_an_empty_title_when_writing_then_refused_and_nothing_written(kb):
    _editor, _p, _a = kb
    warehouse = User.objects.create_user(username="wh", password="x", role="warehouse")
    before = (Article.objects.count(), ArticleTerm.objects.count())

    with pytest.raises(DomainError) as forbidden:
        services.article_create(actor=warehouse, title="x", kind="faq", problem="p", body="b")
    with pytest.raises(DomainError) as invalid:
        services.article_create(actor=_editor, title=" ", kind="faq", problem="p", body="b")

    assert (forbidden.value.code, invalid.value.code) == ("knowledge.forbidden", "knowledge.invalid")
    assert (Article.objects.count(), ArticleTerm.objects.count()) == before


def test_given_anyone_when_searching_the_pages_then_published_articles_and_the_portal_fragment(kb):
    from django.test import Client

    _editor, p, a = kb
    anonymous = Client()

    page = anonymous.get("/kb/", {"q": "屏幕闪烁"})
    fragment = anonymous.get("/kb/partial/", {"product": str(p["x1"].pk)})
    draft = anonymous.get(f"/kb/articles/{a['draft'].pk}/")
    article = anonymous.get(f"/kb/articles/{a['keyboard'].pk}/")

    assert page.status_code == 200 and "显示器屏幕闪烁" in page.content.decode()
    assert "屏幕坏点检测" not in page.content.decode()
    assert [t in fragment.content.decode() for t in ("更换键盘", "笔记本电池不充电", "如何申请退货", "显示器屏幕闪烁")] == [
        True, True, True, False,
    ]  # fmt: skip
    assert draft.status_code == 404
    assert "<li>断开排线</li>" in article.content.decode()


def test_given_qc_when_writing_an_article_on_the_page_then_saved_and_found_and_the_warehouse_is_refused(kb):
    from django.test import Client

    editor, p, _a = kb
    client = Client()
    client.force_login(editor)
    warehouse = Client()
    warehouse.force_login(User.objects.create_user(username="wh2", password="x", role="warehouse"))

    response = client.post(
        "/kb/new/",
        {"title": "触控板失灵", "kind": "fault", "product": str(p["x1"].pk), "problem": "触控板没有反应",
         "body": "按 Fn+F9 开启触控板", "is_published": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    assert selectors.articles_for(query="触控板")[0].title == "触控板失灵"
    assert warehouse.get("/kb/new/").status_code == 403
