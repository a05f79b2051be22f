"""What `omnisheet feedback` says when a responses file cannot be used: one line naming
the file and what to do, in the plan's language (`words.feedback_errors`)."""

from __future__ import annotations

from typing import Any

from ..template.errors import OmnisheetError


class FeedbackInputError(OmnisheetError):
    """A responses file or option omnisheet cannot use. Keeps its message's key and
    fields, so the command line says it in the plan's language once it knows it."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key, self.fields = key, fields
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        from ..template.definition import load_definition

        definition = load_definition()
        lang = lang or definition.default_language
        fields = dict(self.fields)
        if self.key in ("no_score", "no_date"):  # the headers looked for, in that language
            quote = definition.words_for("common", lang)["quote"]
            names = definition.words_for("feedback_columns", lang)[self.key[3:]].split("|")
            fields["names"] = ", ".join(quote.format(text=n.strip()) for n in names[:4])
        return definition.words_for("feedback_errors", lang)[self.key].format(**fields)
