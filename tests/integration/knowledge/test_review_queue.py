"""The review queue of what the bot missed, on SQLite and PostgreSQL.

Messages arrive over the typed contract (``frontdoor.contracts.review``) and are
stored redacted; they are grouped by meaning with the search's real embedding
model (all-MiniLM-L6-v2), deterministically; groups come most-asked or newest
first, page, and stay dismissed; a group becomes alternative questions of an
article (sent for review) or, for an admin only, training examples after which
the bot retrains. Every change is in the audit log. The retraining runs a real
subprocess; Rasa's HTTP API is an ``httpx.MockTransport`` here (the real Rasa
swap is in ``tests/e2e/bot/test_retraining.py``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.audit import AuditEntry
from frontdoor.contracts.review import SIGNALS_PATH
from knowledge import gaps, retraining
from knowledge.app import create_app
from knowledge.models import Article, BotTraining, ContentGap, TrainingExample, WorkflowEvent
from knowledge.retraining import Trainer, TrainerConfig
from knowledge.search import SentenceTransformerEmbedder
from tests.integration.knowledge.conftest import (
    ADMIN,
    CLOCK,
    EDITOR,
    NOW,
    hashing_engine,
    login,
    make_settings,
    publish,
)

MINUTE = timedelta(minutes=1)


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


class FakeRasa:
    """Rasa's ``PUT /model`` as seen on the wire: records what it was asked to load."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.loaded: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("PUT", "/model")
        self.loaded.append((json.loads(request.content)["model_file"], request.url.params["token"]))
        return httpx.Response(self.status)


