"""The feedback endpoints under /api/v1/; an item is addressed by its reference number."""

from django.urls import path

from . import api

ITEM = "feedback/<str:reference>/"

urlpatterns = [
    path("feedback/categories/", api.FeedbackCategoryListAPI.as_view(), name="feedback-category-list"),
    path("feedback/", api.FeedbackListAPI.as_view(), name="feedback-list"),
    path(ITEM, api.FeedbackDetailAPI.as_view(), name="feedback-detail"),
    path(f"{ITEM}attachments/<int:pk>/", api.FeedbackAttachmentAPI.as_view(), name="feedback-attachment"),
    *(
        path(f"{ITEM}{name}/", view.as_view(), name=f"feedback-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ),
]
