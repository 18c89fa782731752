"""Human-readable, unique, sortable document numbers such as RT-20261126-00042."""

from django.db import transaction
from django.utils import timezone

from .models import NumberSequence


def next_number(prefix: str, *, width: int = 5) -> str:
    """Next number for today's date (local time zone). Called inside the creating transaction,
    so a rolled-back creation does not burn the number; the row lock serialises concurrent callers."""
    today = timezone.localdate()
    key = f"{prefix}-{today:%Y%m%d}"
    with transaction.atomic():
        seq, _created = NumberSequence.objects.select_for_update().get_or_create(key=key)
        seq.last_value += 1
        seq.save(update_fields=["last_value"])
    return f"{key}-{seq.last_value:0{width}d}"
