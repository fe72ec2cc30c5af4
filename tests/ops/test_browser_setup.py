"""`make test` sets up its own browser: scripts/browser.sh decides whether to install Chromium and fonts.

Nothing is uninstalled to test it: `id`, `fc-list` and `apt-get` are stand-ins on PATH that say
who we are, which fonts there are, and record what would have been installed.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "browser.sh"
INSTALL_HINT = (
    "    sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
    "apt-get install -y -qq chromium fonts-noto-cjk'"
)
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc: Noto Sans CJK SC:style=Regular"


def tool(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def machine(tmp_path):
    """A fake machine: run(uid=…, chromium=…, fonts=…) returns (exit code, stderr, apt-get calls)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chromium = tmp_path / "chromium"
    tool(tmp_path, "chromium", "exit 0")
    apt_log = tmp_path / "apt.log"
    tool(bin_dir, "apt-get", f'echo "$*" >> {apt_log}')

    def run(*, uid: int, chromium_present: bool, fonts: bool) -> tuple[int, str, list[str]]:
        tool(bin_dir, "id", f"echo {uid}")
        tool(bin_dir, "fc-list", f"echo '{CJK_FONT if fonts else 'DejaVu Sans'}'")
        env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "JIANBING_CHROMIUM": str(chromium if chromium_present else tmp_path / "no-chromium"),
        }
        done = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
        calls = apt_log.read_text().splitlines() if apt_log.exists() else []
        return done.returncode, done.stderr, calls

    return run


def test_nothing_is_installed_when_chromium_and_the_fonts_are_there(machine):
    assert machine(uid=0, chromium_present=True, fonts=True) == (0, "", [])


def test_root_installs_chromium_and_fonts_when_chromium_is_missing(machine):
    code, _, calls = machine(uid=0, chromium_present=False, fonts=True)
    assert (code, calls) == (0, ["update -qq", "install -y -qq chromium fonts-noto-cjk"])


def test_root_installs_chromium_and_fonts_when_the_cjk_fonts_are_missing(machine):
    code, _, calls = machine(uid=0, chromium_present=True, fonts=False)
    assert (code, calls) == (0, ["update -qq", "install -y -qq chromium fonts-noto-cjk"])


def test_a_normal_user_is_told_the_one_command_to_run_and_the_tests_do_not_start(machine):
    code, stderr, calls = machine(uid=1000, chromium_present=False, fonts=True)
    assert code != 0
    assert calls == []
    assert stderr.splitlines()[-1] == INSTALL_HINT


def test_make_test_sets_up_the_browser_before_running_the_suite():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nbrowser:\n\tsh scripts/browser.sh\n" in makefile
    assert "\ntest: browser " in makefile
    assert "install_browser" not in (ROOT / ".ci" / "run").read_text()


def test_make_run_does_not_need_the_browser():
    run_line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("run:"))
    assert "browser" not in run_line.split("##")[0]
