from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("mine/", views.my_registrations, name="mine"),
    path("subscription/", views.subscription_set, name="subscription"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/register/", views.activity_register, name="register"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/check-in/", views.activity_check_in, name="check-in"),
]
