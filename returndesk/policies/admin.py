"""Admin for the after-sales rules. Every save or delete of a rule publishes the rule set as a
new immutable PolicyVersion (policies.services.policy_publish), so what an administrator sees is
what decides the next request; the versions themselves are read-only."""

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from returndesk.core.admin_utils import ReadOnlyAdminMixin, choice_column
from returndesk.orders.models import Channel

from .models import (
    AutoApprovalRule,
    DeductionRule,
    FeeRule,
    IntactCheckItem,
    PolicySettings,
    PolicyVersion,
    ReturnWindowRule,
)
from .services import may_publish, policy_publish


class PublishOnChange:
    """Publish a new policy version after every change made in the admin. Only those who may
    publish may change the rules (a change that could not be published would never apply)."""

    def has_add_permission(self, request, *args):
        return may_publish(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return may_publish(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_publish(request.user) and super().has_delete_permission(request, obj)

    def _publish(self, request, what: str) -> None:
        version = policy_publish(actor=request.user, note=f"{self.model._meta.verbose_name}: {what}"[:200])
        self.message_user(
            request, _("Policy version v%(n)s is in force.") % {"n": version.number}, messages.INFO
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._publish(request, str(obj))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._publish(request, f"- {obj}")

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._publish(request, "- …")


class PolicySettingsForm(forms.ModelForm):
    distance_channels = forms.MultipleChoiceField(
        label=_("distance-sale channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="适用七天无理由退货的远程销售渠道(网购)",
    )
    main_part_reasons = forms.CharField(
        label=_("reasons that concern main parts"),
        required=False,
        help_text="原因代码,以逗号分隔,如 Q01,Q02,Q04",
    )

    class Meta:
        model = PolicySettings
        fields = [
            "no_reason_days",
            "distance_channels",
            "quality_return_days",
            "sanbao_exchange_days",
            "repairs_before_replacement",
            "main_part_reasons",
            "delivery_claim_days",
            "evidence_required_for_quality",
            "evidence_min_files",
            "distributor_quality_only",
            "distributor_message",
            "distributor_message_en",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and isinstance(self.instance.main_part_reasons, list):
            self.initial["main_part_reasons"] = ",".join(self.instance.main_part_reasons)

    def clean_main_part_reasons(self):
        raw = self.cleaned_data.get("main_part_reasons") or ""
        return sorted({code.strip() for code in raw.replace(",", ",").split(",") if code.strip()})


@admin.register(PolicySettings)
class PolicySettingsAdmin(PublishOnChange, admin.ModelAdmin):
    form = PolicySettingsForm
    list_display = [
        "__str__",
        "no_reason_days",
        "quality_return_days",
        "sanbao_exchange_days",
        "delivery_claim_days",
    ]
    fieldsets = [
        (_("7-day no-reason return"), {"fields": ["no_reason_days", "distance_channels"]}),
        (
            _("Quality problems (三包)"),
            {
                "fields": [
                    "quality_return_days",
                    "sanbao_exchange_days",
                    "repairs_before_replacement",
                    "main_part_reasons",
                    "evidence_required_for_quality",
                    "evidence_min_files",
                ]
            },
        ),
        (_("Delivery problems"), {"fields": ["delivery_claim_days"]}),
        (
            _("Distributors"),
            {"fields": ["distributor_quality_only", "distributor_message", "distributor_message_en"]},
        ),
    ]
    actions = ["publish"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PolicySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Publish the current rules as a new version"))
    def publish(self, request, queryset):
        self._publish(request, "publish")


@admin.register(ReturnWindowRule)
class ReturnWindowRuleAdmin(PublishOnChange, admin.ModelAdmin):
    list_display = [
        "__str__",
        choice_column(ReturnWindowRule, "channel"),
        choice_column(ReturnWindowRule, "customer_type"),
        "category",
        "days",
        choice_column(ReturnWindowRule, "day_unit"),
        "allows_exchange",
        "is_active",
    ]
    list_filter = ["channel", "customer_type", "day_unit", "is_active"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


@admin.register(FeeRule)
class FeeRuleAdmin(PublishOnChange, admin.ModelAdmin):
    list_display = [
        choice_column(FeeRule, "reason_class"),
        choice_column(FeeRule, "restocking_kind"),
        "restocking_value",
        choice_column(FeeRule, "return_shipping_payer"),
    ]


@admin.register(DeductionRule)
class DeductionRuleAdmin(PublishOnChange, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", choice_column(DeductionRule, "kind"), "value", "is_active"]
    list_filter = ["is_active"]


@admin.register(AutoApprovalRule)
class AutoApprovalRuleAdmin(PublishOnChange, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        choice_column(AutoApprovalRule, "customer_type"),
        choice_column(AutoApprovalRule, "reason_class"),
        choice_column(AutoApprovalRule, "solution"),
        "amount_below",
        "is_active",
    ]
    list_filter = ["is_active", "customer_type", "reason_class"]


@admin.register(IntactCheckItem)
class IntactCheckItemAdmin(PublishOnChange, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "category", "sort_order", "is_active"]
    list_filter = ["is_active", ("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "published_at", "published_by", "note"]
    list_select_related = ["published_by"]
    fields = ["number", "published_at", "published_by", "note", "digest", "rules_display"]
    readonly_fields = fields

    @admin.display(description=_("rules"))
    def rules_display(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.rules, ensure_ascii=False, indent=2))
