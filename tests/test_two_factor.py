"""Two-factor sign-in (django-otp): the code after the password, enrolment, backup codes,
throttling, removal, the TWO_FACTOR_REQUIRED rule and what gets logged and audited."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov_portal.accounts import two_factor
from egov_portal.models import AuditAction, AuditEvent
from egov_portal.text.persian import to_persian_digits
from tests.conftest import DEMO_PASSWORD, client_for

pytestmark = pytest.mark.django_db

SECURITY_LOG = "egov_portal.security"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)


def user(username: str):
    return get_user_model().objects.get(username=username)


def code_for(device: TOTPDevice) -> str:
    """The app's current code; forgets the last code used so a test may use several."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, drift=0)
    return f"{totp(device.bin_key):06d}"


def wrong_code(key: bytes) -> str:
    """A six-digit code that no check can accept now: not the code of any time step within
    three of the current one (a device accepts its drift, at most one step after enrolment,
    plus its tolerance of one step; one more in case the step turns during the test). Of
    the seven codes to avoid, one of 000000…000007 is always free; the first such is taken."""
    near = {f"{totp(key, drift=step):06d}" for step in range(-3, 4)}
    return next(code for code in (f"{n:06d}" for n in range(8)) if code not in near)


def wait_out_throttle(device: TOTPDevice) -> None:
    """As if the wait after a wrong code were over."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(hours=1)
    )


def give_app(username: str) -> TOTPDevice:
    """An authenticator app and ten backup codes, as enrolment leaves them."""
    owner = user(username)
    key = two_factor.new_secret()
    two_factor.two_factor_enrol(user=owner, key=key, code=f"{totp(bytes.fromhex(key)):06d}")
    return two_factor.confirmed_device(owner)


def backup_codes(username: str) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user__username=username).values_list("token", flat=True)
    )


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def verified_client(username: str, device: TOTPDevice) -> Client:
    """Signed in and past the second factor with ``device``."""
    client = client_for(username)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def location(response) -> str:
    return urlsplit(response["Location"]).path


def assert_clean_page(response) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert "Content-Security-Policy" in response


def enrol(client: Client) -> list[str]:
    """Go through the enrolment page as the client's user; returns the backup codes shown."""
    page = client.get(reverse("two_factor:enrol"))
    assert page.status_code == 200
    key = client.session[two_factor.SESSION_PENDING_KEY]
    response = client.post(reverse("two_factor:enrol"), {"code": f"{totp(bytes.fromhex(key)):06d}"})
    assert response.status_code == 302
    assert location(response) == reverse("two_factor:backup_codes")
    shown = client.get(reverse("two_factor:backup_codes"))
    assert_clean_page(shown)
    return re.findall(r"<code>(\d{5}-\d{5})</code>", shown.content.decode())


# --- signing in with a device --------------------------------------------------------


def test_sign_in_with_a_device_needs_the_code():
    device = give_app("member")
    client = sign_in("member")
    home = reverse("committees:home")
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor:verify')}?next=%2Fme%2F"
    for url in (reverse("resolutions:inbox"), reverse("two_factor:settings"), "/admin/"):
        assert location(client.get(url)) == reverse("two_factor:verify")
    page = client.get(reverse("two_factor:verify"), {"next": home})
    assert_clean_page(page)
    html = page.content.decode()
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label class="form-label" for="id_code">' in html
    # Persian digits are accepted.
    code = to_persian_digits(code_for(device))
    response = client.post(reverse("two_factor:verify"), {"code": code, "next": home})
    assert response.status_code == 302 and response["Location"] == home
    assert client.get(home).status_code == 200


def test_sign_in_without_a_device_asks_for_nothing():
    client = sign_in("member")
    assert client.get(reverse("committees:home")).status_code == 200


