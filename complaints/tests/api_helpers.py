"""Small helpers for calling the complaint API as a given person."""

from django.test import Client

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(complaint) -> str:
    return f"/api/v1/complaints/{complaint.reference}/"


def action_url(complaint, action: str) -> str:
    return f"{detail_url(complaint)}{action}/"


def post_json(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
