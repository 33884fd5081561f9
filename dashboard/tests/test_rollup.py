"""The stored daily facts: the figures are the same live, stored, and with days changed since the refresh.

The story of conftest (March 2026 against February) is read three ways: before any refresh (every day live),
after a refresh (every day stored), and after changes made since the refresh (those days live, the others
stored). Every way must give the hand-worked answers of test_selectors.
"""

import datetime
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from complaints.models import Complaint
from dashboard.facts import ACKNOWLEDGE_EDGES
from dashboard.models import ComplaintDay, RollupInvalidation, RollupState
from dashboard.selectors import (
    Scope,
    dashboard_figures,
    estimated_percentile,
    promise_figures,
    rollup_built,
    satisfaction_figures,
    volume_figures,
)
from dashboard.selectors import figures as figures_module
from dashboard.services import rollup_refresh
from dashboard.tasks import rollup_refresh_task
from sla.models import Clock, Target
from sla.services import sla_sweep

from .conftest import MARCH, NOW, at

pytestmark = pytest.mark.django_db


def _story_figures(march: Scope) -> dict:
    figures = dashboard_figures(march, now=NOW)
    volumes = figures.volumes
    return {
        "new": volumes["new"],
        "closed": volumes["closed"],
        "open_now": volumes["open_now"],
        "by_category": [(row.key, row.current, row.previous) for row in volumes["by_category"]],
        "by_severity": [(row.key, row.current, row.previous) for row in volumes["by_severity"]],
        "by_channel": [(row.key, row.current, row.previous) for row in volumes["by_channel"]],
        "by_department": [(row.key, row.current, row.previous) for row in volumes["by_department"]],
        "promises": figures.promises,
        "satisfaction": figures.satisfaction,
        "courses": figures.hot_spots["courses"],
        "instructors": figures.hot_spots["instructors"],
        "departments": figures.hot_spots["departments"],
        "rising": [(row.key, row.rise) for row in figures.hot_spots["rising_categories"]],
        "trends": figures.trends,
    }


def test_the_figures_are_the_same_live_and_stored(story, march):
    # given the story read before any refresh: every day is computed live
    assert not rollup_built()
    live = _story_figures(march)
    assert live["new"] == {"current": 4, "previous": 1}
    assert live["promises"]["acknowledged_in_time"]["decided"] == 4
    assert [(row["complaints"], row["per_100"]) for row in live["courses"]] == [(2, 50.0), (1, 10.0)]

    # when the facts are stored
    result = rollup_refresh(now=NOW)

    # then the figures read from the stored rows are the same, and nothing is left stale
    assert result.rebuilt
    assert rollup_built()
    assert ComplaintDay.objects.exists()
    assert not RollupInvalidation.objects.exists()
    assert _story_figures(march) == live


def test_a_change_after_the_refresh_counts_at_once_and_the_next_refresh_stores_it(story, march):
    rollup_refresh(now=NOW)
    before = satisfaction_figures(march, now=NOW)
    assert before["average_rating"]["current"] == 3.5  # A 5, D 2

    # when D's rating changes after the refresh (its day becomes stale)
    Complaint.objects.filter(pk=story.d.pk).update(satisfaction_rating=4)

    # then the figures count it at once (D's day read live), and the other days still come from the store
    assert RollupInvalidation.objects.exists()
    assert satisfaction_figures(march, now=NOW)["average_rating"]["current"] == 4.5
    assert satisfaction_figures(march, now=NOW)["satisfied_share"]["current"] == 100.0

    # and the next refresh recomputes D's days alone (filed 03-20, closed 03-31) and clears the marks
    result = rollup_refresh(now=NOW)
    assert (result.rebuilt, result.days) == (False, 2)
    assert not RollupInvalidation.objects.exists()
    stored = ComplaintDay.objects.get(day=datetime.date(2026, 3, 20))
    assert (stored.rated, stored.rating_sum, stored.satisfied) == (1, 4, 1)
    assert satisfaction_figures(march, now=NOW)["average_rating"]["current"] == 4.5


