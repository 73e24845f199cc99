"""REST routes: residents (§2), advisors (§3.1), supervisors (§3.2). Thin: each
route parses, calls the service or the desk, and returns what it got."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi import Path as PathParam

from frontdoor.contracts.availability import AVAILABILITY_PATH, AvailabilityAnswer
from frontdoor.contracts.conversation_messages import (
    CONVERSATION_ID,
    MESSAGES_PATH,
    ConversationMessage,
    PostedMessage,
)
from frontdoor.ratelimit import Check, client_address
from frontdoor.secrets import BOT_SECRET_HEADER, same_secret
from handoff import routing
from handoff.delivery import Audience, Kind
from handoff.deps import AdvisorDep, CsrfChecked, DeskDep, HandoffDep, SupervisorDep
from handoff.exceptions import InvalidToken, NotFound
from handoff.schemas import (
    AvailabilityIn,
    CaseIn,
    CloseIn,
    ConversationCreate,
    ConversationStarted,
    HandBackIn,
    MessageIn,
    NoteIn,
    ReadIn,
    Transcript,
    TransferIn,
    TypingIn,
    Written,
)

residents = APIRouter(prefix="/api/v1/conversations", tags=["residents"])


def _limit_new_conversations(request: Request) -> None:
    """Anyone may start a chat, but not hundreds a second (429 + Retry-After)."""
    state = request.app.state
    state.limiter.hit(
        Check(
            state.settings.handoff_limit_conversations,
            "handoff:conversations",
            client_address(request),
        )
    )


advisors = APIRouter(prefix="/api/v1/advisor", tags=["advisors"])


def _require_bot(request: Request) -> None:
    """Only the bot (showing the installation's bot secret) asks who is available."""
    expected = request.app.state.settings.require_secret("bot_secret")
    if not same_secret(request.headers.get(BOT_SECRET_HEADER), expected):
        raise HTTPException(status_code=403, detail="This address is for the bot only.")


bots = APIRouter(tags=["bot"], dependencies=[Depends(_require_bot)])


@bots.get(AVAILABILITY_PATH, response_model=AvailabilityAnswer)
def who_is_available(
    handoff: HandoffDep,
    service_area: Annotated[str, Query(pattern="^[a-z_]{1,40}$")] = "general",
    language: Annotated[str, Query(pattern="^(en|cy)$")] = "en",
) -> AvailabilityAnswer:
    """Whether the team that would take this chat has someone taking chats now
    (``frontdoor.contracts.availability``). A plain ``def``: it reads the database."""
    store, limits = handoff.store, handoff.limits
    teams = store.teams()
    advisors = store.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds)
    now = routing.available_now(service_area, language, teams, advisors)
    try:
        name, hours = store.team_hours(now.team)
        described = hours.describe()
    except NotFound:  # no such team in this installation: nobody to promise
        name, described = now.team, ""
    return AvailabilityAnswer(
        verdict=now.verdict.value,
        team=now.team,
        team_name=name,
        opening_hours=described,
        welsh_speaker=now.welsh_speaker,
    )


@bots.post(MESSAGES_PATH, response_model=PostedMessage)
async def post_service_message(
    conversation_id: Annotated[str, PathParam(pattern=CONVERSATION_ID)],
    body: ConversationMessage,
    handoff: HandoffDep,
) -> PostedMessage:
    """Another component's message in the conversation, as the assistant's
    (``frontdoor.contracts.conversation_messages``): payments confirms a booking in
    the chat it was paid from. The same ``key`` stores it once."""
    stored = await handoff.service_message(conversation_id, key=body.key, text=body.text)
    return PostedMessage(seq=stored.event.seq, duplicate=stored.duplicate)


supervisors = APIRouter(prefix="/api/v1/supervisor", tags=["supervisors"])


@residents.post(
    "",
    status_code=201,
    response_model=ConversationStarted,
    dependencies=[Depends(_limit_new_conversations)],
    responses={429: {"description": "Too many conversations from this client; see Retry-After."}},
)
async def start_conversation(body: ConversationCreate, handoff: HandoffDep) -> dict[str, Any]:
    started = await handoff.start(
        language=body.language, page_url=body.page_url, identity_token=body.identity_token
    )
    return {
        "conversation_id": started.conversation.id,
        "conversation_token": started.token,
        "state": started.conversation.state,
        "cursor": started.conversation.last_seq,
        "heartbeat_seconds": handoff.heartbeat_seconds,
    }


