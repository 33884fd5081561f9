"""The API's JSON parser: DRF's, refusing documents nested deeper than any endpoint reads.

Python's JSON decoder recurses once per level, so a body nested a hundred thousand deep raises a
RecursionError instead of a parse error; one nested a few hundred deep parses, but then reaches code that
recurses as well (an error message quoting the value). No endpoint takes more than a few levels.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Levels of arrays and objects a request body may have; the deepest input (remedies in a list) needs 3.
MAX_JSON_DEPTH = 32


def json_depth(value) -> int:
    """Return how many levels of arrays and objects the value has, without recursing."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(self.too_deep_message()) from error
        if json_depth(document) > MAX_JSON_DEPTH:
            raise ParseError(self.too_deep_message())
        return document

    @staticmethod
    def too_deep_message() -> str:
        return _("The JSON document is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}
