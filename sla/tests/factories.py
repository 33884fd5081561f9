"""Test data of the SLA app."""

import datetime

import factory

from sla.models import OfficeHours, WorkCalendar


class WorkCalendarFactory(factory.django.DjangoModelFactory):
    """A business calendar; ``office_hours=True`` opens it Monday to Friday, 09:00–18:00."""

    class Meta:
        model = WorkCalendar
        django_get_or_create = ("name",)
        skip_postgeneration_save = True  # the hook writes office hours, not the calendar

    name = "办公时间"
    round_the_clock = True
    follows_official_calendar = True

    class Params:
        office_hours = factory.Trait(round_the_clock=False)

    @factory.post_generation
    def weekdays(calendar, create, extracted, **kwargs):
        if not create or calendar.round_the_clock:
            return
        for weekday in range(5):
            OfficeHours.objects.get_or_create(
                calendar=calendar, weekday=weekday, opens=datetime.time(9), closes=datetime.time(18)
            )
