"""The English catalog is complete and its committed .mo matches the .po (users' machines have no gettext)."""
import gettext
import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def _po_entries():
    """(msgid, msgstr or [plural forms]) of every entry but the header, fuzzy ones flagged."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        fields, key, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            if line.startswith('"') and key:
                fields[key] += json.loads(line)
            elif " " in line:
                key, value = line.split(" ", 1)
                fields[key] = json.loads(value)
        if fields.get("msgid"):
            entries.append((fields, fuzzy))
    return entries


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    missing = [f["msgid"] for f, fuzzy in _po_entries()
               if fuzzy or not (f.get("msgstr") or (f.get("msgstr[0]") and f.get("msgstr[1]")))]
    assert not missing, f"untranslated: {missing[:20]} (run `make messages` and fill them in)"


def test_the_committed_mo_matches_the_po():
    with open(LOCALE / "django.mo", "rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    for fields, _fuzzy in _po_entries():
        if "msgid_plural" in fields:
            assert catalog.get((fields["msgid"], 1)) == fields["msgstr[1]"], fields["msgid"]
        else:
            assert catalog.get(fields["msgid"]) == fields["msgstr"], f"{fields['msgid']}: compilemessages and commit"


def test_english_is_served():
    with translation.override("en"):
        assert translation.gettext("工作台") == "Dashboard"
        assert translation.gettext("退出") == "Log out"
