"""Refresh the Chinese catalogue: extract msgids, fill them from locale/parts/*.json, compile.

Run with `make messages` (needs GNU gettext's xgettext for extraction). Each feature area keeps
its translations in locale/parts/<area>.json as {"English msgid": "中文"} (with a pgettext context:
{"context|English msgid": "中文"}), so parallel work
never conflicts inside one .po file. Plural msgids take the same Chinese for every count.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PARTS = ROOT / "locale" / "parts"
IGNORED = [".venv", "staticfiles", "media", "tests", "benchmarks", "artifacts", "node_modules"]


def extract() -> None:
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"]
    for pattern in IGNORED:
        command += ["--ignore", pattern]
    subprocess.run(command, cwd=ROOT, check=True)


def load_parts() -> dict[str, str]:
    translations: dict[str, str] = {}
    origin: dict[str, str] = {}
    for part in sorted(PARTS.glob("*.json")):
        for msgid, chinese in json.loads(part.read_text(encoding="utf-8")).items():
            # One msgid has one translation site-wide: a second, different one silently wins and
            # changes another area's pages. Say so, so the areas can agree or pick distinct msgids.
            if msgid in translations and translations[msgid] != chinese:
                print(
                    f"conflict: {msgid!r} is {translations[msgid]!r} in {origin[msgid]} "
                    f"but {chinese!r} in {part.name}; {part.name} wins",
                    file=sys.stderr,
                )
            translations[msgid] = chinese
            origin[msgid] = part.name
    return translations


def fill(po: polib.POFile, translations: dict[str, str]) -> list[str]:
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    missing = []
    for entry in po:
        # A msgid used with pgettext is looked up as "context|msgid", so one English word can
        # carry different Chinese in different places ("Next" page vs "Next" question).
        key = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid
        chinese = translations.get(key)
        if entry.msgid_plural:
            chinese = chinese or translations.get(entry.msgid_plural)
            if chinese:
                entry.msgstr_plural = {0: chinese}
        elif chinese:
            entry.msgstr = chinese
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if not chinese:
            missing.append(entry.msgid)
    return missing


def package_sources() -> dict[str, polib.POEntry]:
    """Wagtail's English source catalogues, by "context|msgid" as in the parts files."""
    wagtail_root = Path(importlib.util.find_spec("wagtail").origin).parent
    sources: dict[str, polib.POEntry] = {}
    for path in sorted(wagtail_root.glob("**/locale/en/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            sources.setdefault(f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid, entry)
    return sources


def add_package_messages(po: polib.POFile, translations: dict[str, str]) -> int:
    """Parts entries for Wagtail's own msgids, which our sources never use, join our catalogue.

    Wagtail's zh_Hans catalogue leaves many admin words in English ("Autosave is paused") and gets
    some wrong; LOCALE_PATHS is consulted before any app's catalogue, so ours fills and corrects it.
    Every run re-adds them after extraction (which drops what our sources do not use).
    """
    present = {f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid for entry in po}
    added = 0
    for key, source in package_sources().items():
        if key in present or key not in translations:
            continue
        entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, msgid_plural=source.msgid_plural)
        if source.msgid_plural:
            entry.msgstr_plural = {0: translations[key]}
        else:
            entry.msgstr = translations[key]
        po.append(entry)
        added += 1
    return added


def main() -> int:
    if "--no-extract" not in sys.argv:
        extract()
    po = polib.pofile(str(PO_PATH))
    translations = load_parts()
    missing = fill(po, translations)
    added = add_package_messages(po, translations)
    po.save(str(PO_PATH))
    po.save_as_mofile(str(PO_PATH.with_suffix(".mo")))
    # Hand-kept: the Wagtail admin JavaScript messages its own Chinese catalogue lacks.
    js_po = PO_PATH.with_name("djangojs.po")
    if js_po.exists():
        polib.pofile(str(js_po)).save_as_mofile(str(js_po.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    print(f"{len(po)} messages ({added} of them Wagtail's), {len(missing)} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
