"""Copy the README's screenshots from the last browser run (artifacts/screenshots/) into docs/screenshots/.

    .venv/bin/python -m tests.e2e.screenshots

after `pytest tests/e2e`. Each picture is cut to at most two screens high and reduced to a
256-colour palette, which keeps a page screenshot to tens of kilobytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
# (name, what it shows): taken at both widths by the journeys and the layout tests.
README_SET = [
    ("login", "Log in (登录)"),
    ("my-learning", "My learning (我的学习): hours, required and overdue courses"),
    ("lesson", "A lesson; study time is counted from the page's heartbeats"),
    ("quiz", "A course's final test (结业测验)"),
    ("reports-dashboard", "The completion dashboard (统计报表 › 完成情况)"),
    ("scheduler-result", "The rotation scheduler's result (轮训排班)"),
    ("certificate", "A certificate (结业证书), as Chromium's PDF viewer shows it"),
    ("certificate-verify", "Anyone can check a certificate by its code (证书验证)"),
    ("admin-home", "An officer's admin home: what waits, with counts and links (待办事项)"),
    ("leave-list", "Leave decided from the list (请假申请): approve or refuse on the row"),
]
WIDTHS = (360, 1366)
MAX_HEIGHT = {360: 1600, 1366: 1536}


def publish(name: str, width: int) -> Path:
    source = ARTIFACTS / f"{name}-{width}.png"
    target = DOCS / source.name
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.height > MAX_HEIGHT[width]:
            image = image.crop((0, 0, image.width, MAX_HEIGHT[width]))
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target


def main() -> int:
    missing = [f"{name}-{width}.png" for name, _ in README_SET for width in WIDTHS]
    missing = [file for file in missing if not (ARTIFACTS / file).exists()]
    if missing:
        print(f"run the browser tests first; missing from {ARTIFACTS}: {', '.join(missing)}", file=sys.stderr)
        return 1
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, _ in README_SET:
        for width in WIDTHS:
            target = publish(name, width)
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
