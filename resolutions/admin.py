from django.contrib import admin

from egov_portal.admin import FrozenAdminMixin, JalaliAdminMixin
from resolutions.models import (
    AgencyWebhook,
    Directive,
    DirectiveEvent,
    Evidence,
    LetterSequence,
    ProgressReport,
    Referral,
    ReminderLog,
    Resolution,
    ResolutionAgency,
    WebhookDelivery,
)


class ResolutionAgencyInline(admin.TabularInline):
    model = ResolutionAgency
    extra = 0
    autocomplete_fields = ("agency",)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not FrozenAdminMixin._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not FrozenAdminMixin._frozen(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not FrozenAdminMixin._frozen(obj)


@admin.register(Resolution)
class ResolutionAdmin(FrozenAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "kind", "deadline", "all_agencies", "is_public")
    list_filter = ("kind", "is_public", "all_agencies", "meeting__body")
    search_fields = ("text",)
    raw_id_fields = ("meeting", "agenda_item", "amends")
    list_select_related = ("meeting__body",)
    inlines = [ResolutionAgencyInline]


@admin.register(ResolutionAgency)
class ResolutionAgencyAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("resolution", "agency", "role")
    list_filter = ("role",)
    autocomplete_fields = ("agency",)
    raw_id_fields = ("resolution",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and bookkeeping rows: visible to administrators, changed by nobody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Directive)
class DirectiveAdmin(JalaliAdminMixin, admin.ModelAdmin):
    """Directives are legal records: their state moves through the portal's pages, and
    they are never deleted."""

    list_display = ("letter_number", "agency", "state", "issued_on", "due_date", "progress")
    list_filter = ("state", "priority", "classification", "body")
    search_fields = ("letter_number", "agency__name", "resolution__text")
    list_select_related = ("agency",)
    readonly_fields = [f.name for f in Directive._meta.fields if f.name not in {"id"}]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DirectiveEvent)
class DirectiveEventAdmin(ReadOnlyAdmin):
    list_display = ("directive", "state", "actor", "at")
    list_filter = ("state",)
    list_select_related = ("directive", "actor")


@admin.register(LetterSequence)
class LetterSequenceAdmin(ReadOnlyAdmin):
    list_display = ("body", "year", "last")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("directive", "percent", "is_final", "created_by", "created_at")
    list_select_related = ("directive", "created_by")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "report", "content_type", "size", "created_at")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("directive", "step", "sent_at")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("resolution", "to_body", "state", "created_at")
    list_filter = ("state", "to_body")
    raw_id_fields = ("resolution", "agenda_item")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgencyWebhook)
class AgencyWebhookAdmin(admin.ModelAdmin):
    """Webhook addresses are registered by the agency's IT manager (the secret is shown to
    him once); here they are read, and switched off."""

    list_display = ("agency", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "agency__name")
    list_select_related = ("agency",)
    fields = ("agency", "url", "is_active", "created_by", "created_at")
    readonly_fields = ("agency", "url", "created_by", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "event",
        "directive",
        "webhook",
        "state",
        "attempts",
        "last_status",
        "created_at",
    )
    list_filter = ("state", "event")
    list_select_related = ("directive", "webhook")
