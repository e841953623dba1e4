"""Portal notices about directives, one for each step that someone else must act on.

- issued: the IT managers of the addressed agency (a new directive is in their inbox);
- a progress or completion report: the secretariat of the issuing body;
- verified, returned for completion, cancelled, superseded by an amendment: the IT
  managers of the agency.

Notices are of kind «ابلاغ‌ها» (``NoticeKind.DIRECTIVE``), which a user may mute or read
in the daily digest; they are written in the portal's language whatever the language of
the person acting, and never to the person who acted. Called by ``resolutions.directives``
inside the action's transaction, so a notice exists exactly when its step does. The
webhook deliveries to the agency's systems are recorded the same way and sent once the
transaction commits (``resolutions.api.webhooks``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov_portal.models import NoticeKind
from egov_portal.notifications.services import notify
from egov_portal.text.jalali import format_jalali_long
from egov_portal.text.persian import to_persian_digits
from resolutions.api import webhooks
from resolutions.models import Directive, WebhookEvent
from resolutions.services.reminders import Recipients, directive_path


def _tell(users: Iterable, *, actor, directive: Directive, title: str, body: str = "") -> int:
    told = 0
    for user in users:
        if actor is not None and user.pk == actor.pk:
            continue
        notice = notify(
            user=user,
            title=title,
            body=body,
            url=directive_path(directive),
            kind=NoticeKind.DIRECTIVE,
        )
        told += notice is not None
    return told


def _letter(directive: Directive) -> str:
    return to_persian_digits(directive.letter_number)


def directives_issued(directives: Iterable[Directive], *, actor=None) -> int:
    """Tell each addressed agency's IT managers of its new directives."""
    directives = list(directives)
    webhooks.directive_event_queue(directives, WebhookEvent.ISSUED)
    people = Recipients(timezone.localdate())
    people.agencies({directive.agency_id for directive in directives})
    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        for directive in directives:
            title = _("ابلاغ تازه %(letter)s به %(agency)s") % {
                "letter": _letter(directive),
                "agency": directive.agency.name,
            }
            if directive.due_date:
                body = _("%(resolution)s؛ مهلت اجرا: %(due)s") % {
                    "resolution": directive.resolution,
                    "due": format_jalali_long(directive.due_date),
                }
            else:
                body = _("%(resolution)s؛ بدون مهلت معین") % {"resolution": directive.resolution}
            told += _tell(
                people.agency(directive.agency),
                actor=actor,
                directive=directive,
                title=title,
                body=body,
            )
    return told


def report_added(directive: Directive, *, percent: int, final: bool, actor=None) -> int:
    """Tell the issuing body's secretariat of a progress or completion report."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "letter": _letter(directive),
            "agency": directive.agency.name,
            "percent": to_persian_digits(percent),
        }
        if final:
            title = _("گزارش انجام ابلاغ %(letter)s از %(agency)s؛ در انتظار تأیید") % params
        else:
            title = _("گزارش پیشرفت %(percent)s درصدی ابلاغ %(letter)s از %(agency)s") % params
        users = Recipients(timezone.localdate()).secretariat(directive.body)
        return _tell(users, actor=actor, directive=directive, title=title)


def directive_decided(directive: Directive, *, actor=None, note: str = "") -> int:
    """Tell the agency's IT managers that its directive was verified, returned, cancelled
    or superseded by an amending resolution (``directive.state`` says which). The agency's
    systems are told too (by webhook) of a return, a cancellation or a replacement."""
    if directive.state in webhooks.EVENT_OF_STATE:
        webhooks.directive_event_queue([directive], webhooks.EVENT_OF_STATE[directive.state])
    with translation.override(settings.LANGUAGE_CODE):
        titles = {
            "verified": _("انجام ابلاغ %(letter)s تأیید شد"),
            "returned": _("ابلاغ %(letter)s برای تکمیل برگشت داده شد"),
            "cancelled": _("ابلاغ %(letter)s لغو شد"),
            "superseded": _("ابلاغ %(letter)s با مصوبه اصلاحی جایگزین شد"),
        }
        title = titles[directive.state] % {"letter": _letter(directive)}
        users = Recipients(timezone.localdate()).agency(directive.agency)
        return _tell(users, actor=actor, directive=directive, title=title, body=note)
