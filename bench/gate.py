"""What the evaluation benches share: writing misses for error analysis, and the floor gate."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write rows as JSON lines (keep such files outside the repository)."""
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def under_floors(figures: Mapping[Any, float], floors: Mapping[Any, float]) -> list[str]:
    """The figures under their floor, each printed to stderr as ``FAIL name value < floor``; figures not
    measured in this run are not judged."""
    failed = [f"{' '.join(map(str, name)) if isinstance(name, tuple) else name} {figures[name]:.3f} "
              f"< floor {floor:.2f}" for name, floor in floors.items() if name in figures and figures[name] < floor]
    for line in failed:
        print(f"FAIL {line}", file=sys.stderr)
    return failed