def _script(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "train.py"
    script.write_text(body, encoding="utf-8")
    return [str(script)]


def trainer(
    factory: sessionmaker[Session], tmp_path: Path, rasa: FakeRasa, command: list[str]
) -> Trainer:
    config = TrainerConfig(
        command=command,
        training_file=tmp_path / "training_data" / "nlu" / "reviewed.yml",
        rasa_url="http://rasa.internal:5005",
        rasa_token="rasa-token-for-tests",
        timeout_seconds=120,
        cwd=tmp_path,
        python=sys.executable,
    )
    return Trainer(factory, config, clock=CLOCK, transport=httpx.MockTransport(rasa))


SUCCEEDS = """import json, pathlib, sys
model = pathlib.Path("models/frontdoor-new.tar.gz")
model.parent.mkdir(exist_ok=True)
model.write_bytes(b"model")
print("trained", model)
print(json.dumps({"model": str(model), "trained": True}))
"""
FAILS = """import sys
print("rasa train failed: InvalidDomain: intent 'x' is not in the domain", file=sys.stderr)
sys.exit(1)
"""


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def app_client(database, tmp_path, factory, rasa) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = make_settings(database, tmp_path)
    app = create_app(
        settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK,
        trainer=trainer(factory, tmp_path, rasa, _script(tmp_path, SUCCEEDS)),
    )  # fmt: skip
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _record(session: Session, texts: list[str], embedder, **extra) -> list[ContentGap]:  # type: ignore[no-untyped-def]
    found = []
    for index, text in enumerate(texts):
        found.append(
            gaps.record_gap(
                session,
                question=text,
                source=extra.get("source", "fallback"),
                embedder=embedder,
                now=NOW + index * MINUTE,
                client_key=f"client-{index}",
            )
        )
    session.flush()
    return found


BOILER = [
    "my boiler is broken and there is no hot water",
    "the boiler in my flat stopped working",
    "no hot water boiler not working",
]
FLY_TIPPING = ["someone dumped rubbish in the alley", "a pile of rubbish was dumped in the lane"]
CHICKENS = ["can I keep chickens on my allotment"]


def _partition(rows: list[ContentGap]) -> list[int]:
    """Each message's group as the index of the first message of that group."""
    first: dict[str, int] = {}
    return [first.setdefault(row.group_key, index) for index, row in enumerate(rows)]


def test_messages_are_grouped_by_meaning_the_same_way_every_time(factory, minilm):  # type: ignore[no-untyped-def]
    texts = [BOILER[0], FLY_TIPPING[0], CHICKENS[0], BOILER[1], FLY_TIPPING[1], BOILER[2]]
    partitions = []
    for _ in range(2):
        with factory() as session:
            rows = _record(session, texts, minilm)
            partitions.append(_partition(rows))
            assert all(row.embedding and len(row.embedding) == 384 * 4 for row in rows)
            session.rollback()
    # boiler x3, fly-tipping x2, chickens alone; identical both times
    assert partitions[0] == partitions[1] == [0, 1, 2, 0, 1, 0]


def test_signals_arrive_redacted_with_their_source_and_language(app_client, factory):  # type: ignore[no-untyped-def]
    sent = [
        ("my card 4111 1111 1111 1111 was charged twice, ring me on 07700 900123", "fallback"),
        ("email me at jo.bloggs@example.com about my bin", "not_helpful"),
        ("Rwyf eisiau siarad â pherson am fy nhreth gyngor", "handover"),
    ]
    for (text, source), language in zip(sent, ["en", "en", "cy"], strict=True):
        answer = app_client.post(
            SIGNALS_PATH,
            json={"text": text, "source": source, "language": language, "conversation_id": "c1"},
        )
        assert answer.status_code == 201, answer.text
    assert app_client.post(SIGNALS_PATH, json={"text": "x", "source": "bot"}).status_code == 422
    assert (
        app_client.post(SIGNALS_PATH, json={"text": " ", "source": "handover"}).status_code == 422
    )
    with factory() as session:
        rows = session.scalars(select(ContentGap).order_by(ContentGap.id)).all()
        stored = " ".join(row.question for row in rows)
        assert "4111" not in stored and "07700" not in stored and "jo.bloggs" not in stored
        assert "[card number]" in rows[0].question
        assert [(r.source, r.language) for r in rows] == [
            ("fallback", "en"), ("not_helpful", "en"), ("handover", "cy"),
        ]  # fmt: skip
        listing = gaps.page_of_groups(session, now=NOW)
        assert listing.sources == {"fallback": 1, "handover": 1, "not_helpful": 1}
        assert listing.languages == {"cy": 1, "en": 2}


def test_groups_come_most_asked_or_newest_first_and_page(factory, minilm):  # type: ignore[no-untyped-def]
    with factory() as session:
        _record(session, [*BOILER, *FLY_TIPPING, *CHICKENS], minilm)
        session.commit()
        frequent = gaps.page_of_groups(session, per_page=2, now=NOW + MINUTE * 10)
        assert [(g.representative, g.count) for g in frequent.groups] == [
            (BOILER[0], 3), (FLY_TIPPING[0], 2),
        ]  # fmt: skip
        assert (frequent.total, frequent.pages, frequent.has_next) == (3, 2, True)
        second = gaps.page_of_groups(session, per_page=2, page=2, now=NOW + MINUTE * 10)
        assert [g.representative for g in second.groups] == CHICKENS
        newest = gaps.page_of_groups(session, sort="newest", now=NOW + MINUTE * 10)
        assert [g.representative for g in newest.groups] == [CHICKENS[0], FLY_TIPPING[0], BOILER[0]]


def test_a_dismissed_group_stays_dismissed_and_new_similar_messages_start_a_new_group(  # type: ignore[no-untyped-def]
    factory, minilm
):
    with factory() as session:
        first = _record(session, BOILER[:2], minilm)
        assert gaps.dismiss(session, [g.id for g in first], actor=EDITOR, now=NOW + MINUTE) == 2
        later = gaps.record_gap(session, question=BOILER[2], source="fallback", embedder=minilm,
                                now=NOW + MINUTE * 5)  # fmt: skip
        session.commit()
        listing = gaps.page_of_groups(session, now=NOW + MINUTE * 6)
        assert [(g.representative, g.gap_ids) for g in listing.groups] == [(BOILER[2], [later.id])]
        assert {session.get(ContentGap, g.id).status for g in first} == {"dismissed"}  # type: ignore[union-attr]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "review_dismissed"))
        assert [(e.actor, json.loads(e.detail)) for e in entry] == [
            ("user:101 Eddie Editor", {"messages": 2})
        ]


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_an_editor_finds_the_article_by_search_and_adds_the_wordings_for_review(  # type: ignore[no-untyped-def]
    app_client, staff, factory
):
    with factory() as session:
        target = publish(session, title="Bulky waste collection", slug="bulky-waste",
                         body="Book a bulky waste collection for a sofa or fridge.\n")  # fmt: skip
        ids = [
            gaps.record_gap(session, question=q, source=s, now=NOW).id
            for q, s in (("collect my old sofa", "fallback"), ("pick up old sofa", "not_helpful"))
        ]
        session.commit()
    app_client.app.state.search.sync_now()
    login(app_client, "editor@example.gov.uk")
    queue = app_client.get("/editor/missed")
    assert queue.status_code == 200 and "collect my old sofa" in queue.text
    assert "Only an admin can teach the assistant" in queue.text
    key = gaps.normalised("collect my old sofa")
    found = app_client.get("/editor/missed", params={"find": key, "q": "bulky waste sofa"}).text
    assert f'name="article_id" value="{target.id}"' in found
    group = ",".join(str(i) for i in ids)
    added = app_client.post(
        "/editor/missed/attach",
        data={"csrf_token": _csrf(found), "gap_ids": group, "article_id": str(target.id)},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert f"article={target.id}" in added.headers["location"]
    assert "state=submitted" in added.headers["location"]
    assert "sent for review" in app_client.get(added.headers["location"]).text
    with factory() as session:
        article = session.get(Article, target.id)
        assert article is not None and article.state == "in_review"
        assert article.alternative_questions[-2:] == ["collect my old sofa", "pick up old sofa"]
        events = session.scalars(
            select(WorkflowEvent.action).where(WorkflowEvent.article_id == target.id)
        ).all()
        assert events[-2:] == ["save", "submit"]
        assert gaps.page_of_groups(session, now=NOW).total == 0
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "review_alternatives")
        ).one()
        assert entry.subject == f"article:{target.id}"
        assert json.loads(entry.detail) == {"added": 2, "messages": 2, "submitted": True}


