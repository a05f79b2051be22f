"""A plan from a .json or .yaml file in the export shape (`omnisheet import`): the file
read once and bounded as a workbook is, its errors one line naming the file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..plan.model import Plan
from ..plan.serialise import FORMAT, VERSION, PlanDataError, plan_from_dict, vet_values


def read_plan_file(path) -> Plan:
    """A plan from a .json or .yaml file in the export shape; errors name the file."""
    import json
    from pathlib import Path

    from ..template.errors import WordedError, refusal

    path = Path(path)

    def unusable(key: str, exc: Exception) -> WordedError:
        why = exc.message if isinstance(exc, PlanDataError) else str(exc)
        return WordedError(refusal("line", path=str(path), reason=refusal(key, why=why)))

    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise unusable("plan_file_unreadable", exc) from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            try:
                data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
            except yaml.YAMLError as exc:
                raise ValueError(_yaml_line(exc)) from exc
        else:
            data = json.loads(text)
        if isinstance(data, Mapping) and "format" not in data:
            raise PlanDataError("data_no_format", format=FORMAT, version=str(VERSION))
        vet_values(data)
        return plan_from_dict(data)
    except PlanDataError as exc:
        raise unusable("plan_data", exc) from exc
    except (ValueError, RecursionError) as exc:  # malformed JSON / YAML, too deep
        from ..template.errors import one_line

        raise unusable("plan_not_json", ValueError(one_line(exc).partition(": ")[2]
                                                   or type(exc).__name__)) from exc


def _read_text(path: Path) -> str:
    """The file's text, read once and bounded as a workbook is: a FIFO or a device is
    refused before it is opened, a file over the size limit before it is read."""
    import os
    import stat

    from .safety import DEFAULT_LIMITS

    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(0, "not a regular file")
    if st.st_size > DEFAULT_LIMITS.max_file_bytes:
        raise OSError(0, f"over {DEFAULT_LIMITS.max_file_bytes // 2**20} MB")
    with open(path, "rb") as f:
        return f.read(DEFAULT_LIMITS.max_file_bytes + 1).decode("utf-8")


def _yaml_line(exc: Exception) -> str:
    """A YAML error in one line, with its line and column (PyYAML prints 2 to 4)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    problem = " ".join(str(problem).split())
    if mark is None:
        return problem
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
