from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_jalali.admin.widgets import AdminjDateWidget

from egov_portal.fields import JalaliDateField
from egov_portal.forms import JalaliDateField as JalaliDateFormField
from egov_portal.models import (
    AuditEvent,
    Job,
    Notification,
    NotificationPreference,
    PageCounter,
    Province,
    Slogan,
)


class JalaliAdminMixin:
    """Jalali date fields in the admin: the date picker, and our parser behind it."""

    formfield_overrides = {
        JalaliDateField: {"form_class": JalaliDateFormField, "widget": AdminjDateWidget},
    }


@admin.register(Slogan)
class SloganAdmin(admin.ModelAdmin):
    list_display = ("year", "text", "updated_at")
    search_fields = ("text",)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "authority", "has_emblem", "updated_at")
    search_fields = ("name", "authority")

    @admin.display(boolean=True, description=_("نشان دارد"))
    def has_emblem(self, obj) -> bool:
        return bool(obj.emblem)


@admin.register(PageCounter)
class PageCounterAdmin(admin.ModelAdmin):
    list_display = ("key", "views")
    readonly_fields = ("key", "views")

    def has_add_permission(self, request):
        return False


admin.site.empty_value_display = _("—")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("title", "body", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


class FrozenAdminMixin:
    """Records of approved minutes are read-only in the admin: no change, no delete."""

    @staticmethod
    def _frozen(obj) -> bool:
        if obj is None:
            return False
        if hasattr(obj, "is_frozen"):
            return bool(obj.is_frozen)
        checker = getattr(obj, "_frozen_in_database", None)
        return bool(checker and checker())

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs are read-only here: they are started from the portal's pages."""

    list_display = ("kind", "state", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("state", "kind", "created_at")
    search_fields = ("kind", "created_by__username", "error")
    list_select_related = ("created_by",)
    fields = (
        "id",
        "kind",
        "params",
        "state",
        "progress",
        "total",
        "done",
        "result_name",
        "error",
        "created_by",
        "created_at",
        "finished_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("نتیجه"))
    def result_name(self, obj):
        # The name only: private files are served by the job's page, not from MEDIA_URL.
        return obj.result.name if obj.result else ""


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: no one adds, changes or deletes an event here."""

    list_display = ("at", "actor", "source", "action", "model", "object_repr", "body_id")
    list_filter = ("action", "model", "source", "at")
    search_fields = ("object_repr", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    actions = None
    readonly_fields = (
        "at",
        "actor",
        "source",
        "action",
        "model",
        "object_id",
        "object_repr",
        "body_id",
        "before",
        "after",
        "address",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "daily_digest")
    list_filter = ("daily_digest",)
    search_fields = ("user__username",)
