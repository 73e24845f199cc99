"""The advisor's desk: every console action, as async use cases over ``Handoff``.

Routes and the advisor socket call these; they check who may act (assigned
advisor, team member, supervisor) through the transactions in ``assignment``.
"""

from __future__ import annotations

from typing import Any

from frontdoor.audit import AuditAction
from frontdoor.redaction import mask_card_numbers
from handoff import assignment, cases, views
from handoff.assignment import Actor
from handoff.delivery import Audience, Kind
from handoff.exceptions import InvalidRequest, NotAssigned
from handoff.routing import Availability
from handoff.search import KnowledgeSearch
from handoff.service import Handoff, run
from handoff.states import State
from handoff.store import Store
from handoff.views import Staff


def actor(staff: Staff) -> Actor:
    return Actor(staff.user_id, staff.first_name, supervisor=staff.supervisor)


class Desk:
    def __init__(self, handoff: Handoff, search: KnowledgeSearch) -> None:
        self.h = handoff
        self.search_port = search

    @property
    def store(self) -> Store:
        return self.h.store

    async def advisors(self) -> list[Any]:
        return await run(
            self.store.advisors,
            default_cap=self.h.limits.default_cap,
            grace_seconds=self.h.limits.grace_seconds,
        )

    async def me(self, staff: Staff) -> dict[str, Any]:
        await run(views.ensure_advisor, self.store, staff)
        return await run(views.me, self.store, staff, default_cap=self.h.limits.default_cap)

    async def set_availability(self, staff: Staff, status: str) -> dict[str, Any]:
        if status not in (Availability.AVAILABLE, Availability.AWAY):
            raise InvalidRequest("status must be available or away")
        await run(views.ensure_advisor, self.store, staff)
        await run(views.set_availability, self.store, staff.user_id, status)
        # being present is part of being available: stamp it now, not at the next heartbeat
        await run(views.touch_presence, self.store, [staff.user_id], self.h.instance_id)
        teams = {t["slug"] for t in await run(views.teams_of, self.store, staff.user_id)}
        await self._views_changed(teams, {staff.user_id})
        return await self.me(staff)

    async def queue(self, staff: Staff) -> list[dict[str, Any]]:
        teams = [t["slug"] for t in await run(views.teams_of, self.store, staff.user_id)]
        if staff.supervisor:
            teams = [t.slug for t in await run(self.store.teams)]
        advisors = await self.advisors()
        handle = await run(self.store.handle_seconds, 480.0)
        return await run(
            views.queue_items,
            self.store,
            teams,
            user_id=staff.user_id,
            advisors=advisors,
            handle_seconds=handle,
            now=self.store.clock(),
        )

    async def chats(self, staff: Staff) -> list[dict[str, Any]]:
        return await run(views.chats, self.store, staff.user_id)

    async def detail(self, staff: Staff, conversation_id: str) -> dict[str, Any]:
        conversation = await run(self.store.get, conversation_id)
        await self._may_read(staff, conversation)
        return await run(views.detail, self.store, conversation, user_id=staff.user_id)

    async def _may_read(self, staff: Staff, conversation: Any) -> None:
        """The assigned advisor, the one it is offered to, its team's members, supervisors."""
        if staff.supervisor or staff.user_id in (conversation.assigned_to, conversation.offered_to):
            return
        teams = {t["slug"] for t in await run(views.teams_of, self.store, staff.user_id)}
        if conversation.state == State.WAITING and (conversation.team or "general") in teams:
            return
        raise NotAssigned("This chat is not yours to read.")

    async def transcript(
        self, staff: Staff, conversation_id: str, after: int = 0
    ) -> dict[str, Any]:
        conversation = await run(self.store.get, conversation_id)
        await self._may_read(staff, conversation)
        events = await run(self.store.events_after, conversation_id, after, 5000)
        if after == 0:  # the console's first read; its polls for new events are not views
            await run(self._audit, staff, conversation_id, [(AuditAction.VIEW_TRANSCRIPT, {})])
        return {
            "conversation_id": conversation_id,
            "state": conversation.state,
            "last_seq": conversation.last_seq,
            "events": [e.frame() for e in events],
        }

    async def accept(self, staff: Staff, conversation_id: str) -> dict[str, Any]:
        await run(views.ensure_advisor, self.store, staff)
        await self.h.commit(
            await run(assignment.accept, self.store, conversation_id, actor(staff), self.h.limits)
        )
        return await self.detail(staff, conversation_id)

    async def decline(self, staff: Staff, conversation_id: str) -> None:
        await self.h.commit(
            await run(assignment.decline, self.store, conversation_id, actor(staff))
        )

    async def write(
        self,
        staff: Staff,
        conversation_id: str,
        *,
        kind: Kind,
        client_id: str,
        text: str,
        links: tuple[dict[str, str], ...] = (),
    ) -> dict[str, Any]:
        # what the websocket protocol does for every frame: a card number never
        # reaches a transcript or a note, whoever typed it and however it came
        async def attempt() -> tuple[int, bool, Any]:
            return await self.h.write(
                conversation_id,
                assignment.advisor_write,
                conversation_id,
                actor(staff),
                kind=kind,
                client_id=client_id,
                text=mask_card_numbers(text),
                links=links,
            )

        try:
            seq, duplicate, tx = await attempt()
        except NotAssigned:
            # requeued while their console could not be heard, and nobody took it since:
            # the advisor is back, the chat is theirs again (or NotAssigned stands)
            await self.h.commit(
                await run(
                    assignment.take_back,
                    self.store,
                    conversation_id,
                    actor(staff),
                    self.h.limits,
                )
            )
            seq, duplicate, tx = await attempt()
        if not duplicate:
            if kind is Kind.MESSAGE:
                self.h.metrics.advisor_in.inc()
            await self.h.commit(tx)
        return {"seq": seq, "duplicate": duplicate}

    async def typing(self, staff: Staff, conversation_id: str, on: bool) -> None:
        conversation = await run(self.store.get, conversation_id)
        if conversation.assigned_to != staff.user_id:
            raise NotAssigned()
        await self.h.typing(conversation_id, "advisor", on, audience=Audience.ALL)

    async def read(self, staff: Staff, conversation_id: str, seq: int) -> None:
        await run(assignment.mark_read, self.store, conversation_id, actor(staff), seq)

    async def transfer(
        self,
        staff: Staff,
        conversation_id: str,
        *,
        team: str | None,
        advisor_id: int | None,
        note: str,
    ) -> dict[str, Any]:
        await self.h.commit(
            await run(
                assignment.transfer,
                self.store,
                conversation_id,
                actor(staff),
                limits=self.h.limits,
                team=team,
                advisor_id=advisor_id,
                note=note,
            )
        )
        return await run(
            views.detail,
            self.store,
            await run(self.store.get, conversation_id),
            user_id=staff.user_id,
        )

    async def hand_back(self, staff: Staff, conversation_id: str, note: str) -> dict[str, Any]:
        await self.h.commit(
            await run(assignment.hand_back, self.store, conversation_id, actor(staff), note=note)
        )
        return await run(
            views.detail,
            self.store,
            await run(self.store.get, conversation_id),
            user_id=staff.user_id,
        )

    async def close(
        self, staff: Staff, conversation_id: str, outcome: str, note: str
    ) -> dict[str, Any]:
        await self.h.commit(
            await run(
                assignment.close,
                self.store,
                conversation_id,
                actor(staff),
                outcome=outcome,
                note=note,
            )
        )
        return await run(
            views.detail,
            self.store,
            await run(self.store.get, conversation_id),
            user_id=staff.user_id,
        )

    async def create_case(
        self, staff: Staff, conversation_id: str, *, case_type: str, summary: str, client_id: str
    ) -> dict[str, Any]:
        conversation = await run(self.store.get, conversation_id)
        if conversation.assigned_to != staff.user_id and not staff.supervisor:
            raise NotAssigned()
        events = await run(self.store.events_after, conversation_id, 0, 5000)
        reference = await run(
            cases.open_case_by_advisor,
            self.h.backoffice,
            conversation,
            events,
            case_type=case_type,
            summary=summary,
            client_id=client_id,
            now=self.store.clock(),
        )
        await self.h.commit(
            await run(assignment.case_created, self.store, conversation_id, actor(staff), reference)
        )
        return {"reference": reference}

    async def resident(self, staff: Staff, conversation_id: str) -> dict[str, Any]:
        conversation = await run(self.store.get, conversation_id)
        if conversation.assigned_to != staff.user_id and not staff.supervisor:
            raise NotAssigned("Only the advisor handling this chat may see the resident's details.")
        summary = await run(cases.resident_summary, self.h.backoffice, conversation)
        if summary.get("verified"):
            await run(self._audit_resident_view, staff, conversation_id, summary)
        return summary

    def _audit(
        self,
        staff: Staff,
        conversation_id: str,
        entries: list[tuple[AuditAction, dict[str, Any]]],
    ) -> None:
        actor = staff.email or f"user:{staff.user_id}"
        self.store.audit(actor, f"conversation:{conversation_id}", entries)

    def _audit_resident_view(
        self, staff: Staff, conversation_id: str, summary: dict[str, Any]
    ) -> None:
        """One entry per thing seen (details, balances, cases) naming the account
        references, so a subject access search by reference finds who looked."""
        named = {str(summary.get("account_ref") or "")} | {str(r) for r in summary["references"]}
        detail: dict[str, Any] = {"references": sorted(named - {""})}
        entries = [(AuditAction.VIEW_RESIDENT, detail)]
        if summary["balances"]:
            balances = sorted(str(b["account"]) for b in summary["balances"])
            entries.append((AuditAction.VIEW_BALANCE, {"references": balances}))
        if summary["cases"]:
            refs = sorted(str(c["reference"]) for c in summary["cases"])
            entries.append((AuditAction.VIEW_CASES, {**detail, "cases": refs}))
        self._audit(staff, conversation_id, entries)

    async def search(self, query: str, *, language: str, limit: int) -> list[dict[str, str]]:
        if not query.strip():
            return []
        found = await self.search_port.search(query.strip()[:200], language=language, limit=limit)
        return [article.as_dict() for article in found]

    async def teams(self) -> list[dict[str, Any]]:
        return await run(
            views.team_directory, self.store, advisors=await self.advisors(), now=self.store.clock()
        )

    async def overview(self) -> dict[str, Any]:
        return await run(
            views.overview, self.store, advisors=await self.advisors(), now=self.store.clock()
        )

    async def _views_changed(self, teams: set[str], users: set[int]) -> None:
        await self.h.waker.publish({"k": "v", "t": sorted(teams), "u": sorted(users)})
        if self.h.on_views_changed is not None:
            self.h.spawn(self.h.on_views_changed(teams, users))
