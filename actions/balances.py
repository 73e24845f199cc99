"""Council tax and rent balances, behind the identity check.

Nothing here logs an amount, a name or a token. The verified state is
re-derived on every use (``current_identity``): a valid signed token in the
message metadata, or live server-side grants matching this conversation id and
the secret in the ``verified_session`` slot. A balance needs a grant *for
account use* (``Purpose.BALANCE``); what a case-details check proved never
opens an account. The identity form takes only the kinds of reference its
purpose names and explains any other kind; "Try again" restarts the whole
check; a button or a bare yes/no where an identity answer is expected is
asked again and never counted as a failure.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.addresses import find_postcode
from actions.base import (
    FORM_TASKS,
    FrontdoorAction,
    FrontdoorFormValidation,
    button,
    current_identity,
    entity_values,
    finish_task,
    latest_intent,
    remember_references,
    stop_form_events,
)
from actions.formatting import day as nice_day
from actions.formatting import money
from actions.verification import (
    PURPOSE_KINDS,
    CheckOutcome,
    Identity,
    Purpose,
    ReferenceKind,
    classify_reference,
    purpose_of,
)
from backoffice.ports import RentTransactionKind

KIND_BY_INTENT = {"ask_council_tax_balance": "council_tax", "ask_rent_balance": "rent"}
REFERENCE_KIND = {"council_tax": ReferenceKind.COUNCIL_TAX, "rent": ReferenceKind.TENANCY}
WHAT = {"council_tax": "council tax balance", "rent": "rent balance"}
_VERIFY_SLOTS = ("verify_reference", "verify_postcode", "verify_fact")


def covered_accounts(identity: Identity, kind: str) -> list[str]:
    """The accounts of this kind the conversation proved *for account use*."""
    return identity.references_for(Purpose.BALANCE, REFERENCE_KIND[kind])


def _wait_words(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _is_button_or_yes_no(tracker: Tracker, text: str) -> bool:
    """A button's payload ("/affirm") or a bare yes/no is not an answer to a question
    about identity: it is asked again and never counted as a failed check."""
    if text.startswith("/"):
        return True
    return latest_intent(tracker) in {"affirm", "deny"} and _fold(text) in _YES_NO_WORDS


def _fold(text: str) -> str:
    return " ".join(text.casefold().strip(" .!?").split())


_YES_NO_WORDS = {
    "yes",
    "y",
    "yeah",
    "yep",
    "ok",
    "okay",
    "sure",
    "please",
    "yes please",
    "no",
    "n",
    "nope",
    "no thanks",
    "try again",
}


def pause_events(tracker: Tracker) -> list[EventType]:
    """Going to the identity check from the middle of another form pauses it."""
    active = tracker.active_loop_name
    if active in FORM_TASKS and active != "verify_form" and not tracker.get_slot("paused_task"):
        return [SlotSet("paused_task", FORM_TASKS[active])]
    return []


class StartBalance(FrontdoorAction):
    """``action_start_balance``: show it if verified, otherwise check identity first."""

    NAME = "action_start_balance"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = KIND_BY_INTENT.get(latest_intent(tracker) or "")
        given = None
        for entity, entity_kind in (
            ("council_tax_reference", "council_tax"),
            ("tenancy_reference", "rent"),
        ):
            for value in entity_values(tracker, entity):
                classified = classify_reference(value)
                if classified:
                    given, kind = classified[1], kind or entity_kind
        kind = kind or tracker.get_slot("account_kind") or "council_tax"
        events: list[EventType] = [SlotSet("account_kind", kind), *pause_events(tracker)]
        identity = current_identity(self.services, tracker)
        covered = covered_accounts(identity, kind)
        if given and given in covered:
            return [
                *events,
                SlotSet("verify_reference", given),
                FollowupAction("action_show_balance"),
            ]
        if not given and covered:
            return [
                *events,
                SlotSet("verify_reference", covered[0]),
                FollowupAction("action_show_balance"),
            ]
        gate = self.services.verifier.gate(tracker.sender_id, given)
        if gate.outcome is CheckOutcome.LOCKED:
            dispatcher.utter_message(text=messages.VERIFY_LOCKED, buttons=[messages.HUMAN_BUTTON])
            return [*events, SlotSet("awaiting", "offer_human"), *stop_form_events(tracker)]
        if gate.outcome is CheckOutcome.DELAYED:
            dispatcher.utter_message(
                text=messages.VERIFY_DELAYED.format(wait=_wait_words(gate.wait)),
                buttons=[messages.HUMAN_BUTTON],
            )
            return [*events, SlotSet("awaiting", "offer_human"), *stop_form_events(tracker)]
        dispatcher.utter_message(text=messages.VERIFY_INTRO.format(what=WHAT[kind]))
        return [
            *events,
            SlotSet("verify_purpose", Purpose.BALANCE.value),
            SlotSet("verify_reference", given),
            SlotSet("verify_postcode", None),
            SlotSet("verify_fact", None),
            FollowupAction("verify_form"),
        ]


class ValidateVerifyForm(FrontdoorFormValidation):
    FORM = "verify_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("verify_purpose") == Purpose.CASE_DETAILS.value:
            return ["verify_reference", "verify_postcode"]
        return list(_VERIFY_SLOTS)

    def validate_verify_reference(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        classified = classify_reference(slot_value) if isinstance(slot_value, str) else None
        purpose = purpose_of(tracker.get_slot("verify_purpose"))
        if classified is None:
            dispatcher.utter_message(
                text=messages.BAD_CASE_REFERENCE
                if purpose is Purpose.CASE_DETAILS
                else messages.BAD_VERIFY_REFERENCE
            )
            return {"verify_reference": None}
        if classified[0] not in PURPOSE_KINDS[purpose]:
            # Say what this step needs; never take a reference it does not name.
            dispatcher.utter_message(text=wrong_kind_message(purpose, classified[0]))
            return {"verify_reference": None}
        result: dict[str, Any] = {"verify_reference": classified[1]}
        if classified[0] is ReferenceKind.COUNCIL_TAX:
            result["account_kind"] = "council_tax"
        elif classified[0] is ReferenceKind.TENANCY:
            result["account_kind"] = "rent"
        return result

    def validate_verify_postcode(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        postcode = find_postcode(slot_value) if isinstance(slot_value, str) else None
        if postcode is None:
            dispatcher.utter_message(text=self.services.say(messages.BAD_POSTCODE))
        return {"verify_postcode": postcode}

    def validate_verify_fact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = " ".join(str(slot_value or "").split())
        if _is_button_or_yes_no(tracker, text):
            dispatcher.utter_message(text=messages.VERIFY_FACT_NOT_A_BUTTON)
            return {"verify_fact": None}
        if not text or len(text) > 100:
            dispatcher.utter_message(text=messages.BAD_VERIFY_FACT)
            return {"verify_fact": None}
        return {"verify_fact": text}


class AskVerifyReference(FrontdoorAction):
    NAME = "action_ask_verify_reference"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = tracker.get_slot("account_kind") or "council_tax"
        if tracker.get_slot("verify_purpose") == Purpose.CASE_DETAILS.value:
            kind = "case"
        dispatcher.utter_message(
            text=messages.ASK_VERIFY_REFERENCE.get(kind, messages.ASK_VERIFY_REFERENCE["case"])
        )
        return []


class AskVerifyPostcode(FrontdoorAction):
    NAME = "action_ask_verify_postcode"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_VERIFY_POSTCODE)
        return []


class AskVerifyFact(FrontdoorAction):
    NAME = "action_ask_verify_fact"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_VERIFY_FACT)
        return []


class Verify(FrontdoorAction):
    """``action_verify``: the knowledge check, with the lock-out."""

    NAME = "action_verify"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        purpose = purpose_of(tracker.get_slot("verify_purpose"))
        result = self.services.verifier.knowledge_check(
            conversation_id=tracker.sender_id,
            reference=tracker.get_slot("verify_reference") or "",
            postcode=tracker.get_slot("verify_postcode") or "",
            fact=tracker.get_slot("verify_fact"),
            purpose=purpose,
            previous_secret=tracker.get_slot("verified_session"),
        )
        forget = [SlotSet("verify_postcode", None), SlotSet("verify_fact", None)]
        if result.outcome is CheckOutcome.VERIFIED:
            dispatcher.utter_message(text=messages.VERIFIED)
            follow = (
                "action_case_details" if purpose is Purpose.CASE_DETAILS else "action_show_balance"
            )
            return [
                *forget,
                SlotSet("verified_session", result.secret),
                SlotSet("awaiting", None),
                FollowupAction(follow),
            ]
        if result.outcome is CheckOutcome.WRONG_KIND:
            found = classify_reference(tracker.get_slot("verify_reference") or "")
            kind = found[0] if found else ReferenceKind.CASE
            dispatcher.utter_message(text=wrong_kind_message(purpose, kind))
            return [
                *forget,
                SlotSet("verify_reference", None),
                SlotSet("requested_slot", None),
                FollowupAction("verify_form"),
            ]
        if result.outcome is CheckOutcome.DELAYED:
            dispatcher.utter_message(
                text=messages.VERIFY_DELAYED.format(wait=_wait_words(result.wait)),
                buttons=[messages.HUMAN_BUTTON],
            )
            return [
                *forget,
                SlotSet("verify_reference", None),
                SlotSet("awaiting", "offer_human"),
                *finish_task(dispatcher, tracker),
            ]
        if result.outcome is CheckOutcome.LOCKED:
            dispatcher.utter_message(text=messages.VERIFY_FAILED)
            dispatcher.utter_message(text=messages.VERIFY_LOCKED, buttons=[messages.HUMAN_BUTTON])
            return [
                *forget,
                SlotSet("verify_reference", None),
                SlotSet("awaiting", "offer_human"),
                *finish_task(dispatcher, tracker),
            ]
        dispatcher.utter_message(text=messages.VERIFY_FAILED)
        dispatcher.utter_message(text=messages.VERIFY_RETRY, buttons=messages.VERIFY_RETRY_BUTTONS)
        return [
            *forget,
            SlotSet("verify_reference", None),
            SlotSet("awaiting", "retry_verification"),
        ]


class ShowBalance(FrontdoorAction):
    """``action_show_balance``: only for an account the conversation is verified for."""

    NAME = "action_show_balance"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = tracker.get_slot("account_kind") or "council_tax"
        identity = current_identity(self.services, tracker)
        covered = covered_accounts(identity, kind)
        wanted = tracker.get_slot("verify_reference")
        reference = wanted if wanted in covered else (covered[0] if len(covered) == 1 else None)
        if reference is None:
            dispatcher.utter_message(text=messages.NOT_VERIFIED)
            return [SlotSet("verify_reference", None), *finish_task(dispatcher, tracker)]
        text = self._council_tax(reference) if kind == "council_tax" else self._rent(reference)
        dispatcher.utter_message(text=text)
        return [
            SlotSet("verify_reference", None),
            *remember_references(tracker, reference),
            *finish_task(dispatcher, tracker),
        ]

    def _council_tax(self, reference: str) -> str:
        account = self.services.backoffice.council_tax.get_account(reference)
        lines = [
            messages.CT_BALANCE.format(
                reference=account.reference, year=account.financial_year, band=account.band.value
            )
        ]
        if account.balance_pence > 0:
            lines.append(messages.CT_OWED.format(amount=money(account.balance_pence)))
        elif account.balance_pence < 0:
            lines.append(messages.CT_CREDIT.format(amount=money(-account.balance_pence)))
        else:
            lines.append(messages.CT_CLEAR)
        if account.next_instalment:
            lines.append(
                messages.CT_NEXT.format(
                    amount=money(account.next_instalment.amount_pence),
                    day=nice_day(account.next_instalment.due_on, today=self.services.today()),
                    remaining=account.instalments_remaining,
                )
            )
        else:
            lines.append(messages.CT_NO_NEXT)
        lines.append(
            messages.CT_METHOD.format(
                method=messages.PAYMENT_METHODS.get(account.payment_method.value, "other")
            )
        )
        recovery = messages.CT_RECOVERY.get(account.recovery_stage.value)
        if recovery:
            lines.append(recovery)
        return "\n".join(lines)

    def _rent(self, reference: str) -> str:
        rents = self.services.backoffice.rents
        account = rents.get_account(reference)
        lines = [
            messages.RENT_BALANCE.format(
                reference=account.tenancy_reference, weekly=money(account.weekly_rent_pence)
            )
        ]
        if account.balance_pence > 0:
            lines.append(messages.RENT_ARREARS.format(amount=money(account.balance_pence)))
        elif account.balance_pence < 0:
            lines.append(messages.RENT_CREDIT.format(amount=money(-account.balance_pence)))
        else:
            lines.append(messages.RENT_CLEAR)
        payments = [
            entry
            for entry in rents.transactions(reference, limit=20)
            if entry.kind in {RentTransactionKind.PAYMENT, RentTransactionKind.HOUSING_BENEFIT}
        ][:5]
        if payments:
            lines.append(messages.RENT_PAYMENTS_HEADER)
            for entry in payments:
                lines.append(
                    messages.RENT_PAYMENT_LINE.format(
                        day=nice_day(entry.posted_on),
                        amount=money(-entry.amount_pence),
                        kind="Housing Benefit"
                        if entry.kind is RentTransactionKind.HOUSING_BENEFIT
                        else "payment",
                    )
                )
        else:
            lines.append(messages.RENT_NO_PAYMENTS)
        if account.in_arrears:
            lines.append(messages.RENT_ARREARS_HELP)
        return "\n".join(lines)


def wrong_kind_message(purpose: Purpose, kind: ReferenceKind) -> str:
    """A polite word on what this step needs, for a reference of another kind."""
    if purpose is Purpose.CASE_DETAILS:
        return messages.WRONG_KIND_FOR_CASE.format(kind=messages.REFERENCE_KIND_NAMES[kind.value])
    return messages.WRONG_KIND_FOR_BALANCE


def retry_verification(tracker: Tracker) -> list[EventType]:
    """Events to start the identity check again (after "try again"): the whole check
    is reset (reference, facts, the question in progress) and it starts afresh
    for the same purpose, asking for the reference first."""
    purpose = purpose_of(tracker.get_slot("verify_purpose"))
    return [
        SlotSet("awaiting", None),
        SlotSet("verify_purpose", purpose.value),
        *[SlotSet(name, None) for name in _VERIFY_SLOTS],
        SlotSet("requested_slot", None),
        FollowupAction("verify_form"),
    ]


def case_verification(tracker: Tracker) -> list[EventType]:
    """Events to check identity for the case just shown."""
    return [
        SlotSet("awaiting", None),
        SlotSet("verify_purpose", Purpose.CASE_DETAILS.value),
        SlotSet("verify_reference", tracker.get_slot("case_reference")),
        SlotSet("verify_postcode", None),
        SlotSet("verify_fact", None),
        FollowupAction("verify_form"),
    ]


__all__ = ["button", "case_verification", "retry_verification"]
