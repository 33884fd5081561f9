from django.urls import path

from . import views

app_name = "helpcentre"

urlpatterns = [
    path("", views.help_index, name="index"),
    path("search/", views.search_page, name="search"),
    path("context/", views.context_help, name="context"),
    path("<slug:section>/", views.section_page, name="section"),
    path("<slug:section>/<slug:slug>/", views.article_page, name="article"),
    path("<slug:section>/<slug:slug>/helpful/", views.article_vote_view, name="vote"),
]
