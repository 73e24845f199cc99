"""Random conversations about personal data, and the rule they must keep.

Shared by the property-based tests on the in-memory back office
(``tests/unit/bot/test_verification_properties.py``) and on the SQL one
(``tests/integration/bot/test_verification_properties_sql.py``).

A conversation is a list of steps: intents (balances, a case's status,
"talk to someone", "start over", yes/no), buttons, references of every kind
(right and wrong kinds, real, unknown and malformed), postcodes (right for
one reference or wrong) and identity answers (surnames, payment amounts,
right and wrong), and sometimes a signed-in resident's token. ``check``
then reads everything the bot showed and the handover it sent, and asserts
the rule of issue #10: a balance, a payment, a case's history, a name or an
address appears only for a reference that the resident fully proved *for
that purpose* in this conversation (or that a valid token names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from backoffice import references
from backoffice.exceptions import InvalidReference
from backoffice.ports import BackOffice, RentTransactionKind
from backoffice.seed import DEMO_IDENTITIES
from backoffice.world import World
from tests.unit.bot.conversation import Conversation
from tests.unit.bot.harness import BotHarness


@dataclass(frozen=True)
class Pool:
    """The references a conversation may use, and the facts behind each."""

    council_tax: tuple[str, ...]
    tenancies: tuple[str, ...]
    cases: tuple[str, ...]
    postcodes: dict[str, str]  # reference -> its property's postcode
    uprns: dict[str, str]  # reference -> its property's UPRN
    facts: dict[str, tuple[str, ...]]  # account -> surnames and last payment as typed
    names: tuple[str, ...]  # full names of everyone on the accounts
    addresses: tuple[str, ...]

    @property
    def accounts(self) -> tuple[str, ...]:
        return self.council_tax + self.tenancies


def build_pool(world: World, backoffice: BackOffice) -> Pool:
    """The demo identities (all at BF3 2QX: one postcode opens nothing on its own)
    plus one council tax account, tenancy and case elsewhere."""
    ct = [DEMO_IDENTITIES["council_tax"]["reference"]]
    ten = [DEMO_IDENTITIES["tenancy"]["reference"]]
    cases = [DEMO_IDENTITIES["case_in_progress"]["reference"]]
    demo_uprns = {DEMO_IDENTITIES["council_tax"]["uprn"], DEMO_IDENTITIES["tenancy"]["uprn"]}
    ct += [
        r.account.reference
        for r in world.accounts.council_tax
        if r.account.uprn not in demo_uprns
        and backoffice.council_tax.last_payment(r.account.reference)
    ][:1]
    ten += [
        r.account.tenancy_reference
        for r in world.accounts.tenancies
        if r.account.uprn not in demo_uprns
    ][:1]
    cases += [c.reference for c in world.cases if c.uprn and c.uprn not in demo_uprns][:1]
    postcodes: dict[str, str] = {}
    uprns: dict[str, str] = {}
    facts: dict[str, tuple[str, ...]] = {}
    names: list[str] = []
    for reference in ct:
        account = backoffice.council_tax.get_account(reference)
        uprns[reference] = account.uprn
        last = backoffice.council_tax.last_payment(reference)
        paid = (f"£{last.amount_pence / 100:.2f}",) if last else ()
        facts[reference] = tuple(h.surname for h in account.holders) + paid
        names += [f"{h.forename} {h.surname}" for h in account.holders]
    for reference in ten:
        rent = backoffice.rents.get_account(reference)
        uprns[reference] = rent.uprn
        paid = tuple(
            f"£{-e.amount_pence / 100:.2f}"
            for e in backoffice.rents.transactions(reference, limit=20)
            if e.kind is RentTransactionKind.PAYMENT
        )[:1]
        facts[reference] = tuple(t.surname for t in rent.tenants) + paid
        names += [f"{t.forename} {t.surname}" for t in rent.tenants]
    for reference in cases:
        uprns[reference] = backoffice.cases.get_case(reference).uprn or ""
    addresses = []
    for reference, uprn in uprns.items():
        home = backoffice.properties.get_property(uprn)
        postcodes[reference] = home.postcode
        addresses.append(home.single_line)
    return Pool(
        council_tax=tuple(ct),
        tenancies=tuple(ten),
        cases=tuple(cases),
        postcodes=postcodes,
        uprns=uprns,
        facts=facts,
        names=tuple(dict.fromkeys(names)),
        addresses=tuple(dict.fromkeys(addresses)),
    )


# --- steps ---------------------------------------------------------------------------

INTENTS = (
    "ask_council_tax_balance",
    "ask_rent_balance",
    "human",
    "start_over",
    "affirm",
    "deny",
)
BUTTONS = ("/affirm", "/deny", "/human")
WRONG_REFERENCES = ("CT49999999", "TEN-999999", "BDC-999999", "CT123", "hello", "12345")
WRONG_POSTCODES = ("ZZ9 9ZZ", "BF1 1AA", "not a postcode", "bf3")
WRONG_FACTS = ("Smith", "£1.00", "0", "yes", "my name is Nobody", "")


def typed_forms(reference: str) -> tuple[str, ...]:
    """How a resident might type a reference."""
    return (reference, reference.lower(), reference.replace("-", " "))


def steps(pool: Pool) -> st.SearchStrategy[list[tuple[str, Any]]]:
    refs = pool.accounts + pool.cases
    postcodes = sorted(set(pool.postcodes.values()))
    any_reference = st.sampled_from(refs).flatmap(lambda r: st.sampled_from(typed_forms(r)))
    step = st.one_of(
        st.tuples(st.just("intent"), st.sampled_from(INTENTS)),
        st.tuples(st.just("case"), st.sampled_from((*pool.cases, "BDC-999999"))),
        st.tuples(st.just("click"), st.sampled_from(BUTTONS)),
        st.tuples(st.just("type"), any_reference | st.sampled_from(WRONG_REFERENCES)),
        st.tuples(
            st.just("type"),
            st.sampled_from(postcodes) | st.sampled_from(WRONG_POSTCODES),
        ),
        st.tuples(
            st.just("type"),
            st.sampled_from(sorted({f for fs in pool.facts.values() for f in fs}))
            | st.sampled_from(WRONG_FACTS),
        ),
        st.tuples(st.just("token"), st.sampled_from(pool.accounts)),
    )
    return st.lists(step, min_size=1, max_size=16)


def converse(
    data: st.DataObject, bot: BotHarness, chat: Conversation, pool: Pool, *, turns: int
) -> tuple[list[tuple[str, Any]], list[str]]:
    """A resident who answers what the bot asks, sometimes rightly, sometimes not,
    sometimes with a button or another reference kind, and sometimes changes the
    subject. Returns the plan it played (for the failure message) and what it typed."""
    plan: list[tuple[str, Any]] = []
    refs = pool.accounts + pool.cases
    facts = sorted({f for fs in pool.facts.values() for f in fs})
    new_subjects: list[tuple[str, Any]] = [
        *(("intent", intent) for intent in INTENTS),
        *(("case", case) for case in pool.cases),
        ("token", pool.accounts[-1]),  # now and then a signed-in resident
    ]
    for _ in range(turns):
        asked = chat.slots.get("requested_slot") if chat.active_loop == "verify_form" else None
        given = chat.slots.get("verify_reference")
        buttons = [b["payload"] for b in (chat.results[-1].buttons if chat.results else [])]
        if asked == "verify_reference":
            move = data.draw(st.sampled_from(("reference", "reference", "wrong", "button", "new")))
        elif asked == "verify_postcode":
            move = data.draw(
                st.sampled_from(("postcode_for", "postcode", "wrong", "button", "new"))
            )
        elif asked == "verify_fact":
            move = data.draw(st.sampled_from(("fact_for", "fact", "wrong", "button", "new")))
        elif buttons:
            move = data.draw(st.sampled_from(("click", "click", "new", "reference")))
        else:
            move = data.draw(st.sampled_from(("new", "new", "reference")))
        if move == "reference":
            step = (
                "type",
                data.draw(st.sampled_from(refs).map(lambda r: r.lower()) | st.sampled_from(refs)),
            )
        elif move == "postcode_for" and given in pool.postcodes:
            step = ("type", pool.postcodes[given])
        elif move in ("postcode", "postcode_for"):
            step = ("type", data.draw(st.sampled_from(sorted(set(pool.postcodes.values())))))
        elif move == "fact_for" and given in pool.facts:
            step = ("type", data.draw(st.sampled_from(pool.facts[given])))
        elif move in ("fact", "fact_for"):
            step = ("type", data.draw(st.sampled_from(facts)))
        elif move == "wrong":
            step = (
                "type",
                data.draw(st.sampled_from(WRONG_REFERENCES + WRONG_POSTCODES + WRONG_FACTS)),
            )
        elif move == "button":
            step = ("click", data.draw(st.sampled_from(BUTTONS)))
        elif move == "click":
            step = ("click", data.draw(st.sampled_from(buttons)))
        else:
            step = data.draw(st.sampled_from(new_subjects))
        plan.append(step)
        said = play(bot, chat, [step])
        chat.said += said
    return plan, chat.said


def play(bot: BotHarness, chat: Conversation, plan: list[tuple[str, Any]]) -> list[str]:
    """Run the plan; returns what the resident typed (and the references they gave)."""
    said: list[str] = []
    for kind, value in plan:
        if kind == "intent":
            chat.say(value.replace("_", " "), intent=value)
        elif kind == "case":
            said.append(value)
            chat.say(
                f"where is my request {value}",
                intent="ask_case_status",
                entities=(("case_reference", value),),
            )
        elif kind == "click":
            chat.click(value)
        elif kind == "type":
            said.append(value)
            chat.say(value)
        elif kind == "token":
            if value.startswith("CT"):
                token = bot.token(council_tax=[value])
            else:
                token = bot.token(tenancies=[value])
            chat.metadata = {"frontdoor_identity_token": token}
    return said


# --- the rule --------------------------------------------------------------------------

_CT_SHOWN = re.compile(r"Council tax account (CT\d{8}) \(")
_RENT_SHOWN = re.compile(r"Rent account (TEN-\d{6}) \(")
_CASE_SHOWN = re.compile(r"^Request (BDC-\d{6}): ", re.M)


def _canonical(text: str) -> str | None:
    for normalise in (
        references.council_tax_reference,
        references.tenancy_reference,
        references.case_reference,
    ):
        try:
            return normalise(text)
        except InvalidReference:
            continue
    return None


def _postcode(text: str) -> str | None:
    try:
        return references.postcode(text)
    except InvalidReference:
        return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def check(pool: Pool, chat: Conversation, plan: list[tuple[str, Any]], said: list[str]) -> None:
    """Nothing personal is shown for a reference not fully proved for that purpose."""
    given = {ref for ref in map(_canonical, said) if ref}
    postcodes = {pc for pc in map(_postcode, said) if pc}
    answers = {_fold(text) for text in said}
    tokens = {value for kind, value in plan if kind == "token"}

    def proved_account(reference: str) -> bool:
        if reference in tokens:
            return True
        return (
            reference in given
            and pool.postcodes.get(reference) in postcodes
            and any(_fold(fact) in answers for fact in pool.facts.get(reference, ()))
        )

    def proved_case(reference: str) -> bool:
        if reference in given and pool.postcodes.get(reference) in postcodes:
            return True
        # A signed-in resident (token) sees the cases at their account's property.
        return any(pool.uprns.get(t) == pool.uprns.get(reference) for t in tokens)

    transcript = chat.transcript
    for reference in _CT_SHOWN.findall(transcript) + _RENT_SHOWN.findall(transcript):
        assert proved_account(reference), f"balance of {reference} shown unproved: {plan}"
    for reference in _CASE_SHOWN.findall(transcript):
        assert proved_case(reference), f"details of {reference} shown unproved: {plan}"
    for name in pool.names:
        assert name not in transcript, f"a name was shown: {plan}"
    for address in pool.addresses:
        assert address not in transcript, f"an address was shown: {plan}"
    # The advisor is told "verified" only for accounts proved for account use.
    for result in chat.results:
        for custom in result.custom:
            summary = (custom.get("frontdoor_handoff") or {}).get("summary") or {}
            identity = summary.get("verified_identity") or {}
            for reference in identity.get("references") or ():
                assert proved_account(reference), f"console told {reference} verified: {plan}"
