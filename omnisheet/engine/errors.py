"""What an engine's failure means to the person who typed the command: one line in the
plan's language (`words.engine_errors`) saying what went wrong and what to do, never the
engine's pages of detail, never a credential."""

from __future__ import annotations

import os
import re
from typing import Any

from ..template.failure import OmnisheetError

#: What an engine says, lower-cased, and what it means; the first match decides.
_MEANINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("auth", ("password authentication failed", "authentication failed", "invalid password",
              "incorrect username or password", "login failed", "access denied for user",
              "no password supplied", "invalid credentials", "unauthenticated",
              "could not find default credentials", "role \"")),
    ("permission", ("permission denied", "insufficient privilege", "not authorized",
                    "access denied", "forbidden", "does not have permission",
                    "insufficient_privilege")),
    ("table_missing", ("table_or_view_not_found", "schema_not_found", "cannot be found",
                       "does not exist", "not found",
                       "no such table", "unknown table", "path_not_found",
                       "table with name")),
    ("value_type", ("cannot be cast", "datatype_mismatch", "invalid input syntax",
                     "cast_invalid_input", "conversion error", "could not convert",
                     "type mismatch", "operator does not exist", "cannot cast")),
    ("unreachable", ("connection refused", "could not connect", "could not translate host",
                     "name or service not known", "timed out", "timeout",
                     "network is unreachable", "no route to host", "connection reset",
                     "server closed the connection", "temporary failure in name resolution",
                     "java_gateway_exited", "failed to connect to master",
                     "connection to server")),
)
_JAVA = ("java_gateway_exited", "java_home is not set", "unable to locate a java runtime",
         "no such file or directory: 'java'")
_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|_KEY$|^PGPASS)")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.IGNORECASE)


class EngineError(OmnisheetError):
    """An engine that cannot be used, or that refused the work. Keeps its sentence's key
    and fields, so the command line says it in the plan's language once it knows it."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key, self.fields = key, fields
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        from ..template.definition import load_definition

        definition = load_definition()
        lang = lang or definition.default_language
        return redact(definition.words_for("engine_errors", lang)[self.key].format(**self.fields))


def explain(error: BaseException, engine: str, table: str | None = None) -> EngineError:
    """An engine's exception as one of the sentences a user can act on: the table is
    missing, permission denied, wrong credentials, a column of the wrong type, the engine
    unreachable, or, failing those, that the engine refused (its text under
    OMNISHEET_DEBUG=1, without credentials)."""
    if isinstance(error, EngineError):
        return error
    text = redact(f"{type(error).__name__}: {error}")
    lowered = text.lower()
    if os.environ.get("OMNISHEET_DEBUG"):
        import sys

        print(text, file=sys.stderr)
    if any(sign in lowered for sign in _JAVA):
        return EngineError("no_java", engine=engine)
    if type(error).__name__ == "TableNotFound":
        return EngineError("table_missing", engine=engine, table=table or "?")
    for key, signs in _MEANINGS:
        if any(sign in lowered for sign in signs):
            if key in ("table_missing", "value_type") and table is None:
                continue
            return EngineError(key, engine=engine, table=table or "?")
    return EngineError("refused", engine=engine, table=table or "?",
                       kind=type(error).__name__)


def redact(text: str, environ: dict[str, str] | None = None) -> str:
    """`text` without the password of any URL in it, nor the value of any variable of
    the environment that holds a secret (PGPASSWORD, SNOWFLAKE_PASSWORD, …)."""
    text = _URL_PASSWORD.sub(r"\1:***@", text)
    environ = dict(os.environ) if environ is None else environ
    for name, value in environ.items():
        if value and len(value) >= 4 and _SECRET_NAME.search(name.upper()):
            text = text.replace(value, "***")
    return text