def test_wrong_code_is_refused_in_persian_and_nothing_changes():
    device = give_app("member")
    client = sign_in("member")
    wrong = wrong_code(device.bin_key)
    response = client.post(reverse("two_factor:verify"), {"code": wrong})
    assert response.status_code == 200
    assert "کد درست نیست" in response.content.decode()
    assert f'value="{wrong}"' not in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert location(client.get(reverse("committees:home"))) == reverse("two_factor:verify")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_malformed_code_is_refused_without_touching_the_device():
    device = give_app("member")
    client = sign_in("member")
    response = client.post(reverse("two_factor:verify"), {"code": "12ab"})
    assert "کد باید شش رقم" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_backup_code_works_once():
    give_app("member")
    code = backup_codes("member")[0]
    client = sign_in("member")
    typed = to_persian_digits(two_factor.format_backup_code(code))
    response = client.post(reverse("two_factor:verify"), {"code": typed})
    assert response.status_code == 302
    assert client.get(reverse("committees:home")).status_code == 200
    assert len(backup_codes("member")) == two_factor.BACKUP_CODE_COUNT - 1

    again = sign_in("member")
    response = again.post(reverse("two_factor:verify"), {"code": code})
    assert response.status_code == 200
    assert "پیش‌تر به کار رفته" in response.content.decode()
    assert location(again.get(reverse("committees:home"))) == reverse("two_factor:verify")


