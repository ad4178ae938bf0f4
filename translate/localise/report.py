"""What a localisation job reports: plain, frozen result types (and their JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class UnitIssue:
    """A unit that failed QA (not written) or was written with warnings."""

    file: str
    lang: str
    key: str
    source: str
    reasons: tuple[str, ...]
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class FileResult:
    source: str
    output: str
    lang: str
    units: int
    translated: int
    written: bool  # False when the output was already up to date


@dataclass(frozen=True, slots=True)
class JobReport:
    """What a job did. ``units`` counts unit x target pairs; ``strings_translated`` the
    unique strings the model translated in this run."""

    src: str
    targets: tuple[str, ...]
    units: int = 0
    kept_existing: int = 0
    reused_from_tm: int = 0
    translated: int = 0
    untranslatable: int = 0
    strings_translated: int = 0
    model_calls: int = 0
    failed: tuple[UnitIssue, ...] = ()
    warnings: tuple[UnitIssue, ...] = ()
    files: tuple[FileResult, ...] = ()
    tm: str | None = None

    @property
    def files_written(self) -> tuple[str, ...]:
        return tuple(f.output for f in self.files if f.written)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["files_written"] = list(self.files_written)
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1) + "\n"
