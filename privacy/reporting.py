"""Error reports without personal data: no local variables, no submitted values, even with DEBUG on."""

from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request) -> bool:
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        # Any frame may hold a decrypted value (a model instance, a form's cleaned data): show none.
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_post_parameters(self, request):
        if request is None:
            return {}
        cleansed = MultiValueDict()
        for key in request.POST:
            cleansed[key] = self.cleansed_substitute
        return cleansed
