"""The refund endpoints under /api/v1/; a request is addressed by its reference number."""

from django.urls import path

from . import api

REQUEST = "refunds/<str:reference>/"

urlpatterns = [
    path("refunds/", api.RefundListAPI.as_view(), name="refund-list"),
    path("refunds/quote/", api.RefundQuoteAPI.as_view(), name="refund-quote"),
    path(REQUEST, api.RefundDetailAPI.as_view(), name="refund-detail"),
    *(
        path(f"{REQUEST}{name}/", view.as_view(), name=f"refund-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ),
]
