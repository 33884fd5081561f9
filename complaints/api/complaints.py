"""The complaint collection, one complaint, its possible duplicates, and the categories to file under."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.models import Category, Complaint
from complaints.selectors import (
    complaint_duplicate_suggestions,
    complaint_get_for_user,
    complaint_list_for_user,
)
from complaints.serializers import (
    CategorySerializer,
    ComplaintDetailSerializer,
    ComplaintFileInput,
    ComplaintListQuery,
    ComplaintSummarySerializer,
)
from complaints.services import complaint_file
from privacy.api import PersonalDataListMixin, PersonalDataReadMixin

from .base import (
    COMPLAINT_LISTED_DATA,
    COMPLAINT_PERSONAL_DATA,
    ERRORS,
    REFERENCE,
    ByCodePagination,
    NewestFirstPagination,
    reads_are_logged,
)

TAGS = ["complaints"]


class IsStaffMember(BasePermission):
    message = _("Only staff can do this.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff_member)


class CategoryListAPI(generics.ListAPIView):
    """The categories a complaint can be filed under."""

    serializer_class = CategorySerializer
    pagination_class = ByCodePagination
    filter_backends = []

    def get_queryset(self):
        return Category.objects.filter(is_active=True).select_related("default_department")

    @extend_schema(tags=TAGS, summary=_("List the categories"))
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ComplaintListMixin(PersonalDataListMixin):
    """A page of complaints read by staff leaves one access-log row per complaint shown of another person."""

    personal_data_list_fields = COMPLAINT_LISTED_DATA
    personal_data_subject_fields = ("complainant_id", "learner_id")

    def personal_data_reads_logged(self, request) -> bool:
        return reads_are_logged(request)


class ComplaintListAPI(ComplaintListMixin, generics.ListCreateAPIView):
    """The complaints this user may see, newest first; and filing a new one."""

    serializer_class = ComplaintSummarySerializer
    pagination_class = NewestFirstPagination
    filter_backends = []

    def get_queryset(self):
        query = ComplaintListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return complaint_list_for_user(user=self.request.user, state=query.validated_data.get("state"))

    @extend_schema(
        tags=TAGS,
        summary=_("List the complaints this user may see"),
        description=_(
            "A learner sees their own complaints and their children's; "
            "staff those the access policy gives them."
        ),
        parameters=[ComplaintListQuery],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("File a complaint"),
        description=_(
            "Learners and parents file on the website or app; staff log complaints received by phone, "
            "e-mail, at the counter, on WeChat or by letter on the complainant's behalf. Send multipart "
            "form data to attach evidence; a refused file leaves no complaint behind."
        ),
        request={"multipart/form-data": ComplaintFileInput, "application/json": ComplaintFileInput},
        responses={201: ComplaintSummarySerializer, **ERRORS},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        data = ComplaintFileInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        complainant = values.pop("complainant", None) or request.user
        complaint = complaint_file(
            actor=request.user,
            complainant=complainant,
            co_learners=values.pop("co_learners", []),
            **values,
        )
        answer = ComplaintSummarySerializer(complaint, context={"request": request}).data
        return Response(answer, status=status.HTTP_201_CREATED)


class ComplaintLookupMixin:
    """Find the complaint of the URL's reference among those the user may see (404 otherwise)."""

    def get_object(self) -> Complaint:
        return complaint_get_for_user(user=self.request.user, reference=self.kwargs["reference"])


class ComplaintDetailAPI(PersonalDataReadMixin, ComplaintLookupMixin, generics.RetrieveAPIView):
    """One complaint as this user may see it; a staff member's read leaves a row in the access log."""

    serializer_class = ComplaintDetailSerializer
    personal_data_fields = COMPLAINT_PERSONAL_DATA

    def personal_data_subject(self, complaint: Complaint):
        return complaint.complainant

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        if reads_are_logged(request):
            return super().retrieve(request, *args, **kwargs)
        # A party reads their own case: not a read of someone else's data, so the log is skipped.
        return generics.RetrieveAPIView.retrieve(self, request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Read a complaint"),
        description=_(
            "With the timeline as this user may read it (public events only for the complainant), the "
            "evidence files, the remedies and the actions this user may take now."
        ),
        parameters=[REFERENCE],
        responses={200: ComplaintDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ComplaintDuplicatesAPI(ComplaintListMixin, ComplaintLookupMixin, generics.ListAPIView):
    """Complaints that may be the same matter as this one, for staff deciding whether to merge."""

    serializer_class = ComplaintSummarySerializer
    pagination_class = NewestFirstPagination
    permission_classes = [IsStaffMember]
    filter_backends = []

    def get_queryset(self):
        return complaint_duplicate_suggestions(complaint=self.get_object(), user=self.request.user)

    @extend_schema(
        tags=TAGS,
        summary=_("Suggest duplicates of a complaint"),
        description=_("Same complainant or course, same category, filed within the rules' duplicate window."),
        parameters=[REFERENCE],
        responses={200: ComplaintSummarySerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
