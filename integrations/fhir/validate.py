"""Every resource the API sends is built as a plain dict and then validated by fhir.resources.

fhir.resources 8 ships R5 (the package root), R4B and STU3, and no R4 4.0.1 module. R4B
(4.3.0) keeps R4's definitions of the resources served here (Patient, Condition, ImagingStudy,
Observation, CarePlan, Encounter, Bundle, OperationOutcome, CapabilityStatement); the API uses
only elements that exist in both, so validating with R4B validates the R4 resource.
"""

from typing import Any

from fhir.resources.R4B import get_fhir_model_class


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, checked against its R4B model (raises pydantic.ValidationError), as JSON-ready data."""
    model = get_fhir_model_class(resource["resourceType"])
    return model.model_validate(resource).model_dump(mode="json", exclude_none=True)


def check(resource: dict[str, Any]) -> None:
    """Validate without converting (the pages' bundles are checked entry by entry)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


__all__ = ["check", "validated"]
