"""Requests with a NUL character in a parameter are refused before any view sees them.

PostgreSQL text cannot hold NUL (\x00), and a search or save with one fails inside the database
driver: a 500. Forms refuse NUL in their CharFields, but admin searches, filters and autocomplete
read parameters directly. Nobody types a NUL; one in a request is an attack or a broken client.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                "The request contained a NUL character, which no field accepts.", content_type="text/plain"
            )
        return self.get_response(request)
