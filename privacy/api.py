"""API pieces for personal data: reads that leave an access-log row, and a person's own access log."""

from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from .models import AccessLogEntry
from .selectors import access_log_for_subject
from .services import access_log_record, access_log_record_list


class PersonalDataReadMixin:
    """For retrieve views of records holding another person's data: one access-log row per read."""

    personal_data_fields: tuple[str, ...] = ()

    def personal_data_subject(self, obj):
        return obj

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        obj = self._personal_data_object
        access_log_record(
            actor=request.user,
            subject=self.personal_data_subject(obj),
            record=obj,
            fields=self.personal_data_fields,
            channel=AccessLogEntry.Channel.API,
            screen=f"api:{request.resolver_match.view_name}",
        )
        return response

    def get_object(self):
        self._personal_data_object = super().get_object()
        return self._personal_data_object


class PersonalDataListMixin:
    """For list views of records holding other people's data: each page leaves one row per record shown,
    written in one INSERT (``access_log_record_list``)."""

    personal_data_list_fields: tuple[str, ...] = ()
    personal_data_subject_fields: tuple[str, ...] = ("pk",)

    def personal_data_reads_logged(self, request) -> bool:
        """Say whether this reader's reads are logged; a view whose readers may be the people themselves
        (a learner's own list) narrows it."""
        return True

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.personal_data_reads_logged(self.request):
            access_log_record_list(
                actor=self.request.user,
                records=page,
                subject_fields=self.personal_data_subject_fields,
                fields=self.personal_data_list_fields,
                channel=AccessLogEntry.Channel.API,
                screen=f"api:{self.request.resolver_match.view_name}",
            )
        return page


class AccessLogEntrySerializer(serializers.ModelSerializer):
    read_by = serializers.CharField(source="actor.display_name")
    record_kind = serializers.CharField(source="content_type.name")

    class Meta:
        model = AccessLogEntry
        fields = ["created_at", "read_by", "record_kind", "object_id", "fields", "channel", "kind", "reason"]


class AccessLogPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25


class MyAccessLogAPI(generics.ListAPIView):
    """Who read my personal data, newest first."""

    serializer_class = AccessLogEntrySerializer
    pagination_class = AccessLogPagination
    filter_backends = []

    def get_queryset(self):
        return access_log_for_subject(subject=self.request.user)
