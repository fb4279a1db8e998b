"""The FHIR R4 read API at /fhir/: read and search for six resource types, the
CapabilityStatement and the OpenAPI description.

Every resource sent is validated (fhir.resources) and its reading recorded in the access
records (kind api_read, under the client's system user), one INSERT per response.
"""

from typing import Any
from urllib.parse import urlencode

import pydantic
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from accounts.services import access_record_many
from integrations.fhir import capability, queries, search
from integrations.fhir.auth import Forbidden, Unauthorized, client_for
from integrations.fhir.responses import bundle, fhir_response, outcome
from integrations.fhir.validate import check


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/")


def _authorised(request: HttpRequest, resource_type: str) -> Any:
    try:
        return client_for(request, resource_type)
    except Unauthorized as exc:
        return outcome(401, "login", str(exc))
    except Forbidden as exc:
        return outcome(403, "forbidden", str(exc))


def _record(client: Any, hits: list[queries.Hit]) -> None:
    access_record_many(user=client.user, cases=[(hit.patient_id, hit.case_id) for hit in hits], kind="api_read")


@login_not_required
@require_safe
def search_view(request: HttpRequest, resource_type: str) -> HttpResponse:
    client = _authorised(request, resource_type)
    if isinstance(client, HttpResponse):
        return client
    kind = queries.RESOURCE_TYPES[resource_type]
    try:
        found = search.parse(dict(request.GET.lists()), kind.params)
        page = kind.search(found)
    except search.SearchError as exc:
        return outcome(400, "invalid", str(exc))
    base = base_url(request)
    next_url = None
    if page.next_after is not None:
        params = [(key, value) for key, values in request.GET.lists() if key != "after" for value in values]
        next_url = f"{base}{resource_type}?{urlencode([*params, ('after', page.next_after)])}"
    try:
        result = bundle([hit.resource for hit in page.hits], base, request.build_absolute_uri(), next_url)
    except pydantic.ValidationError:
        return outcome(500, "exception", f"A {resource_type} could not be expressed as valid FHIR.")
    _record(client, page.hits)
    return fhir_response(result)


@login_not_required
@require_safe
def read_view(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    client = _authorised(request, resource_type)
    if isinstance(client, HttpResponse):
        return client
    hits = queries.RESOURCE_TYPES[resource_type].read(resource_id)
    if not hits:
        return outcome(404, "not-found", f"{resource_type}/{resource_id} is not known here.")
    resource = hits[0].resource
    try:
        check(resource)
    except pydantic.ValidationError:
        return outcome(500, "exception", f"{resource_type}/{resource_id} could not be expressed as valid FHIR.")
    _record(client, hits)
    return fhir_response(resource)


@login_not_required
@require_safe
def metadata_view(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR clients read it before they authenticate."""
    return fhir_response(capability.capability_statement(base_url(request)))


@login_not_required
@require_safe
def openapi_view(request: HttpRequest) -> HttpResponse:
    response = fhir_response(capability.openapi(base_url(request)))
    response["Content-Type"] = "application/json"
    return response
