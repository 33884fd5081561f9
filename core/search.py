"""Chinese full-text search: character bigrams in a PostgreSQL ``tsvector``, one rule for every searchable
text.

Chinese is written without spaces between words, so a dictionary tokenizer has to guess where a word ends,
and a guess that differs between the text and the query loses the match (``退费`` inside ``申请退费的流程``
may be cut as ``申请 / 退费 / 的 / 流程`` or not, depending on the dictionary's version). Here every run of
Chinese characters is indexed as its overlapping two-character pieces (``申请退费`` → ``申请 请退 退费``,
and its last character alone), every run of Latin letters or digits as a lower-cased word. A query is cut
the same way and all its pieces must be present, so any term of two characters or more finds every text
that contains it, and a one-character term finds texts through the pieces it begins or ends. Query terms
of three characters or more are checked once more against the raw text, so ``退费流程`` does not match a
text that has ``退费`` and ``流程`` apart.

The document side is one SQL function (``lr_search_vector(title, body)``, created by this app's migration)
that the searchable models call in a stored generated column, so every write path keeps its vector in step
with its text without a line of code in the domain. Title pieces are indexed a second time with a ``^``
mark, so a title match is one more ``@@`` over the same GIN index, and results list title matches first,
then the newest. The query side is this module's ``search_filter``, which each domain's selector applies
to the queryset its reader may already see: what a reader may read stays decided by that selector alone.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models import BooleanField, Expression, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce

# Longest query term kept: a search box is for a few words, not a pasted page.
MAX_QUERY_LENGTH = 100
# At most this many pieces are matched, so a long query cannot make one huge tsquery.
MAX_QUERY_PIECES = 24

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = "a-z0-9\u00c0-\u024f"
_TERM_RE = re.compile(f"[{_CJK}]+|[{_WORD}]+")
_CJK_RE = re.compile(f"^[{_CJK}]+$")
TITLE_MARK = "^"

# The document side, created by core's migration: the same cuts as ``SearchTerms.parse`` below. Written in
# PL/pgSQL, which cuts a text once (normalised and lower-cased once, appended piece by piece): about 0.05 ms
# for a complaint's title and description, where the same cuts in plain SQL (three regexp scans, a sorted
# DISTINCT) took 0.9 ms, paid on every write of a searchable row and on every bulk load. Repeated pieces are
# left to ``array_to_tsvector``, which keeps each lexeme once.
SQL_CREATE_FUNCTIONS = rf"""
CREATE OR REPLACE FUNCTION lr_search_pieces(doc text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  cut text := lower(normalize(doc, NFKC));
  run text;
  i integer;
  pieces text[] := '{{}}';
BEGIN
  FOR run IN SELECT m[1] FROM regexp_matches(cut, '[{_CJK}]+', 'g') AS m LOOP
    FOR i IN 1 .. char_length(run) - 1 LOOP
      pieces := pieces || substr(run, i, 2);
    END LOOP;
    pieces := pieces || right(run, 1);
  END LOOP;
  FOR run IN SELECT m[1] FROM regexp_matches(cut, '[{_WORD}]+', 'g') AS m LOOP
    pieces := pieces || run;
  END LOOP;
  RETURN pieces;
END
$$;

CREATE OR REPLACE FUNCTION lr_search_vector(title text, body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  heading text[] := lr_search_pieces(coalesce(title, ''));
BEGIN
  RETURN array_to_tsvector(
    heading
    || lr_search_pieces(coalesce(body, ''))
    || array(SELECT '{TITLE_MARK}' || piece FROM unnest(heading) AS piece)
  );
END
$$;
"""  # noqa: S608 (built from this module's constants, no input)

SQL_DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS lr_search_vector(text, text);
DROP FUNCTION IF EXISTS lr_search_pieces(text);
"""


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _pieces_of_run(run: str) -> list[tuple[str, bool]]:
    """The pieces a query run must match, each with whether it is a prefix."""
    if _CJK_RE.match(run):
        if len(run) == 1:
            return [(run, True)]
        return [(run[i : i + 2], False) for i in range(len(run) - 1)]
    return [(run, True)]


@dataclass(frozen=True)
class SearchTerms:
    """A parsed query: the tsquery every result matches, the one its title matches, and the terms that are
    checked against the raw text because their pieces alone could match them apart."""

    match: str
    title: str
    elsewhere: str
    exact: tuple[str, ...]

    @classmethod
    def parse(cls, query: str) -> "SearchTerms | None":
        """Parse what a person typed; None when it holds nothing searchable (punctuation, spaces)."""
        text = _normalized(query)[:MAX_QUERY_LENGTH]
        runs = _TERM_RE.findall(text)
        pieces: list[tuple[str, bool]] = []
        for run in runs:
            for piece in _pieces_of_run(run):
                if piece not in pieces:
                    pieces.append(piece)
        pieces = pieces[:MAX_QUERY_PIECES]
        if not pieces:
            return None
        exact = tuple(run for run in runs if _CJK_RE.match(run) and len(run) > 2)
        return cls(
            match=_tsquery(pieces, mark=""),
            title=_tsquery(pieces, mark=TITLE_MARK),
            # Found, but not by the title: one tsquery, so the planner estimates it from the column's
            # statistics as a whole instead of multiplying two correlated guesses.
            elsewhere=f"({_tsquery(pieces, mark='')}) & !({_tsquery(pieces, mark=TITLE_MARK)})",
            exact=exact,
        )


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(pieces: Sequence[tuple[str, bool]], *, mark: str) -> str:
    return " & ".join(_lexeme(mark + piece) + (":*" if prefix else "") for piece, prefix in pieces)


class TsQuery(Func):
    """A tsquery written in PostgreSQL's own input syntax (the lexemes taken as they are, not re-parsed)."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()


class Matches(Func):
    """``vector @@ query`` as a boolean expression, for filtering and ordering."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class SearchVector(Func):
    """The generated column's expression: ``lr_search_vector(title, body)`` over a model's own fields."""

    function = "lr_search_vector"
    output_field = SearchVectorField()

    def __init__(self, title: str | Expression | None, body: str | Expression, **extra):
        title_expression = Value("") if title is None else (F(title) if isinstance(title, str) else title)
        body_expression = F(body) if isinstance(body, str) else body
        super().__init__(title_expression, body_expression, **extra)


def _vector_expression(vector: str | Expression) -> Expression:
    return F(vector) if isinstance(vector, str) else vector


@dataclass(frozen=True)
class SearchCondition:
    """What a parsed query asks of a row: ``matches`` (every row found; a condition for ``filter``,
    combinable with ``Q`` by ``|``), ``in_title`` (found by the title: the title holds every piece),
    ``elsewhere`` (found, not by the title) and ``title_hit`` (``in_title`` as an expression)."""

    matches: Q
    in_title: Q
    elsewhere: Q
    title_hit: Expression


def search_condition(
    query: str, *, vector: str | Expression = "search_vector", text_fields: Sequence[str] = ()
) -> SearchCondition | None:
    """The condition a row must meet to be found by ``query``, None when the query holds nothing
    searchable. ``vector`` names the model's stored generated column (``SearchVector(title, body)``,
    GIN-indexed). The vector is stored rather than only indexed: a search that walks rows in order (the
    newest first) tests each row's vector, and reading a stored one costs microseconds where cutting the
    text again costs a twentieth of a millisecond, which over the thousands of rows a frequent term walks
    past is the whole difference between a fast page and a slow one."""
    terms = SearchTerms.parse(query)
    if terms is None:
        return None
    expression = _vector_expression(vector)
    exact = Q()
    for term in terms.exact:
        if text_fields:
            within = Q()
            for name in text_fields:
                within |= Q(**{f"{name}__icontains": term})
            exact &= within

    def matching(tsquery: str) -> Matches:
        return Matches(expression, TsQuery(Value(tsquery)))

    in_title = matching(terms.title)
    return SearchCondition(
        matches=Q(matching(terms.match)) & exact,
        in_title=Q(in_title) & exact,
        elsewhere=Q(matching(terms.elsewhere)) & exact,
        title_hit=Coalesce(in_title, Value(False)),
    )


def title_first(
    queryset: QuerySet,
    condition: SearchCondition,
    *,
    also: Q | None = None,
    newest: Sequence[str] = ("-pk",),
) -> tuple[QuerySet, QuerySet]:
    """The two parts of a search's results within ``queryset``, each newest first: the title matches,
    then the rest (with the rows ``also`` finds some other way, such as by the complainant's name, that
    are no title match). Read them with ``read_in_parts``.

    Two parts, each read along the ``newest`` index until its page is full: one ORDER BY over the title
    test would test every row found, and a frequent term (退费 in a third of a million complaints) finds
    hundreds of thousands.
    """
    rest = condition.elsewhere if also is None else condition.elsewhere | (also & ~condition.in_title)
    return (
        queryset.filter(condition.in_title).order_by(*newest),
        queryset.filter(rest).order_by(*newest),
    )


def read_in_parts(parts: Sequence[QuerySet], *, offset: int, limit: int) -> list:
    """Read ``limit`` rows from ``offset`` of ``parts`` listed one after the other; a part is counted only
    when the page starts beyond it."""
    rows: list = []
    skip = offset
    for part in parts:
        wanted = limit - len(rows)
        if wanted <= 0:
            break
        got = list(part[skip : skip + wanted])
        if not got and skip:
            skip -= part.count()
            continue
        rows += got
        skip = 0
    return rows


def search_filter(
    queryset: QuerySet,
    query: str,
    *,
    vector: str | Expression = "search_vector",
    text_fields: Sequence[str] = (),
    newest: Sequence[str] = ("-pk",),
) -> QuerySet:
    """Narrow ``queryset`` to the rows whose ``vector`` matches ``query``, title matches first, then by
    ``newest``; an unsearchable query finds nothing. ``text_fields`` are the raw texts that the
    three-character-or-longer terms are checked against (any of them holding the term is enough)."""
    condition = search_condition(query, vector=vector, text_fields=text_fields)
    if condition is None:
        return queryset.none()
    return (
        queryset.filter(condition.matches)
        .annotate(search_title_hit=condition.title_hit)
        .order_by("-search_title_hit", *newest)
    )
