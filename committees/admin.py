from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from committees.forms import MembershipForm
from committees.models import (
    AgendaItem,
    Body,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    CalendarFeedToken,
    Closure,
    Guest,
    Invitation,
    LegalBasis,
    Meeting,
    Membership,
    Minutes,
    MinutesComment,
    MinutesReview,
    Paper,
    Seat,
)
from egov_portal.admin import FrozenAdminMixin, JalaliAdminMixin


@admin.register(LegalBasis)
class LegalBasisAdmin(JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("title", "article", "approving_authority", "approval_date", "letter_number")
    list_filter = ("kind",)
    search_fields = ("title", "article", "text", "letter_number")
    autocomplete_fields = ("parent",)


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    fields = ("order", "title", "role", "kind", "position", "agency", "persons_count")
    autocomplete_fields = ("position", "agency")
    ordering = ("order",)


@admin.register(Body)
class BodyAdmin(JalaliAdminMixin, GuardedModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "parent", "order", "is_public")
    list_filter = ("kind", "is_public")
    search_fields = ("name", "short_name", "search_text")
    autocomplete_fields = ("parent", "legal_basis", "members_selected_by")
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("body", "order", "title", "role", "kind", "persons_count")
    list_filter = ("body", "role", "kind")
    search_fields = ("title", "search_text", "body__name")
    autocomplete_fields = ("body", "position", "agency", "proposed_by", "approved_by")
    list_select_related = ("body",)


@admin.register(Membership)
class MembershipAdmin(JalaliAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("seat", "person", "start_date", "end_date", "approval_letter_number")
    list_filter = ("seat__body",)
    search_fields = ("person__last_name", "person__first_name", "seat__title")
    autocomplete_fields = ("seat", "person")
    list_select_related = ("seat", "seat__body", "person")


@admin.register(BodyUserObjectPermission, BodyGroupObjectPermission)
class BodyObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ("content_object", "permission", "__str__")
    list_select_related = ("content_object", "permission")
    autocomplete_fields = ("content_object",)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "title", "presenter")


@admin.register(Meeting)
class MeetingAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "starts_at", "place", "state", "is_public")
    list_filter = ("state", "body", "is_public")
    search_fields = ("place", "body__name")
    autocomplete_fields = ("body",)
    readonly_fields = ("created_by",)
    list_select_related = ("body",)
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("title", "meeting", "order", "presenter")
    search_fields = ("title", "discussion")
    list_select_related = ("meeting__body",)
    raw_id_fields = ("meeting",)


@admin.register(Paper)
class PaperAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("original_name", "agenda_item", "content_type", "size", "created_at")
    search_fields = ("original_name", "sha256")
    readonly_fields = ("file", "content_type", "size", "sha256", "uploaded_by")
    raw_id_fields = ("agenda_item",)


@admin.register(Invitation)
class InvitationAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("person", "meeting", "rsvp", "attendance", "sent_at")
    list_filter = ("rsvp", "attendance")
    search_fields = ("person__last_name", "person__first_name")
    list_select_related = ("person", "meeting__body")
    raw_id_fields = ("meeting", "person", "seat")


@admin.register(Guest)
class GuestAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("name", "agency", "meeting")
    search_fields = ("name", "agency")
    raw_id_fields = ("meeting",)


@admin.register(Minutes)
class MinutesAdmin(FrozenAdminMixin, JalaliAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "letter_number", "approved_at", "fingerprint")
    search_fields = ("letter_number", "fingerprint")
    readonly_fields = (
        "approved_at",
        "approved_by",
        "fingerprint",
        "previous_fingerprint",
        "snapshot",
        "canonical",
        "sent_for_review_at",
    )
    raw_id_fields = ("meeting",)

    def has_add_permission(self, request):
        return False  # minutes come with their meeting


@admin.register(MinutesReview)
class MinutesReviewAdmin(admin.ModelAdmin):
    list_display = ("person", "minutes", "decision", "created_at")
    list_filter = ("decision",)
    raw_id_fields = ("minutes", "person")


@admin.register(MinutesComment)
class MinutesCommentAdmin(FrozenAdminMixin, admin.ModelAdmin):
    list_display = ("person", "minutes", "agenda_item", "resolution", "created_at", "handled_at")
    list_filter = (("handled_at", admin.EmptyFieldListFilter),)
    raw_id_fields = ("minutes", "person", "agenda_item", "resolution", "handled_by")


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Secret calendar addresses: made by their users; the secret is never shown here. An
    administrator may revoke one (the user makes a new one on his page)."""

    list_display = ("user", "created_at", "revoked_at", "last_used_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("user", "created_at", "last_used_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Closure)
class ClosureAdmin(JalaliAdminMixin, admin.ModelAdmin):
    """Days the province declared closed: not working days, and a meeting set on one asks
    for confirmation."""

    list_display = ("day", "title")
    search_fields = ("title",)
