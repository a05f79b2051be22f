"""The list of checks, as `omnisheet checks` prints it and the README embeds it."""

from __future__ import annotations

from . import REGISTRY


def checks_text() -> str:
    blocks = []
    for registered in REGISTRY.values():
        body = "\n".join("    " + line if line else "" for line in registered.doc.splitlines())
        blocks.append(f"{registered.code}  ({registered.severity})\n{body}")
    return "\n\n".join(blocks)


def checks_markdown() -> str:
    lines = ["| code | severity | what it means, and how to fix it |", "| --- | --- | --- |"]
    for registered in REGISTRY.values():
        doc = " ".join(registered.doc.split())
        lines.append(f"| `{registered.code}` | {registered.severity} | {doc} |")
    return "\n".join(lines)
