"""Settings helpers fail loudly on bad values."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov_portal.env import email_settings, env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 1)


def test_env_str_without_default_is_required(monkeypatch):
    monkeypatch.delenv("MISSING_VALUE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="MISSING_VALUE must be set"):
        env_str("MISSING_VALUE")


def test_env_list_splits_and_refuses_empty(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured):
        env_list("HOSTS", [])


def test_email_url_smtp_with_credentials():
    settings = email_settings("smtp+tls://user%40gov:p%40ss@mail.gov.ir:587")
    assert settings["EMAIL_HOST"] == "mail.gov.ir"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "user@gov"
    assert settings["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert settings["EMAIL_USE_TLS"] is True


@pytest.mark.parametrize("url", ["ftp://x", "smtp://", "smtp://host:port"])
def test_email_url_refuses_bad_values(url):
    with pytest.raises(ImproperlyConfigured):
        email_settings(url)


def test_settings_refuse_a_short_secret_key_in_production():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import egov_portal.settings"],
        env={"DEBUG": "0", "SECRET_KEY": "short", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr
