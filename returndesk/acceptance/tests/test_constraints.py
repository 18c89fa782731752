"""Acceptance findings keep their invariants by database constraint: a positive quantity, one
finding per position of a case, and a finding that opened a case says when."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from returndesk.acceptance.models import AcceptanceFinding
from returndesk.cases.models import ReturnReason

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"quantity": 0},
        {"position": 1},  # taken by the first finding
        {"opened_at": None, "opened": True},
    ],
)
def test_given_a_finding_that_breaks_an_invariant_when_saved_then_the_database_refuses(
    fields, reference_data, consumer, consumer_user, make_line
):
    from returndesk.cases.tests.helpers import open_case

    case = open_case(actor=consumer_user, customer=consumer, type="acceptance")
    line = make_line(consumer)
    reason = ReturnReason.objects.get(code="D03")
    AcceptanceFinding.objects.create(case=case, position=1, order_line=line, reason=reason, quantity=1)
    values = {"position": 2, "quantity": 1, **fields}
    opened = values.pop("opened", False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AcceptanceFinding.objects.create(
            case=case, order_line=line, reason=reason, opened_case=case if opened else None, **values
        )
    assert AcceptanceFinding.objects.count() == 1
