from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from committees.forms import MembershipForm
from committees.models import (
    Body,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    LegalBasis,
    Membership,
    Seat,
)
from egov_portal.admin import JalaliAdminMixin


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
