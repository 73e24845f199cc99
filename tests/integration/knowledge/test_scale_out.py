"""Two knowledge instances on one PostgreSQL, as real uvicorn processes.

An editor publishes on instance A; a resident (or the bot) searching instance B
finds the article at once and B's website shows it; withdrawn on A, B stops
answering with it. Neither instance runs its background sync loop here
(``FRONTDOOR_KNOWLEDGE_BACKGROUND_TASKS=false``: one sync at start-up, none
after), so what B answers can only come from its search catching up with the
database's content revision before it answers: no wait, no poll, no clock.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from frontdoor.secrets import GENERATED_VARIABLES, new_secret
from tests.conftest import DatabaseHandle
from tests.integration.knowledge.conftest import PASSWORD, api_article

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

TOKEN = new_secret()
WORD = "quuxberry"  # in no other article: a hit means this article


class KnowledgeProcess:
    """``uvicorn knowledge.app:create_app --factory`` on a free loopback port."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        from handoff.devserver import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "FRONTDOOR_VAR_DIR": str(folder / name)}
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> KnowledgeProcess:
        command = [sys.executable, "-m", "uvicorn", "knowledge.app:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(self.port),
                   "--log-level", "warning"]  # fmt: skip
        with open(self.log, "ab") as log:
            # our own interpreter and module: no untrusted input
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        for _attempt in range(600):  # bounded: a start-up that fails says so below
            if self.process.poll() is not None:
                raise RuntimeError(f"knowledge exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # start-up polling, not a wait for the behaviour under test
        raise RuntimeError(f"knowledge did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def instances(tmp_path, redis_url) -> Iterator[tuple[KnowledgeProcess, KnowledgeProcess, str]]:  # type: ignore[no-untyped-def]
    from frontdoor.accounts import service
    from frontdoor.accounts.roles import Role
    from frontdoor.db import make_session_factory

    database = DatabaseHandle("postgresql", tmp_path).migrate()
    with make_session_factory(database.engine)() as session:
        service.create_user(
            session,
            email="reviewer@example.gov.uk",
            display_name="Rita Reviewer",
            password=PASSWORD,
            roles=[Role.REVIEWER],
            teams=["Waste Services"],
        )
        session.commit()
    env = {
        **{name: new_secret() for name in GENERATED_VARIABLES},
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_DATABASE_URL": database.url,
        "FRONTDOOR_REDIS_URL": redis_url,
        "FRONTDOOR_KNOWLEDGE_API_TOKENS": TOKEN,
        "FRONTDOOR_KNOWLEDGE_EMBEDDER": "hashing",
        "FRONTDOOR_KNOWLEDGE_BACKGROUND_TASKS": "false",
    }
    a = KnowledgeProcess("a", env, tmp_path)
    b = KnowledgeProcess("b", env, tmp_path)
    try:
        a.start()
        b.start()
        yield a, b, database.url
    finally:
        a.stop()
        b.stop()
        database.drop()


def signed_in_reviewer(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=30)
    signed = client.post(
        "/editor/login",
        data={"email": "reviewer@example.gov.uk", "password": PASSWORD, "next": "/editor"},
    )
    assert signed.status_code == 303, signed.text
    page = client.get("/editor", headers={"accept": "text/html"})
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match, page.text[:500]
    return client, match.group(1)


def searched(base: str) -> list[str]:
    answer = httpx.get(f"{base}/api/v1/search", params={"q": f"{WORD} collection"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return [hit["slug"] for hit in answer.json()["results"]]


def index_revision(base: str) -> int:
    return int(
        httpx.get(f"{base}/healthz", timeout=30).json()["dependencies"]["search"]["revision"]
    )


def test_published_on_one_instance_answered_by_the_other_and_withdrawn_too(instances):
    a, b, _url = instances
    bearer = {"authorization": f"Bearer {TOKEN}"}
    assert searched(b.url) == []
    assert httpx.get(f"{b.url}/articles/quuxberry-collections").status_code == 404
    before = index_revision(b.url)

    body = api_article(
        title="Quuxberry collections",
        slug="quuxberry-collections",
        summary=f"How the {WORD} collection works.",
        body=f"The {WORD} collection runs every other week.\n",
        alternative_questions=[f"when is the {WORD} collection"],
    )
    created = httpx.post(f"{a.url}/api/v1/editorial/articles", json=body, headers=bearer)
    assert created.status_code == 201, created.text
    url = f"/api/v1/editorial/articles/{created.json()['id']}"
    assert httpx.post(f"{a.url}{url}/submit", json={}, headers=bearer).status_code == 200
    reviewer, csrf = signed_in_reviewer(a.url)
    try:
        approved = reviewer.post(f"{url}/approve", json={}, headers={"x-csrf-token": csrf})
        assert approved.status_code == 200 and approved.json()["is_live"] is True, approved.text

        # B never synced since it started: its first search after the publish catches up
        assert index_revision(b.url) == before
        assert searched(b.url) == ["quuxberry-collections"]
        assert index_revision(b.url) > before
        page = httpx.get(f"{b.url}/articles/quuxberry-collections")
        assert page.status_code == 200 and "Quuxberry collections" in page.text
        website = httpx.get(f"{b.url}/search", params={"q": WORD})
        assert website.status_code == 200 and "/articles/quuxberry-collections" in website.text

        withdrawn = reviewer.post(f"{url}/archive", json={}, headers={"x-csrf-token": csrf})
        assert withdrawn.status_code == 200 and withdrawn.json()["is_live"] is False
    finally:
        reviewer.close()
    published = index_revision(b.url)
    assert searched(b.url) == []
    assert index_revision(b.url) > published  # removed from B's index, not only filtered out
    assert httpx.get(f"{b.url}/articles/quuxberry-collections").status_code == 404
