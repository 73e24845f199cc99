"""One list of service areas and their teams (``frontdoor.contracts.service_areas``):
the bot's choice of area and the handoff service's routing agree on it."""

from __future__ import annotations

import pytest

from frontdoor.contracts.service_areas import (
    DEFAULT_TEAM,
    TASK_SERVICE_AREAS,
    default_teams,
    team_for_area,
)
from frontdoor.profile import load_profile
from handoff import seed
from handoff.routing import WELSH_SKILL, TeamInfo, team_for

SEEDED = [
    TeamInfo(slug, name, frozenset(skills.split(",")))
    for slug, name, skills, _hours in seed.teams_of(load_profile())
]
TEAMS = default_teams()
TEAM_SLUGS = tuple(team.slug for team in TEAMS)
EVERY_AREA = [(area, team.slug) for team in TEAMS for area in team.areas]


def test_the_handoff_service_seeds_each_teams_skills_from_the_one_list():
    *queues, speakers = SEEDED
    assert [(t.slug, t.name, t.skills) for t in queues] == [
        (team.slug, team.name, frozenset(team.areas)) for team in TEAMS
    ]
    # ... and one list of Welsh speakers, whom no service area routes to.
    assert speakers.skills == {WELSH_SKILL} and speakers.slug not in TEAM_SLUGS
    assert set(seed.hours_of(load_profile())) == set(TEAM_SLUGS) and DEFAULT_TEAM in TEAM_SLUGS


@pytest.mark.parametrize(("area", "slug"), EVERY_AREA)
def test_the_bot_and_the_routing_send_every_area_to_the_same_team(area, slug):
    assert team_for_area(area) == slug
    assert team_for(area, SEEDED) == slug
    assert team_for(team_for_area(area), SEEDED) == slug  # what the bot sends is routed there


def test_every_task_of_the_bot_has_a_team():
    assert set(TASK_SERVICE_AREAS.values()) <= set(TEAM_SLUGS)


@pytest.mark.parametrize(
    ("area", "slug"),
    [
        ("Council tax", "revenues"),  # a knowledge article's free-text area, by its words
        ("business rates", "revenues"),
        ("Recycling centres", "waste"),
        ("Tenancy support", "housing"),
        ("building control", "planning"),
        ("environmental_health", "general"),
        ("", "general"),
        (None, "general"),
    ],
)
def test_a_free_text_area_is_read_by_its_words_and_anything_else_is_general(area, slug):
    assert team_for_area(area) == slug
