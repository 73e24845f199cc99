"""Every at-risk phrasing we know goes first in the queue, whatever the intent model
says about it: the risk patterns (``actions/risk.py``) see it, the decision policy
hands it over at once (inside a form too), the handover is urgent with the team of
its kind, and the handoff service's queue puts it ahead of everyone waiting.

The phrasings: the ``at_risk`` training examples, the at-risk messages of the bot's
held-out and outcome benchmarks (read from their files, so a new one is covered
at once), and the list below (English and Welsh, written for this test). The
precision side, text that must not trigger a handover, is at the end; CLINC150
measures it at scale (``benchmarks/bot_clinc.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from actions import policy
from actions.risk import RISK_SERVICE_AREA, RiskKind, detect_risk
from backoffice.world import World
from frontdoor.contracts.handover import HANDOVER_KEY, HandoverRequest
from handoff.routing import Priority, QueueEntry, sort_key
from tests.unit.bot.harness import BotHarness, make_harness

ROOT = Path(__file__).resolve().parents[3]

# Written for this test: each with the risk it is (which picks the team).
PHRASINGS: dict[RiskKind, tuple[str, ...]] = {
    RiskKind.SUICIDE: (
        "im going to kill myself tonight",
        "i've been having suicidal thoughts",
        "i'm going to take my own life",
        "thinking about taking my life",
        "i don't want to be alive",
        "life is not worth living any more",
        "there's no point in living",
        "i can't go on like this",
        "everyone would be better off if i was dead",
        "i'd be better off dead",
        "i wish i was dead",
        "i want to die",
        "i just want to die",
        "i've taken an overdose",
        "i've been self harming",
        "i self-harm",
        "i keep hurting myself",
        "i've been cutting myself",
        "i want to harm myself",
        "dw i eisiau lladd fy hun",
        "dwi ddim isio byw",
        "rwy'n meddwl am hunanladdiad",
        "dw i'n teimlo'n hunanladdol",
        "dw i eisiau marw",
        "dw i wedi bod yn niweidio fy hun",
        "dw i'n brifo fy hun",
        "does dim pwynt byw",
        "dw i eisiau rhoi diwedd ar fy mywyd",
    ),
    RiskKind.DOMESTIC_ABUSE: (
        "my husband beats me",
        "my wife is abusive",
        "my partner threatens to hurt me",
        "my husband is hurting me",
        "he hits me when he's drunk",
        "she hit me again last night",
        "he threatened me with a knife",
        "i'm afraid of my boyfriend",
        "i'm terrified of my ex",
        "i'm afraid to go back home",
        "i dont feel safe in my own home",
        "i'm being abused by my partner",
        "i'm in an abusive relationship",
        "he controls all my money and my phone",
        "my boyfriend strangled me",
        "my dad punched me",
        "my son is violent towards me",
        "coercive control",
        "my stepdad hits my mum",
        "mae fy ngŵr yn fy nharo",
        "mae fy nghariad yn fy mygwth",
        "mae gen i ofn fy mhartner",
        "mae arna i ofn fy ngŵr",
        "dw i ddim yn teimlo'n ddiogel gartref",
        "dydw i ddim yn ddiogel adref",
        "rwy'n profi cam-drin domestig",
        "mae fy mhartner yn fy ngham-drin",
    ),
    RiskKind.SAFEGUARDING: (
        "a child is being neglected next door",
        "the kids next door are being neglected",
        "i want to report a safeguarding concern",
        "i think someone is being exploited",
        "my elderly neighbour is being neglected",
        "i'm concerned for a vulnerable person",
        "mae plentyn yn cael ei gam-drin",
        "mae plentyn yn cael ei esgeuluso drws nesaf",
        "dw i eisiau codi pryder diogelu",
        "mae plentyn mewn perygl",
    ),
    RiskKind.HOMELESSNESS: (
        "i'm homeless tonight",
        "we have nowhere to go",
        "i have no where to sleep",
        "we're sleeping in the car with the kids",
        "i've been evicted",
        "the bailiffs are coming tomorrow",
        "the bailiffs are outside the flat",
        "they evicted us this morning",
        "my landlord has served me with an eviction notice",
        "my mum is getting evicted",
        "my parents threw me out",
        "i've been asked to leave my flat",
        "the landlord wants us out by friday",
        "we're losing our home",
        "i'm staying in a tent",
        "my mate wants me out tomorrow",
        "i need somewhere to stay tonight",
        "can you help me find somewhere safe to sleep tonight",
        "i need emergency accommodation",
        "dw i'n ddigartref",
        "rydw i'n ddigartref heno",
        "does gen i unman i gysgu heno",
        "dw i'n cysgu yn y car",
        "dw i wedi cael fy nhaflu allan",
        "mae'r landlord yn fy nhroi allan",
        "mae'r landlord wedi newid y cloeon",
    ),
    RiskKind.BEREAVEMENT: (
        "my dad has died",
        "my grandad has died",
        "my nan died yesterday",
        "my baby died",
        "i've been bereaved",
        "my brother has passed away",
        "my father died and the council tax is in his name",
        "mae fy ngŵr wedi marw",
        "mae mam wedi marw",
        "bu farw fy nhad wythnos diwethaf",
        "dw i wedi cael profedigaeth",
        "mae fy nhad wedi marw a dw i ddim yn gwybod beth i'w wneud",
    ),
    RiskKind.OTHER: (
        "my flat is freezing and i have a baby and no heating",
        "we have no heating and a newborn",
        "no gas or electric and my kids are cold",
        "i can't afford food for my children",
        "i can't afford to feed my kids",
        "i haven't eaten for days",
        "my kids are starving and there is nothing to eat",
        "i can't cope any more",
        "does dim bwyd gyda ni ac mae'r plant yn llwglyd",
        "does dim gwres ac mae gen i fabi",
        "dim arian am fwyd",
    ),
}


def training_examples() -> list[str]:
    nlu = yaml.safe_load((ROOT / "training_data" / "nlu" / "risk.yml").read_text("utf-8"))["nlu"]
    (block,) = [b for b in nlu if b.get("intent") == "at_risk"]
    return [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]


def benchmark_messages() -> list[str]:
    data = ROOT / "benchmarks" / "data"
    heldout = yaml.safe_load((data / "bot_nlu_heldout.yml").read_text("utf-8"))["at_risk"]
    outcomes = yaml.safe_load((data / "bot_outcomes.yaml").read_text("utf-8"))["messages"]
    return [*heldout, *(m["text"] for m in outcomes if m["expect"] == "at_risk")]


EVERY_PHRASING = sorted(
    {
        *training_examples(),
        *benchmark_messages(),
        *(text for texts in PHRASINGS.values() for text in texts),
    }
)


def test_the_phrasings_are_gathered() -> None:
    # the files' at-risk messages are read (a renamed key would silently empty them)
    assert len(training_examples()) >= 70 and len(benchmark_messages()) >= 30
    assert len(EVERY_PHRASING) >= 200


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in PHRASINGS.items() for text in texts]
)
def test_each_written_phrasing_is_its_own_risk(kind: RiskKind, text: str) -> None:
    signal = detect_risk(text)
    assert signal is not None and signal.kind is kind, text


@pytest.fixture(scope="module")
def bot(world: World) -> BotHarness:
    return make_harness(world)


# What the intent model might wrongly say about a message in crisis.
MODEL_MISSES = (
    [("ask_question", 0.97), ("at_risk", 0.02)],
    [("out_of_scope", 0.9), ("greet", 0.05)],
    [("human", 0.99), ("at_risk", 0.01)],
    [("ask_rent_balance", 0.99), ("at_risk", 0.01)],
)


@pytest.mark.parametrize("text", EVERY_PHRASING)
def test_every_at_risk_phrasing_goes_first_in_the_queue(bot: BotHarness, text: str) -> None:
    signal = detect_risk(text)
    assert signal is not None, f"the risk patterns miss {text!r}"
    # the decision, whatever the model says, outside a form and inside one that took it
    for ranking in MODEL_MISSES:
        for form in (None, policy.Form("missed_bin_form", took_message=True)):
            evidence = policy.Evidence(ranking=ranking, risk_pattern=True, form=form)
            decision = policy.decide(evidence, policy.CALIBRATED)
            assert decision.route == policy.HANDOVER_AT_RISK, (text, ranking, form)
    # the handover, with the model's intent wrong: urgent, to the risk's team
    result = bot.run("action_handoff", bot.tracker(text=text, intent="ask_question"))
    (custom,) = result.custom
    request = HandoverRequest.model_validate(custom[HANDOVER_KEY])
    assert (request.reason, request.priority) == ("at_risk", "urgent"), text
    assert request.service_area == RISK_SERVICE_AREA[signal.kind]
    # the queue: ahead of residents who have waited an hour
    start = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
    waiting = [
        QueueEntry(f"c-{n}", request.service_area, start + timedelta(minutes=n)) for n in range(3)
    ]
    mine = QueueEntry(
        "c-at-risk", request.service_area, start + timedelta(hours=1), Priority(request.priority)
    )
    assert sorted([*waiting, mine], key=sort_key)[0] is mine


@pytest.mark.parametrize(
    "text",
    [
        # a phone assistant's, a bank's and a traveller's words (CLINC150-like, written here)
        "my phone battery just died",
        "my car battery has died what should i do",
        "my laptop has died",
        "the plants in my garden have died",
        "hit me with a fun fact",
        "hit me with a joke",
        "kill the lights",
        "i could kill for a coffee",
        "this traffic is killing me",
        "i want to die my hair red",
        "i was dead tired yesterday",
        "i need a place to stay in paris",
        "book me a hotel, we have nowhere booked yet",
        "my son passed his driving test",
        "my friend passed out at a party",
        "im starving, suggest a meal",
        "the children are hungry, what should i cook",
        "we have no power, is there a power cut in my area",
        "i live in a van, do i pay council tax",
        "she threatened to report me to the council",
        "i hurt my back lifting the bin",
        "how do i register a death",
        "what temperature should the heating be for a baby",
        "my card was declined",
        "i lost my phone",
        "report my card as stolen",
        # questions about evictions and bailiffs, not the resident's own (issue 18)
        "will bailiffs be sent if i miss a council tax payment",
        "can bailiffs take my car",
        "can the council evict a tenant for rent arrears",
        "how do i evict a lodger",
        "what is an eviction notice",
    ],
)
def test_everyday_and_out_of_scope_text_is_not_a_risk(text: str) -> None:
    assert detect_risk(text) is None, text
