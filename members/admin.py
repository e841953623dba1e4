from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from egov_portal.admin import JalaliAdminMixin
from members.forms import PersonForm, PositionHoldingForm
from members.models import (
    Agency,
    AgencyGroupObjectPermission,
    AgencyUserObjectPermission,
    Person,
    Position,
    PositionHolding,
)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ("title", "is_active")


@admin.register(Agency)
class AgencyAdmin(GuardedModelAdmin):
    list_display = ("name", "kind", "sector", "parent", "is_active")
    list_filter = ("kind", "sector", "is_active")
    search_fields = ("name", "short_name", "search_text")
    autocomplete_fields = ("parent",)
    inlines = [PositionInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ("last_name", "first_name", "title", "agency", "mobile", "user")
    list_filter = ("agency__sector",)
    search_fields = ("first_name", "last_name", "national_code", "search_text", "email")
    autocomplete_fields = ("agency", "user")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title", "search_text", "agency__name")
    autocomplete_fields = ("agency",)


@admin.register(PositionHolding)
class PositionHoldingAdmin(JalaliAdminMixin, admin.ModelAdmin):
    form = PositionHoldingForm
    list_display = ("position", "person", "start_date", "end_date", "appointment_letter_number")
    search_fields = ("position__title", "person__last_name", "person__first_name")
    autocomplete_fields = ("position", "person")
    list_select_related = ("position", "person")


@admin.register(AgencyUserObjectPermission, AgencyGroupObjectPermission)
class AgencyObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ("content_object", "permission", "__str__")
    list_select_related = ("content_object", "permission")
    autocomplete_fields = ("content_object",)
