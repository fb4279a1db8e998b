"""The CapabilityStatement (/fhir/metadata) and the OpenAPI description (/fhir/openapi.json),
both generated from the same table of resource types and search parameters (queries.py)."""

from functools import cache
from typing import Any

from integrations.fhir import queries
from integrations.fhir.validate import validated

PARAM_DOCS: dict[str, tuple[str, str]] = {
    "identifier": (
        "token",
        "system|value: the NHS number (https://fhir.nhs.uk/Id/nhs-number), the MRN, the accession or the meeting",
    ),
    "patient": ("reference", "Patient/<id> or the id"),
    "subject": ("reference", "the same as patient"),
    "_id": ("token", "the resource id"),
    "_lastUpdated": ("date", "ge, gt, le, lt or eq, then a date or a time with its zone"),
    "_count": ("number", "entries per page (capped by FHIR_MAX_PAGE_SIZE)"),
}
RELEASE_DATE = "2026-11-30"


def capability_statement(base: str) -> dict[str, Any]:
    resources = []
    for name, kind in queries.RESOURCE_TYPES.items():
        params = sorted(kind.params | {"_lastUpdated", "_count"})
        resources.append(
            {
                "type": name,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": p, "type": PARAM_DOCS[p][0], "documentation": PARAM_DOCS[p][1]} for p in params
                ],
            }
        )
    return validated(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": RELEASE_DATE,
            "kind": "instance",
            "software": {"name": "Spinal MDT tracker"},
            "implementation": {"description": "Spinal metastases MDT: read-only FHIR API", "url": base.rstrip("/")},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "Per-system bearer tokens (Authorization: Bearer <token>), each scoped to "
                        "resource types; every read is recorded against the system."
                    },
                    "resource": resources,
                }
            ],
        }
    )


def _operation(name: str, summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "summary": summary,
        "tags": [name],
        "security": [{"bearer": []}],
        "parameters": parameters,
        "responses": {
            "200": {"description": "The resource, or a searchset Bundle",
                    "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/Resource"}}}},
            "400": {"description": "A bad search parameter (OperationOutcome)"},
            "401": {"description": "No token, or an unknown or withdrawn one (OperationOutcome)"},
            "403": {"description": "The token's scopes do not include this resource type (OperationOutcome)"},
            "404": {"description": "No such resource (OperationOutcome)"},
        },
    }  # fmt: skip


@cache
def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name, kind in queries.RESOURCE_TYPES.items():
        query = [
            {"name": p, "in": "query", "required": False, "description": PARAM_DOCS[p][1], "schema": {"type": "string"}}
            for p in sorted(kind.params | {"_lastUpdated", "_count"})
        ]
        cursor = "keyset cursor: follow the Bundle's next link"
        query.append({"name": "after", "in": "query", "required": False, "description": cursor,
                      "schema": {"type": "string"}})  # fmt: skip
        paths[f"/{name}"] = {"get": _operation(name, f"Search {name}", query)}
        read = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        paths[f"/{name}/{{id}}"] = {"get": _operation(name, f"Read one {name}", read)}
    return paths


def openapi(base: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Spinal MDT tracker FHIR R4 API",
            "version": RELEASE_DATE,
            "description": "Read-only FHIR R4 (JSON). The CapabilityStatement at /metadata is the FHIR description.",
        },
        "servers": [{"url": base.rstrip("/")}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Resource": {"type": "object", "properties": {"resourceType": {"type": "string"}}}},
        },
        "paths": {"/metadata": {"get": {"summary": "CapabilityStatement", "responses": {"200": {"description": "OK"}}}},
                  **_paths()},
    }  # fmt: skip
