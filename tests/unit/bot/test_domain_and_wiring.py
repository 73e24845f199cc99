"""The domain, the rules and the action registry agree with each other."""

from __future__ import annotations

import re

import pytest
import yaml
from typer.testing import CliRunner

from actions.registry import ACTION_CLASSES
from actions.settings import BotSettings
from backoffice.identity import verify_token
from frontdoor.exceptions import ConfigurationError
from tests.unit.bot.harness import BOT_SECRET, ROOT, SIGNING_KEY, domain


def _rules() -> list[dict]:
    return yaml.safe_load((ROOT / "training_data" / "dialogue" / "rules.yml").read_text())["rules"]


def test_every_domain_action_is_registered_and_nothing_else() -> None:
    names = {getattr(cls, "NAME", "") or f"validate_{cls.FORM}" for cls in ACTION_CLASSES}
    assert names == set(domain()["actions"])


def test_every_form_slot_can_be_asked_and_exists() -> None:
    loaded = domain()
    for form, spec in loaded["forms"].items():
        for slot in spec["required_slots"]:
            assert slot in loaded["slots"], (form, slot)
            assert f"action_ask_{slot}" in loaded["actions"], (form, slot)


def test_every_intent_has_an_entry_rule() -> None:
    started = {step["intent"] for rule in _rules() for step in rule["steps"] if "intent" in step}
    assert set(domain()["intents"]) | {"nlu_fallback"} == started


def test_identity_slots_can_only_be_set_by_actions() -> None:
    slots = domain()["slots"]
    for name in ("verified_session", "handoff_requested", "awaiting", "failed_answers"):
        assert slots[name]["mappings"] == [{"type": "custom"}]
        assert slots[name]["influence_conversation"] is False


def test_the_domain_has_no_responses_all_wording_is_in_messages() -> None:
    assert "responses" not in domain()


def test_the_config_points_spacy_at_the_built_pipeline() -> None:
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text())
    spacy = next(c for c in config["pipeline"] if c["name"] == "SpacyNLP")
    assert spacy["model"] == "models/spacy/frontdoor_en"
    names = [c["name"] for c in config["pipeline"]]
    assert {
        "SpacyEntityExtractor",
        "FallbackClassifier",
        "EntitySynonymMapper",
        "RegexEntityExtractor",
    } <= set(names)


def test_the_spacy_patterns_cover_every_reference_kind() -> None:
    source = (ROOT / "bot" / "spacy_pipeline.py").read_text()
    for label in (
        "POSTCODE",
        "CASE_REFERENCE",
        "COUNCIL_TAX_REFERENCE",
        "TENANCY_REFERENCE",
        "PLANNING_REFERENCE",
    ):
        assert re.search(rf"\({label}, \[", source), label


# --- settings ------------------------------------------------


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_the_published_signing_key_is_refused_in_every_environment(environment: str) -> None:
    base = {"FRONTDOOR_ENVIRONMENT": environment, "FRONTDOOR_BOT_SECRET": BOT_SECRET}
    for published in ("change-me-identity-signing-key", "change-me-in-production"):
        with pytest.raises(ConfigurationError, match="FRONTDOOR_IDENTITY_SIGNING_KEY"):
            BotSettings.load({**base, "FRONTDOOR_IDENTITY_SIGNING_KEY": published})
    with pytest.raises(ConfigurationError, match=r"FRONTDOOR_IDENTITY_SIGNING_KEY.*at least 32"):
        BotSettings.load({**base, "FRONTDOOR_IDENTITY_SIGNING_KEY": "short"})
    with pytest.raises(ConfigurationError, match=r"FRONTDOOR_IDENTITY_SIGNING_KEY.*not set"):
        BotSettings.load(base)
    with pytest.raises(ConfigurationError, match=r"FRONTDOOR_BOT_SECRET.*not set"):
        BotSettings.load(
            {"FRONTDOOR_ENVIRONMENT": environment, "FRONTDOOR_IDENTITY_SIGNING_KEY": SIGNING_KEY}
        )
    assert BotSettings.load({**base, "FRONTDOOR_IDENTITY_SIGNING_KEY": SIGNING_KEY})


# --- frontdoor token mint ------------------------------------------------


def test_token_mint_prints_a_verifiable_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from backoffice.cli import app

    monkeypatch.setenv("FRONTDOOR_ENVIRONMENT", "test")
    monkeypatch.setenv("FRONTDOOR_IDENTITY_SIGNING_KEY", SIGNING_KEY)
    result = CliRunner().invoke(
        app, ["mint", "--council-tax", "CT40012345", "--tenancy", "ten 004512", "--minutes", "30"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    claims = verify_token(token, SIGNING_KEY.encode())
    assert claims.council_tax == ("CT40012345",) and claims.tenancies == ("TEN-004512",)


def test_token_mint_refuses_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from backoffice.cli import app

    monkeypatch.setenv("FRONTDOOR_ENVIRONMENT", "test")
    monkeypatch.setenv("FRONTDOOR_IDENTITY_SIGNING_KEY", SIGNING_KEY)
    assert CliRunner().invoke(app, ["mint"]).exit_code == 2
    assert CliRunner().invoke(app, ["mint", "--council-tax", "CT1"]).exit_code == 2
