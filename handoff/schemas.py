"""Request and response bodies of the REST API (PROTOCOL.md §2.1, §3.1)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from frontdoor.http import MAX_DB_INT, DbInt

ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConversationCreate(_In):
    language: Literal["en", "cy"] = "en"
    page_url: Annotated[str, StringConstraints(max_length=2000)] = ""
    identity_token: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ConversationStarted(BaseModel):
    conversation_id: str
    conversation_token: str
    state: str
    cursor: int
    heartbeat_seconds: float


class Transcript(BaseModel):
    conversation_id: str
    state: str
    last_seq: int
    events: list[dict[str, Any]]


class AvailabilityIn(_In):
    status: Literal["available", "away"]


class Link(_In):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    url: Annotated[str, StringConstraints(pattern=r"^(https?://|/)", max_length=2000)]


class MessageIn(_In):
    client_id: ClientId
    text: Text
    links: list[Link] = Field(default_factory=list, max_length=5)


class NoteIn(_In):
    client_id: ClientId
    text: Text


class TypingIn(_In):
    on: bool = True


class ReadIn(_In):
    seq: int = Field(ge=0, le=MAX_DB_INT)


class TransferIn(_In):
    team: str | None = None
    advisor_id: DbInt | None = None
    note: Note = ""


class HandBackIn(_In):
    note: Note = ""


class CloseIn(_In):
    outcome: Literal[
        "resolved", "case_created", "resident_left", "no_response", "referred", "abusive"
    ]
    note: Note = ""


class CaseIn(_In):
    client_id: ClientId
    case_type: str = "general_enquiry"
    summary: Text


class Written(BaseModel):
    seq: int
    duplicate: bool
