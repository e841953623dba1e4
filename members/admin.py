from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.admin import GuardedModelAdmin

from egov_portal.admin import JalaliAdminMixin
from members import services
from members.forms import PersonForm, PositionHoldingForm
from members.models import (
    Agency,
    AgencyApiToken,
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
    list_display = ("name", "salutation", "kind", "sector", "parent", "is_active")
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


class AgencyApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = AgencyApiToken
        fields = ("agency", "name", "expires_at", "allowed_addresses")


@admin.register(AgencyApiToken)
class AgencyApiTokenAdmin(admin.ModelAdmin):
    """Keys of agency systems: made here (the secret is shown once, on the page that follows)
    or by the agency's IT manager; revoked, never edited or deleted."""

    list_display = ("agency", "name", "prefix", "expires_at", "revoked_at", "last_used_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "agency__name")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AgencyApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AgencyApiTokenAddForm.Meta.fields
        return (
            "agency",
            "name",
            "prefix",
            "account",
            "created_by",
            "created_at",
            "expires_at",
            "allowed_addresses",
            "revoked_at",
            "revoked_by",
            "last_used_at",
            "last_used_from",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            token, secret = services.agency_api_token_create(
                agency=obj.agency,
                name=obj.name,
                expires_at=obj.expires_at,
                allowed_addresses=obj.allowed_addresses,
                created_by=request.user,
            )
        except ValidationError as error:  # the form already checked what the service does
            raise forms.ValidationError(error.messages) from error
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        obj.shown_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(
            request,
            "admin/members/agencyapitoken/secret.html",
            {
                **self.admin_site.each_context(request),
                "token": obj,
                "secret": obj.shown_secret,
                "opts": self.opts,
                "title": _("کلید تازه"),
            },
        )

    @admin.action(description=gettext_lazy("ابطال کلیدهای برگزیده"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.agency_api_token_revoke(token=token, user=request.user)
        self.message_user(request, _("کلیدها باطل شدند."), messages.SUCCESS)
