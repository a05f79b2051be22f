"""Fuzzing the sample plans' XML and the survey CSVs' bytes: whatever the bytes, omnisheet
answers with a report or one clear line, never `unexpected error`.

Runs in-process through the command line (click's runner), each case a sample workbook
with one of its XML parts mutated (or a responses CSV), checked as `omnisheet check` or
`omnisheet feedback` would. The quick test runs on every suite; the 10,000 cases of
issue 26 are `make test-fuzz`'s (about 12 minutes).
"""

from __future__ import annotations

import io
import os
import zipfile
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnisheet.cli import main

ROOT = Path(__file__).resolve().parents[1]
PLANS = (ROOT / "samples" / "retail-fr.xlsx", ROOT / "samples" / "bank-en.xlsx")
RESPONSES = ROOT / "samples" / "feedback" / "barometre-nps.csv"
UNEXPECTED = ("unexpected error", "erreur inattendue", "Traceback")

# What a damaged or hostile part is likely to hold: values no number should be, markup
# cut or repeated, encodings and characters that trip parsers.
TOKENS = [
    b"NaN", b"INF", b"-INF", b"1e308", b"1e309", b"-0", b"9" * 400, b"\x00", b"\xff\xfe",
    b"\xed\xa0\x80", b"\x1b[2J", b'<c r="XFD1048576"><v>1</v></c>', b'<c r="A0">',
    b't="e"', b't="s"', b't="b"', b't="d"', b't="str"', b"<v>", b"</v>", b"<f>", b"</f>",
    b"<is><t>", b'r="A1"', b'r="ZZZZ9"', b"&amp;", b"&#0;", b"&#xD800;", b"<![CDATA[",
    b"<!DOCTYPE x>", b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>", b"31/12/9999",
    b"9999-12-31", b"0000-01-01", b"-1", b"\"", b",", b";", b"\r", b"\n", b"\t", b"=1+1",
    b"{", b"}", b"\xef\xbb\xbf",
]


@cache
def _parts(plan: Path) -> tuple[tuple[zipfile.ZipInfo, bytes], ...]:
    with zipfile.ZipFile(plan) as archive:
        return tuple((info, archive.read(info)) for info in archive.infolist())


@cache
def _xml_indexes(plan: Path) -> tuple[int, ...]:
    return tuple(i for i, (info, _) in enumerate(_parts(plan))
                 if info.filename.endswith((".xml", ".rels")))


@st.composite
def mutations(draw: st.DrawFn, size: int) -> list[tuple[str, int, bytes, int]]:
    """A few edits at places in `size` bytes: insert, replace, delete, repeat."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "replace", "delete", "repeat", "flip"]))
        at = draw(st.integers(0, max(size - 1, 0)))
        token = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=12)))
        length = draw(st.integers(1, 64))
        edits.append((kind, at, token, length))
    return edits


def mutate(data: bytes, edits: list[tuple[str, int, bytes, int]]) -> bytes:
    for kind, at, token, length in edits:
        at = min(at, len(data))
        if kind == "insert":
            data = data[:at] + token + data[at:]
        elif kind == "replace":
            data = data[:at] + token + data[at + len(token):]
        elif kind == "delete":
            data = data[:at] + data[at + length:]
        elif kind == "repeat":
            data = data[:at] + data[at:at + length] * 50 + data[at + length:]
        elif at < len(data):
            data = data[:at] + bytes([data[at] ^ (1 << (length % 8))]) + data[at + 1:]
    return data


@st.composite
def mutated_plans(draw: st.DrawFn) -> bytes:
    plan = draw(st.sampled_from(PLANS))
    parts = _parts(plan)
    index = draw(st.sampled_from(_xml_indexes(plan)))
    edits = draw(mutations(len(parts[index][1])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i, (info, data) in enumerate(parts):
            archive.writestr(info.filename, mutate(data, edits) if i == index else data)
    return out.getvalue()


@st.composite
def mutated_responses(draw: st.DrawFn) -> bytes:
    data = RESPONSES.read_bytes()[:6_000]  # the header and about a hundred answers
    return mutate(data, draw(mutations(len(data))))


CASES = st.one_of(st.tuples(st.just("plan"), mutated_plans()),
                  st.tuples(st.just("responses"), mutated_responses()))


def _answers_in_one_line(kind: str, data: bytes, folder: Path) -> None:
    runner = CliRunner()
    if kind == "plan":
        target = folder / "plan.xlsx"
        target.write_bytes(data)
        result = runner.invoke(main, ["check", str(target)])
    else:
        target = folder / "responses.csv"
        target.write_bytes(data)
        result = runner.invoke(main, ["feedback", str(target), "--plan", str(PLANS[0])])
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-500:])
    assert not any(word in result.output for word in UNEXPECTED), result.output[-500:]
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def _fuzz(examples: int):
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(case=CASES)
    def run(tmp_path: Path, case: tuple[str, bytes]) -> None:
        _answers_in_one_line(*case, tmp_path)

    return run


# 300 cases take about 90 s on a loaded machine: slow too (make test runs them, make test-fast not).
test_mutated_plans_and_responses_answer_in_one_line = pytest.mark.slow(_fuzz(300))
# The 10,000 cases take 12 minutes on a quiet machine, more than the rest of the suite:
# `make test-fuzz` runs them (OMNISHEET_FUZZ_ALL=1), `make test` the 300 above.
test_ten_thousand_mutated_plans_and_responses_answer_in_one_line = pytest.mark.skipif(
    not os.environ.get("OMNISHEET_FUZZ_ALL"), reason="10,000 cases: make test-fuzz")(
    pytest.mark.slow(_fuzz(10_000)))
