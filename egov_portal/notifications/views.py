"""The notification centre: a user's own notices, marking them read, following their link
(same-site paths only) and his preferences. Another user's notice is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from egov_portal.forms import StyledFormMixin
from egov_portal.models import NoticeKind, Notification, NotificationPreference

PER_PAGE = 20


def is_same_site_path(url: str) -> bool:
    """A relative path on this site («/meetings/3/»), never «//host», a scheme or «\\»."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)
    )


@login_required
@require_safe
def notification_list(request):
    notices = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "egov_portal/notifications/list.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, _("همه اعلان‌ها خوانده شد."))
    return redirect("notifications:list")


@login_required
@require_safe
def notification_open(request, pk: int):
    """Mark the notice read and go to its page (only a path on this site)."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    if notice.url and is_same_site_path(notice.url):
        return redirect(notice.url)
    if notice.url:
        messages.warning(request, _("پیوند این اعلان به بیرون از درگاه است و دنبال نشد."))
    return redirect("notifications:list")


class PreferenceForm(StyledFormMixin, forms.ModelForm):
    muted_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("این رویدادها را به من اعلان نکن"),
        choices=NoticeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = NotificationPreference
        fields = ["daily_digest", "muted_kinds"]


@login_required
def notification_preferences(request):
    preference = NotificationPreference.objects.filter(user=request.user).first()
    preference = preference or NotificationPreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("ترجیحات اعلان ذخیره شد."))
        return redirect("notifications:preferences")
    return render(request, "egov_portal/notifications/preferences.html", {"form": form})
