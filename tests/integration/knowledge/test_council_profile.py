"""The council's website under a second, invented council profile: its name (in
English and Welsh), colour and contact details, never Bramblefield's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.knowledge.conftest import CLOCK, hashing_engine, make_settings

HARROWGATE = Path(__file__).resolve().parents[2] / "profiles" / "harrowgate.toml"


@pytest.fixture
def vale_site(database, tmp_path):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from knowledge.app import create_app

    settings = make_settings(database, tmp_path, FRONTDOOR_PROFILE=str(HARROWGATE))
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_the_website_and_its_widget_belong_to_the_profiles_council(vale_site) -> None:  # type: ignore[no-untyped-def]
    home = vale_site.get("/")
    assert '<h1 class="heading-xl">Harrowgate Vale Borough Council</h1>' in home.text
    assert 'data-council="Harrowgate Vale Borough Council"' in home.text
    assert 'data-colour="#00703c"' in home.text
    welsh = vale_site.get("/cy/")
    assert 'data-council="Cyngor Bwrdeistref Dyffryn Harrowgate"' in welsh.text
    accessibility = vale_site.get("/accessibility")
    assert "contact Customer Services on 01632 870000." in accessibility.text
    manifest = vale_site.get("/site.webmanifest").json()
    assert manifest["name"] == "Harrowgate Vale Borough Council"
    assert manifest["short_name"] == "Harrowgate Vale"
    assert manifest["icons"][0] == {
        "src": "https://www.harrowgatevale.gov.uk/logo.png",
        "sizes": "any",
        "type": "image/png",
    }
    for page in (home, welsh, accessibility):
        assert "Bramblefield" not in page.text
