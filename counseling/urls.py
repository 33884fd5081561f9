from django.urls import path

from . import record_views, views

app_name = "counseling"

urlpatterns = [
    path("", views.counsellor_find, name="find"),
    path("counsellors/<int:pk>/", views.counsellor_page, name="counsellor"),
    path("counsellors/<int:pk>/photo/", views.counsellor_photo, name="counsellor-photo"),
    path("book/", views.appointment_book, name="book"),
    path("identity/", views.identity_page, name="identity"),
    path("identity/confirm/", views.identity_confirm, name="identity-confirm"),
    path("appointments/", views.my_appointments, name="my-appointments"),
    path("appointments/<str:reference>/", views.appointment_page, name="appointment"),
    path("appointments/<str:reference>/confirm/", views.appointment_confirm_view, name="confirm"),
    path("appointments/<str:reference>/cancel/", views.appointment_cancel_view, name="cancel"),
    path("appointments/<str:reference>/intake/", record_views.intake_page, name="intake"),
    path("appointments/<str:reference>/rate/", record_views.appointment_rate, name="rate"),
    path("appointments/<str:reference>/complaint/", record_views.session_complaint, name="complaint"),
    path("restrictions/<int:pk>/appeal/", views.restriction_appeal, name="appeal"),
    path("wards/", views.guardian_wards, name="wards"),
    path("wards/<int:learner_id>/consent/", views.guardian_consent, name="ward-consent"),
    path("schedule/", views.my_schedule, name="schedule"),
    path("schedule/<str:reference>/record/", record_views.session_record_edit, name="record-edit"),
    path("schedule/<str:reference>/<slug:action>/", views.schedule_action, name="schedule-action"),
    path("records/", record_views.records_page, name="records"),
    path("records/<int:pk>/", record_views.record_page, name="record"),
    path("penalties/", record_views.my_penalties, name="penalties"),
    path("comments/", record_views.my_comments, name="comments"),
    path("comments/<int:pk>/reply/", record_views.comment_reply, name="comment-reply"),
    path("penalties/<int:pk>/reply/", record_views.penalty_reply, name="penalty-reply"),
    path("availability/", views.my_availability, name="availability"),
    path("availability/exceptions/", views.availability_exception_add, name="exception-add"),
    path(
        "availability/exceptions/<int:pk>/remove/",
        views.availability_exception_remove,
        name="exception-remove",
    ),
]
