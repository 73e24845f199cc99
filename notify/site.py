"""The subscription pages residents see, on the council's website (knowledge service).

- ``GET /subscribe`` (``/cy/subscribe``): the form. A postcode finds the addresses
  through the back office; then what to be told about, and by email or text.
  ``POST`` checks everything, answers bad input with GOV.UK's error summary,
  and on success stores a pending subscription and queues the confirmation
  message only ("check your inbox").
- ``GET /subscriptions/{token}/confirm``: the link in the confirmation message.
- ``GET`` or ``POST /subscriptions/{token}/unsubscribe``: one click, no sign-in
  (the ``POST`` is what mail clients' one-click unsubscribe sends).
- ``GET``/``POST /subscriptions/{token}``: the preferences page (what, how, stop).

Every write is anonymous, so each is rate-limited per client address. The token
is opaque and signed (``notify.subscriptions``); a tampered one is a plain 404.
The form's language is its path's; the linked pages' is the subscription's.
Mounted through core's registry (``frontdoor.components.site_routers``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from backoffice import demo_backoffice, references
from backoffice.exceptions import InvalidReference
from backoffice.ports import Property
from frontdoor.notifications import Channel
from frontdoor.ratelimit import Check, RateLimiter, client_address
from frontdoor.subscriptions import TOPICS, SubscriptionRefused, SubscriptionRequest, Topic
from knowledge.routes.site import _context
from notify.settings import SubscriptionSettings, subscriptions_from
from notify.subscriptions import Subscription, Subscriptions
from notify.subtext import text_for

router = APIRouter(tags=["subscriptions"], include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
REASON_TEXT = {"no_channel": "err_no_channel", "address_needed": "err_address_needed"}


def _state(request: Request) -> tuple[Subscriptions, SubscriptionSettings]:
    """The subscriptions service, composed once per app (tests set it beforehand)."""
    state = request.app.state
    settings = getattr(state, "subscription_settings", None) or SubscriptionSettings.load()
    state.subscription_settings = settings
    found = getattr(state, "subscriptions", None)
    if found is None:
        site = state.settings
        found = state.subscriptions = subscriptions_from(
            state.engine,
            demo_backoffice(state.engine),
            council_name=site.council_name,
            secret=site.require_secret("secret_key"),
            settings=settings,
            site_url=site.public_url or str(request.base_url),
        )
    return found, settings


def _now(request: Request) -> datetime:
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def _templates(request: Request) -> Jinja2Templates:
    state = request.app.state
    made = getattr(state, "notify_site_templates", None)
    if made is None:
        site = state.templates.env
        env = site.overlay(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), site.loader]))
        made = state.notify_site_templates = Jinja2Templates(env=env)
    return made


def _page(
    request: Request, template: str, language: str, status: int = 200, **values: Any
) -> HTMLResponse:
    context = _context(request, language, s=text_for(language), **values)
    return _templates(request).TemplateResponse(request, template, context, status_code=status)


def _limit(request: Request, which: str) -> None:
    _, settings = _state(request)
    limiter: RateLimiter = request.app.state.limiter
    limit = settings.subscription_limit_links
    if which == "form":
        limit = settings.subscription_limit_form
    limiter.hit(Check(limit, f"subscribe:{which}", client_address(request)))


def _language(request: Request) -> str:
    return "cy" if request.url.path.startswith("/cy/") else "en"


def _homes(request: Request, postcode: str) -> tuple[str, list[Property]]:
    """The canonical postcode and its addresses; ("", []) when it is not a postcode."""
    try:
        canonical = references.postcode(postcode)
    except InvalidReference:
        return "", []
    service, _ = _state(request)
    return canonical, service.backoffice.properties.find_by_postcode(canonical)


def _form(
    request: Request, *, status: int = 200, errors: list[tuple[str, str]] | None = None,
    **values: Any,
) -> HTMLResponse:  # fmt: skip
    language = _language(request)
    s = text_for(language)
    other = "/subscribe" if language == "cy" else "/cy/subscribe"
    defaults: dict[str, Any] = {
        "postcode": "", "homes": [], "uprn": "", "topics": ["bins"], "channel": "",
        "email": "", "phone": "", "case_reference": "",
    }  # fmt: skip
    return _page(
        request, "subscriptions/form.html", language, status=status, title=s["title"],
        errors=errors or [], alternate_url=other, action=request.url.path, topic_names=TOPICS,
        **{**defaults, **values},
    )  # fmt: skip


@router.get("/subscribe", response_class=HTMLResponse)
@router.get("/cy/subscribe", response_class=HTMLResponse)
def subscribe_form(
    request: Request, postcode: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    if not postcode.strip():
        return _form(request)
    _limit(request, "form")  # each look-up reads the back office: limited like a write
    s = text_for(_language(request))
    canonical, homes = _homes(request, postcode)
    if not canonical:
        return _form(request, status=422, postcode=postcode,
                     errors=[("postcode", s["err_postcode"])])  # fmt: skip
    if not homes:
        return _form(request, status=422, postcode=canonical,
                     errors=[("postcode", s["err_unknown_postcode"])])  # fmt: skip
    return _form(request, postcode=canonical, homes=homes)


@router.post("/subscribe", response_class=HTMLResponse)
@router.post("/cy/subscribe", response_class=HTMLResponse)
def subscribe(
    request: Request,
    postcode: Annotated[str, Form(max_length=20)] = "",
    uprn: Annotated[str, Form(max_length=20)] = "",
    topics: Annotated[list[str] | None, Form(max_length=20)] = None,
    channel: Annotated[str, Form(max_length=10)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    case_reference: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    _limit(request, "form")
    language = _language(request)
    s = text_for(language)
    chosen = [t for t in (topics or []) if t in TOPICS]
    values: dict[str, Any] = {
        "postcode": postcode, "uprn": uprn, "topics": chosen, "channel": channel,
        "email": email, "phone": phone, "case_reference": case_reference,
    }  # fmt: skip
    canonical, homes = _homes(request, postcode) if postcode.strip() else ("", [])
    values["homes"] = homes
    if canonical:
        values["postcode"] = canonical
    errors: list[tuple[str, str]] = []
    wants_address = bool({"bins", "disruptions"} & set(chosen))
    if wants_address and not canonical:
        errors.append(("postcode", s["err_postcode"]))
    elif wants_address and not homes:
        errors.append(("postcode", s["err_unknown_postcode"]))
    elif wants_address and uprn not in {h.uprn for h in homes}:
        reason = "err_unknown_address" if uprn else "err_address_needed"
        errors.append(("uprn", s[reason]))
    if not chosen:
        errors.append(("topics", s["err_no_topic"]))
    if channel not in ("email", "sms"):
        errors.append(("channel", s["err_no_channel"]))
    if errors:
        return _form(request, status=422, errors=errors, **values)
    service, _ = _state(request)
    wanted = SubscriptionRequest(
        channel=cast(Channel, channel),
        contact=email if channel == "email" else phone,
        topics=frozenset(cast(list[Topic], chosen)),
        uprn=uprn or None,
        case_reference=case_reference.strip() or None,
        language="cy" if language == "cy" else "en",
    )
    try:
        service.request(wanted, now=_now(request))
    except SubscriptionRefused as exc:
        message = s[REASON_TEXT.get(exc.reason, f"err_{exc.reason}")]
        return _form(request, status=422, errors=[(exc.field, message)], **values)
    place = s["check_phone"] if channel == "sms" else s["check_inbox"]
    contact = email.strip() if channel == "email" else phone.strip()
    return _page(request, "subscriptions/message.html", language,
                 title=s["check_title"].format(place=place),
                 paragraphs=[s["check_body"].format(contact=contact)])  # fmt: skip


def _bad_link(request: Request) -> HTMLResponse:
    s = text_for(_language(request))
    return _page(request, "subscriptions/message.html", _language(request), status=404,
                 title=s["link_title"], paragraphs=[s["link_body"]],
                 again=True)  # fmt: skip


@router.get("/subscriptions/{token}/confirm", response_class=HTMLResponse)
def confirm(request: Request, token: str) -> Response:
    _limit(request, "links")
    service, _ = _state(request)
    found = service.confirm(token, now=_now(request))
    if found is None:
        return _bad_link(request)
    s = text_for(found.language)
    return _page(request, "subscriptions/message.html", found.language,
                 title=s["confirmed_title"],
                 paragraphs=[s["confirmed_body"].format(what=service.what(found))],
                 preferences_url=f"/subscriptions/{token}")  # fmt: skip


@router.get("/subscriptions/{token}/unsubscribe", response_class=HTMLResponse)
@router.post("/subscriptions/{token}/unsubscribe", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> Response:
    _limit(request, "links")
    service, _ = _state(request)
    found = service.unsubscribe(token, now=_now(request))
    if found is None:
        return _bad_link(request)
    s = text_for(found.language)
    return _page(request, "subscriptions/message.html", found.language,
                 title=s["unsubscribed_title"], paragraphs=[s["unsubscribed_body"]],
                 again=True)  # fmt: skip


def _preferences(
    request: Request, token: str, found: Subscription, *, status: int = 200,
    errors: list[tuple[str, str]] | None = None, notice: str = "", **values: Any,
) -> HTMLResponse:  # fmt: skip
    s = text_for(found.language)
    current = {"topics": sorted(found.topics), "channel": found.channel,
               "email": found.contact if found.channel == "email" else "",
               "phone": found.contact if found.channel == "sms" else ""}  # fmt: skip
    return _page(request, "subscriptions/preferences.html", found.language, status=status,
                 title=s["prefs_title"], errors=errors or [], notice=notice, token=token,
                 subscription=found, topic_names=TOPICS, **{**current, **values})  # fmt: skip


@router.get("/subscriptions/{token}", response_class=HTMLResponse)
def preferences(request: Request, token: str) -> Response:
    _limit(request, "links")
    service, _ = _state(request)
    found = service.find(token)
    if found is None or found.status == "ended":
        return _bad_link(request)
    return _preferences(request, token, found)


@router.post("/subscriptions/{token}", response_class=HTMLResponse)
def change_preferences(
    request: Request,
    token: str,
    topics: Annotated[list[str] | None, Form(max_length=20)] = None,
    channel: Annotated[str, Form(max_length=10)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    _limit(request, "links")
    service, _ = _state(request)
    found = service.find(token)
    if found is None or found.status == "ended":
        return _bad_link(request)
    s = text_for(found.language)
    chosen = [t for t in (topics or []) if t in TOPICS]
    values: dict[str, Any] = {"topics": chosen, "channel": channel, "email": email, "phone": phone}
    errors: list[tuple[str, str]] = []
    if not chosen:
        errors.append(("topics", s["err_no_topic"]))
    if channel not in ("email", "sms"):
        errors.append(("channel", s["err_no_channel"]))
    changed = None
    if not errors:
        try:
            changed = service.change(
                token, topics=frozenset(cast(list[Topic], chosen)),
                channel=cast(Channel, channel), contact=email if channel == "email" else phone,
                now=_now(request),
            )  # fmt: skip
        except SubscriptionRefused as exc:
            message = s[REASON_TEXT.get(exc.reason, f"err_{exc.reason}")]
            errors.append((exc.field, message))
    if errors or changed is None:
        return _preferences(request, token, found, status=422, errors=errors, **values)
    subscription, new_contact = changed
    if new_contact:
        sent = s["prefs_new_contact"].format(contact=subscription.contact)
        return _page(request, "subscriptions/message.html", subscription.language,
                     title=s["prefs_title"], paragraphs=[sent])  # fmt: skip
    return _preferences(request, token, subscription, notice=s["prefs_saved"])
