"""Video lengths as trainers type them ("12:30", "1:02:03", "12" minutes) and as seconds. No Django."""

from __future__ import annotations

import re

MAX_SECONDS = 24 * 3600
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2})$")
_MINUTES = re.compile(r"^\d+(?:\.\d+)?$")


class DurationFormatError(ValueError):
    pass


def parse_duration(text: str) -> int:
    """Seconds from "m:ss", "h:mm:ss" or a number of minutes ("12", "12.5"); ValueError otherwise."""
    text = text.strip().replace("：", ":").replace(" ", "")
    if _MINUTES.match(text):
        seconds = round(float(text) * 60)
    elif match := _CLOCK.match(text):
        hours, minutes, secs = (int(part) if part else 0 for part in match.groups())
        if secs >= 60 or (match.group(1) and minutes >= 60):
            raise DurationFormatError(text)
        seconds = hours * 3600 + minutes * 60 + secs
    else:
        raise DurationFormatError(text)
    return seconds


def format_duration(seconds: int) -> str:
    """Seconds as "m:ss", or "h:mm:ss" from an hour up."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
