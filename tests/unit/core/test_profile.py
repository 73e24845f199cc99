"""The council profile (``frontdoor.profile``): every service reads one file, and a
missing or wrong field stops start-up with one line naming it."""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoor.cli import app
from frontdoor.contracts.service_areas import team_for_area, teams_of
from frontdoor.exceptions import ConfigurationError
from frontdoor.profile import DEFAULT_PROFILE, load_profile
from frontdoor.stack import StackSettings
from handoff import seed as handoff_seed

ROOT = Path(__file__).resolve().parents[3]
HARROWGATE = ROOT / "tests" / "profiles" / "harrowgate.toml"


def broken(tmp_path: Path, old: str, new: str) -> Path:
    """The demo profile with one line changed."""
    text = DEFAULT_PROFILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "council.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_demo_council_is_the_default_profile_of_every_service() -> None:
    council = StackSettings.load({}).council
    assert council.council.name.en == "Bramblefield District Council"
    assert council.council.name.cy == "Cyngor Dosbarth Bramblefield"
    assert council.fees.bulky_waste.base_pence == 2800
    assert DEFAULT_PROFILE == ROOT / "profiles" / "bramblefield.toml"


def test_frontdoor_profile_chooses_another_council() -> None:
    council = StackSettings.load({"FRONTDOOR_PROFILE": str(HARROWGATE)}).council
    assert council.council.name.en == "Harrowgate Vale Borough Council"
    assert council.bot.name.in_language("cy") == "Cynorthwyydd y Dyffryn"
    assert council.fees.fee("replacement_bin").amount_pence == 2750  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            'phone = "01632 960000"\n',
            "",
            "council profile council.toml: contact.phone: Field required",
        ),
        (
            'primary = "#1d70b8"',
            'primary = "blue"',
            "council profile council.toml: colours.primary: "
            "String should match pattern '^#[0-9a-fA-F]{6}$'",
        ),
        (
            'hours = "mon-fri 09:00-16:30"',
            'hours = "mon-fri 16:30-09:00"',
            "council profile council.toml: teams.3.hours: 16:30-09:00 closes before it opens",
        ),
        (
            'hours = "mon-fri 09:00-16:30"',
            'hours = "mon-fri 09:00-24:00"',
            "council profile council.toml: teams.3.hours: "
            "expected opening hours like 'mon-fri 09:00-17:00; sat 09:00-12:00'",
        ),
        (
            "base_pence = 2800",
            'base_pence = "a lot"',
            "council profile council.toml: fees.bulky_waste.base_pence: "
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            'slug = "general"',
            'slug = "customer"',
            "council profile council.toml: "
            "teams: one team must have slug 'general' (where other areas go)",
        ),
    ],
)
def test_a_missing_or_wrong_field_stops_start_up_with_one_line_naming_it(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(ConfigurationError) as raised:
        StackSettings.load({"FRONTDOOR_PROFILE": str(path)})
    assert raised.value.message == line


def test_a_profile_that_is_not_toml_or_not_there_is_one_line_too(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[council\nname = 1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as raised:
        load_profile(bad)
    assert raised.value.message.startswith("council profile bad.toml: Expected")
    assert "\n" not in raised.value.message
    with pytest.raises(
        ConfigurationError, match=r"^council profile .*missing\.toml: no such file$"
    ):
        load_profile(tmp_path / "missing.toml")


def test_the_stack_does_not_start_on_a_bad_profile(tmp_path: Path) -> None:
    path = broken(tmp_path, 'email = "customer.services@bramblefield.gov.uk"\n', "")
    result = CliRunner().invoke(app, ["run"], env={"FRONTDOOR_PROFILE": str(path)})
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "frontdoor: council profile council.toml: contact.email: Field required"
    ]


def test_profile_check_prints_every_problem_and_fails(tmp_path: Path) -> None:
    path = broken(tmp_path, 'phone = "01632 960000"\n', 'phone = "call us"\n')
    path.write_text(
        path.read_text(encoding="utf-8").replace("max_items = 8", "max_items = 0"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["profile", "check", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"{path}: contact.phone: String should match pattern '^\\+?[0-9][0-9 ]{{5,18}}[0-9]$'",
        f"{path}: fees.bulky_waste.max_items: Input should be greater than or equal to 1",
    ]
    good = CliRunner().invoke(app, ["profile", "check", str(HARROWGATE)])
    assert good.exit_code == 0 and good.output.strip() == f"{HARROWGATE}: profile ok"


def test_the_shipped_profiles_keep_every_field_the_model_knows() -> None:
    for path in (DEFAULT_PROFILE, HARROWGATE):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        assert {"council", "colours", "contact", "bot", "area", "teams", "costs", "fees"} <= set(
            data
        )


def test_the_demo_teams_and_hours_are_unchanged() -> None:
    teams = handoff_seed.teams_of(load_profile())
    assert [(slug, hours) for slug, _name, _skills, hours in teams] == [
        ("waste", "mon-fri 08:30-17:00"),
        ("revenues", "mon-fri 09:00-17:00"),
        ("housing", "mon-fri 09:00-17:00"),
        ("planning", "mon-fri 09:00-16:30"),
        ("general", "mon-fri 08:30-17:30; sat 09:00-12:00"),
        ("cymraeg", "mon-fri 08:30-17:30; sat 09:00-12:00"),
    ]


def test_another_councils_teams_route_its_areas_and_keep_their_hours() -> None:
    council = load_profile(HARROWGATE)
    teams = teams_of(council)
    assert team_for_area("bulky_waste", teams) == "environment"
    assert team_for_area("housing", teams) == "general"  # its contact centre takes housing
    assert team_for_area("council_tax", teams) == "revenues"
    assert team_for_area("bulky_waste") == "waste"  # the environment's profile: the demo's
    seeded = handoff_seed.teams_of(council)
    assert seeded[0] == (
        "environment",
        "Environment and streets",
        "waste,bins,recycling,bulky_waste,missed_bin,garden_waste,streets",
        "mon-fri 08:00-16:00",
    )
    assert seeded[-1] == ("cymraeg", "Welsh speakers", "cy", "mon-thu 10:00-15:00")


def test_insight_costs_are_the_profiles_unless_a_variable_overrides_one() -> None:
    from handoff.settings import HandoffSettings

    keys = {
        f"FRONTDOOR_{name}": secrets.token_urlsafe(48)
        for name in ("SECRET_KEY", "IDENTITY_SIGNING_KEY", "BOT_SECRET")
    }
    demo = HandoffSettings.load(keys).insight_costs()
    assert (demo.face_to_face, demo.phone, demo.online) == (8.62, 2.83, 0.15)
    costs = HandoffSettings.load(
        {
            **keys,
            "FRONTDOOR_PROFILE": str(HARROWGATE),
            "FRONTDOOR_INSIGHT_COST_ONLINE_GBP": "0.5",
        }
    ).insight_costs()
    assert (costs.face_to_face, costs.phone, costs.online) == (8.23, 3.21, 0.5)
    assert costs.source == "Harrowgate Vale's own figures"


def test_every_profiles_hours_are_what_the_handoff_service_reads() -> None:
    from handoff.hours import OpeningHours

    for path in (DEFAULT_PROFILE, HARROWGATE):
        for _slug, _name, _skills, hours in handoff_seed.teams_of(load_profile(path)):
            assert OpeningHours.parse(hours).windows