def test_only_an_admin_teaches_the_bot_and_the_bot_retrains_in_the_background(  # type: ignore[no-untyped-def]
    app_client, staff, factory, rasa, tmp_path
):
    with factory() as session:
        ids = [
            gaps.record_gap(session, question=q, source="fallback", now=NOW).id
            for q in ("whens my bin day", "what day do my bins go")
        ]
        session.commit()
    group = ",".join(str(i) for i in ids)
    token = login(app_client, "editor@example.gov.uk")
    refused = app_client.post(
        "/editor/missed/train",
        data={"csrf_token": token, "gap_ids": group, "intent": "ask_bin_day"},
    )
    assert refused.status_code == 403
    assert "Only an admin can teach the bot: ask an admin" in refused.text
    with factory() as session:
        assert session.scalars(select(TrainingExample)).all() == []
        assert session.scalars(select(BotTraining)).all() == []

    token = login(app_client, "admin@example.gov.uk")
    page = app_client.get("/editor/missed").text
    assert '<option value="ask_bin_day"' in page and "nlu_fallback" not in page
    unknown = app_client.post(
        "/editor/missed/train", data={"csrf_token": token, "gap_ids": group, "intent": "nope"}
    )
    assert unknown.status_code == 422
    taught = app_client.post(
        "/editor/missed/train",
        data={"csrf_token": token, "gap_ids": group, "intent": "ask_bin_day"},
        follow_redirects=False,
    )
    assert taught.status_code == 303
    app_client.app.state.trainer.join(60)
    with factory() as session:
        examples = session.scalars(select(TrainingExample).order_by(TrainingExample.id)).all()
        assert [(e.intent, e.text) for e in examples] == [
            ("ask_bin_day", "whens my bin day"), ("ask_bin_day", "what day do my bins go"),
        ]  # fmt: skip
        job = session.scalars(select(BotTraining)).one()
        assert (job.status, job.examples, job.running_slot) == ("succeeded", 2, None)
        assert job.model == str(tmp_path / "models" / "frontdoor-new.tar.gz")
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions[-2:] == ["review_trained", "bot_retrained"]
    assert rasa.loaded == [(job.model, "rasa-token-for-tests")]
    exported = (tmp_path / "training_data" / "nlu" / "reviewed.yml").read_text()
    assert "- intent: ask_bin_day\n  examples: |\n    - whens my bin day\n" in exported
    assert "is using the new model" in app_client.get("/editor/missed").text


def test_a_failed_training_never_asks_rasa_and_says_why(factory, tmp_path, rasa):  # type: ignore[no-untyped-def]
    worker = trainer(factory, tmp_path, rasa, _script(tmp_path, FAILS))
    with factory() as session:
        retraining.request(session, actor=ADMIN, now=NOW)
        session.commit()
    assert worker.run_pending() == 1
    with factory() as session:
        job = session.scalars(select(BotTraining)).one()
        assert job.status == "failed" and "InvalidDomain" in job.detail
    assert rasa.loaded == []


def test_a_model_rasa_refuses_leaves_the_old_one_and_fails_the_job(factory, tmp_path):  # type: ignore[no-untyped-def]
    refusing = FakeRasa(status=400)
    worker = trainer(factory, tmp_path, refusing, _script(tmp_path, SUCCEEDS))
    with factory() as session:
        retraining.request(session, actor=ADMIN, now=NOW)
        session.commit()
    worker.run_pending()
    with factory() as session:
        job = session.scalars(select(BotTraining)).one()
        assert job.status == "failed" and "HTTP 400" in job.detail
        assert "keeps the model it had" in job.detail


def test_one_training_at_a_time_and_requests_join_the_queued_one(factory, tmp_path, rasa):  # type: ignore[no-untyped-def]
    with factory() as session:
        first = retraining.request(session, actor=ADMIN, now=NOW)
        assert retraining.request(session, actor=EDITOR, now=NOW).id == first.id
        session.commit()
        assert retraining.claim(session, now=NOW) is not None
        retraining.request(session, actor=ADMIN, now=NOW)
        session.commit()
    with factory() as session:  # another instance: the running job holds the only slot
        assert retraining.claim(session, now=NOW) is None
        statuses = session.scalars(select(BotTraining.status).order_by(BotTraining.id)).all()
        assert statuses == ["running", "queued"]
        # a job left running by a dead process is failed after the timeout, then the next runs
        assert retraining.reap(session, now=NOW + timedelta(hours=2), timeout=timedelta(hours=1))
        assert retraining.claim(session, now=NOW + timedelta(hours=2)) is not None
