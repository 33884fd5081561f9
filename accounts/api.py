"""Staff reads of a person's record; every read leaves an access-log row."""

from rest_framework import generics
from rest_framework.permissions import IsAdminUser

from privacy import policy
from privacy.api import PersonalDataReadMixin

from .models import User
from .serializers import PersonSerializer


class PersonDetailAPI(PersonalDataReadMixin, generics.RetrieveAPIView):
    """One person's record, for staff who may see it (404 otherwise)."""

    serializer_class = PersonSerializer
    permission_classes = [IsAdminUser]
    personal_data_fields = ("email", "display_name", "mobile", "resident_id", "date_of_birth", "home_address")

    def get_queryset(self):
        return policy.visible_to(user=self.request.user, queryset=User.objects.all())
