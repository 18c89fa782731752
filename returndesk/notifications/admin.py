"""Admin for notifications: templates and preferences are configuration; the outbox and the
webhook delivery log are read-only, with a replay action for deliveries."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column

from .models import (
    CustomerPreference,
    NotificationTemplate,
    OutboxMessage,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from .services import webhook_replay


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "state", "attempts", "available_at", "processed_at"]
    list_filter = ["state", "topic"]
    search_fields = ["dedupe_key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "language",
        choice_column(NotificationTemplate, "channel"),
        choice_column(NotificationTemplate, "stage"),
        "subject",
        "is_active",
    ]
    list_filter = ["channel", "language", "stage", "is_active"]
    search_fields = ["event", "subject", "body"]


@admin.register(CustomerPreference)
class CustomerPreferenceAdmin(admin.ModelAdmin):
    list_display = ["customer", choice_column(CustomerPreference, "channel")]
    list_filter = ["channel"]
    raw_id_fields = ["customer"]
    search_fields = ["customer__code", "customer__name"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "event_types", "is_active"]
    list_filter = ["is_active"]


class WebhookAttemptInline(ReadOnlyTabularInline):
    model = WebhookAttempt
    fields = ["number", "started_at", "duration_ms", "status_code", "error", "response_excerpt"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id", "event_type", "event_id", "endpoint", choice_column(WebhookDelivery, "state"), "attempts",
        "last_status", "next_attempt_at", "delivered_at", "replay_count",
    ]  # fmt: skip
    list_filter = ["state", "event_type", "endpoint"]
    search_fields = ["event_id"]
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("endpoint")

    def has_replay_permission(self, request):
        # The log itself is read-only; re-sending needs the change permission in the role.
        return request.user.has_perm("notifications.change_webhookdelivery")

    @admin.action(description=_("Send again (same event id)"), permissions=["replay"])
    def replay(self, request, queryset):
        count = webhook_replay(deliveries=list(queryset), actor=request.user)
        self.message_user(
            request, _("%(count)d deliveries queued again.") % {"count": count}, messages.SUCCESS
        )
