"""The list of checks, as `omnisheet checks` prints it and docs/checks.md holds it: each
check's documentation from the language files, in the language asked for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..template.definition import Definition

_PACKAGE = Path(__file__).resolve().parent.parent


def listing(fmt: str, lang: str | None) -> str:
    """`omnisheet checks` (text or markdown, in `lang` or the template's language), kept in
    the cache folder named by the template's files and by the code of the checks, the
    template and this module: listed again, it is read, no check imported."""
    from ..template import disk_cache
    from ..template.template_files import language_files, template_path

    structure = template_path().resolve()
    code = sorted([*(_PACKAGE / "analysis" / "checks").glob("*.py"),
                   *(_PACKAGE / "template").glob("*.py"), Path(__file__).resolve()])
    kept = disk_cache.named("checks", ".txt", [structure, *language_files(structure.parent)
                                               .values()], code, fmt, lang or "")
    text = disk_cache.read(kept)
    if text is None:
        from ..template.definition import load_definition

        definition = load_definition()
        chosen = lang or definition.default_language
        text = (checks_markdown(definition, chosen) if fmt == "markdown"
                else checks_text(definition, chosen))
        disk_cache.keep(kept, text)
    return text


def _doc(definition: Definition, code: str, lang: str) -> str:
    return definition.check_text(code, lang, "doc") or ""


def checks_text(definition: Definition, lang: str) -> str:
    from ..analysis.checks import REGISTRY

    severity = definition.words_for("severity", lang)
    blocks = []
    for registered in REGISTRY.values():
        body = "\n".join("    " + line if line else ""
                         for line in _doc(definition, registered.code, lang).splitlines())
        blocks.append(f"{registered.code}  ({severity[registered.severity]})\n{body}")
    return "\n\n".join(blocks)


def checks_markdown(definition: Definition | None = None, lang: str = "en") -> str:
    from ..analysis.checks import REGISTRY
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


PAGE = "docs/checks.md"


def checks_page(definition: Definition | None = None) -> str:
    """docs/checks.md: every check in English, then in French, from the language files."""
    from ..template.definition import load_definition

    d = definition or load_definition()
    return (
        "# Checks\n\n"
        "<!-- Generated from workbook_templates/lang/*.yaml by "
        "`python -m omnisheet.commands.checks`; do not edit by hand. -->\n\n"
        "Each check has a stable code and a severity; its message names the thing and its "
        "cell. `omnisheet checks` prints the same list (`--lang fr` in French).\n\n"
        f"## In English\n\n{checks_markdown(d, 'en')}\n\n"
        f"## En français\n\n{checks_markdown(d, 'fr')}\n")


def update_page(path: str = PAGE) -> bool:
    """Write the list of checks anew; True when it changed."""
    from pathlib import Path

    page = Path(path)
    new = checks_page()
    old = page.read_text(encoding="utf-8") if page.exists() else None
    if new != old:
        page.write_text(new, encoding="utf-8")
    return new != old


if __name__ == "__main__":
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else PAGE
    print(f"{target} updated" if update_page(target) else f"{target} already up to date")
