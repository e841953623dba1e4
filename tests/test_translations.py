"""The English translation is complete: every string of the code and the templates has one.

The test extracts the strings afresh with ``makemessages`` (in a copy of the sources, so
the checkout is untouched) and fails on any that the English catalogue leaves untranslated
or fuzzy, naming them.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCES = shutil.ignore_patterns(
    ".venv",
    ".git",
    "static",
    "staticfiles",
    "tests",
    "media",
    "private-media",
    "test-artifacts",
    "htmlcov",
    "backups",
    "__pycache__",
    "*.sqlite3",
    "*.mo",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
)


def _msgattrib(po: Path, *flags: str) -> str:
    result = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _msgids(po_text: str) -> list[str]:
    return [
        line.removeprefix("msgid ").strip('"')
        for line in po_text.splitlines()
        if line.startswith('msgid "') and line != 'msgid ""'
    ]


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """The English catalogue after ``makemessages`` ran over today's sources."""
    copy = tmp_path_factory.mktemp("sources") / "portal"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCES)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "egov_portal.test_settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v0"],
        cwd=copy,
        env=env,
        check=True,
    )
    return copy / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_string_has_an_english_translation(fresh_catalogue):
    untranslated = _msgids(_msgattrib(fresh_catalogue, "--untranslated"))
    assert untranslated == [], (
        f"{len(untranslated)} strings have no English translation; run "
        "`manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=tests` "
        "and translate them in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(untranslated)
    )


def test_no_translation_is_fuzzy(fresh_catalogue):
    fuzzy = _msgids(_msgattrib(fresh_catalogue, "--only-fuzzy"))
    assert fuzzy == [], "check and unmark these fuzzy translations:\n" + "\n".join(fuzzy)


def test_the_extraction_found_the_strings(fresh_catalogue):
    # Guards the two tests above against passing on an empty extraction.
    text = fresh_catalogue.read_text(encoding="utf-8")
    assert 'msgid "دستگاه‌های اجرایی"' in text  # base.html
    assert 'msgid "مهلت اجرا"' in text or "مهلت" in text


def test_the_compiled_catalogue_is_in_use():
    with translation.override("en"):
        assert translation.gettext("دستگاه‌های اجرایی") == "Executive agencies"


def _catalogue(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


def test_the_committed_compiled_catalogue_matches_the_po_file(tmp_path):
    """django.mo is committed (so that `make run` needs no gettext tools): it must say
    what django.po says — run `make messages` after editing the translations."""
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    assert _catalogue(po.with_suffix(".mo")) == _catalogue(fresh)
