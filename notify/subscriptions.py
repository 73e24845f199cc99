"""Residents' subscriptions: double opt-in, signed links, and what is due to whom.

A request is stored ``pending`` and only its confirmation message is queued;
following the link in it makes the subscription ``active``. Every message
carries a link to stop them and one to change preferences; the links carry
only an opaque token: a random public id and its HMAC-SHA256 signature with
the instance secret (so a tampered or invented token is refused, and the
scheduler can rebuild the links without storing them). No personal data is in
a URL.

:meth:`Subscriptions.run_due` is the scheduler's work: it queues, through core's
notifications port, each active subscription's due messages under an
idempotency key (``bin:{id}:{collection day}``, ``disruption:{id}:{disruption}``,
``case:{id}:{reference}:{status change}``), so a re-run or a restart queues
nothing twice, and a run missed at the reminder time is caught up at the next
run the same evening (before the collection day).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine, RowMapping

from backoffice import references
from backoffice.exceptions import BackOfficeError, InvalidReference, NotFound
from backoffice.ports import BackOffice, Disruption, Property
from frontdoor.clock import london_now
from frontdoor.notifications import Channel, Notification, Notifications
from frontdoor.subscriptions import (
    Language,
    SubscriptionRefused,
    SubscriptionRequest,
    Topic,
)
from notify.models import subscriptions as table
from notify.subtext import bin_label, joined, long_day, status_label, text_for

CONFIRM_WITHIN = timedelta(days=7)
BATCH = 200  # messages queued per transaction in a scheduler's run
LOOKUPS = 4  # back-office look-ups in flight during a run
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_TOKEN = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9_-]{43}")


# --- tokens and contacts ---------------------------------------------------------------


def _signature(secret: str, public_id: str) -> str:
    digest = hmac.new(secret.encode(), f"subscription:{public_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def make_token(secret: str, public_id: str) -> str:
    return f"{public_id}.{_signature(secret, public_id)}"


def read_token(secret: str, token: str) -> str | None:
    """The public id a token names, or None when it is malformed or not signed by us."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    public_id, signature = token.split(".")
    if not hmac.compare_digest(signature, _signature(secret, public_id)):
        return None
    return public_id


def contact_for(channel: str, value: str) -> str:
    """The contact in canonical form; SubscriptionRefused when it is not one."""
    raw = (value or "").strip()
    if channel == "email":
        if len(raw) > 320 or not _EMAIL.fullmatch(raw):
            raise SubscriptionRefused("bad_email", "email")
        name, domain = raw.rsplit("@", 1)
        return f"{name}@{domain.lower()}"
    if channel == "sms":
        digits = re.sub(r"[\s().-]", "", raw)
        if digits.startswith("+44"):
            digits = "0" + digits[3:]
        elif digits.startswith("0044"):
            digits = "0" + digits[4:]
        if not re.fullmatch(r"07\d{9}", digits):
            raise SubscriptionRefused("bad_phone", "phone")
        return digits
    raise SubscriptionRefused("no_channel", "channel")


# --- the record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    id: int
    public_id: str
    status: str  # pending | active | ended
    channel: Channel
    contact: str
    language: Language
    uprn: str | None
    address: str | None  # one line, postcode last
    postcode: str | None
    case_reference: str | None
    topics: frozenset[Topic]
    requested_at: datetime
    confirmed_at: datetime | None
    ended_at: datetime | None


def _record(row: RowMapping) -> Subscription:
    topics: set[Topic] = set()
    if row["bins"]:
        topics.add("bins")
    if row["disruptions"]:
        topics.add("disruptions")
    if row["case_updates"]:
        topics.add("case")
    return Subscription(
        id=row["id"],
        public_id=row["public_id"],
        status=row["status"],
        channel="sms" if row["channel"] == "sms" else "email",
        contact=row["contact"],
        language="cy" if row["language"] == "cy" else "en",
        uprn=row["uprn"],
        address=row["address"],
        postcode=row["postcode"],
        case_reference=row["case_reference"],
        topics=frozenset(topics),
        requested_at=row["requested_at"],
        confirmed_at=row["confirmed_at"],
        ended_at=row["ended_at"],
    )


