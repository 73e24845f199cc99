"""Domain errors of the handoff service.

HandoffError                 base (a FrontdoorError): stable ``code``, one-line ``message``
├── InvalidFrame             a client frame is not JSON, has an unknown type or bad fields
│                            (the socket stays open; an ``error`` frame is sent)
├── FrameTooLarge            a frame over the size limit (socket closed with 1009)
├── Throttled                too many frames from one connection (``retry_after``)
│   ├── Busy                 the instance is saturated: new writes are shed (``retry_after``)
│   └── StoreUnavailable     the database cannot be reached (restarting, failed over):
│                            nothing was stored, send again after ``retry_after``
├── OriginRefused            a websocket handshake from an origin not on the allowlist
├── InvalidToken             a conversation token that is missing, forged or names
│                            another conversation
├── NotFound                 an unknown conversation, team or advisor
├── IllegalTransition        a state change the state machine does not allow
├── ConversationClosed       writing to a closed conversation
├── NotAssigned              acting on a chat assigned to someone else
├── AlreadyTaken             accepting a chat another advisor took first
├── AtCapacity               accepting beyond the advisor's cap on concurrent chats
├── NotVerified              personal data asked for an unverified resident
├── InvalidRequest           a request that breaks a rule (bad outcome, empty text)
└── DependencyUnavailable    the bot, the back office or the knowledge service did not
                             answer (``code`` names which)

The service raises these; only the edge (``errors.py`` handlers, the websocket
adapters) turns them into HTTP statuses and close codes with the tables below.
"""

from __future__ import annotations

from frontdoor.exceptions import FrontdoorError


class HandoffError(FrontdoorError):
    code = "handoff_error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    default_message = "Something went wrong."


class InvalidFrame(HandoffError):
    code = "invalid_frame"
    default_message = "That message could not be understood."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class FrameTooLarge(HandoffError):
    code = "frame_too_large"
    default_message = "That message is too large."


class Throttled(HandoffError):
    code = "throttled"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Too many messages; try again in {retry_after:.0f} seconds.")
        self.retry_after = retry_after


class Busy(Throttled):
    """Shed load: the store's write queue is too far behind to take more now."""

    code = "busy"

    def __init__(self, retry_after: float) -> None:
        HandoffError.__init__(
            self,
            "The chat service is very busy; your message was not sent yet. "
            f"Try again in {retry_after:.0f} seconds.",
        )
        self.retry_after = retry_after


class StoreUnavailable(Throttled):
    """The database is out of reach (a restart, a fail-over, a dropped connection).

    Nothing was stored; the write is safe to send again with the same ``client_id``
    (a commit whose answer was lost is found by that ``client_id`` and acknowledged
    as a duplicate), so clients treat it like ``throttled``: resend after
    ``retry_after``. Never an ``internal_error`` the resident would have to retype.
    """

    code = "unavailable"
    RETRY_AFTER = 2.0

    def __init__(self, retry_after: float = RETRY_AFTER) -> None:
        HandoffError.__init__(
            self,
            "The chat service cannot save messages for a moment; yours was not sent yet. "
            f"Try again in {retry_after:.0f} seconds.",
        )
        self.retry_after = retry_after


class OriginRefused(HandoffError):
    code = "origin_refused"
    default_message = "This site may not open a chat."


class InvalidToken(HandoffError):
    code = "invalid_token"
    default_message = "The conversation token is not valid for this conversation."


class NotFound(HandoffError):
    code = "not_found"
    default_message = "Not found."


class IllegalTransition(HandoffError):
    code = "illegal_transition"

    def __init__(self, current: str, target: str, reason: str) -> None:
        super().__init__(f"a conversation cannot move from {current} to {target} ({reason})")
        self.current, self.target, self.reason = current, target, reason


class ConversationClosed(HandoffError):
    code = "conversation_closed"
    default_message = "This conversation has ended; start a new one."


class NotAssigned(HandoffError):
    code = "not_assigned"
    default_message = "This chat is not assigned to you."


class AlreadyTaken(HandoffError):
    code = "already_taken"
    default_message = "Another advisor has already taken this chat."


class AtCapacity(HandoffError):
    code = "at_capacity"
    default_message = "You already have as many chats as you can take."


class NotVerified(HandoffError):
    code = "not_verified"
    default_message = "The resident has not verified their identity."


class InvalidRequest(HandoffError):
    code = "invalid"
    default_message = "The request is not valid."


class DependencyUnavailable(HandoffError):
    """``code`` is ``bot_unavailable``, ``backoffice_unavailable`` or ``knowledge_unavailable``."""

    def __init__(self, dependency: str, message: str | None = None) -> None:
        super().__init__(message or f"The {dependency} service is not answering.")
        self.code = f"{dependency}_unavailable"
        self.dependency = dependency


# --- the edge's tables ----------------------------------------------------------------

_HTTP_STATUS: dict[type[HandoffError], int] = {
    InvalidFrame: 400,
    FrameTooLarge: 413,
    Throttled: 429,
    StoreUnavailable: 503,
    OriginRefused: 403,
    InvalidToken: 403,
    NotFound: 404,
    IllegalTransition: 409,
    ConversationClosed: 409,
    NotAssigned: 409,
    AlreadyTaken: 409,
    AtCapacity: 409,
    NotVerified: 403,
    InvalidRequest: 422,
    DependencyUnavailable: 503,
}

# Close codes for errors that end a websocket; the others become an ``error`` frame.
CLOSE_NORMAL = 1000
CLOSE_TOO_BIG = 1009
CLOSE_INTERNAL = 1011
CLOSE_RESTART = 1012
CLOSE_TRY_AGAIN = 1013
CLOSE_BAD_REQUEST = 4400
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_HEARTBEAT = 4408

_CLOSE_CODE: dict[type[HandoffError], int] = {
    FrameTooLarge: CLOSE_TOO_BIG,
    OriginRefused: CLOSE_FORBIDDEN,
    InvalidToken: CLOSE_FORBIDDEN,
    NotFound: CLOSE_NOT_FOUND,
}


def http_status(exc: HandoffError) -> int:
    for kind in type(exc).__mro__:
        if kind in _HTTP_STATUS:
            return _HTTP_STATUS[kind]
    return 500


def close_code(exc: HandoffError) -> int | None:
    """The close code for an error that ends the socket, None if it stays open."""
    for kind in type(exc).__mro__:
        if kind in _CLOSE_CODE:
            return _CLOSE_CODE[kind]
    return None
