"""A whole conversation through the actions, the way Rasa would drive them.

``BotHarness`` runs one action on one hand-built tracker; the verification
findings of issue #10 were chains (case check, wrong postcode, "Try again", an
account reference, its postcode, "what is my balance?"). ``Conversation``
keeps the slots between turns, follows ``FollowupAction``s, and runs
``verify_form`` like Rasa's form loop (validate what the resident typed for the
requested slot, ask the next missing one, run ``action_verify`` when nothing is
missing), so a test can say what the resident does and look at everything the
bot showed. It is a model of Rasa, not Rasa: the e2e tests check the real one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from tests.unit.bot.harness import BotHarness, Result

# Intents that interrupt the identity form (Rasa's rules run their own action).
_INTERRUPTING = {
    "ask_council_tax_balance",
    "ask_rent_balance",
    "ask_case_status",
    "human",
    "start_over",
}
_FORM_COMPLETION = {"verify_form": "action_verify", "case_form": "action_case_status"}


@dataclass
class Conversation:
    bot: BotHarness
    sender_id: str = "resident-1"
    metadata: dict[str, Any] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    active_loop: str | None = None
    shown: list[str] = field(default_factory=list)  # every text the bot showed
    results: list[Result] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # for callers that keep score

    # --- what the resident does ---------------------------------------------------

    def say(
        self, text: str, *, intent: str | None = None, entities: tuple[tuple[str, str], ...] = ()
    ) -> str:
        """One resident message; returns what the bot said in reply."""
        before = len(self.shown)
        self._turn(text, intent, entities)
        return "\n".join(self.shown[before:])

    def click(self, payload: str, title: str = "") -> str:
        """A button: Rasa receives the payload as the text and its intent."""
        return self.say(payload, intent=payload.lstrip("/").split("{")[0] or None)

    @property
    def transcript(self) -> str:
        return "\n".join(self.shown)

    # --- the model of Rasa ---------------------------------------------------------

    def _turn(self, text: str, intent: str | None, entities: tuple[tuple[str, str], ...]) -> None:
        self._message = (text, intent, entities)
        if self.active_loop and intent not in _INTERRUPTING:
            self._form_answer(self.active_loop, text)
            return
        if self.active_loop:
            self.active_loop = None
            self.slots["requested_slot"] = None
        for entity, value in entities:
            if entity == "case_reference" and intent == "ask_case_status":
                self.slots["case_reference"] = value  # Rasa's from_entity mapping
        action = self._action_for(intent)
        if action:
            self._run(action)

    def _action_for(self, intent: str | None) -> str | None:
        return {
            "affirm": "action_yes",
            "deny": "action_no",
            "ask_council_tax_balance": "action_start_balance",
            "ask_rent_balance": "action_start_balance",
            "human": "action_handoff",
            "start_over": "action_start_over",
            "ask_case_status": "case_form",
        }.get(intent or "")

    def _tracker(self, candidates: dict[str, Any] | None = None) -> Any:
        text, intent, entities = self._message
        return self.bot.tracker(
            text=text,
            intent=intent,
            entities=entities,
            slots=dict(self.slots),
            candidates=candidates,
            metadata=self.metadata,
            active_loop=self.active_loop,
            sender_id=self.sender_id,
        )

    def _apply(self, result: Result) -> list[str]:
        self.results.append(result)
        self.shown += result.texts
        followups = []
        for event in result.events:
            kind = event.get("event")
            if kind == "slot":
                self.slots[event["name"]] = event["value"]
            elif kind == "active_loop":
                self.active_loop = event.get("name")
            elif kind == "followup":
                followups.append(event["name"])
        return followups

    def _run(self, action: str, depth: int = 0) -> None:
        assert depth < 12, "the actions loop"
        if action in _FORM_COMPLETION:
            self._form_start(action, depth)
            return
        result = self.bot.run(action, self._tracker())
        for followup in self._apply(result):
            self._run(followup, depth + 1)

    def _required(self, form: str) -> list[str]:
        validation = self.bot.actions[f"validate_{form}"]
        domain_slots = self.bot.domain["forms"][form]["required_slots"]
        return list(
            asyncio.run(
                validation.required_slots(
                    list(domain_slots), CollectingDispatcher(), self._tracker(), self.bot.domain
                )
            )
        )

    def _validate(self, form: str, candidates: dict[str, Any]) -> None:
        self._apply(self.bot.run(f"validate_{form}", self._tracker(candidates)))

    def _form_start(self, form: str, depth: int) -> None:
        self.active_loop = form
        prefilled = {
            name: self.slots[name]
            for name in self._required(form)
            if self.slots.get(name) is not None
        }
        if prefilled:
            self._validate(form, prefilled)
        self._form_next(form, depth)

    def _form_answer(self, form: str, text: str) -> None:
        requested = self.slots.get("requested_slot")
        if requested:
            self._validate(form, {requested: text})
        if self.active_loop == form:
            self._form_next(form, 0)

    def _form_next(self, form: str, depth: int) -> None:
        if self.active_loop != form:  # the validation stopped the form
            return
        missing = [name for name in self._required(form) if self.slots.get(name) is None]
        if missing:
            self.slots["requested_slot"] = missing[0]
            self._apply(self.bot.run(f"action_ask_{missing[0]}", self._tracker()))
            return
        self.active_loop = None
        self.slots["requested_slot"] = None
        self._run(_FORM_COMPLETION[form], depth + 1)
