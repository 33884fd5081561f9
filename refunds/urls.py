from django.urls import path

from . import views

app_name = "refunds"

urlpatterns = [
    path("", views.refund_list, name="list"),
    path("courses/", views.my_courses, name="my-courses"),
    path("courses/<int:enrolment_id>/request/", views.refund_new, name="new"),
    path("<str:reference>/", views.refund_detail, name="detail"),
    path("<str:reference>/withdraw/", views.refund_withdraw_view, name="withdraw"),
]
