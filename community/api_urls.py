"""The community endpoints under /api/v1/."""

from django.urls import path

from . import api

POST = "community/posts/<int:pk>/"

urlpatterns = [
    path("community/boards/", api.BoardListAPI.as_view(), name="community-board-list"),
    path("community/boards/<slug:slug>/posts/", api.BoardPostsAPI.as_view(), name="community-board-posts"),
    path("community/posts/", api.PostSearchAPI.as_view(), name="community-post-search"),
    path(POST, api.PostDetailAPI.as_view(), name="community-post-detail"),
    path(f"{POST}replies/", api.ReplyListAPI.as_view(), name="community-replies"),
    path(f"{POST}like/", api.PostLikeAPI.as_view(), name="community-like"),
    path(f"{POST}follow/", api.PostFollowAPI.as_view(), name="community-follow"),
    path("community/replies/<int:pk>/like/", api.ReplyLikeAPI.as_view(), name="community-reply-like"),
    path("community/reports/", api.ReportCreateAPI.as_view(), name="community-reports"),
]
