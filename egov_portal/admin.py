from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_jalali.admin.widgets import AdminjDateWidget

from egov_portal.fields import JalaliDateField
from egov_portal.forms import JalaliDateField as JalaliDateFormField
from egov_portal.models import PageCounter, Slogan


class JalaliAdminMixin:
    """Jalali date fields in the admin: the date picker, and our parser behind it."""

    formfield_overrides = {
        JalaliDateField: {"form_class": JalaliDateFormField, "widget": AdminjDateWidget},
    }


@admin.register(Slogan)
class SloganAdmin(admin.ModelAdmin):
    list_display = ("year", "text", "updated_at")
    search_fields = ("text",)


@admin.register(PageCounter)
class PageCounterAdmin(admin.ModelAdmin):
    list_display = ("key", "views")
    readonly_fields = ("key", "views")

    def has_add_permission(self, request):
        return False


admin.site.empty_value_display = _("—")
