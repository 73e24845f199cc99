"""Domain errors raised by back-office ports, whatever the adapter behind them.

BackOfficeError               base (a FrontdoorError); ``code`` is stable, ``message`` one line
├── InvalidReference          a reference is malformed (e.g. "CT123"); check the format
│                             before asking the resident again, never hit the system
├── NotFound                  a well-formed reference, UPRN or id matches nothing
├── InvalidRequest            arguments that break a rule (unknown bulky item, too many
│                             items, a collection day in the future, a slot in the past)
├── SlotFull                  the bulky-waste slot was taken by someone else (offer others)
├── PaymentRequired           a bulky booking that costs money came without a payment reference
├── HoldReleased              a held place was given back (payment failed or the hold expired)
├── IllegalTransition         a case status change the workflow does not allow
└── BackOfficeUnavailable     the council system did not answer (timeouts, maintenance);
                              the bot apologises and offers a human, never a stack trace

Adapters translate their own failures (HTTP errors, driver errors) into these at the
port boundary; callers never see SQLAlchemy or HTTP exceptions. Each error carries a
``code`` so the edge (bot action, HTTP route) can map it without string matching.
"""

from __future__ import annotations

from frontdoor.exceptions import FrontdoorError


class BackOfficeError(FrontdoorError):
    code = "backoffice_error"


class InvalidReference(BackOfficeError):
    """A reference does not match its documented format."""

    code = "invalid_reference"

    def __init__(self, kind: str, value: str, expected: str) -> None:
        super().__init__(f"{value!r} is not a valid {kind} (expected {expected})")
        self.kind = kind
        self.value = value
        self.expected = expected


class NotFound(BackOfficeError):
    """Nothing matches a well-formed key."""

    code = "not_found"

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"no {kind} found for {key}")
        self.kind = kind
        self.key = key


class InvalidRequest(BackOfficeError):
    code = "invalid_request"


class SlotFull(BackOfficeError):
    code = "slot_full"

    def __init__(self, slot_id: str) -> None:
        super().__init__(f"bulky waste slot {slot_id} is fully booked")
        self.slot_id = slot_id


class PaymentRequired(BackOfficeError):
    code = "payment_required"

    def __init__(self, amount_pence: int) -> None:
        super().__init__(f"this booking costs {amount_pence}p and needs a payment reference")
        self.amount_pence = amount_pence


class HoldReleased(BackOfficeError):
    """The place was given back before the payment succeeded: book afresh or refund."""

    code = "hold_released"

    def __init__(self, hold_id: str) -> None:
        super().__init__(f"bulky waste hold {hold_id} was released")
        self.hold_id = hold_id


class IllegalTransition(BackOfficeError):
    code = "illegal_transition"

    def __init__(self, reference: str, current: str, requested: str) -> None:
        super().__init__(f"case {reference} cannot move from {current} to {requested}")
        self.reference = reference
        self.current = current
        self.requested = requested


class BackOfficeUnavailable(BackOfficeError):
    code = "backoffice_unavailable"


class IdentityTokenError(FrontdoorError):
    """A token failed verification; ``reason`` says why for the logs (never the
    token itself); the resident sees one wording for every reason."""

    code = "identity_token_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(f"identity token rejected: {reason}")
        self.reason = reason
