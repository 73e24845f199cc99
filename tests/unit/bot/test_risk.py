"""Signs of risk send a resident to a person, first in the queue."""

from __future__ import annotations

import pytest

from actions.risk import RiskKind, detect_risk, looks_welsh


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I want to kill myself", RiskKind.SUICIDE),
        ("i dont want to be alive anymore", RiskKind.SUICIDE),
        ("I've been thinking about suicide", RiskKind.SUICIDE),
        ("my partner hits me", RiskKind.DOMESTIC_ABUSE),
        ("I'm scared of my husband", RiskKind.DOMESTIC_ABUSE),
        ("domestic violence", RiskKind.DOMESTIC_ABUSE),
        ("I think the child next door is being neglected", RiskKind.SAFEGUARDING),
        ("safeguarding concern about my neighbour", RiskKind.SAFEGUARDING),
        ("my landlord is evicting me", RiskKind.HOMELESSNESS),
        ("I'm homeless", RiskKind.HOMELESSNESS),
        ("got a section 21 today", RiskKind.HOMELESSNESS),
        ("I have nowhere to sleep tonight", RiskKind.HOMELESSNESS),
        ("the landlord says we have to be out by friday", RiskKind.HOMELESSNESS),
        ("my letting agent gave us notice to quit", RiskKind.HOMELESSNESS),
        ("my mum passed away last week", RiskKind.BEREAVEMENT),
        ("my husband died and I need to change the council tax", RiskKind.BEREAVEMENT),
    ],
)
def test_risks_are_recognised(text: str, kind: RiskKind) -> None:
    signal = detect_risk(text)
    assert signal is not None and signal.kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "when is my bin day",
        "how do I kill weeds in my garden",
        "the bin men hit my car",
        "how do I end my tenancy",
        "what happens to council tax when a property is empty",
        "",
    ],
)
def test_ordinary_messages_are_not_risks(text: str) -> None:
    assert detect_risk(text) is None


@pytest.mark.parametrize(
    ("text", "welsh"),
    [
        ("Pryd mae fy miniau yn cael eu casglu?", True),
        ("Diolch yn fawr", True),
        ("Shwmae, dw i eisiau siarad Cymraeg", True),
        ("when is my bin day", False),
        ("thanks", False),
        ("bin", False),
    ],
)
def test_welsh_is_noticed(text: str, welsh: bool) -> None:
    assert looks_welsh(text) is welsh


def test_welsh_risks_and_a_neglected_neighbour_go_to_a_person() -> None:
    from actions.risk import detect_risk

    for text in (
        "Mae fy mhartner yn fy mrifo ac mae gen i ofn",
        "Rwy am ladd fy hun",
        "dw i ddim eisiau byw",
        "Does gen i unman i fyw ac rydw i'n cysgu ar y stryd",
        "my elderly neighbour has had no food or heating for days and nobody visits",
    ):
        assert detect_risk(text) is not None, text
    for text in ("is there a real nappy scheme", "my plant died", "Mae fy mhartner yn dod hefyd"):
        assert detect_risk(text) is None, text
