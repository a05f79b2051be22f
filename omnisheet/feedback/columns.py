"""Which column of a responses file is which: by its header, in any language (the
language files' `words.feedback_columns`), a score column also by its question ("How
likely are you to recommend us?"); `--column ROLE=HEADER` overrides. Two columns that
could be the same thing are said, never picked at random."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..template.text import normalise
from .errors import FeedbackInputError
from .vocabulary import ROLES, SCALES, Vocabulary

REQUIRED = ("score", "date")


def _contains(header: str, fragment: str) -> bool:
    return f" {fragment} " in f" {header} "


def find_columns(file: str, headers: Sequence[str], vocabulary: Vocabulary,
                 overrides: Mapping[str, str] | None = None,
                 questions: Mapping[str, str] | None = None
                 ) -> tuple[dict[str, str], str | None, list[tuple[dict[str, str], str]]]:
    """{role: header} for the roles found, the kind of score its question names (csat,
    ces, nps) if the score column was found by its question, and the other questions of
    other kinds the file answers (a CSAT and an NPS in one export), each as its columns
    and kind. `questions`: a header's question text (Qualtrics' second row)."""
    questions = questions or {}
    found: dict[str, str] = {}
    taken: set[str] = set()
    for role, wanted in (overrides or {}).items():
        header = next((h for h in headers if h == wanted), None) or next(
            (h for h in headers if normalise(h) == normalise(wanted)), None) or next(
            (h for h in headers if normalise(questions.get(h)) == normalise(wanted)), None)
        if header is None:
            raise FeedbackInputError("no_column", file=file, header=wanted, role=role,
                                     columns=", ".join(headers))
        found[role], taken = header, taken | {header}
    names = {h: [n for n in dict.fromkeys((normalise(h), normalise(questions.get(h)))) if n]
             for h in headers}
    for role in ROLES:
        if role in found:
            continue
        aliases = vocabulary.headers[role]
        ranked = sorted((aliases.index(n), h) for h, listed in names.items()
                        if h not in taken for n in listed if n in aliases)
        if not ranked:
            continue
        best = list(dict.fromkeys(h for rank, h in ranked if rank == ranked[0][0]))
        if len(best) > 1:
            raise FeedbackInputError("ambiguous", file=file, role=role, columns=", ".join(best))
        found[role] = best[0]
        taken.add(best[0])
    kind = None
    more: list[tuple[dict[str, str], str]] = []
    free = [h for h in headers if h not in taken]

    def says(header: str, kind: str) -> bool:
        return any(_contains(n, f) for n in names[header] for f in vocabulary.questions[kind])

    if "score" not in found:
        hits: list[tuple[str, str]] = []
        for header in free:
            if says(header, "verbatim"):
                continue
            for candidate in ("nps", "ces", "csat"):
                if says(header, candidate):
                    hits.append((header, candidate))
                    break
        kinds = [k for _, k in hits]
        if len(set(kinds)) < len(kinds):  # two questions of one kind: which is it?
            raise FeedbackInputError("ambiguous", file=file, role="score",
                                     columns=", ".join(h for h, _ in hits))
        if hits:
            found["score"], kind = hits[0]
            taken.update(h for h, _ in hits)
            more = [({**found, "score": header}, other) for header, other in hits[1:]]
    if "verbatim" not in found:
        comment = next((h for h in headers if h not in taken and says(h, "verbatim")), None)
        if comment is not None:
            found["verbatim"] = comment
            for columns, _ in more:
                columns["verbatim"] = comment
    return found, kind, more


__all__ = ["REQUIRED", "SCALES", "find_columns"]