def _where(home: Property | None) -> dict[str, str | None]:
    """The address as the resident chose it (shown in reminders, matched against
    disruptions' areas), kept so a round needs no look-up per address."""
    if home is None:
        return {"address": None, "postcode": None}
    return {"address": ", ".join((*home.address_lines, home.postcode)), "postcode": home.postcode}


def _topic_columns(topics: Iterable[Topic]) -> dict[str, bool]:
    chosen = set(topics)
    return {
        "bins": "bins" in chosen,
        "disruptions": "disruptions" in chosen,
        "case_updates": "case" in chosen,
    }


class Outbox(Notifications, Protocol):
    """Core's notifications port, with what a round needs of notify's outbox: one
    transaction per batch, and which keys are queued already."""

    def enqueue_all(self, notifications: Sequence[Notification], *, now: datetime) -> int: ...

    def known(self, keys: Sequence[str]) -> set[str]: ...


def _bin_key(subscription: Subscription, day: date) -> str:
    return f"bin:{subscription.id}:{day.isoformat()}"


@dataclass
class Outcome:
    queued: int = 0  # new messages in the outbox
    already: int = 0  # keys queued by an earlier run: nothing new
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"queued {self.queued}, already queued {self.already}, errors {len(self.errors)}"


@dataclass(frozen=True)
class MessageSettings:
    site_url: str
    council_name: str
    secret: str
    email_template: str = "subscription-email"
    sms_template: str = "subscription-sms"
    reminder_at: time = time(18, 0)
    council_name_cy: str = ""  # the profile's Welsh name; empty: the English one

    def council(self, language: str) -> str:
        """The council's name in the resident's language (a Welsh message names
        it in Welsh, as the council's profile does)."""
        return (
            self.council_name_cy
            if language == "cy" and self.council_name_cy
            else (self.council_name)
        )


