"""The list of checks, as `omnisheet checks` prints it and the README embeds it: each
check's documentation from the language files, in the language asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.checks import REGISTRY

if TYPE_CHECKING:
    from ..template.definition import Definition


def _doc(definition: Definition, code: str, lang: str) -> str:
    return definition.check_text(code, lang, "doc") or ""


def checks_text(definition: Definition, lang: str) -> str:
    severity = definition.words_for("severity", lang)
    blocks = []
    for registered in REGISTRY.values():
        body = "\n".join("    " + line if line else ""
                         for line in _doc(definition, registered.code, lang).splitlines())
        blocks.append(f"{registered.code}  ({severity[registered.severity]})\n{body}")
    return "\n\n".join(blocks)


def checks_markdown(definition: Definition | None = None, lang: str = "en") -> str:
    from ..template.definition import load_definition

    d = definition or load_definition()
    words = d.words_for("checks_table", lang)
    severity = d.words_for("severity", lang)
    lines = [f"| {words['code']} | {words['severity']} | {words['meaning']} |",
             "| --- | --- | --- |"]
    for registered in REGISTRY.values():
        doc = " ".join(_doc(d, registered.code, lang).split())
        lines.append(f"| `{registered.code}` | {severity[registered.severity]} | {doc} |")
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
