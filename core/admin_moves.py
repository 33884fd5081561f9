"""Admin change pages that offer a record's moves after Django's change form, each a form of its own.

A form nested in the change form is dropped by the browser, so each move is a separate form after it,
posting with its CSRF token to the move's own view, which calls the domain's service. A refused move is
shown on the record's page again, its error next to the field it concerns, with status 400; nothing changes.

A ``ModelAdmin`` mixes this in, names its moves (``moves``: name -> (form class or None, label)), says who
may move at all (``move_allowed``, checked before the record is looked up) and which moves a record offers
(``moves_offered``), and carries a move out (``move_perform``, returning the message shown on success).
"""

import copy

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy

from .errors import DomainError


class MoveFormsAdminMixin:
    moves: dict = {}
    moves_heading = ""
    moves_intro = ""
    move_missing = gettext_lazy("This record is not here any more.")

    def move_allowed(self, request) -> bool:
        raise NotImplementedError

    def moves_offered(self, request, obj) -> list[str]:
        return list(self.moves)

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        raise NotImplementedError

    def move_done_url(self, request, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def _move_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_move"

    def _change_url(self, object_id) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])

    def get_urls(self):
        move = path(
            "<path:object_id>/move/<slug:name>/",
            self.admin_site.admin_view(self.move_view),
            name=self._move_url_name(),
        )
        return [move, *super().get_urls()]

    def _move_form(self, name: str, data=None):
        form_class = self.moves[name][0]
        return None if form_class is None else form_class(data, prefix=name)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            failed_name, failed_form = context.pop("failed_move", None) or (None, None)
            offered = self.moves_offered(request, obj) if self.move_allowed(request) else []
            context["moves"] = [
                {
                    "name": name,
                    "label": self.moves[name][1],
                    "form": failed_form if name == failed_name else self._move_form(name),
                    "url": reverse(f"admin:{self._move_url_name()}", args=[obj.pk, name]),
                }
                for name in offered
            ]
            context.setdefault("moves_heading", self.moves_heading)
            context.setdefault("moves_intro", self.moves_intro)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def move_view(self, request, object_id, name):
        """Carry out one move through the service; a refusal is shown on the record's page again."""
        if not self.move_allowed(request):
            raise PermissionDenied  # before the record is looked up
        if name not in self.moves:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(object_id))
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            self.message_user(request, str(self.move_missing), messages.ERROR)
            return HttpResponseRedirect(self.move_done_url(request, None))
        form = self._move_form(name, request.POST)
        if form is None or form.is_valid():
            try:
                done = self.move_perform(request, obj, name, form.cleaned_data if form is not None else {})
            except DomainError as error:
                if form is None or error.field not in form.fields:
                    self.message_user(request, str(error.message), messages.ERROR)
                    return HttpResponseRedirect(self._change_url(obj.pk))
                form.add_error(error.field, str(error.message))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(self.move_done_url(request, obj))
        page_request = copy.copy(request)
        page_request.method = "GET"
        response = self.change_view(page_request, str(obj.pk), extra_context={"failed_move": (name, form)})
        response.status_code = 400
        return response
