"""The demo seeds a lived-in community: posts and replies in every board, an official answer, a report in the
queue; seeding again adds nothing."""

import pytest
from django.core.management import call_command

from community.models import Board, Post, Reply, Report

pytestmark = pytest.mark.django_db


def test_the_demo_has_posts_in_every_board_an_official_answer_and_a_report(capsys):
    call_command("seed_demo")
    counts = (Post.objects.count(), Reply.objects.count(), Report.objects.count())

    assert all(Post.objects.filter(board=board).exists() for board in Board.objects.all())
    official = Reply.objects.get(is_official=True)
    assert official.post.board.slug == "rights" and official.official_by.email == "supervisor@demo.edu.cn"
    assert Report.objects.filter(state=Report.State.OPEN).count() == 1
    call_command("seed_demo")
    assert (Post.objects.count(), Reply.objects.count(), Report.objects.count()) == counts
