"""The learner's chat pages: their chats, opening one, and one chat with its messages (live over WebSocket).

A chat's page is its learner's alone: anyone else is told it does not exist. Staff read chats in the staff
workspace, where every opening of a transcript is logged.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .consumers import console_announce
from .errors import ChatNotAllowed, ChatNotFound
from .forms import ChatOpenForm
from .models import MAX_MESSAGE_LENGTH
from .permissions import may_open_chat
from .selectors import chat_get_own, chat_messages, chats_own
from .services import chat_open

LIST_LIMIT = 20


@login_required
@require_GET
def chat_index(request: HttpRequest) -> HttpResponse:
    opened_from = request.GET.get("from", "")
    context = {
        "chats": list(chats_own(user=request.user)[:LIST_LIMIT]),
        "form": ChatOpenForm(initial={"opened_from": opened_from}),
        "may_open": may_open_chat(request.user),
    }
    return render(request, "livechat/index.html", context)


@login_required
@require_POST
def chat_start(request: HttpRequest) -> HttpResponse:
    form = ChatOpenForm(request.POST)
    if not form.is_valid():
        context = {"chats": list(chats_own(user=request.user)[:LIST_LIMIT]), "form": form, "may_open": True}
        return render(request, "livechat/index.html", context, status=400)
    try:
        chat = chat_open(
            actor=request.user,
            opened_from=form.cleaned_data["opened_from"],
            first_message=form.cleaned_data["message"],
        )
    except ChatNotAllowed as refused:
        raise PermissionDenied(str(refused.message)) from refused
    console_announce(chat)
    return redirect("livechat:chat", reference=chat.reference)


@login_required
@require_GET
def chat_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        chat = chat_get_own(user=request.user, reference=reference)
    except ChatNotFound as missing:
        raise Http404 from missing
    context = {"chat": chat, "messages_sent": chat_messages(chat=chat), "max_length": MAX_MESSAGE_LENGTH}
    return render(request, "livechat/chat.html", context)
