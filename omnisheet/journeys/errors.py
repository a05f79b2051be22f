"""What `omnisheet journeys` says when an events file cannot be used: one line naming the
file and what to do, in the plan's language (`words.journeys_errors`)."""

from __future__ import annotations

from typing import Any

from ..template.errors import OmnisheetError


class JourneysInputError(OmnisheetError):
    """An events file, or the plan's part about events, omnisheet cannot use. Keeps its
    message's key and fields, to say it in the plan's language once that is known."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key, self.fields = key, fields
        self.plan: Any = None
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        from ..template.definition import load_definition

        definition = load_definition()
        lang = lang or definition.default_language
        fields = dict(self.fields)
        if self.key == "unknown_layout":
            quote = definition.words_for("common", lang)["quote"]
            words = definition.words_for("journeys_columns", lang)
            names = [words["customer"].split("|")[0], words["email"].split("|")[0],
                     words["moment"].split("|")[0], words["event"].split("|")[0]]
            fields["names"] = ", ".join(quote.format(text=n.strip()) for n in names)
        return definition.words_for("journeys_errors", lang)[self.key].format(**fields)