def test_clocks_that_fall_due_after_the_refresh_are_counted_missed_until_the_next(story, march):
    # given facts stored at 03-10 10:30, when C (filed 10:00) was not yet due for acknowledgement (11:00)
    with time_machine.travel(at(2026, 3, 10, 10, 30), tick=False):
        rollup_refresh()
    stored = ComplaintDay.objects.get(day=datetime.date(2026, 3, 10))
    assert (stored.acknowledge_kept, stored.acknowledge_decided) == (0, 0)

    # when the figures are read at NOW, a month later: C's acknowledgement and resolution clocks fell due
    figures = promise_figures(march, now=NOW)

    # then they count as missed, exactly as when every day is read live
    assert figures["acknowledged_in_time"] == {"current": 50.0, "previous": 100.0, "kept": 2, "decided": 4}
    assert figures["resolved_in_time"] == {"current": 50.0, "previous": 100.0, "kept": 2, "decided": 4}
    assert figures["urgent_answered_in_time"] == {"current": 100.0, "previous": None, "kept": 1, "decided": 1}

    # and the next refresh finds C's day by its clocks that fell due, and stores them missed
    result = rollup_refresh(now=NOW)
    assert result.days == 1
    stored = ComplaintDay.objects.get(day=datetime.date(2026, 3, 10))
    assert (stored.acknowledge_kept, stored.acknowledge_decided) == (0, 1)
    assert promise_figures(march, now=NOW) == figures


def test_a_complaint_naming_another_course_moves_its_count_at_once(story, march):
    rollup_refresh(now=NOW)
    # when A names course X instead of Y after the refresh
    Complaint.objects.filter(pk=story.a.pk).update(subject_course=story.course_x)
    # then X has A, C and D over its 4 learners, and Y drops out of the ranking
    courses = dashboard_figures(march, now=NOW).hot_spots["courses"]
    assert [(row["id"], row["complaints"], row["per_100"]) for row in courses] == [
        (story.course_x.pk, 3, 75.0)
    ]
    rollup_refresh(now=NOW)
    assert dashboard_figures(march, now=NOW).hot_spots["courses"] == courses


def test_a_refresh_with_nothing_changed_recomputes_no_day(story):
    rollup_refresh(now=NOW)
    rows = list(ComplaintDay.objects.order_by("pk").values())
    result = rollup_refresh(now=NOW)
    assert (result.rebuilt, result.days) == (False, 0)
    assert list(ComplaintDay.objects.order_by("pk").values()) == rows


def test_changes_the_figures_do_not_read_leave_no_mark(story):
    rollup_refresh(now=NOW)
    # an owner's reassignment, a title, and the sweep marking a clock breached change no figure
    Complaint.objects.filter(pk=story.c.pk).update(title="新标题", owner=None)
    sla_sweep(now=NOW)
    assert Clock.objects.filter(complaint=story.c, breached_at__isnull=False).exists()
    assert not RollupInvalidation.objects.exists()
    # a clock met, an appeal decided, a complaint removed: each marks its days
    Clock.objects.filter(complaint=story.c, target=Target.ACKNOWLEDGE).update(met_at=NOW)
    assert RollupInvalidation.objects.count() == 1
    story.b.appeal.decision_reason = "改判"
    story.b.appeal.decision = "revised"
    story.b.appeal.save()
    assert RollupInvalidation.objects.count() == 2


def test_a_new_time_zone_rebuilds_every_day(story, settings):
    rollup_refresh(now=NOW)
    assert RollupState.objects.get().time_zone == "Asia/Shanghai"
    settings.TIME_ZONE = "Asia/Urumqi"
    assert not rollup_built()  # the stored days are another zone's: read live until rebuilt
    result = rollup_refresh(now=NOW)
    assert result.rebuilt
    assert RollupState.objects.get().time_zone == "Asia/Urumqi"


