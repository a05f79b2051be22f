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


BEGIN, END = "<!-- checks:begin -->", "<!-- checks:end -->"


def update_readme(path: str = "README.md") -> bool:
    """Rewrite the README's generated list of checks; True when it changed."""
    from pathlib import Path

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{checks_markdown()}\n{END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    import sys

    changed = update_readme(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print("README.md updated" if changed else "README.md already up to date")
