"""PDFs (agenda pack, meeting outcomes, outcome letters): served when built, else a progress page.

The layout runs in the Celery worker (mdt.printing); a web worker never does it, so a pack being
built never holds up anyone's page. The progress page polls `document_status` (static/js/documents.js)
and opens the PDF when it is ready.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.services import access_record_many
from mdt import printing
from mdt.models import PrintedDocument


def serve(request: HttpRequest, kind: str, object_id: int, page_url: str = "") -> HttpResponse:
    try:
        source = printing.source_for_digest(kind, object_id, page_url)
    except ObjectDoesNotExist as exc:  # the meeting, decision or letter the document prints
        raise Http404("No such document") from exc
    document = printing.document_for(kind, object_id, source, page_url)
    if document.ready and document.pdf is not None:
        access_record_many(user=request.user, cases=source.patients_and_cases, kind="pdf_download")
        response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{source.filename}"'
        return response
    return render(
        request,
        "mdt/document_progress.html",
        {"document": document, "pdf_url": request.get_full_path()},
        status=202,
    )


@never_cache
def document_status(request: HttpRequest, document_id: int) -> JsonResponse:
    """Where a build stands, for the progress page: no patient data, the row's state only."""
    document = get_object_or_404(PrintedDocument.objects.defer("pdf"), pk=document_id)
    return JsonResponse(
        {
            "status": document.status,
            "label": document.get_status_display(),
            "ready": document.ready,
            "failed": document.status == PrintedDocument.Status.FAILED,
            "seconds": round((timezone.now() - document.requested_at).total_seconds()),
        }
    )
