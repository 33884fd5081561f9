"""The complaint endpoints under /api/v1/; a complaint is addressed by its reference number."""

from django.urls import path

from . import actions
from .complaints import CategoryListAPI, ComplaintDetailAPI, ComplaintDuplicatesAPI, ComplaintListAPI
from .evidence import AttachmentDownloadAPI

COMPLAINT = "complaints/<str:reference>/"

# Action name (the URL's last segment, as listed in a complaint's available_actions) -> view.
ACTION_VIEWS = {
    "acknowledge": actions.AcknowledgeAPI,
    "start-investigation": actions.StartInvestigationAPI,
    "assign": actions.AssignAPI,
    "delegate": actions.DelegateAPI,
    "reply": actions.ReplyAPI,
    "notes": actions.NoteAPI,
    "request-information": actions.RequestInformationAPI,
    "complainant-reply": actions.ComplainantReplyAPI,
    "message": actions.ComplainantMessageAPI,
    "severity": actions.SeverityAPI,
    "flags": actions.FlagAPI,
    "propose-resolution": actions.ProposeResolutionAPI,
    "respond": actions.RespondAPI,
    "approve": actions.ApproveAPI,
    "return": actions.ReturnAPI,
    "satisfaction": actions.SatisfactionAPI,
    "rating": actions.RatingAPI,
    "appeal": actions.AppealAPI,
    "review-appeal": actions.ReviewAppealAPI,
    "reject": actions.RejectAPI,
    "merge": actions.MergeAPI,
    "withdraw": actions.WithdrawAPI,
    "evidence": actions.EvidenceAPI,
    "affected-learners": actions.AffectedLearnersAPI,
    "improvement-actions": actions.ImprovementActionAddAPI,
}

urlpatterns = [
    path("categories/", CategoryListAPI.as_view(), name="category-list"),
    path("complaints/", ComplaintListAPI.as_view(), name="complaint-list"),
    path(COMPLAINT, ComplaintDetailAPI.as_view(), name="complaint-detail"),
    path(f"{COMPLAINT}duplicates/", ComplaintDuplicatesAPI.as_view(), name="complaint-duplicates"),
    path(f"{COMPLAINT}attachments/<int:pk>/", AttachmentDownloadAPI.as_view(), name="complaint-attachment"),
    *(
        path(f"{COMPLAINT}{name}/", view.as_view(), name=f"complaint-{name}")
        for name, view in ACTION_VIEWS.items()
    ),
    path("remedies/<int:pk>/carry-out/", actions.RemedyCarryOutAPI.as_view(), name="remedy-carry-out"),
    path(
        "improvement-actions/<int:pk>/complete/",
        actions.ImprovementActionCompleteAPI.as_view(),
        name="improvement-action-complete",
    ),
]