def test_throttling_refuses_even_the_right_code_after_repeated_failures():
    device = give_app("member")
    client = sign_in("member")
    client.post(reverse("two_factor:verify"), {"code": "000001"})
    client.post(reverse("two_factor:verify"), {"code": "000002"})
    device.refresh_from_db()
    assert 1 <= device.throttling_failure_count <= 2  # the second may already be throttled
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    response = client.post(reverse("two_factor:verify"), {"code": code_for(device)})
    assert response.status_code == 200
    assert "ثانیه دیگر دوباره تلاش کنید" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    # Once the wait is over, the right code works and the count starts again.
    wait_out_throttle(device)
    response = client.post(reverse("two_factor:verify"), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_verify_sends_only_to_this_site():
    device = give_app("member")
    client = sign_in("member")
    response = client.post(
        reverse("two_factor:verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("committees:home")


# --- enrolment -----------------------------------------------------------------------


def test_voluntary_enrolment_shows_the_qr_code_and_ten_backup_codes_once():
    client = client_for("member")
    page = client.get(reverse("two_factor:enrol"))
    assert_clean_page(page)
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    key = client.session[two_factor.SESSION_PENDING_KEY]
    assert two_factor.secret_for_display(key) in html
    assert 'autocomplete="one-time-code"' in html
    codes = enrol(client)
    assert len(codes) == two_factor.BACKUP_CODE_COUNT == len(set(codes))
    assert sorted(c.replace("-", "") for c in codes) == sorted(backup_codes("member"))
    # Shown once only.
    assert location(client.get(reverse("two_factor:backup_codes"))) == reverse(
        "two_factor:settings"
    )
    # This session is verified; the next sign-in asks for a code.
    assert client.get(reverse("committees:home")).status_code == 200
    assert location(sign_in("member").get(reverse("committees:home"))) == reverse(
        "two_factor:verify"
    )


def test_enrolment_with_a_wrong_code_saves_nothing():
    client = client_for("member")
    client.get(reverse("two_factor:enrol"))
    key = client.session[two_factor.SESSION_PENDING_KEY]
    response = client.post(reverse("two_factor:enrol"), {"code": wrong_code(bytes.fromhex(key))})
    assert response.status_code == 200
    assert "کد درست نیست" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="member").exists()
    assert not StaticDevice.objects.filter(user__username="member").exists()


def test_enrolment_when_already_enrolled_goes_to_the_settings():
    device = give_app("member")
    client = verified_client("member", device)
    assert location(client.get(reverse("two_factor:enrol"))) == reverse("two_factor:settings")


# --- TWO_FACTOR_REQUIRED -------------------------------------------------------------


@override_settings(TWO_FACTOR_REQUIRED=True)
@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_mandatory_two_factor_forces_enrolment_before_anything_else(persona):
    client = client_for(persona)
    enrol_url = reverse("two_factor:enrol")
    for url in (
        reverse("committees:home"),
        reverse("committees:structure"),
        reverse("two_factor:settings"),
        reverse("two_factor:verify"),
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("audit:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert location(response) == enrol_url, url
    # A POST elsewhere is refused the same way, and changes nothing.
    response = client.post(reverse("notifications:read_all"))
    assert location(response) == enrol_url
    # Help, sign-out and static files stay open.
    assert client.get(reverse("help:index")).status_code == 200
    assert client.get("/favicon.ico").status_code == 301
    page = client.get(enrol_url)
    assert_clean_page(page)
    assert "الزامی است" in page.content.decode()

    enrol(client)
    assert client.get(reverse("committees:home")).status_code == 200
    if persona == "admin":
        assert client.get(reverse("admin:index")).status_code == 200
    # The next sign-in asks for the code, the admin included.
    again = sign_in(persona)
    assert location(again.get(reverse("admin:index"))) == reverse("two_factor:verify")
    assert client.post(reverse("logout")).status_code == 302


@override_settings(TWO_FACTOR_REQUIRED=True)
@pytest.mark.parametrize("persona", ["itmanager", "member", "chair", "governor_office"])
def test_mandatory_two_factor_leaves_other_users_free(persona):
    client = client_for(persona)
    assert client.get(reverse("committees:home")).status_code == 200


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_nobody_is_forced_when_the_setting_is_off(persona):
    client = client_for(persona)
    assert client.get(reverse("committees:home")).status_code == 200
    if persona == "admin":
        assert client.get(reverse("admin:index")).status_code == 200


def test_turning_the_setting_on_applies_to_open_sessions():
    client = client_for("secretary")
    assert client.get(reverse("committees:home")).status_code == 200
    with override_settings(TWO_FACTOR_REQUIRED=True):
        response = client.get(reverse("committees:home"))
        assert location(response) == reverse("two_factor:enrol")


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_enrolled_in_another_session_this_one_asks_for_the_code():
    waiting, enrolling = client_for("secretary"), client_for("secretary")
    assert location(waiting.get(reverse("committees:home"))) == reverse("two_factor:enrol")
    enrol(enrolling)
    assert location(waiting.get(reverse("two_factor:enrol"))) == reverse("two_factor:verify")
    assert location(waiting.get(reverse("committees:home"))) == reverse("two_factor:verify")
    assert waiting.get(reverse("two_factor:verify")).status_code == 200


def test_who_must_use_two_factor():
    expected = {
        "admin": True,
        "secretary": True,
        "chair": False,
        "member": False,
        "itmanager": False,
        "itmanager2": False,
        "governor_office": False,
        "outsider": False,
    }
    with override_settings(TWO_FACTOR_REQUIRED=True):
        assert {n: two_factor.two_factor_required(user(n)) for n in expected} == expected
    staff = user("outsider")
    staff.is_staff = True
    with override_settings(TWO_FACTOR_REQUIRED=True):
        assert two_factor.two_factor_required(staff)
    with override_settings(TWO_FACTOR_REQUIRED=False):
        assert not any(two_factor.two_factor_required(user(n)) for n in expected)


# --- removal -------------------------------------------------------------------------


def test_removal_needs_a_valid_code():
    device = give_app("member")
    client = verified_client("member", device)
    response = client.post(
        reverse("two_factor:remove"), {"code": wrong_code(device.bin_key)}, follow=True
    )
    assert "کد درست نیست" in response.content.decode()
    assert TOTPDevice.objects.filter(user__username="member").exists()

    wait_out_throttle(device)
    response = client.post(reverse("two_factor:remove"), {"code": code_for(device)}, follow=True)
    assert "خاموش شد" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="member").exists()
    assert not StaticDevice.objects.filter(user__username="member").exists()
    assert client.get(reverse("committees:home")).status_code == 200
    assert sign_in("member").get(reverse("committees:home")).status_code == 200


def test_removal_is_refused_when_mandatory():
    device = give_app("secretary")
    with override_settings(TWO_FACTOR_REQUIRED=True):
        client = verified_client("secretary", device)
        page = client.get(reverse("two_factor:settings"))
        assert "نمی‌توان آن را خاموش کرد" in page.content.decode()
        response = client.post(
            reverse("two_factor:remove"), {"code": code_for(device)}, follow=True
        )
        assert "الزامی است" in response.content.decode()
    assert TOTPDevice.objects.filter(user__username="secretary").exists()


def test_removal_without_a_code_is_refused():
    device = give_app("member")
    client = verified_client("member", device)
    response = client.post(reverse("two_factor:remove"), {"code": ""}, follow=True)
    assert "کد را وارد کنید" in response.content.decode()
    assert TOTPDevice.objects.filter(user__username="member").exists()


# --- the log and the audit trail -----------------------------------------------------


def test_security_log_records_every_two_factor_event(caplog):
    caplog.set_level(logging.INFO, logger=SECURITY_LOG)
    client = client_for("member")
    enrol(client)
    device = two_factor.confirmed_device(user("member"))
    again = sign_in("member")
    again.post(reverse("two_factor:verify"), {"code": "12345"})  # malformed: not logged
    again.post(reverse("two_factor:verify"), {"code": wrong_code(device.bin_key)})
    wait_out_throttle(device)
    again.post(reverse("two_factor:verify"), {"code": code_for(device)})
    again.post(reverse("two_factor:remove"), {"code": code_for(device)})
    messages = [r.getMessage() for r in caplog.records if r.name == SECURITY_LOG]
    joined = "\n".join(messages)
    assert "2fa enrolled user=member" in joined
    assert "2fa needed (verify) user=member" in joined
    assert "2fa code accepted user=member method=totp purpose=sign-in" in joined
    assert "2fa code accepted user=member method=totp purpose=removal" in joined
    assert "2fa removed user=member" in joined
    assert "2fa code refused user=member method=totp purpose=sign-in" in joined


def test_security_log_records_throttling_and_refused_removal(caplog):
    caplog.set_level(logging.INFO, logger=SECURITY_LOG)
    device = give_app("secretary")
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )
    client = sign_in("secretary")
    client.post(reverse("two_factor:verify"), {"code": "123456"})
    with override_settings(TWO_FACTOR_REQUIRED=True):
        verified_client("secretary", device).post(reverse("two_factor:remove"), {"code": "123456"})
    joined = "\n".join(r.getMessage() for r in caplog.records if r.name == SECURITY_LOG)
    assert "2fa throttled user=secretary" in joined
    assert "2fa removal refused (mandatory) user=secretary" in joined


def test_enrolment_and_removal_are_in_the_audit_trail():
    client = client_for("member")
    enrol(client)
    device = two_factor.confirmed_device(user("member"))
    client.post(reverse("two_factor:remove"), {"code": code_for(device)})
    events = AuditEvent.objects.filter(model="otp_totp.TOTPDevice", object_id=str(device.pk))
    assert list(events.order_by("pk").values_list("action", "actor__username")) == [
        (AuditAction.CREATE, "member"),
        (AuditAction.DELETE, "member"),
    ]
    assert "member" in events.first().object_repr
    assert client_for("admin").get(reverse("audit:list")).status_code == 200


# --- the settings page ---------------------------------------------------------------


def test_settings_page_shows_the_state_and_the_right_action():
    client = client_for("member")
    page = client.get(reverse("two_factor:settings"))
    assert_clean_page(page)
    assert reverse("two_factor:enrol") in page.content.decode()
    device = give_app("member")
    page = verified_client("member", device).get(reverse("two_factor:settings"))
    assert_clean_page(page)
    html = page.content.decode()
    assert reverse("two_factor:remove") in html
    assert 'autocomplete="one-time-code"' in html and 'for="id_remove_code"' in html
    assert to_persian_digits(two_factor.BACKUP_CODE_COUNT) in html


# --- query budgets -------------------------------------------------------------------


def test_settings_page_query_budget_without_a_device(django_assert_num_queries):
    client = client_for("member")
    with django_assert_num_queries(5):
        assert client.get(reverse("two_factor:settings")).status_code == 200


def test_settings_page_query_budget_with_a_device(django_assert_num_queries):
    device = give_app("member")
    client = verified_client("member", device)
    with django_assert_num_queries(6):
        assert client.get(reverse("two_factor:settings")).status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_settings_page_query_budget_for_a_secretary(django_assert_num_queries):
    device = give_app("secretary")
    client = verified_client("secretary", device)
    with django_assert_num_queries(9):  # + who is secretariat (guardian, cold caches)
        assert client.get(reverse("two_factor:settings")).status_code == 200


def test_enrol_page_query_budget(django_assert_num_queries):
    client = client_for("member")
    with django_assert_num_queries(8):  # + the new secret saved in the session
        assert client.get(reverse("two_factor:enrol")).status_code == 200


def test_verify_page_query_budget(django_assert_num_queries):
    give_app("member")
    client = sign_in("member")
    with django_assert_num_queries(5):
        assert client.get(reverse("two_factor:verify")).status_code == 200


def test_backup_codes_page_query_budget(django_assert_num_queries):
    client = client_for("member")
    client.get(reverse("two_factor:enrol"))
    key = client.session[two_factor.SESSION_PENDING_KEY]
    client.post(reverse("two_factor:enrol"), {"code": f"{totp(bytes.fromhex(key)):06d}"})
    with django_assert_num_queries(8):  # + the codes taken out of the session
        assert client.get(reverse("two_factor:backup_codes")).status_code == 200


def test_a_gated_request_costs_no_extra_query(django_assert_num_queries):
    """The middleware reads what the session owes; it queries nothing of its own."""
    give_app("member")
    client = sign_in("member")
    with django_assert_num_queries(2):  # the session and the user
        assert client.get(reverse("committees:home")).status_code == 302


def test_enrolling_reaches_the_users_other_open_sessions_within_a_minute(monkeypatch):
    """Someone who fears his password is known enrols: a session already open elsewhere
    (perhaps the intruder's) is asked for a code at its next request after the recheck."""
    other = client_for("member")
    assert other.get(reverse("committees:home")).status_code == 200
    give_app("member")
    assert other.get(reverse("committees:home")).status_code == 200  # not yet rechecked
    later = two_factor.time.time() + two_factor.RECHECK_SECONDS
    monkeypatch.setattr(two_factor.time, "time", lambda: later)
    assert location(other.get(reverse("committees:home"))) == reverse("two_factor:verify")


def test_new_backup_codes_need_a_current_code_and_replace_the_old_ones():
    device = give_app("member")
    old = set(backup_codes("member"))
    client = verified_client("member", device)
    response = client.post(
        reverse("two_factor:backup_codes_renew"), {"code": wrong_code(device.bin_key)}
    )
    assert location(response) == reverse("two_factor:settings")
    assert set(backup_codes("member")) == old  # refused: nothing changed

    wait_out_throttle(device)
    response = client.post(reverse("two_factor:backup_codes_renew"), {"code": code_for(device)})
    assert location(response) == reverse("two_factor:backup_codes")
    new = set(backup_codes("member"))
    assert len(new) == two_factor.BACKUP_CODE_COUNT and not new & old
    page = client.get(reverse("two_factor:backup_codes")).content.decode()
    shown = {c for c in new if two_factor.format_backup_code(c) in page}
    assert shown == new  # shown once, here
    assert client.get(reverse("two_factor:backup_codes")).status_code == 302  # and only once
    with pytest.raises(ValidationError):
        two_factor.two_factor_verify(user=user("member"), code=sorted(old)[0])
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, actor=user("member")).exists()


def test_the_settings_page_offers_renewal_with_its_own_field(persona_client):
    device = give_app("member")
    html = verified_client("member", device).get(reverse("two_factor:settings")).content.decode()
    assert 'data-testid="renew-backup-codes"' in html
    assert html.count('id="id_renew_code"') == 1 and html.count('id="id_remove_code"') == 1


@pytest.mark.parametrize("event", ["enrolled", "renewed", "removed", "backup_used"])
def test_the_account_holder_is_told_of_every_change_to_his_second_factor(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    from egov_portal.models import Notification

    owner = user("member")
    assert owner.email
    with django_capture_on_commit_callbacks(execute=True):
        device = give_app("member")
    if event != "enrolled":
        mailoutbox.clear()
        Notification.objects.filter(user=owner).delete()
        with django_capture_on_commit_callbacks(execute=True):
            if event == "renewed":
                two_factor.two_factor_backup_codes_renew(user=owner, code=code_for(device))
            elif event == "removed":
                two_factor.two_factor_remove(user=owner, code=code_for(device))
            else:
                two_factor.two_factor_verify(user=owner, code=backup_codes("member")[0])
    title = str(two_factor.OWNER_NOTICES[event])
    [mail] = mailoutbox
    assert mail.to == [owner.email] and mail.subject == title
    assert "مدیر سامانه" in mail.body
    assert Notification.objects.filter(user=owner, title=title).count() == 1
