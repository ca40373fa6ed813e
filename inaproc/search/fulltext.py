"""The PostgreSQL full-text search of tenders (docs/national-search.md).

The configuration is PostgreSQL's own `indonesian`, a Snowball stemmer ("pembangunan",
"membangun" and "bangunan" all become "bangun"). PostgreSQL ships no Indonesian stop
word list (the configuration keeps "yang" and "dan"), and a server's stop word files are
not a migration's to write: the search leaves out the words of `STOP_WORDS` itself,
before the query reaches the database, on every database alike. The document
is the package name (weight A), its RUP name (B), and its institution and work unit
(C). There is no stored column: a GIN *expression* index (migration 0002) holds the
document, and every query writes the very same expression, character for character,
so that PostgreSQL uses the index (a test compares the two). Other databases (SQLite)
search with `icontains` instead (`selectors`).
"""

from django.db.models import BooleanField, F, FloatField, Func, Value

SEARCH_CONFIG = "indonesian"

# The document of a package from its name, RUP name, institution and work unit (in this
# order); `SearchDocument` fills in the columns as the query names them (a table alias
# inside a subquery), which PostgreSQL matches to the index all the same.
VECTOR_TEMPLATE = (
    "(setweight(to_tsvector('indonesian'::regconfig, {0}), 'A')"
    " || setweight(to_tsvector('indonesian'::regconfig, {1}), 'B')"
    " || setweight(to_tsvector('indonesian'::regconfig, {2}"
    " || ' ' || {3}), 'C'))"
)
# As the index of migration 0002 writes it.
DOCUMENT_COLUMNS = ("name", "rup_name", "institution", "work_unit")
VECTOR_SQL = VECTOR_TEMPLATE.format(*(f'"tenders_package"."{c}"' for c in DOCUMENT_COLUMNS))
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
    sql_template = VECTOR_TEMPLATE

    def __init__(self) -> None:
        super().__init__(*(F(column) for column in DOCUMENT_COLUMNS))


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
