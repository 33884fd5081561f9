from django.urls import path

from . import views

app_name = "community"

THREAD = "<slug:board>/<int:post_id>/"

urlpatterns = [
    path("", views.community_home, name="home"),
    path("search/", views.search_page, name="search"),
    path("my/moderation/", views.my_moderation, name="my-moderation"),
    path("my/moderation/<int:action_id>/appeal/", views.appeal_new, name="appeal"),
    path("<slug:board>/", views.board_page, name="board"),
    path("<slug:board>/new/", views.post_new, name="post-new"),
    path(THREAD, views.thread_page, name="thread"),
    path(f"{THREAD}reply/", views.reply_new, name="reply"),
    path(f"{THREAD}like/", views.post_like_toggle, name="like"),
    path(f"{THREAD}follow/", views.post_follow_toggle, name="follow"),
    path(f"{THREAD}report/", views.report_new, name="report"),
    path(f"{THREAD}replies/<int:reply_id>/official/", views.reply_official, name="official"),
    path(f"{THREAD}replies/<int:reply_id>/like/", views.reply_like_toggle, name="reply-like"),
    path(f"{THREAD}images/<int:image_id>/", views.image_file, name="image"),
]