class Subscriptions:
    """The subscriptions service (core's ``frontdoor.subscriptions`` port and more):
    the only module that reads or writes ``nt_subscriptions``."""

    def __init__(
        self,
        engine: Engine,
        backoffice: BackOffice,
        notifications: Outbox,
        settings: MessageSettings,
    ) -> None:
        self.engine = engine
        self.backoffice = backoffice
        self.notifications = notifications
        self.settings = settings

    # --- requests and links -----------------------------------------------------------

    def check(self, request: SubscriptionRequest) -> tuple[SubscriptionRequest, Property | None]:
        """The request with canonical values and its address (None without bins or
        disruptions), or SubscriptionRefused naming the field."""
        if not request.topics:
            raise SubscriptionRefused("no_topic", "topics")
        contact = contact_for(request.channel, request.contact)
        uprn = request.uprn
        home: Property | None = None
        if {"bins", "disruptions"} & request.topics:
            if not uprn:
                raise SubscriptionRefused("address_needed", "uprn")
            try:
                home = self.backoffice.properties.get_property(uprn)
            except (NotFound, InvalidReference):
                raise SubscriptionRefused("unknown_address", "uprn") from None
            uprn = home.uprn
            if not self.backoffice.waste.services(uprn):
                raise SubscriptionRefused("unknown_address", "uprn")
        else:
            uprn = None
        case_reference = None
        if "case" in request.topics:
            if not request.case_reference:
                raise SubscriptionRefused("case_needed", "case_reference")
            try:
                case_reference = self.backoffice.cases.get_case(request.case_reference).reference
            except (NotFound, InvalidReference):
                raise SubscriptionRefused("unknown_case", "case_reference") from None
        checked = replace(request, contact=contact, uprn=uprn, case_reference=case_reference)
        return checked, home

    def request(self, request: SubscriptionRequest, *, now: datetime) -> None:
        """Store the request as pending and queue its confirmation (nothing else)."""
        request, home = self.check(request)
        public_id = secrets.token_hex(16)
        with self.engine.begin() as conn:
            conn.execute(
                insert(table).values(
                    public_id=public_id,
                    status="pending",
                    channel=request.channel,
                    contact=request.contact,
                    language=request.language,
                    uprn=request.uprn,
                    **_where(home),
                    case_reference=request.case_reference,
                    requested_at=now,
                    ended_at=now + CONFIRM_WITHIN,
                    **_topic_columns(request.topics),
                )
            )
        found = self._by_public_id(public_id)
        assert found is not None
        self._queue_confirmation(found, now=now)

    def find(self, token: str) -> Subscription | None:
        public_id = read_token(self.settings.secret, token)
        return None if public_id is None else self._by_public_id(public_id)

    def confirm(self, token: str, *, now: datetime) -> Subscription | None:
        """Follow the confirmation link: active from now. None: the link is not ours,
        the subscription ended, or its confirmation expired. Confirming twice is fine."""
        found = self.find(token)
        if found is None or found.status == "ended":
            return None
        if found.status == "active":
            return found
        if found.ended_at is not None and found.ended_at <= now:
            return None
        with self.engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == found.id, table.c.status == "pending")
                .values(status="active", confirmed_at=now, ended_at=None)
            )
        return self._by_public_id(found.public_id)

    def unsubscribe(self, token: str, *, now: datetime) -> Subscription | None:
        """One click, no sign-in: nothing more is sent. Twice is fine."""
        found = self.find(token)
        if found is None:
            return None
        if found.status != "ended":
            with self.engine.begin() as conn:
                conn.execute(
                    update(table)
                    .where(table.c.id == found.id, table.c.status != "ended")
                    .values(status="ended", ended_at=now)
                )
        return self._by_public_id(found.public_id)

    def change(
        self,
        token: str,
        *,
        topics: frozenset[Topic],
        channel: Channel,
        contact: str,
        now: datetime,
    ) -> tuple[Subscription, bool] | None:
        """Change what is sent and how. A new contact must be confirmed again (a
        new link, sent to it); returns the subscription and whether it was."""
        found = self.find(token)
        if found is None or found.status == "ended":
            return None
        wanted, home = self.check(
            SubscriptionRequest(
                channel=channel,
                contact=contact,
                topics=topics,
                uprn=found.uprn,
                case_reference=found.case_reference,
                language=found.language,
            )
        )
        new_contact = (wanted.channel, wanted.contact) != (found.channel, found.contact)
        values: dict[str, object] = {"channel": wanted.channel, "contact": wanted.contact,
                                     **_where(home), **_topic_columns(wanted.topics)}  # fmt: skip
        public_id = found.public_id
        if new_contact:  # the old link must not confirm the new address: a new one
            public_id = secrets.token_hex(16)
            values |= {"public_id": public_id, "status": "pending", "requested_at": now,
                       "confirmed_at": None, "ended_at": now + CONFIRM_WITHIN}  # fmt: skip
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == found.id).values(**values))
        changed = self._by_public_id(public_id)
        assert changed is not None
        if new_contact:
            self._queue_confirmation(changed, now=now)
        return changed, new_contact

    def token_for(self, subscription: Subscription) -> str:
        return make_token(self.settings.secret, subscription.public_id)

    def _by_public_id(self, public_id: str) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.public_id == public_id))
            first = row.mappings().first()
        return None if first is None else _record(first)

    def active(self) -> list[Subscription]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(table).where(table.c.status == "active").order_by(table.c.id)
            )
            return [_record(m) for m in rows.mappings()]

    # --- messages ---------------------------------------------------------------------

    def what(self, subscription: Subscription) -> str:
        text = text_for(subscription.language)
        parts = [text[f"what_{t}"] for t in ("bins", "disruptions") if t in subscription.topics]
        if "case" in subscription.topics:
            parts.append(text["what_case"].format(reference=subscription.case_reference))
        return joined(parts, subscription.language)

    def links(self, subscription: Subscription) -> dict[str, str]:
        token = self.token_for(subscription)
        base = f"{self.settings.site_url.rstrip('/')}/subscriptions/{token}"
        return {
            "confirm_url": f"{base}/confirm",
            "unsubscribe_url": f"{base}/unsubscribe",
            "preferences_url": base,
        }

    def _message(
        self, subscription: Subscription, key: str, subject: str, body: str
    ) -> Notification:
        text = text_for(subscription.language)
        links = self.links(subscription)
        full = body + text["footer"].format(**links)
        template = (
            self.settings.sms_template
            if subscription.channel == "sms"
            else self.settings.email_template
        )
        return Notification(
            channel=subscription.channel,
            template=template,
            recipient=subscription.contact,
            key=key,
            personalisation={"subject": subject, "body": full, **links},
        )

    def _queue_confirmation(self, subscription: Subscription, *, now: datetime) -> None:
        text = text_for(subscription.language)
        council = self.settings.council(subscription.language)
        body = text["confirm_body"].format(
            council=council,
            what=self.what(subscription),
            confirm_url=self.links(subscription)["confirm_url"],
        )
        subject = text["confirm_subject"].format(council=council)
        key = f"confirm:{subscription.public_id}"
        self.notifications.enqueue(self._message(subscription, key, subject, body), now=now)

    # --- the scheduler's run ------------------------------------------------------------

    def run_due(self, *, now: datetime) -> Outcome:
        """Queue every active subscription's due messages (idempotent by key), a
        batch per transaction. A reminder already queued (a re-run, a restart) is
        skipped before any back-office look-up."""
        outcome = Outcome()
        local = london_now(now)
        today = local.date()
        # from the reminder time on, tomorrow's collections are due (until midnight:
        # a run missed at 18:00 is caught up by any later run the same evening)
        evening = local.time() >= self.settings.reminder_at
        remind_for = today + timedelta(days=1) if evening else None
        disruptions = self._disruptions(today)
        active = self.active()
        reminded: set[str] = set()
        if remind_for is not None:
            keys = [_bin_key(s, remind_for) for s in active if "bins" in s.topics]
            reminded = self.notifications.known(keys)

        def due(subscription: Subscription) -> tuple[list[Notification], str]:
            bins_for = remind_for
            if bins_for is not None and _bin_key(subscription, bins_for) in reminded:
                bins_for = None
            try:
                return list(self._due(subscription, bins_for, disruptions)), ""
            except BackOfficeError as exc:  # one record's problem never stops the round
                return [], f"subscription {subscription.id}: {exc}"

        batch: list[Notification] = []
        # the back office answers one address at a time: a few look-ups in flight
        with ThreadPoolExecutor(max_workers=LOOKUPS) as pool:
            for found, error in pool.map(due, active):
                batch.extend(found)
                if error:
                    outcome.errors.append(error)
                if len(batch) >= BATCH:
                    self._flush(batch, outcome, now=now)
        self._flush(batch, outcome, now=now)
        outcome.already += len(reminded)
        return outcome

    def _flush(self, batch: list[Notification], outcome: Outcome, *, now: datetime) -> None:
        created = self.notifications.enqueue_all(batch, now=now)
        outcome.queued += created
        outcome.already += len(batch) - created
        batch.clear()

    def _disruptions(self, today: date) -> list[Disruption]:
        seen: dict[str, Disruption] = {}
        for day in (today, today + timedelta(days=1)):  # today's, and tomorrow's ahead
            for found in self.backoffice.waste.disruptions(on=day):
                seen.setdefault(found.disruption_id, found)
        return list(seen.values())

    def _due(
        self, subscription: Subscription, remind_for: date | None, disruptions: list[Disruption]
    ) -> Iterable[Notification]:
        uprn, postcode = subscription.uprn, subscription.postcode
        if uprn and "bins" in subscription.topics and remind_for is not None:
            message = self._bin_reminder(subscription, uprn, remind_for)
            if message is not None:
                yield message
        if postcode and "disruptions" in subscription.topics:
            for disruption in disruptions:
                if any(references.postcode_in_area(postcode, a) for a in disruption.areas):
                    yield self._disruption(subscription, disruption)
        if "case" in subscription.topics and subscription.case_reference:
            yield from self._case_updates(subscription)

    def _bin_reminder(
        self, subscription: Subscription, uprn: str, day: date
    ) -> Notification | None:
        found = self.backoffice.waste.collections(uprn, start=day, end=day)
        if not found:
            return None
        lang = subscription.language
        text = text_for(lang)
        bins = [bin_label(c.bin_type.value, c.bin_type.label, lang) for c in found]
        body = text["bin_body"].format(
            day=long_day(day, lang),
            bins=joined(bins, lang),
            address=subscription.address or "",
            them=text["them"] if len(bins) > 1 else text["it"],
        )
        subject = text["bin_subject"].format(council=self.settings.council(lang))
        return self._message(subscription, _bin_key(subscription, day), subject, body)

    def _disruption(self, subscription: Subscription, disruption: Disruption) -> Notification:
        lang = subscription.language
        text = text_for(lang)
        body = text["disruption_body"].format(
            title=disruption.title.rstrip("."), description=disruption.description
        )
        if disruption.catch_up_day is not None:
            body += text["catch_up"].format(day=long_day(disruption.catch_up_day, lang))
        subject = text["disruption_subject"].format(
            council=self.settings.council(lang), title=disruption.title
        )
        key = f"disruption:{subscription.id}:{disruption.disruption_id}"
        return self._message(subscription, key[:200], subject, body)

    def _case_updates(self, subscription: Subscription) -> Iterable[Notification]:
        assert subscription.case_reference is not None
        case = self.backoffice.cases.get_case(subscription.case_reference)
        since = subscription.confirmed_at
        lang = subscription.language
        text = text_for(lang)
        for index, change in enumerate(case.history):
            if since is None or change.at <= since:
                continue  # only what changes after the resident asked to be told
            body = text["case_body"].format(
                reference=case.reference, status=status_label(change.status.value, lang)
            )
            subject = text["case_subject"].format(
                council=self.settings.council(lang), reference=case.reference
            )
            key = f"case:{subscription.id}:{case.reference}:{index}"
            yield self._message(subscription, key, subject, body)