@residents.get("/{conversation_id}/transcript", response_model=Transcript)
async def resident_transcript(
    conversation_id: str, handoff: HandoffDep, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise InvalidToken("Send the conversation token as 'Authorization: Bearer …'.")
    await handoff.authorize(conversation_id, authorization[7:].strip())
    conversation, events = await handoff.transcript(conversation_id, Audience.ALL)
    return {
        "conversation_id": conversation.id,
        "state": conversation.state,
        "last_seq": conversation.last_seq,
        "events": [e.frame() for e in events],
    }


# --- advisors ------------------------------------------------------------------------


@advisors.get("/me")
async def me(staff: AdvisorDep, desk: DeskDep, request: Request) -> dict[str, Any]:
    info = await request.app.state.accounts.resolve(request)
    return {**await desk.me(staff), "csrf_token": info.csrf_token if info else None}


@advisors.put("/availability", dependencies=[CsrfChecked])
async def availability(body: AvailabilityIn, staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return await desk.set_availability(staff, body.status)


@advisors.get("/queue")
async def queue(staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return {"items": await desk.queue(staff)}


@advisors.get("/conversations")
async def my_chats(staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return {"items": await desk.chats(staff)}


@advisors.get("/conversations/{conversation_id}")
async def conversation(conversation_id: str, staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return await desk.detail(staff, conversation_id)


@advisors.get("/conversations/{conversation_id}/transcript")
async def advisor_transcript(
    conversation_id: str, staff: AdvisorDep, desk: DeskDep, after: Annotated[int, Query(ge=0)] = 0
) -> dict[str, Any]:
    return await desk.transcript(staff, conversation_id, after)


@advisors.post("/conversations/{conversation_id}/accept", dependencies=[CsrfChecked])
async def accept(conversation_id: str, staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return await desk.accept(staff, conversation_id)


@advisors.post(
    "/conversations/{conversation_id}/decline", status_code=204, dependencies=[CsrfChecked]
)
async def decline(conversation_id: str, staff: AdvisorDep, desk: DeskDep) -> Response:
    await desk.decline(staff, conversation_id)
    return Response(status_code=204)


@advisors.post(
    "/conversations/{conversation_id}/messages", response_model=Written, dependencies=[CsrfChecked]
)
async def send_message(
    conversation_id: str, body: MessageIn, staff: AdvisorDep, desk: DeskDep
) -> dict[str, Any]:
    links = tuple(link.model_dump() for link in body.links)
    return await desk.write(
        staff,
        conversation_id,
        kind=Kind.MESSAGE,
        client_id=body.client_id,
        text=body.text,
        links=links,
    )


@advisors.post(
    "/conversations/{conversation_id}/notes", response_model=Written, dependencies=[CsrfChecked]
)
async def add_note(
    conversation_id: str, body: NoteIn, staff: AdvisorDep, desk: DeskDep
) -> dict[str, Any]:
    return await desk.write(
        staff, conversation_id, kind=Kind.NOTE, client_id=body.client_id, text=body.text
    )


@advisors.post(
    "/conversations/{conversation_id}/typing", status_code=204, dependencies=[CsrfChecked]
)
async def typing(
    conversation_id: str, body: TypingIn, staff: AdvisorDep, desk: DeskDep
) -> Response:
    await desk.typing(staff, conversation_id, body.on)
    return Response(status_code=204)


@advisors.post("/conversations/{conversation_id}/read", status_code=204, dependencies=[CsrfChecked])
async def read(conversation_id: str, body: ReadIn, staff: AdvisorDep, desk: DeskDep) -> Response:
    await desk.read(staff, conversation_id, body.seq)
    return Response(status_code=204)


@advisors.post("/conversations/{conversation_id}/transfer", dependencies=[CsrfChecked])
async def transfer(
    conversation_id: str, body: TransferIn, staff: AdvisorDep, desk: DeskDep
) -> dict[str, Any]:
    return await desk.transfer(
        staff, conversation_id, team=body.team, advisor_id=body.advisor_id, note=body.note
    )


@advisors.post("/conversations/{conversation_id}/hand-back", dependencies=[CsrfChecked])
async def hand_back(
    conversation_id: str, body: HandBackIn, staff: AdvisorDep, desk: DeskDep
) -> dict[str, Any]:
    return await desk.hand_back(staff, conversation_id, body.note)


@advisors.post("/conversations/{conversation_id}/close", dependencies=[CsrfChecked])
async def close(
    conversation_id: str, body: CloseIn, staff: AdvisorDep, desk: DeskDep
) -> dict[str, Any]:
    return await desk.close(staff, conversation_id, body.outcome, body.note)


@advisors.post(
    "/conversations/{conversation_id}/cases", status_code=201, dependencies=[CsrfChecked]
)
async def create_case(
    conversation_id: str, body: CaseIn, staff: AdvisorDep, desk: DeskDep
) -> dict[str, Any]:
    return await desk.create_case(
        staff,
        conversation_id,
        case_type=body.case_type,
        summary=body.summary,
        client_id=body.client_id,
    )


@advisors.get("/conversations/{conversation_id}/resident")
async def resident(conversation_id: str, staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return await desk.resident(staff, conversation_id)


@advisors.get("/knowledge/search")
async def knowledge_search(
    staff: AdvisorDep,
    desk: DeskDep,
    q: Annotated[str, Query(max_length=200)] = "",
    language: Annotated[str, Query(pattern="^(en|cy)$")] = "en",
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    return {"results": await desk.search(q, language=language, limit=limit)}


@advisors.get("/teams")
async def teams(staff: AdvisorDep, desk: DeskDep) -> dict[str, Any]:
    return {"items": await desk.teams()}


@supervisors.get("/overview")
async def overview(staff: SupervisorDep, desk: DeskDep) -> dict[str, Any]:
    return await desk.overview()
