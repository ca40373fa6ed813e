"""The PostgreSQL full-text search of tenders (docs/national-search.md).

The configuration is PostgreSQL's own `indonesian`, a Snowball stemmer ("pembangunan",
"membangun" and "bangunan" all become "bangun"). PostgreSQL ships no Indonesian stop
word list (the configuration keeps "yang" and "dan"), and a server's stop word files are
not a migration's to write: the search leaves out the words of `STOP_WORDS` itself,
before the query reaches the database, on every database alike. The document
is the package name (weight A), its RUP name (B), and its institution and work unit
(C). It is stored: the column `search_document` of the tenders' table, which a trigger
keeps (migration 0004, `DOCUMENT_TEMPLATE` on the new row), unknown to the `Package`
model, so the SQL here names it beside the query's own alias of the table. One GIN
index holds it together with the filter columns. Other databases (SQLite) search with
`icontains` instead (`selectors`).
"""

from django.db.models import BooleanField, F, FloatField, Func, Value

SEARCH_CONFIG = "indonesian"

# The document of a package from its name, RUP name, institution and work unit (in this
# order), as the trigger of migration 0004 computes it (a test compares the two).
DOCUMENT_TEMPLATE = (
    "(setweight(to_tsvector('indonesian'::regconfig, {0}), 'A')"
    " || setweight(to_tsvector('indonesian'::regconfig, {1}), 'B')"
    " || setweight(to_tsvector('indonesian'::regconfig, {2}"
    " || ' ' || {3}), 'C'))"
)
DOCUMENT_COLUMNS = ("name", "rup_name", "institution", "work_unit")
DOCUMENT_COLUMN = "search_document"
QUERY_TEMPLATE = "websearch_to_tsquery('indonesian'::regconfig, {0})"
# How many lexemes a query has once its stop words are gone (0: only stop words).
LEXEMES_SQL = "SELECT numnode(" + QUERY_TEMPLATE.format("%s") + ")"


class _Compiled(Func):
    """A function whose SQL is a template of its compiled arguments."""

    sql_template = ""

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        return self.sql_template.format(*parts), params


class SearchDocument(_Compiled):
    """The stored document of the query's package row. The model does not know the
    column: its table's alias is the one the query gives the primary key."""

    def __init__(self) -> None:
        super().__init__(F("pk"))

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        pk_sql, params = compiler.compile(self.get_source_expressions()[0])
        table = pk_sql.rsplit(".", 1)[0]
        return f'{table}."{DOCUMENT_COLUMN}"', params


class FullTextMatch(_Compiled):
    """The package's document matches the words `q` (a condition for `filter()`)."""

    output_field = BooleanField()
    sql_template = "{0} @@ " + QUERY_TEMPLATE.format("{1}")

    def __init__(self, q: str) -> None:
        super().__init__(SearchDocument(), Value(q))


class FullTextRank(_Compiled):
    output_field = FloatField()
    sql_template = "ts_rank({0}, " + QUERY_TEMPLATE.format("{1}") + ")"

    def __init__(self, q: str) -> None:
        super().__init__(SearchDocument(), Value(q))


# Words too common to search for (function words of Indonesian procurement texts).
_STOP_TEXT = """
    ada adalah agar akan antara atas atau bagi bahwa bagaimana belum beberapa
    bisa dalam dan dapat dari demikian dengan di dia harus hingga ia ini itu jika
    juga kami ke kepada karena lagi maka masih mereka namun oleh pada para
    saat sampai saja sebagai secara sedang sehingga sejak semua serta seperti sudah
    tanpa tapi telah tentang terhadap tersebut tidak untuk yaitu yakni yang
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def search_words(q: str) -> str:
    """`q` without its stop words (websearch syntax kept: quotes, `-word`, `or`)."""
    return " ".join(token for token in q.split() if token.strip("\"'-()").lower() not in STOP_WORDS)
