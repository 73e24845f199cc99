"""Run Frontdoor's actions without any server (Tracker + CollectingDispatcher).

``BotHarness.run("action_bin_day", bot.tracker(slots={...}))`` returns the
events and the messages the action produced. Trackers are built the way Rasa
sends them: latest message (text, intent, entities, metadata), slots, events
(ending with the slot candidates a form asks the validation action to check),
active loop.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from actions.base import Services
from actions.knowledge_client import FakeArticle, FakeKnowledgeClient
from actions.registry import build_actions
from actions.settings import BotSettings
from actions.verification import MemoryVerificationStore, Verifier
from backoffice.identity import mint_token
from backoffice.memory import MemoryLoader, MemoryStore, fake_backoffice
from backoffice.ports import LONDON, BackOffice
from backoffice.seed import load_world
from backoffice.world import World
from payments import models as payments_models
from payments.demo import DemoPay
from payments.journey import Payments

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 18)  # a Wednesday; the seed's "last working day" is Tue 17th
NOW = datetime(2026, 11, 18, 14, 30, tzinfo=LONDON)
# Fresh per test run: a published key would be refused (frontdoor.secrets).
SIGNING_KEY = secrets.token_urlsafe(48)
BOT_SECRET = secrets.token_urlsafe(48)
TEST_SETTINGS = {
    "FRONTDOOR_ENVIRONMENT": "test",
    "FRONTDOOR_IDENTITY_SIGNING_KEY": SIGNING_KEY,
    "FRONTDOOR_BOT_SECRET": BOT_SECRET,
    "FRONTDOOR_DATABASE_URL": "sqlite:///:memory:",
}

ARTICLES = (
    FakeArticle(
        slug="pay-council-tax",
        title="Pay your council tax",
        body="You can pay council tax by Direct Debit, online by card, or by bank transfer. "
        "Direct Debit dates are the 1st, 15th or 28th of the month.",
        service_area="revenues",
        section_anchor="direct-debit",
        section_title="Direct Debit",
    ),
    FakeArticle(
        slug="register-to-vote",
        title="Register to vote",
        body="Register to vote online at gov.uk. You need your National Insurance number. "
        "The deadline is 12 working days before an election.",
        service_area="elections",
    ),
    FakeArticle(
        slug="recycling",
        title="What goes in your blue recycling bin",
        body="Put plastic bottles, tins, cans, paper, cardboard and glass jars in your blue "
        "recycling bin. Plastic film goes in the black bin.",
        service_area="waste",
    ),
    FakeArticle(
        slug="talu-eich-treth-gyngor",
        title="Talu eich treth gyngor",
        body="Gallwch dalu eich treth gyngor drwy ddebyd uniongyrchol, ar-lein â cherdyn, "
        "neu drwy drosglwyddiad banc.",
        service_area="revenues",
        language="cy",
    ),
)


def domain() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


@dataclass
class Result:
    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        """Each message's text, whether plain or inside a whole-reply custom payload."""
        found = []
        for m in self.messages:
            custom = m.get("custom") or {}
            text = m.get("text") or custom.get("text")
            if text:
                found.append(text)
            if custom.get("prompt"):
                found.append(custom["prompt"])
        return found

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def custom(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self.messages if m.get("custom")]

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [
            b
            for m in self.messages
            for b in (m.get("buttons") or (m.get("custom") or {}).get("buttons") or [])
        ]

    def slot(self, name: str, default: Any = "<unset>") -> Any:
        found = default
        for event in self.events:
            if event.get("event") == "slot" and event.get("name") == name:
                found = event.get("value")
        return found

    @property
    def slots(self) -> dict[str, Any]:
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}

    @property
    def followup(self) -> str | None:
        for event in self.events:
            if event.get("event") == "followup":
                return event.get("name")
        return None

    @property
    def active_loop_ended(self) -> bool:
        return any(e.get("event") == "active_loop" and e.get("name") is None for e in self.events)


@dataclass
class BotHarness:
    services: Services
    backoffice: BackOffice
    knowledge: FakeKnowledgeClient
    store: MemoryVerificationStore
    domain: dict[str, Any] = field(default_factory=domain)

    def __post_init__(self) -> None:
        self.actions = {action.name(): action for action in build_actions(self.services)}

    def tracker(
        self,
        *,
        text: str = "",
        intent: str | None = None,
        entities: Iterable[tuple[str, str]] = (),
        slots: dict[str, Any] | None = None,
        candidates: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        active_loop: str | None = None,
        sender_id: str = "conversation-1",
        history: Sequence[dict[str, Any]] = (),
        confidence: float = 0.95,
    ) -> Tracker:
        all_slots = {name: None for name in self.domain["slots"]}
        all_slots.update(slots or {})
        all_slots.update(candidates or {})
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence} if intent else {},
            "entities": [{"entity": e, "value": v} for e, v in entities],
            "metadata": metadata or {},
        }
        events: list[dict[str, Any]] = [
            *history,
            {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}},
        ]
        if candidates:
            events.append({"event": "action", "name": active_loop or "action_listen"})
            events += [{"event": "slot", "name": k, "value": v} for k, v in candidates.items()]
        return Tracker(
            sender_id,
            all_slots,
            latest,
            events,
            False,
            None,
            {"name": active_loop} if active_loop else {},
            "action_listen",
        )

    def run(self, action_name: str, tracker: Tracker) -> Result:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(self.actions[action_name].run(dispatcher, tracker, self.domain))
        return Result(list(events or []), dispatcher.messages)

    def validate(
        self,
        form: str,
        candidates: dict[str, Any],
        *,
        slots: dict[str, Any] | None = None,
        requested: str | None = None,
        **kwargs: Any,
    ) -> Result:
        current = dict(slots or {})
        current["requested_slot"] = requested or next(iter(candidates))
        tracker = self.tracker(candidates=candidates, slots=current, active_loop=form, **kwargs)
        return self.run(f"validate_{form}", tracker)

    def token(
        self, *, council_tax: Sequence[str] = (), tenancies: Sequence[str] = (), minutes: int = 30
    ) -> str:
        return mint_token(
            SIGNING_KEY.encode(),
            council_tax=council_tax,
            tenancies=tenancies,
            minutes=minutes,
            now=self.services.clock(),
        )


def demo_payments(backoffice: BackOffice, clock: Any) -> Payments:
    """The demo payment provider on a private in-memory database (its two tables)."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    payments_models.metadata.create_all(engine)
    demo = DemoPay(engine, page_url="https://council.test/pay/demo", clock=clock)
    return Payments(
        engine, demo, backoffice.bulky, clock=clock, return_url="https://council.test/pay/return"
    )


def make_harness(world: World, *, now: datetime = NOW) -> BotHarness:
    store = MemoryStore()
    load_world(MemoryLoader(store), world)
    backoffice = fake_backoffice(store)
    return harness_for(backoffice, now=now)


def harness_for(
    backoffice: BackOffice, *, now: datetime = NOW, verification: Any = None
) -> BotHarness:
    settings = BotSettings.load(TEST_SETTINGS)
    knowledge = FakeKnowledgeClient().add(ARTICLES)
    verification_store = verification or MemoryVerificationStore()
    clock = lambda: now  # noqa: E731
    verifier = Verifier(
        verification_store,
        backoffice,
        signing_key=SIGNING_KEY.encode(),
        clock=clock,
    )
    services = Services(
        backoffice=backoffice,
        knowledge=knowledge,
        verifier=verifier,
        settings=settings,
        clock=clock,
        payments=demo_payments(backoffice, clock),
    )
    return BotHarness(services, backoffice, knowledge, verification_store)
