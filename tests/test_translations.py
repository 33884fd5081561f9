"""Simplified Chinese is the default language: every user-facing string must be translated."""

import os
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORED = ["var/*", "node_modules/*", "bench/*", "*/tests/*", "tests/*", "conftest.py"]


def msgids(path: Path) -> set[str]:
    return {entry.msgid for entry in polib.pofile(str(path)) if not entry.obsolete}


def test_every_chinese_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(CATALOGUE)):
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            for placeholder in ("%(", "%s", "%d", "{"):
                assert entry.msgid.count(placeholder) == translation.count(placeholder), entry.msgid


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    """Extract the strings afresh and compare: a string missing from the catalogue is shown in English."""
    # makemessages writes into any ./locale it finds, so it runs in a tree of links that has none.
    sources = tmp_path / "src"
    sources.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {"locale", ".venv", "var", ".git", "node_modules"}:
            (sources / entry.name).symlink_to(entry)
    out = tmp_path / "out"
    cwd = os.getcwd()
    os.chdir(sources)
    try:
        with override_settings(LOCALE_PATHS=[str(out)]):
            call_command(
                "makemessages", locale=["zh_Hans"], ignore_patterns=IGNORED, symlinks=True, verbosity=0
            )
    finally:
        os.chdir(cwd)
    fresh = msgids(out / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert "Your voice as a learner counts" in fresh
    missing = sorted(fresh - msgids(CATALOGUE))
    assert missing == [], "run scripts/messages, then translate the new entries"


@pytest.mark.django_db
def test_chinese_is_served_by_default(client):
    assert "学员的声音很重要" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text
