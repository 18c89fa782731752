from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from returndesk.core.admin_utils import choice_column

from .models import Team, User

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
