"""FHIR JSON responses: resources, search Bundles and OperationOutcomes, never cached."""

import json
from typing import Any

from django.http import HttpResponse

from integrations.fhir.validate import check, validated

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, separators=(",", ":")), content_type=CONTENT_TYPE, status=status)
    response["Cache-Control"] = "no-store, private"
    return response


def outcome(status: int, code: str, message: str) -> HttpResponse:
    """An OperationOutcome: `code` from the FHIR issue-type value set (not-found, security, invalid...)."""
    resource = validated(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}],
        }
    )
    response = fhir_response(resource, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def bundle(resources: list[dict[str, Any]], base: str, self_url: str, next_url: str | None) -> dict[str, Any]:
    """A searchset Bundle. Each resource is validated once, by its own model, and the envelope (links,
    entries' fullUrl and search mode) by Bundle's: validating the whole Bundle at once resolves every
    entry's type again and cost three times as much (docs/benchmarks.md, "Integrations")."""
    for resource in resources:
        check(resource)
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    envelope: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": [
            {"fullUrl": f"{base}{resource['resourceType']}/{resource['id']}", "search": {"mode": "match"}}
            for resource in resources
        ],
    }
    check(envelope)
    for entry, resource in zip(envelope["entry"], resources, strict=True):
        entry["resource"] = resource
    return envelope
