"""Evidence attachments (seed S3 退货依据, S7 上传凭证): type by content, size limits, generated
storage names, one timeline event each."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from returndesk.cases import services
from returndesk.cases.models import Attachment

from .helpers import open_case, refused, tiny_png


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


STORAGE_NAME = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f-]{36}\.png$")


@pytest.fixture
def case(consumer, consumer_user, line5):
    return open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="Q02")


def test_given_a_real_png_when_the_customer_attaches_it_then_it_is_stored_as_an_image_under_a_generated_name(
    case, consumer_user
):
    content = tiny_png()
    attachment = services.attachment_add(
        case=case, actor=consumer_user, content=content, original_name="花屏照片.png"
    )

    assert (attachment.kind, attachment.content_type, attachment.extension, attachment.size) == (
        "image",
        "image/png",
        ".png",
        len(content),
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.original_name == "花屏照片.png"
    assert STORAGE_NAME.match(attachment.file.name)
    assert attachment.file.name.endswith(f"/{attachment.id}.png")
    assert "花屏" not in attachment.file.name
    assert Path(attachment.file.path).read_bytes() == content
    event = case.events.get(type="attachment_added")
    assert (event.sequence, event.internal, event.actor) == (2, False, consumer_user)
    assert event.data == {
        "attachment": str(attachment.id),
        "kind": "image",
        "name": "花屏照片.png",
        "size": len(content),
    }


def test_given_a_text_file_named_png_when_attached_then_refused_by_its_content_and_nothing_stored(
    case, agent
):
    files_before = stored_files()
    with refused("case.invalid_input", case=case) as exc:
        services.attachment_add(
            case=case, actor=agent, content=b"just some text, not an image\n", original_name="x.png"
        )
    assert set(exc.value.fields) == {"file"}
    assert exc.value.en.startswith("Unsupported file type")
    assert stored_files() == files_before


def test_given_small_limits_when_a_png_over_the_image_limit_is_attached_then_refused_and_nothing_stored(
    case, agent
):
    files_before = stored_files()
    content = tiny_png()
    limits = {"image": len(content) - 1, "video": 10**6, "document": 10**6}
    with (
        override_settings(RETURNDESK_ATTACHMENT_LIMITS=limits),
        refused("case.invalid_input", case=case) as exc,
    ):
        services.attachment_add(case=case, actor=agent, content=content, original_name="big.png")
    assert (exc.value.kind, exc.value.params["kind_en"], exc.value.params["kind_zh"]) == (
        "invalid",
        "image",
        "图片",
    )
    assert exc.value.en.startswith("File too large")
    assert stored_files() == files_before

    with override_settings(RETURNDESK_ATTACHMENT_LIMITS={**limits, "image": len(content)}):
        services.attachment_add(case=case, actor=agent, content=content, original_name="exact.png")
    assert Attachment.objects.filter(case=case).count() == 1


def test_given_a_path_traversal_name_when_attached_then_the_file_lands_under_media_and_the_name_is_defused(
    case, agent
):
    attachment = services.attachment_add(
        case=case, actor=agent, content=tiny_png(), original_name="../../etc/passwd.png"
    )

    assert STORAGE_NAME.match(attachment.file.name)
    assert "passwd" not in attachment.file.name
    assert Path(attachment.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert attachment.original_name == ".._.._etc_passwd.png"


def test_given_two_attachments_when_added_then_each_writes_exactly_one_event(case, consumer_user, agent):
    services.attachment_add(case=case, actor=consumer_user, content=tiny_png(), original_name="1.png")
    services.attachment_add(case=case, actor=agent, content=tiny_png(), original_name="2.png")

    assert list(case.events.values_list("sequence", "type")) == [
        (1, "created"),
        (2, "attachment_added"),
        (3, "attachment_added"),
    ]
    assert Attachment.objects.filter(case=case).count() == 2
    case.refresh_from_db()
    assert case.version == 1  # evidence changes no case field, like a note


def test_given_another_customers_case_when_attaching_then_refused_as_not_own_case(case, other_user):
    with refused("case.not_own_case", case=case):
        services.attachment_add(case=case, actor=other_user, content=tiny_png(), original_name="x.png")


def test_given_an_empty_upload_or_no_actor_when_attaching_then_refused(case, agent):
    with refused("case.invalid_input", case=case):
        services.attachment_add(case=case, actor=agent, content=b"", original_name="x.png")
    with refused("case.role_forbidden", case=case):
        services.attachment_add(case=case, actor=None, content=tiny_png(), original_name="x.png")
