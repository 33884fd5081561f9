from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_new, name="new"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/decisions/", views.review_decision_new, name="decision-new"),
    path("<int:pk>/opinions-survey/", views.review_opinions_survey, name="opinions-survey"),
    path("decisions/<int:pk>/done/", views.review_decision_done, name="decision-done"),
]
