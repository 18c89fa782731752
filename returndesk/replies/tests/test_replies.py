"""Reply templates (话术, seed S5): seeded defaults, checks on save, filling in variables, and
who may edit them."""

from __future__ import annotations

import pytest

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.core.errors import DomainError
from returndesk.replies.defaults import DEFAULTS
from returndesk.replies.models import ReplyTemplate
from returndesk.replies.services import reply_render, reply_template_create, reply_template_update
from returndesk.replies.variables import fill, used

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return User.objects.create_user("supervisor", password="x", role=Role.SUPERVISOR)


@pytest.fixture
def agent():
    return User.objects.create_user("agent", password="x", role=Role.AGENT)


def test_given_a_fresh_database_then_the_seed_scripts_are_loaded_for_every_stage():
    rows = list(ReplyTemplate.objects.order_by("sort_order").values_list("stage", "title"))

    assert rows == [(d["stage"], d["title"]) for d in DEFAULTS]
    assert {stage for stage, _title in rows} == {
        "greeting", "ask_reason", "explain_process", "respect_view", "confirm_progress", "thanks",
    }  # fmt: skip
    assert ReplyTemplate.objects.get(title="询问退货原因").body.startswith(
        "在进行退货之前,我们首要了解您退货的原因"
    )


def test_given_values_when_filling_then_known_variables_are_replaced_and_missing_ones_stay_visible():
    text = "尊敬的{customer_name},工单 {case_number} 请于 {deadline} 前寄回。"

    filled = fill(text, {"customer_name": "张伟", "case_number": "RT-20261126-00001", "deadline": ""})

    assert filled == "尊敬的张伟,工单 RT-20261126-00001 请于 {deadline} 前寄回。"
    assert used(text) == ["customer_name", "case_number", "deadline"]


def test_given_english_when_rendering_then_the_english_text_is_used():
    template = ReplyTemplate.objects.get(title="工单进度通知")

    text = reply_render(
        template=template, values={"case_number": "RT-1", "status": "Received"}, language="en"
    )

    assert (
        text
        == "Hello, your after-sales case RT-1 is now 'Received'. We keep following it; contact us at any time if you have a question."
    )


def test_given_a_supervisor_when_creating_a_template_then_it_is_saved_with_its_editor(supervisor):
    template = reply_template_create(
        actor=supervisor, stage="thanks", title="回访致谢", title_en="Follow-up thanks",
        body="感谢{customer_name}的耐心!", body_en="Thank you, {customer_name}!",
    )  # fmt: skip

    assert (template.stage, template.updated_by, template.is_active) == ("thanks", supervisor, True)


def test_given_an_unknown_variable_when_saving_then_refused_naming_it_and_nothing_saved(supervisor):
    count = ReplyTemplate.objects.count()

    with pytest.raises(DomainError) as refused:
        reply_template_create(
            actor=supervisor, stage="thanks", title="x", title_en="x", body="您好 {nickname}", body_en="Hi",
        )  # fmt: skip

    assert refused.value.code == "reply.invalid"
    assert refused.value.field_messages("en") == {"body": "Unknown variable(s): {nickname}"}
    assert ReplyTemplate.objects.count() == count


def test_given_a_missing_english_text_when_saving_then_refused(supervisor):
    template = ReplyTemplate.objects.get(title="致谢")

    with pytest.raises(DomainError) as refused:
        reply_template_update(actor=supervisor, template=template, body_en="  ")

    template.refresh_from_db()
    assert refused.value.field_messages("zh-hans") == {"body_en": "请填写英文话术"}
    assert template.body_en.startswith("Now that the return is complete")


def test_given_a_duplicate_title_in_the_stage_when_saving_then_refused(supervisor):
    with pytest.raises(DomainError) as refused:
        reply_template_create(
            actor=supervisor, stage="thanks", title="致谢", title_en="x", body="x", body_en="x"
        )

    assert refused.value.code == "reply.duplicate_title"


def test_given_an_agent_when_editing_then_forbidden_and_unchanged(agent):
    template = ReplyTemplate.objects.get(title="致谢")

    with pytest.raises(DomainError) as refused:
        reply_template_update(actor=agent, template=template, title="改了")

    template.refresh_from_db()
    assert refused.value.kind == "forbidden"
    assert template.title == "致谢"


# --- pages --------------------------------------------------------------------------------------


def test_given_an_agent_when_opening_the_templates_page_then_all_stages_without_edit_links(client, agent):
    client.force_login(agent)

    response = client.get("/replies/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [len(items) for _stage, items in response.context["stages"]] == [1, 1, 2, 1, 2, 1]
    assert "/replies/new/" not in html
    assert client.get("/replies/new/").status_code == 403


def test_given_a_supervisor_when_editing_a_template_in_the_page_then_it_is_saved(client, supervisor):
    template = ReplyTemplate.objects.get(title="致谢")
    client.force_login(supervisor)
    data = {
        "stage": "thanks", "title": "致谢", "title_en": "Thanks", "body": "谢谢{customer_name}!",
        "body_en": "Thanks, {customer_name}!", "sort_order": 7, "is_active": "on",
    }  # fmt: skip

    response = client.post(f"/replies/{template.pk}/", data)

    template.refresh_from_db()
    assert response.status_code == 302
    assert (template.body, template.updated_by) == ("谢谢{customer_name}!", supervisor)


def test_given_an_unknown_variable_in_the_page_when_saving_then_the_field_shows_it(client, supervisor):
    client.force_login(supervisor)
    data = {
        "stage": "thanks", "title": "新话术", "title_en": "New", "body": "您好{nick}", "body_en": "Hi",
        "sort_order": 0,
    }  # fmt: skip

    response = client.post("/replies/new/", data)

    assert response.status_code == 422
    assert response.context["form"].errors == {"body": ["未知变量:{nick}"]}
    assert not ReplyTemplate.objects.filter(title="新话术").exists()


def test_given_the_admin_when_saving_a_template_with_a_bad_variable_then_the_form_refuses(client):
    root = User.objects.create_superuser("root", password="x", email="r@example.com", role=Role.ADMIN)
    client.force_login(root)
    data = {
        "stage": "thanks",
        "title": "后台",
        "title_en": "Admin",
        "body": "{oops}",
        "body_en": "x",
        "sort_order": 0,
    }

    response = client.post("/admin/replies/replytemplate/add/", data)

    assert response.status_code == 200
    assert "未知变量:{oops}" in response.content.decode()
    assert not ReplyTemplate.objects.filter(title="后台").exists()
