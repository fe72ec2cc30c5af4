"""Run every `benchmarks/*.py` module's `run()` and print one JSON line per figure it returns."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path


def discover() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(
        f"benchmarks.{info.name}"
        for info in pkgutil.iter_modules([str(here)])
        if not info.name.startswith("_") and info.name != "run"
    )


def main(argv: list[str] | None = None) -> int:
    wanted = set(argv if argv is not None else sys.argv[1:])
    for name in discover():
        if wanted and name.rsplit(".", 1)[-1] not in wanted:
            continue
        module = importlib.import_module(name)
        run = getattr(module, "run", None)
        if run is None:
            continue
        results = run()
        for result in results if isinstance(results, list) else [results]:
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
