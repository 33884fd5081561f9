from django.urls import path

from . import api

urlpatterns = [
    path("invitations/", api.InvitationListAPI.as_view(), name="survey-invitation-list"),
    path("invitations/<int:pk>/", api.InvitationDetailAPI.as_view(), name="survey-invitation-detail"),
    path("invitations/<int:pk>/answer/", api.InvitationAnswerAPI.as_view(), name="survey-invitation-answer"),
    path("<int:pk>/rates/", api.SurveyRatesAPI.as_view(), name="survey-rates"),
    path("<int:pk>/results/", api.SurveyResultsAPI.as_view(), name="survey-results"),
]
