"""The help centre's endpoints under /api/v1/help/."""

from django.urls import path

from . import api

urlpatterns = [
    path("help/sections/", api.SectionListAPI.as_view(), name="help-section-list"),
    path("help/articles/", api.ArticleListAPI.as_view(), name="help-article-list"),
    path("help/articles/<slug:slug>/", api.ArticleDetailAPI.as_view(), name="help-article-detail"),
    path("help/articles/<slug:slug>/helpful/", api.VoteAPI.as_view(), name="help-article-vote"),
    path("help/search/", api.SearchAPI.as_view(), name="help-search"),
]
