"""The chat widget's privacy notice links a page that exists, in English and Welsh.

The widget's own code works out the link (``widget/src/config.js`` reads the
script tag's data attributes, ``widget/src/ui/panel.js`` picks the page for the
language or falls back to its default), run here in node on the very script tag
the knowledge site renders; the link is then followed on the running site, with
the real privacy articles from ``knowledge/content``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from knowledge.seed import CONTENT_DIR
from knowledge.transfer import import_folder
from tests.integration.knowledge.conftest import ADMIN, make_settings

ROOT = Path(__file__).resolve().parents[3]
ARTICLES = {
    "en": ("general/privacy-and-data-protection.md", "Privacy and data protection"),
    "cy": ("general/preifatrwydd-a-diogelu-data.md", "Preifatrwydd a diogelu data"),
}
WIDGET_LINK = """
import { readConfig } from "./widget/src/config.js";
import { privacyHref } from "./widget/src/ui/panel.js";
const { dataset, page, language } = JSON.parse(process.argv[1]);
const config = readConfig({ src: "", dataset }, page);
process.stdout.write(privacyHref(config.privacyUrl, language));
"""


def widget_link(dataset: dict[str, str], page: str, language: str) -> str:
    """The href the widget's notice shows for this script tag, page and language."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    argument = json.dumps({"dataset": dataset, "page": page, "language": language})
    result = subprocess.run(
        [node, "--input-type=module", "-e", WIDGET_LINK, argument],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def script_dataset(page_html: str) -> dict[str, str]:
    """The widget script tag's data attributes, named as the browser's dataset does."""
    tag = re.search(r"<script [^>]*frontdoor-widget\.js[^>]*>", page_html)
    assert tag, "the page carries no widget"
    return {
        re.sub(r"-(\w)", lambda m: m.group(1).upper(), name): html.unescape(value)
        for name, value in re.findall(r'data-([\w-]+)="([^"]*)"', tag.group(0))
    }


@pytest.fixture
def site(database, tmp_path, factory):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from knowledge.app import create_app
    from tests.integration.knowledge.conftest import CLOCK, hashing_engine

    folder = tmp_path / "content"
    for language, (path, _) in ARTICLES.items():
        target = folder / language / path
        target.parent.mkdir(parents=True)
        shutil.copy(CONTENT_DIR / language / path, target)
    with factory() as session:
        report = import_folder(session, folder, actor=ADMIN)
        session.commit()
    assert report.created == 2
    settings = make_settings(database, tmp_path)
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_notice_link_on_the_site_opens_the_privacy_article(site, language: str) -> None:  # type: ignore[no-untyped-def]
    page_url = "http://testserver/" if language == "en" else "http://testserver/cy/"
    page = site.get(page_url)
    assert page.status_code == 200
    dataset = script_dataset(page.text)
    for shown in ("en", "cy"):  # as the page opens, and after the language toggle
        link = widget_link(dataset, page_url, shown)
        article = site.get(link)
        assert article.status_code == 200, link
        assert f">{ARTICLES[shown][1]}</h1>" in article.text, link
        assert f'<html lang="{shown}">' in article.text


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_widget_default_link_opens_the_privacy_article(site, language: str) -> None:  # type: ignore[no-untyped-def]
    """A page that names no privacy page: the widget's own default on this site."""
    link = widget_link({"language": language}, "http://testserver/articles/contact-us", language)
    article = site.get(link)
    assert article.status_code == 200, link
    assert f">{ARTICLES[language][1]}</h1>" in article.text


def test_a_council_sets_its_own_privacy_pages(database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from frontdoor.exceptions import ConfigurationError

    settings = make_settings(
        database,
        tmp_path,
        FRONTDOOR_KNOWLEDGE_PRIVACY_URL="https://www.example.gov.uk/privacy",
        FRONTDOOR_KNOWLEDGE_PRIVACY_URL_CY="https://www.example.gov.uk/cy/preifatrwydd",
    )
    assert settings.knowledge_privacy_url_cy == "https://www.example.gov.uk/cy/preifatrwydd"
    link = widget_link(
        {"privacyUrl": settings.knowledge_privacy_url, "privacyUrlCy": "/cy/preifatrwydd"},
        "https://www.example.gov.uk/bins",
        "cy",
    )
    assert link == "https://www.example.gov.uk/cy/preifatrwydd"
    for bad in ("javascript:alert(1)", "//evil.example/privacy", "privacy"):
        with pytest.raises(ConfigurationError, match="PRIVACY_URL"):
            make_settings(database, tmp_path, FRONTDOOR_KNOWLEDGE_PRIVACY_URL=bad)
