"""The PACS viewer link of a scan, from PACS_VIEWER_URL (docs/integration.md, "PACS").

The template names {accession} and/or {study_uid}; both are URL-quoted. No template, or a scan
without a key the template needs, gives no link: the pages show none rather than a link to nowhere.
"""

import string
from urllib.parse import quote

from django.conf import settings

FIELDS = frozenset({"accession", "study_uid"})


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def viewer_url(*, accession: str, study_uid: str) -> str | None:
    template = str(settings.PACS_VIEWER_URL)
    known = {"accession": accession, "study_uid": study_uid}
    # A link only when every key the template names is known: half an address opens the wrong study or none.
    if not template or not all(known[name] for name in template_fields(template)):
        return None
    return template.format(accession=quote(accession, safe=""), study_uid=quote(study_uid, safe=""))
