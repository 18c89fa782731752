from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """One Idempotency-Key of one caller (a token, or a signed-in user's session) and the
    response its first request got. The row is inserted before the work runs, so a concurrent
    duplicate collides on the unique constraint; `completed_at` is set, together with the work,
    when the response is known. See returndesk/api/idempotency.py."""

    id = models.BigAutoField(primary_key=True)
    owner = models.CharField(_("owner"), max_length=64, help_text="token:<id> or user:<id>")
    key = models.CharField(_("idempotency key"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request hash (SHA-256)"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique_per_owner"),
            models.CheckConstraint(
                name="idempotency_completed_has_status",
                condition=models.Q(completed_at__isnull=True) | models.Q(status_code__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
