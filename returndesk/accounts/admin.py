from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from returndesk.core.admin_utils import choice_column
from returndesk.core.errors import DomainError

from .models import ApiToken, Team, User
from .services import api_token_create, api_token_revoke

PROFILE_FIELDS = ("role", "team", "customer", "phone", "preferred_language")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", choice_column(Team, "role"), "created_at"]
    list_filter = ["role"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the ReturnDesk profile: role (department), team, and for customer
    and distributor sign-ins the customer whose cases they see (a DB constraint requires it)."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (_("ReturnDesk profile"), {"fields": PROFILE_FIELDS}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("ReturnDesk profile"), {"classes": ("wide",), "fields": PROFILE_FIELDS}),
    )
    list_display = [
        "username",
        "last_name",
        "first_name",
        choice_column(User, "role"),
        "team",
        "customer",
        "phone",
        "is_active",
        "is_staff",
    ]
    list_filter = ["role", "team", "is_staff", "is_superuser", "is_active"]
    list_select_related = ["team", "customer"]
    search_fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "phone",
        "customer__name",
        "customer__code",
    ]
    autocomplete_fields = ["team", "customer"]


class ApiTokenIssueForm(forms.Form):
    user = forms.ModelChoiceField(label=_("user"), queryset=User.objects.filter(is_active=True))
    name = forms.CharField(label=_("name"), max_length=100)
    expires_at = forms.DateTimeField(label=_("expires at"), required=False, help_text="YYYY-MM-DD HH:MM")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through accounts.services (the add page shows the plaintext once, in the
    answer itself, never in a message stored in the session or cookie) and revoked by an action.
    Nothing else about a token can be edited, and tokens are not deleted: revoking keeps the trail."""

    list_display = [
        "prefix",
        "name",
        "user",
        choice_column(ApiToken, "role"),
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = [
        "name",
        "user",
        "role",
        "prefix",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke selected API tokens"))
    def revoke(self, request, queryset):
        try:
            for token in queryset:
                api_token_revoke(actor=request.user, token=token)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("Revoked."), messages.SUCCESS)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                token, raw = api_token_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                for field, message in exc.field_messages().items():
                    form.add_error(field if field in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                self.log_addition(request, token, [{"added": {}}])
                context = {**self.admin_site.each_context(request), "opts": self.opts, "token": token}
                return TemplateResponse(
                    request, "admin/accounts/apitoken/issued.html", {**context, "plaintext": raw}
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": _("Issue an API token"),
        }
        return TemplateResponse(request, "admin/accounts/apitoken/issue.html", context)
