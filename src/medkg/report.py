"""The validation ``Report``: a value of ``Problem``s, rendered as text or JSON.

A problem says what is wrong, where (file:line:col), how bad (error or warning) and what to do.
Exit codes: 0 clean (warnings allowed), 1 problems found, 2 a check could not run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.errors import Location

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding of one check, at one place, with what to do about it."""

    check: str
    severity: str
    message: str
    where: Location | None = None
    hint: str | None = None
    related: tuple[str, ...] = ()

    def __str__(self) -> str:
        """Render the way compilers do, so editors can jump to the line.

        >>> print(Problem("quote", "error", "quote not found", Location("a.yaml", 3, 5), "fix it"))
        a.yaml:3:5: error [quote] quote not found
            fix it
        """
        head = f"{self.where}: " if self.where else ""
        lines = [f"{head}{self.severity} [{self.check}] {self.message}"]
        lines += [f"    {r}" for r in self.related]
        if self.hint:
            lines.append(f"    {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
        }
        if self.where:
            body["where"] = self.where.to_dict()
        if self.hint:
            body["hint"] = self.hint
        if self.related:
            body["related"] = list(self.related)
        return body

    def sort_key(self) -> tuple[str, int, int, str]:
        w = self.where
        return (
            w.path if w else "",
            (w.line or 0) if w else 0,
            (w.col or 0) if w else 0,
            self.check,
        )


@dataclass
class Report:
    """Everything ``medkg validate`` found; ``not_run`` names checks that could not run."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks a build: no errors, and every check ran."""
        return not self.errors and not self.not_run

    def exit_code(self, strict: bool = False) -> int:
        if self.not_run:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=Problem.sort_key)

    def only(self, paths: list[Path]) -> Report:
        """The problems located in (or under) ``paths``; problems without a file are kept."""
        wanted = [p.resolve() for p in paths]

        def keep(problem: Problem) -> bool:
            if problem.where is None:
                return True
            at = Path(problem.where.path).resolve()
            return any(at == w or w in at.parents for w in wanted)

        return Report([p for p in self.problems if keep(p)], self.files, self.not_run)

    def summary(self) -> str:
        parts = [f"{len(self.errors)} error(s)", f"{len(self.warnings)} warning(s)"]
        text = f"{', '.join(parts)} in {len(self.files)} file(s)"
        if self.not_run:
            text += "; could not run: " + "; ".join(self.not_run)
        return text

    def to_text(self) -> str:
        return "\n".join([*(str(p) for p in self.sorted()), self.summary()])

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "files": self.files,
            "not_run": self.not_run,
            "problems": [p.to_dict() for p in self.sorted()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)
