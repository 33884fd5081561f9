"""The search rule's two halves agree: the SQL function that cuts a document and the parser that cuts a
query."""

import pytest
from django.db import connection
from django.db.models import Q

from core.search import SearchTerms, read_in_parts, search_condition, search_filter, title_first
from core.tests.testapp.models import Note

pytestmark = pytest.mark.django_db


def matches(title: str, body: str, query: str) -> tuple[bool, bool]:
    """(the document matches, its title matches) for ``query``, through the database's own functions."""
    terms = SearchTerms.parse(query)
    assert terms is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lr_search_vector(%s, %s) @@ %s::tsquery, lr_search_vector(%s, %s) @@ %s::tsquery",
            [title, body, terms.match, title, body, terms.title],
        )
        return cursor.fetchone()


def test_two_character_terms_match_inside_longer_runs():
    assert matches("", "学员申请退费的流程", "退费") == (True, False)
    assert matches("", "张老师上课迟到", "老师") == (True, False)
    assert matches("", "学员申请退款", "退费") == (False, False)


def test_title_matches_are_told_apart_from_body_matches():
    assert matches("退费政策", "七天内可以申请", "退费") == (True, True)
    assert matches("课程安排", "关于退费的说明", "退费") == (True, False)


def test_one_character_terms_find_the_pieces_they_begin_and_end():
    assert matches("", "退费", "退") == (True, False)
    assert matches("", "要求退", "退") == (True, False)
    assert matches("", "要求", "退") == (False, False)


def test_latin_words_and_full_width_letters_are_folded():
    assert matches("", "Refund policy for VIP courses", "refund") == (True, False)
    assert matches("", "ＶＩＰ课程", "vip") == (True, False)
    assert matches("", "VIP课程", "ｖｉｐ 课程") == (True, False)


def test_every_term_must_be_present():
    assert matches("", "退费和老师", "退费 老师") == (True, False)
    assert matches("", "只有退费", "退费 老师") == (False, False)


def test_longer_terms_keep_their_pieces_and_ask_for_the_exact_text():
    terms = SearchTerms.parse("退费流程")
    assert terms is not None and terms.exact == ("退费流程",)
    assert SearchTerms.parse("退费").exact == ()


def test_nothing_searchable_parses_to_none_and_quotes_cannot_break_the_query():
    assert SearchTerms.parse("  ，。!? ") is None
    assert SearchTerms.parse("") is None
    assert matches("", "it's", "it's") == (True, False)
    assert matches("", "a\\b", "a\\b") == (True, False)


def test_search_filter_finds_through_the_generated_column_title_matches_first_then_newest():
    older_title = Note.objects.create(title="退费政策", body="七天内")
    body_only = Note.objects.create(title="课程安排", body="关于退费的说明")
    newer_title = Note.objects.create(title="如何退费", body="")
    Note.objects.create(title="退款", body="另一件事")

    found = list(search_filter(Note.objects.all(), "退费"))

    assert found == [newer_title, older_title, body_only]
    assert [note.search_title_hit for note in found] == [True, True, False]


def test_search_filter_checks_longer_terms_against_the_text_and_finds_nothing_for_nothing():
    Note.objects.create(title="退费", body="流程另说")
    together = Note.objects.create(title="", body="退费流程")

    assert list(search_filter(Note.objects.all(), "退费流程", text_fields=["title", "body"])) == [together]
    assert list(search_filter(Note.objects.all(), "！？")) == []


def test_the_vector_follows_an_edit_of_the_text():
    note = Note.objects.create(title="课程", body="老师很好")
    Note.objects.filter(pk=note.pk).update(body="服务很好")

    assert list(search_filter(Note.objects.all(), "老师")) == []
    assert list(search_filter(Note.objects.all(), "服务")) == [note]


def test_title_first_lists_title_matches_then_the_rest_and_pages_across_the_seam():
    body = [Note.objects.create(title=f"课程{n}", body="我要退费") for n in range(2)]
    titled = [Note.objects.create(title=f"退费{n}", body="请处理") for n in range(3)]
    named = Note.objects.create(title="无关", body="无关")
    Note.objects.create(title="教室", body="太吵")
    condition = search_condition("退费")

    parts = title_first(Note.objects.all(), condition, also=Q(pk=named.pk))
    pages = [read_in_parts(parts, offset=offset, limit=2) for offset in (0, 2, 4, 6)]

    newest_titles = titled[::-1]
    assert pages == [
        newest_titles[:2],
        [newest_titles[2], named],
        body[::-1],
        [],
    ]
    # A row found both by ``also`` and by its title is listed once, among the title matches.
    again = title_first(Note.objects.all(), condition, also=Q(pk=titled[0].pk))
    assert read_in_parts(again, offset=0, limit=10) == newest_titles + body[::-1]
