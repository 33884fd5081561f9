from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("policy/", views.policy, name="policy"),
    path("accept/", views.accept, name="accept"),
    path("agreement/", views.agreement, name="agreement"),
    path("agreement/accept/", views.agreement_accept, name="agreement-accept"),
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/export/", views.export, name="export"),
    path("my-data/consents/", views.purpose_consent, name="purpose-consent"),
    path("my-data/erasure/", views.erasure_request, name="erasure-request"),
]
