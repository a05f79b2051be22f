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
                 overrides: Mapping[str, str] | None = None) -> tuple[dict[str, str], str | None]:
    """{role: header} for the roles found, and the kind of score its question names
    (csat, ces, nps) if the score column was found by its question."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for role, wanted in (overrides or {}).items():
        header = next((h for h in headers if h == wanted), None) or next(
            (h for h in headers if normalise(h) == normalise(wanted)), None)
        if header is None:
            raise FeedbackInputError("no_column", file=file, header=wanted, role=role,
                                     columns=", ".join(headers))
        found[role], taken = header, taken | {header}
    normalised = {h: normalise(h) for h in headers}
    for role in ROLES:
        if role in found:
            continue
        aliases = vocabulary.headers[role]
        ranked = sorted((aliases.index(n), h) for h, n in normalised.items()
                        if h not in taken and n in aliases)
        if not ranked:
            continue
        best = [h for rank, h in ranked if rank == ranked[0][0]]
        if len(best) > 1:
            raise FeedbackInputError("ambiguous", file=file, role=role, columns=", ".join(best))
        found[role] = best[0]
        taken.add(best[0])
    kind = None
    free = [h for h in headers if h not in taken]

    def verbatim_question(header: str) -> bool:
        return any(_contains(normalised[header], f) for f in vocabulary.questions["verbatim"])

    if "score" not in found:
        hits: list[tuple[str, str]] = []
        for header in free:
            if verbatim_question(header):
                continue
            for candidate in ("nps", "ces", "csat"):
                if any(_contains(normalised[header], f) for f in vocabulary.questions[candidate]):
                    hits.append((header, candidate))
                    break
        if len(hits) > 1:
            raise FeedbackInputError("ambiguous", file=file, role="score",
                                     columns=", ".join(h for h, _ in hits))
        if hits:
            found["score"], kind = hits[0]
            taken.add(hits[0][0])
    if "verbatim" not in found:
        comment = next((h for h in headers if h not in taken and verbatim_question(h)), None)
        if comment is not None:
            found["verbatim"] = comment
    return found, kind


__all__ = ["REQUIRED", "SCALES", "find_columns"]
