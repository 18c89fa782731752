from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel

from .roles import EXTERNAL_ROLES, Role


class Team(BaseModel):
    """A working group inside a department (e.g. 客服一组); cases are queued to teams."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    role = models.CharField(_("department"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL)
    customer = models.ForeignKey(
        "catalog.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for customer and distributor sign-ins: whose cases they see."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_external_has_customer",
                # sorted: a frozenset's order changes between runs, which makemigrations took for a change.
                condition=~Q(role__in=sorted(r.value for r in EXTERNAL_ROLES)) | Q(customer__isnull=False),
            ),
        ]

    @property
    def is_external(self) -> bool:
        return self.role in EXTERNAL_ROLES

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return f"{full} ({self.username})" if full else self.username


class ApiToken(BaseModel):
    """A credential for the REST API: it acts as `user`, with the role the user had when it was
    issued (`role`). If the user's role changes later, the token stops working and must be
    reissued, so a token never silently gains or changes powers. Only a SHA-256 of the secret is
    stored; the plaintext is shown once, when the token is issued (accounts.services)."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses the token, e.g. the Tmall shop sync.")
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (rd_{self.prefix}_…)"
