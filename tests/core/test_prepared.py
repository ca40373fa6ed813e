"""Prepared statements (inaproc/core/prepared.py): the same rows as the plain query, one
PREPARE per connection and statement, kept across a rollback, one counted query per
call whether or not its connection had prepared it, and a plain query when switched
off or on SQLite."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from inaproc.core.prepared import execute_prepared, numbered_placeholders, statement_name
from tests.factories import make_portal

pytestmark = pytest.mark.django_db

SQL = "SELECT id, slug FROM portals_portal WHERE slug IN (%s, %s) AND id > %s ORDER BY id"


def _rows(params):
    with connection.cursor() as cursor:
        execute_prepared(cursor, SQL, params)
        return cursor.fetchall()


def _prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return [name for (name,) in cursor.fetchall()]


def test_placeholders_are_numbered_in_order():
    assert numbered_placeholders("a = %s AND b IN (%s, %s)") == "a = $1 AND b IN ($2, $3)"


def test_a_text_with_another_percent_sign_is_refused():
    with pytest.raises(ValueError):
        numbered_placeholders("name LIKE 'a%' AND id = %s")


def test_the_name_depends_on_the_text_only():
    assert statement_name(SQL) == statement_name(str(SQL))
    assert statement_name(SQL) != statement_name(SQL + " ")


def test_the_rows_are_the_plain_querys():
    first, second = make_portal("lpse-a"), make_portal("lpse-b")
    make_portal("lpse-c")
    params = ["lpse-a", "lpse-b", 0]
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        plain = cursor.fetchall()
    assert _rows(params) == plain == [(first.pk, "lpse-a"), (second.pk, "lpse-b")]
    assert _rows(["lpse-b", "nothing", first.pk]) == [(second.pk, "lpse-b")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's PREPARE")
def test_prepared_once_per_connection_and_kept_after_a_rollback():
    make_portal("lpse-a")
    _rows(["lpse-a", "x", 0])
    _rows(["lpse-a", "x", 0])
    assert _prepared_here().count(statement_name(SQL)) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        _rows(["lpse-a", "x", 0])
        raise RuntimeError("roll back")
    assert [slug for _, slug in _rows(["lpse-a", "x", 0])] == ["lpse-a"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's PREPARE")
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    make_portal("lpse-a")
    _rows(["lpse-a", "x", 0])
    connection.close()
    assert statement_name(SQL) not in _prepared_here()
    assert [slug for _, slug in _rows(["lpse-a", "x", 0])] == ["lpse-a"]
    assert statement_name(SQL) in _prepared_here()


@pytest.mark.django_db(transaction=True)
def test_one_counted_query_per_call_prepared_before_or_not():
    make_portal("lpse-a")
    connection.close()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            _rows(["lpse-a", "x", 0])
        assert len(queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's PREPARE")
@pytest.mark.django_db(transaction=True)
def test_switched_off_it_runs_the_plain_query(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    make_portal("lpse-a")
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert [slug for _, slug in _rows(["lpse-a", "x", 0])] == ["lpse-a"]
    assert queries[0]["sql"].startswith("SELECT id, slug")
    assert statement_name(SQL) not in _prepared_here()
