"""The council back office behind ports and adapters.

- ``ports``: the abstract interfaces (one per council system), the ``BackOffice``
  bundle and the value types they return; start reading there.
- ``exceptions``: the domain errors ports raise.
- ``references``: reference formats and normalisers.
- ``demo_backoffice(engine_or_session_factory)``: the demo adapters on the
  Frontdoor database (SQLAlchemy, tables ``bo_*``).
- ``fake_backoffice()``: in-memory fakes for tests.

The factories import their adapters lazily so that importing the ports never
pulls in SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backoffice.ports import BackOffice

__all__ = ["demo_backoffice", "fake_backoffice"]


def demo_backoffice(engine_or_session_factory: Any, *, bulky_prices: Any = None) -> BackOffice:
    """The demo adapters over an Engine or a ``sessionmaker``; each call runs in
    its own transaction. ``bulky_prices``: the council's bulky-waste tariff (a
    ``BulkyPriceList``, from its profile: ``bulky_rules.price_list_from``)."""
    from backoffice.sql import demo_backoffice as build

    return build(engine_or_session_factory, bulky_prices=bulky_prices)


def fake_backoffice() -> BackOffice:
    """Empty in-memory fakes; load data with ``backoffice.memory.MemoryLoader``
    or ``backoffice.seed.load_world``."""
    from backoffice.memory import fake_backoffice as build

    return build()
