"""Fixtures for back-office integration tests on the real databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from backoffice.loading import BackOfficeLoader
from backoffice.sql import SqlLoader
from frontdoor.db import make_session_factory


class QuietProgress:
    """A tqdm-like bar that records what it was told."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.closed = label, total, 0, False

    def update(self, n: int = 1) -> None:
        self.done += n

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars() -> list[QuietProgress]:
    return []


@pytest.fixture
def progress(bars: list[QuietProgress]) -> Callable[[str, int], QuietProgress]:
    def make(label: str, total: int) -> QuietProgress:
        bars.append(QuietProgress(label, total))
        return bars[-1]

    return make


@pytest.fixture
def sessions(database) -> sessionmaker[Session]:  # type: ignore[no-untyped-def]
    return make_session_factory(database.engine)


@pytest.fixture
def load(sessions: sessionmaker[Session]) -> Callable[[Callable[[BackOfficeLoader], None]], None]:
    def run(fill: Callable[[BackOfficeLoader], None]) -> None:
        with sessions.begin() as session:
            fill(SqlLoader(session))

    return run
