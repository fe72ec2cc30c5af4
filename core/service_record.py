"""The service record (成长档案) is put together from sections that each app registers.

A lower app never imports the page that shows the record: it registers a section builder in its
``AppConfig.ready()`` and the record page (a higher layer) asks the registry for every section.
The same sections feed the HTML page and the PDF, so both always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """One titled table of the service record. Cells are already formatted strings."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    empty: str = ""
    notes: list[str] = field(default_factory=list)


# builder(*, cadre, private) -> Section | None; ``private`` is True only for officers in scope,
# who may see officers' private notes; the cadre's own view passes False.
SectionBuilder = Callable[..., "Section | None"]


@dataclass(frozen=True)
class _Registered:
    key: str
    order: int
    builder: SectionBuilder


_sections: dict[str, _Registered] = {}


def register_section(key: str, *, order: int, builder: SectionBuilder) -> None:
    """Register (or replace, so reloads are harmless) the builder of one section."""
    _sections[key] = _Registered(key=key, order=order, builder=builder)


def sections_for(*, cadre: Any, private: bool) -> list[Section]:
    """Every registered section for ``cadre``, in order; builders returning None are left out."""
    built = []
    for registered in sorted(_sections.values(), key=lambda item: (item.order, item.key)):
        section = registered.builder(cadre=cadre, private=private)
        if section is not None:
            built.append(section)
    return built