# --- the staff page: a page of subscriptions, and ending one on a resident's behalf ------

STATUSES = ("pending", "active", "ended")
TOPIC_COLUMNS = {"bins": table.c.bins, "disruptions": table.c.disruptions,
                 "case": table.c.case_updates}  # fmt: skip


@dataclass(frozen=True)
class SubscriptionPage:
    rows: Sequence[Subscription]
    total: int
    page: int
    pages: int


def listing(
    engine: Engine,
    *,
    status: str | None = None,
    topic: str | None = None,
    number: int = 1,
    size: int = 50,
) -> SubscriptionPage:
    """Subscriptions newest first, ``size`` a page, optionally of one status and
    one topic. ValueError for a status or topic there is not."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if topic is not None and topic not in TOPIC_COLUMNS:
        raise ValueError(f"topic must be one of {', '.join(TOPIC_COLUMNS)}")
    where = []
    if status is not None:
        where.append(table.c.status == status)
    if topic is not None:
        where.append(TOPIC_COLUMNS[topic].is_(True))
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(table).where(*where)) or 0
        pages = max(1, -(-total // size))
        number = min(max(1, number), pages)
        rows = conn.execute(
            select(table)
            .where(*where)
            .order_by(table.c.id.desc())
            .limit(size)
            .offset((number - 1) * size)
        ).mappings()
        return SubscriptionPage([_record(r) for r in rows], total, number, pages)


def end(engine: Engine, subscription_id: int, *, now: datetime) -> Subscription | None:
    """End a subscription on the resident's behalf (they asked staff to stop it):
    nothing more is sent, as if they had followed the link. None: there is no
    such subscription. Ending one already ended changes nothing."""
    with engine.begin() as conn:
        conn.execute(
            update(table)
            .where(table.c.id == subscription_id, table.c.status != "ended")
            .values(status="ended", ended_at=now)
        )
        row = conn.execute(select(table).where(table.c.id == subscription_id)).mappings().first()
    return None if row is None else _record(row)


def masked(channel: str, contact: str) -> str:
    """A contact as staff see it in lists: enough to tell two apart on the phone
    with the resident, never the whole address or number."""
    if channel == "sms":
        return f"{contact[:2]}••• •••{contact[-3:]}" if len(contact) >= 6 else "•••"
    name, _, domain = contact.partition("@")
    return f"{name[:2]}•••@{domain}" if domain else "•••"
