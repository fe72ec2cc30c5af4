"""Refresh the Chinese catalogue: extract msgids, fill them from locale/parts/*.json, compile.

Run with `make messages` (needs GNU gettext's xgettext for extraction). Each feature area keeps
its translations in locale/parts/<area>.json as {"English msgid": "中文"} (with a pgettext context:
{"context|English msgid": "中文"}), so parallel work
never conflicts inside one .po file. Plural msgids take the same Chinese for every count.
"""

from __future__ import annotations

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


def main() -> int:
    if "--no-extract" not in sys.argv:
        extract()
    po = polib.pofile(str(PO_PATH))
    missing = fill(po, load_parts())
    po.save(str(PO_PATH))
    po.save_as_mofile(str(PO_PATH.with_suffix(".mo")))
    # Hand-kept: the Wagtail admin JavaScript messages its own Chinese catalogue lacks.
    js_po = PO_PATH.with_name("djangojs.po")
    if js_po.exists():
        polib.pofile(str(js_po)).save_as_mofile(str(js_po.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    print(f"{len(po)} messages, {len(missing)} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