def test_the_stored_rows_hold_each_day_s_filings_and_closings(story):
    rollup_refresh(now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(filed), sum(closed), sum(open) FROM dashboard_complaintday")
        # filed: E 02-10, A 03-02, B 03-03, C 03-10, D 03-20; closed: E 02-12, A 03-04, B 03-12, D 03-31
        assert cursor.fetchone() == (9, 5, 4, 1)


def test_the_task_and_the_command_refresh(story):
    rollup_refresh_task.apply().get()
    assert rollup_built()
    Complaint.objects.filter(pk=story.a.pk).update(satisfaction_rating=1)
    out = io.StringIO()
    call_command("dashboard_rollup", stdout=out)
    assert not RollupInvalidation.objects.exists()
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        call_command("dashboard_rollup", "--rebuild", stdout=out)
    # 2026-02-10 to 2026-04-10, every day
    assert out.getvalue().splitlines()[-1] == "Recomputed every day: 60."


# ------------------------------------------------------------------------------------ estimated percentiles


def test_estimated_percentiles_spread_each_bucket_evenly():
    # three acknowledgements: 20 min (bucket 20–30), 30 min (30–45) and 120 min (120–180)
    counts = [0] * (len(ACKNOWLEDGE_EDGES) + 1)
    for minutes, index in ((20, 4), (30, 5), (120, 9)):
        assert ACKNOWLEDGE_EDGES[index - 1] <= minutes < ACKNOWLEDGE_EDGES[index]
        counts[index] += 1
    # median: the second value, the middle of 30–45 → 37.5 min
    assert estimated_percentile(counts, ACKNOWLEDGE_EDGES, 0.5) == pytest.approx(37.5 / 60)
    # 90th: rank 1.8, between 37.5 and 150 (the middle of 120–180): 37.5 + 0.8 × 112.5 = 127.5 min
    assert estimated_percentile(counts, ACKNOWLEDGE_EDGES, 0.9) == pytest.approx(127.5 / 60)
    # two values in one bucket sit at its quarter and three quarters: 25 and 35 within 20–30… of 30–45
    two = [0] * len(counts)
    two[5] = 2
    assert estimated_percentile(two, ACKNOWLEDGE_EDGES, 0.0) == pytest.approx(33.75 / 60)
    assert estimated_percentile(two, ACKNOWLEDGE_EDGES, 1.0) == pytest.approx(41.25 / 60)
    # the open last bucket gives its lower edge; no values, no percentile
    last = [0] * len(counts)
    last[-1] = 1
    assert estimated_percentile(last, ACKNOWLEDGE_EDGES, 0.5) == pytest.approx(ACKNOWLEDGE_EDGES[-1] / 60)
    assert estimated_percentile([0] * len(counts), ACKNOWLEDGE_EDGES, 0.5) is None


def test_large_periods_estimate_the_percentiles_from_the_stored_histograms(story, march, monkeypatch):
    rollup_refresh(now=NOW)
    exact = promise_figures(march, now=NOW)
    assert exact["percentiles_estimated"] is False
    assert exact["acknowledge_median_hours"]["current"] == 0.5

    # when the period holds more complaints than the exact limit
    monkeypatch.setattr(figures_module, "EXACT_PERCENTILES_UP_TO", 4)
    estimated = promise_figures(march, now=NOW)

    # then the shares stay exact and the times come from the histograms: acknowledgements of 20 min (D),
    # 30 min (A) and 120 min (B) → median 37.5 min, 90th percentile 127.5 min (see the test above)
    assert estimated["percentiles_estimated"] is True
    assert estimated["acknowledged_in_time"] == exact["acknowledged_in_time"]
    assert estimated["acknowledge_median_hours"]["current"] == round(37.5 / 60, 2)
    assert estimated["acknowledge_p90_hours"]["current"] == round(127.5 / 60, 2)
    # first response: 3 h (B, 2–4), 24 h (A, 24–30), 240 h (D, 240–336) → median 27 h
    assert estimated["respond_median_hours"]["current"] == 27.0
    # every estimate lies within the bucket of the exact value
    assert 24 <= exact["respond_median_hours"]["current"] < 30


def test_volumes_count_only_the_filtered_days_rows(story):
    rollup_refresh(now=NOW)
    phone = Scope(period=MARCH, channel="phone")
    assert volume_figures(phone, now=NOW)["new"] == {"current": 1, "previous": 0}
    assert volume_figures(phone, now=NOW)["open_now"] == 1
    teaching = Scope(period=MARCH, category_id=story.teaching.pk)
    assert volume_figures(teaching, now=NOW)["closed"] == {"current": 1, "previous": 0}


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_a_refresh_runs_stays_marked_for_the_next(story, march):
    rollup_refresh(now=NOW)
    # given a committed change to D (rated 4), and a second change to D (rated 5) not yet committed
    Complaint.objects.filter(pk=story.d.pk).update(satisfaction_rating=4)
    changed, release, errors = threading.Event(), threading.Event(), []

    def change_and_wait():
        try:
            with transaction.atomic():
                Complaint.objects.filter(pk=story.d.pk).update(satisfaction_rating=5)
                changed.set()
                release.wait(timeout=30)
        except Exception as error:  # a failure in the thread must fail the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=change_and_wait)
    thread.start()
    assert changed.wait(timeout=30)

    # when a refresh runs meanwhile, it stores the committed rating and clears the committed marks only
    result = rollup_refresh(now=NOW)
    assert result.days == 2
    assert ComplaintDay.objects.get(day=datetime.date(2026, 3, 20)).rating_sum == 4
    release.set()
    thread.join(timeout=30)
    assert not errors

    # then the change committed after it keeps its marks, and counts at once: A 5 and D 5
    assert RollupInvalidation.objects.exists()
    assert satisfaction_figures(march, now=NOW)["average_rating"]["current"] == 5.0
    rollup_refresh(now=NOW)
    assert ComplaintDay.objects.get(day=datetime.date(2026, 3, 20)).rating_sum == 5
