"""The one exception a user meets when a file cannot be read or written."""

from __future__ import annotations


class OmnisheetError(Exception):
    """Base of omnisheet's own errors; its message is one sentence a user can act on."""


class UnreadableWorkbook(OmnisheetError):
    """The file is not a workbook omnisheet can read (not a zip, encrypted, legacy, too big...).

    The message names the file and says what to do; the CLI prints it and exits with status 2.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OutputError(OmnisheetError):
    """An output could not be written (exists, read-only folder, disk full); nothing half-written."""


class NotAPlan(UnreadableWorkbook):
    """A readable workbook in which no tab looks like a tab of the plan template."""

    def __init__(self, path: object) -> None:
        super().__init__(
            path,
            "this workbook holds no omnichannel plan: none of its tabs looks like a tab of "
            "the template (journey map, use cases, scenarios, data...). To check a plan, start "
            "from a template made by `omnisheet new` and fill it in, or copy your plan into it.",
        )
