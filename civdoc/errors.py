"""Errors that end a run. cli.py is the only place that turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


class CivdocError(Exception):
    """A problem the user must fix before civdoc can go on; exit code 2 unless said otherwise."""

    exit_code = 2


@dataclass
class DefinitionProblem:
    """One D1xx problem in civdoc.yaml or an indicator file."""

    code: str  # D101 .. D105
    file: str  # relative to the project
    line: int | None
    field: str  # dotted path such as indicators[2].requirements[0].min
    message: str  # Chinese

    def where(self) -> str:
        at = f"{self.file}:{self.line}" if self.line else self.file
        return f"{at}  {self.field}" if self.field else at


class DefinitionErrors(CivdocError):
    """All definition problems of a project, gathered before stopping."""

    def __init__(self, problems: list[DefinitionProblem]):
        super().__init__(f"{len(problems)} definition problem(s)")
        self.problems = problems


class ProjectNotFound(CivdocError):
    pass


class UsageError(CivdocError):
    pass


class ReviewRefused(CivdocError):
    """civdoc review declined to record a signature; nothing was written."""

    exit_code = 1
