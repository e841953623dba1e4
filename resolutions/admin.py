from django.contrib import admin

from egov_portal.admin import FrozenAdminMixin, JalaliAdminMixin
from resolutions.models import Resolution, ResolutionAgency


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
