"""Every badge and status tag is readable: text against its own background at WCAG AA (4.5:1) or better."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static_src" / "css"
AA = 4.5
# Selectors whose text sits on a background they set themselves.
BADGE_RULE = re.compile(r"^\s*(\.badge[\w.-]*|\.tag-[\w-]+)\s*\{([^}]*)\}", re.MULTILINE)


def _variables() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", (CSS / "site.css").read_text()).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root))


def _colour(value: str, variables: dict[str, str]) -> str:
    value = value.strip()
    if match := re.fullmatch(r"var\((--[\w-]+)(?:,\s*([^)]+))?\)", value):
        value = variables.get(match.group(1), match.group(2) or "")
    value = value.strip().lstrip("#")
    return "".join(c * 2 for c in value) if len(value) == 3 else value


def _luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _badge_rules() -> list[tuple[str, str, str]]:
    variables = _variables()
    base = {}
    rules = []
    for path in sorted(CSS.glob("*.css")):
        for selector, body in BADGE_RULE.findall(path.read_text()):
            props = dict(re.findall(r"([\w-]+):\s*([^;]+);", body))
            if selector == ".badge":
                base = props
            rules.append((f"{path.name} {selector}", props))
    resolved = []
    for name, props in rules:
        background = props.get("background") or base.get("background")
        colour = props.get("color") or base.get("color")
        resolved.append((name, _colour(colour, variables), _colour(background, variables)))
    return resolved


def test_the_known_failure_is_measured_as_axe_measured_it():
    assert round(contrast("1b7f3b", "e3f4e8"), 2) == 4.43


def test_every_badge_colour_is_found():
    names = {name.split(" ")[1] for name, _fg, _bg in _badge_rules()}
    assert {".badge", ".badge.success", ".badge.danger", ".badge.required", ".badge.muted", ".tag-chosen"} <= names


@pytest.mark.parametrize(("name", "foreground", "background"), _badge_rules())
def test_badge_text_meets_aa_contrast(name, foreground, background):
    assert contrast(foreground, background) >= AA, f"{name}: #{foreground} on #{background}"
