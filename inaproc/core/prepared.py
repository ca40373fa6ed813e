"""Server-side prepared statements for the hand-written queries that PostgreSQL takes
longer to plan than to run.

Django binds parameters on the client, so PostgreSQL plans every statement anew. For
the bid's participation query (five tables, three EXISTS, a UNION: ~2 ms of planning
for ~0.3 ms of execution, measured on `h_bb_burst_bench`; docs/performance.md, "Sealed
bids") that planning was most of the database's work per upload at a deadline. A
statement prepared once per connection is planned once, then executed with its
parameters (`EXECUTE name(…)`, still bound on the client, still through Django's
cursor: counted, logged and in the request's transaction like any other query).

The `PREPARE` goes straight to the driver's connection: it is a per-connection set-up,
like the driver's own `SET`s, so a request's query count does not depend on whether
its connection had prepared the statement before. A prepared statement is not
transactional (a rollback keeps it) and lives as long as the connection; a new
connection prepares again. Behind a pooler that hands one client's statements to
several server connections (PgBouncer in transaction mode), set
`DATABASE_PREPARED_STATEMENTS=off` (docs/operations.md)."""

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.backends.utils import CursorWrapper

_PLACEHOLDER = re.compile(r"%s")
# Names of the statements prepared on a driver connection, kept on that object (a new
# connection is a new object: nothing to reset when Django reconnects).
_PREPARED_NAMES = "_inaproc_prepared_statements"


def statement_name(sql: str) -> str:
    """The name under which `sql` is prepared: the same text, the same name."""
    return "inaproc_" + hashlib.sha256(sql.encode()).hexdigest()[:24]


def numbered_placeholders(sql: str) -> str:
    """`sql` with its `%s` placeholders as PostgreSQL's $1, $2, … (the text must hold
    no other `%`: hand-written queries built from metadata and placeholders only)."""
    if "%" in _PLACEHOLDER.sub("", sql):
        raise ValueError("a prepared statement's text holds only %s placeholders")
    numbers = iter(range(1, sql.count("%s") + 1))
    return _PLACEHOLDER.sub(lambda _match: f"${next(numbers)}", sql)


def execute_prepared(cursor: CursorWrapper, sql: str, params: Sequence[Any]) -> None:
    """Run `sql` with `params` on `cursor` as a prepared statement on PostgreSQL (when
    DATABASE_PREPARED_STATEMENTS is on), as a plain query otherwise."""
    if cursor.db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    driver = cursor.db.connection
    prepared: set[str] = driver.__dict__.setdefault(_PREPARED_NAMES, set())
    name = statement_name(sql)
    if name not in prepared:
        driver.execute(f"PREPARE {name} AS {numbered_placeholders(sql)}")
        prepared.add(name)
    arguments = ", ".join(["%s"] * len(params))
    cursor.execute(f"EXECUTE {name}({arguments})" if params else f"EXECUTE {name}", params)
