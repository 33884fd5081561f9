from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("<str:reference>/", views.complaint_detail, name="detail"),
    path("<str:reference>/reply/", views.complaint_reply, name="reply"),
    path("<str:reference>/message/", views.complaint_message, name="message"),
    path("<str:reference>/evidence/", views.complaint_evidence, name="evidence"),
    path("<str:reference>/withdraw/", views.complaint_withdraw_view, name="withdraw"),
    path("<str:reference>/satisfaction/", views.complaint_satisfaction, name="satisfaction"),
    path("<str:reference>/rate/", views.complaint_rate, name="rate"),
    path("<str:reference>/appeal/", views.complaint_appeal_view, name="appeal"),
    path("<str:reference>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
