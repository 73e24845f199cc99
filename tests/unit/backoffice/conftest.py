"""Fixtures for back-office unit tests: the in-memory fakes holding the
contract scenario (Juniper Close around Easter 2026)."""

from __future__ import annotations

import pytest

from backoffice.memory import MemoryLoader, fake_with_loader
from backoffice.ports import BackOffice
from tests.contract.backoffice_scenario import load_scenario


@pytest.fixture
def loaded() -> tuple[BackOffice, MemoryLoader]:
    backoffice, loader = fake_with_loader()
    load_scenario(loader)
    return backoffice, loader


@pytest.fixture
def fake(loaded: tuple[BackOffice, MemoryLoader]) -> BackOffice:
    return loaded[0]
