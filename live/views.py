"""The live meeting's pages: the shared screen, its state for the followers, and the driver's actions.

Followers never hold a web worker: their screens (static/js/live.js) ask `live_state` every
couple of seconds with If-None-Match, and get a 304 from one query unless something changed;
then the panel's HTML comes in the same answer. Actions are POST-only and redirect back to the
live page, with a message naming the rule when one refuses.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from accounts.services import access_record
from core.forms import add_service_errors, errors_text, named_errors
from core.timezones import local_day
from live import selectors, services, trials
from live.forms import ConfirmForm, ItemOutcomeForm, RecordingForm, ScreenForm, StepForm, TrialAnswerForm
from live.models import LiveSession
from live.selectors import LiveView
from mdt.forms.decisions import DecisionForm, OutcomeForm, follow_up_formset
from mdt.models import Meeting


def _poll_ms() -> int:
    """How often a follower's screen asks whether anything changed (milliseconds; LIVE_POLL_MS)."""
    return int(settings.LIVE_POLL_MS)


def _follower(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def checked(request: HttpRequest, meeting_id: int, **kwargs: Any) -> HttpResponse:
        if not policy.can_follow_meeting(request.user):
            raise PermissionDenied("Only the service's staff follow a meeting.")
        return view(request, meeting_id, **kwargs)

    return checked


def _posted(form_class: type[Form], request: HttpRequest) -> dict[str, Any]:
    """The POST through the action's form (live.forms): a bad value is refused with a message naming it."""
    form = form_class(request.POST)
    if not form.is_valid():
        raise named_errors(form)
    return form.cleaned_data


def _from_item(request: HttpRequest) -> int | None:
    return _posted(ScreenForm, request)["from_item"]


def _panel_context(request: HttpRequest, view: LiveView) -> dict[str, Any]:
    user = request.user
    member = policy.member_of(user)
    driver = policy.can_drive_meeting(user, view.meeting.chair_id)
    checked_in = member is not None and any(c.member_id == member.pk for c in view.check_ins)
    return {
        "live": view,
        "meeting": view.meeting,
        "session": view.session,
        "current": view.block,
        "decision": view.decision,
        "driver": driver,
        "can_confirm": policy.can_drive_any_meeting(user),
        "may_check_in": policy.can_check_in(user) and not checked_in,
        "checked_in": checked_in,
    }


def _seen(request: HttpRequest, view: LiveView) -> None:
    """Who saw which patient: recorded when the panel shows a case (not on every poll)."""
    item = view.current_item
    if item is not None:
        access_record(user=request.user, patient_id=item.case.patient_id, case_id=item.case_id, kind="agenda")


# The case's part of the panel is the same for every follower: rendered once per change (per web
# process) and shared, so thirty followers asking at once cost one rendering, not thirty. Kept in this
# process's memory only (never a shared cache: it holds patient details), briefly.
_CASES = LocMemCache("live-cases", {"TIMEOUT": 60, "OPTIONS": {"MAX_ENTRIES": 100}})


def _case_html(view: LiveView, tag: str, *, fresh: bool = False) -> str:
    key = f"case:{tag}"
    html = None if fresh else _CASES.get(key)
    if html is None:
        context = {"live": view, "session": view.session, "current": view.block, "decision": view.decision}
        html = render_to_string("live/_case.html", {**context, "meeting": view.meeting})
        _CASES.set(key, html)
    return str(html)


def _panel(request: HttpRequest, meeting_id: int, tag: str) -> tuple[LiveView, dict[str, Any]]:
    """The view and the panel's context; the case's part from the shared rendering when there is one."""
    cached = _CASES.get(f"case:{tag}")
    view = selectors.live_view(meeting_id, with_case=cached is None)
    context = _panel_context(request, view)
    context["case_html"] = mark_safe(cached if cached is not None else _case_html(view, tag))  # noqa: S308 - our template's output
    return view, context


@never_cache
@require_GET
@_follower
def live_state(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """304 while nothing changed (one query); else the panel's HTML with its new ETag."""
    tag = selectors.state_tag(meeting_id)
    if tag is None:
        raise Http404("No such meeting")
    if request.headers.get("If-None-Match") == tag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        view, context = _panel(request, meeting_id, tag)
        _seen(request, view)
        response = HttpResponse(render_to_string("live/_panel.html", context, request=request))
    response["ETag"] = tag
    return response


def _page(request: HttpRequest, meeting_id: int, forms: dict[str, Any] | None = None) -> HttpResponse:
    tag = selectors.state_tag(meeting_id)
    if tag is None:
        raise Http404("No such meeting")
    view = selectors.live_view(meeting_id)
    _seen(request, view)
    context = _panel_context(request, view)
    context["case_html"] = mark_safe(_case_html(view, tag, fresh=True))  # noqa: S308 - our template's output
    session = view.session
    recording = bool(session and not session.ended and session.phase == LiveSession.Phase.RECORDING)
    if context["driver"]:  # the driver's controls: each form carries the case on this screen
        context["screen"] = ScreenForm.showing(session.current_item_id if session else None)
        context["jump"] = StepForm.jump(view.order, session.current_item_id if session else None)
    if context["driver"] and recording and view.block is not None:
        context.update(forms or _outcome_forms(view))
    context.update({"etag": tag, "poll_ms": _poll_ms(), "recording": recording})
    return render(request, "live/live.html", context)


def _first_initial(item: Any) -> dict[str, Any]:
    """As the outcome page: the responsible clinician and the presenter named, when they may sign."""
    people = [getattr(item.case.responsible_clinician, "member", None), item.presenter]
    named = [m.pk for m in people if m is not None and policy.role_may_sign(m.role)]
    return {"responsible": list(dict.fromkeys(named)), "patient_preferences_considered": "yes"}


def _outcome_forms(view: LiveView, posted: Any = None) -> dict[str, Any]:
    """The outcome page's forms (mdt.forms.decisions), for the case on the screen."""
    assert view.block is not None
    item, current = view.block.item, view.decision
    initial = DecisionForm.initial_from(current) if current else _first_initial(item)
    return {
        "form": DecisionForm(posted, initial=initial),
        "follow_ups": follow_up_formset(posted, not_before=local_day(item.meeting.starts_at)),
        "outcome": OutcomeForm(posted if posted and posted.get("action") in ("not_discussed", "withdrawn") else None),
        "trial_form": TrialAnswerForm(posted, matches=view.trials),
    }


@never_cache
@require_GET
@_follower
def live_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _page(request, meeting_id)


def live_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST only; a missing meeting is a 404; a refused rule is a message on the live page."""

    @wraps(view)
    @require_POST
    def wrapper(request: HttpRequest, meeting_id: int) -> HttpResponse:
        if not Meeting.objects.filter(pk=meeting_id).exists():
            raise Http404("No such meeting")
        try:
            return view(request, meeting_id)
        except ValidationError as exc:
            messages.error(request, errors_text(exc))
            return redirect("live:page", meeting_id)

    return wrapper


@live_action
def live_start(request: HttpRequest, meeting_id: int) -> HttpResponse:
    services.live_start(meeting_id=meeting_id, user=request.user)
    return redirect("live:page", meeting_id)


@live_action
def live_step(request: HttpRequest, meeting_id: int) -> HttpResponse:
    data = _posted(StepForm, request)
    services.live_step(
        meeting_id=meeting_id,
        user=request.user,
        action=data["action"],
        from_item_id=data["from_item"],
        to_item_id=data["to_item"],
    )
    return redirect("live:page", meeting_id)


@live_action
def live_recording(request: HttpRequest, meeting_id: int) -> HttpResponse:
    data = _posted(RecordingForm, request)
    if data["action"] == "cancel":
        services.live_cancel_recording(meeting_id=meeting_id, user=request.user)
    else:
        services.live_recording(meeting_id=meeting_id, user=request.user, from_item_id=data["from_item"])
    return redirect("live:page", meeting_id)


def _save_outcome(request: HttpRequest, meeting_id: int, form: DecisionForm, follow_ups: Any) -> None:
    """The decision and, with it, whether a trial was considered: one transaction (a refused trial entry
    saves neither)."""
    with transaction.atomic():
        decision = services.live_record_decision(
            meeting_id=meeting_id,
            user=request.user,
            from_item_id=_from_item(request),
            data=form.to_input(follow_ups),
            loaded_version=form.cleaned_data.get("loaded_version"),
        )
        trials.record_posted(decision, request.user, request.POST)


@live_action
def live_outcome(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The outcome of the case on the screen: the outcome page's forms and services, from the live screen."""
    meeting = Meeting.objects.only("chair_id").get(pk=meeting_id)
    if not policy.can_drive_meeting(request.user, meeting.chair_id):
        raise PermissionDenied("Only a coordinator or the meeting's chair drives the live screen.")
    if request.POST.get("action") in ("not_discussed", "withdrawn"):
        data = _posted(ItemOutcomeForm, request)
        item = services.live_record_item_outcome(
            meeting_id=meeting_id,
            user=request.user,
            from_item_id=data["from_item"],
            status=data["action"],
            reason=data["reason"],
        )
        mrn = item.case.patient.mrn
        said = "not discussed" if data["action"] == "not_discussed" else "withdrawn"
        messages.success(request, f"Outcome recorded for MRN {mrn}: {said}.")
        return redirect("live:page", meeting_id)
    view = selectors.live_view(meeting_id)
    if view.block is None:
        raise ValidationError({"item": "No case is on the screen."})
    forms = _outcome_forms(view, request.POST)
    form, follow_ups = forms["form"], forms["follow_ups"]
    if form.is_valid() and follow_ups.is_valid():
        try:
            _save_outcome(request, meeting_id, form, follow_ups)
        except ValidationError as exc:
            if "item" in getattr(exc, "error_dict", {}):
                raise
            add_service_errors(form, exc, forms["trial_form"])  # each message beside its field
        else:
            messages.success(request, f"Decision for {view.block.item.case.patient.mrn} saved: awaiting sign-off.")
            return redirect("live:page", meeting_id)
    return _page(request, meeting_id, forms)


@live_action
def live_check_in(request: HttpRequest, meeting_id: int) -> HttpResponse:
    services.live_check_in(meeting_id=meeting_id, user=request.user)
    messages.success(request, "You are marked present: a coordinator confirms it.")
    return redirect("live:page", meeting_id)


@live_action
def live_confirm(request: HttpRequest, meeting_id: int) -> HttpResponse:
    data = _posted(ConfirmForm, request)
    services.live_confirm(
        meeting_id=meeting_id, user=request.user, member_id=data["member"], present=data["present"] != "0"
    )
    return redirect("live:page", meeting_id)


@live_action
def live_end(request: HttpRequest, meeting_id: int) -> HttpResponse:
    services.live_end(meeting_id=meeting_id, user=request.user)
    messages.success(request, "The live meeting has ended. The time spent on each case is on the meeting's page.")
    return redirect("live:page", meeting_id)
