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

SEARCH_CONFIG = "indonesian"

VECTOR_SQL = (
    "(setweight(to_tsvector('indonesian'::regconfig, \"tenders_package\".\"name\"), 'A')"
    " || setweight(to_tsvector('indonesian'::regconfig, \"tenders_package\".\"rup_name\"), 'B')"
    ' || setweight(to_tsvector(\'indonesian\'::regconfig, "tenders_package"."institution"'
    " || ' ' || \"tenders_package\".\"work_unit\"), 'C'))"
)

QUERY_SQL = "websearch_to_tsquery('indonesian'::regconfig, %s)"
MATCH_SQL = f"{VECTOR_SQL} @@ {QUERY_SQL}"
RANK_SQL = f"ts_rank({VECTOR_SQL}, {QUERY_SQL})"
# How many lexemes a query has once its stop words are gone (0: only stop words).
LEXEMES_SQL = f"SELECT numnode({QUERY_SQL})"

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
