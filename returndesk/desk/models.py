"""The desk's own data: each staff member's saved case-list views."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class SavedView(BaseModel):
    """A named set of case-list filters (status, type, SLA state, search…), private to its owner."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_case_views",
    )
    name = models.CharField(_("name"), max_length=60)
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def query_string(self) -> str:
        return urlencode(sorted(self.filters.items()))
