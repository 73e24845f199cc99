"""The demo back office on the Frontdoor database (SQLAlchemy 2, tables bo_*).

``demo_backoffice(engine_or_session_factory)`` builds the ``BackOffice`` bundle;
``SqlLoader(session)`` loads value objects (seed, tests). One module per port:
``directory`` (Properties), ``waste``, ``cases``, ``accounts`` (CouncilTax,
Rents), ``planning``, ``bulky``.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backoffice.ports import BackOffice, BulkyPriceList
from backoffice.sql.accounts import SqlCouncilTax, SqlRents
from backoffice.sql.bulky import SqlBulkyWaste
from backoffice.sql.cases import SqlCases
from backoffice.sql.directory import SqlProperties
from backoffice.sql.loader import SqlLoader
from backoffice.sql.planning import SqlPlanning
from backoffice.sql.waste import SqlWasteRounds
from frontdoor.db import make_session_factory

__all__ = [
    "SqlBulkyWaste",
    "SqlCases",
    "SqlCouncilTax",
    "SqlLoader",
    "SqlPlanning",
    "SqlProperties",
    "SqlRents",
    "SqlWasteRounds",
    "demo_backoffice",
]


def demo_backoffice(
    engine_or_session_factory: Engine | sessionmaker[Session],
    *,
    bulky_prices: BulkyPriceList | None = None,
) -> BackOffice:
    """Every port over one database. Pass the service's Engine (a session
    factory is made for it) or an existing ``sessionmaker``; ``bulky_prices``:
    the council's bulky-waste tariff (``bulky_rules.price_list_from``)."""
    if isinstance(engine_or_session_factory, Engine):
        sessions = make_session_factory(engine_or_session_factory)
    elif isinstance(engine_or_session_factory, sessionmaker):
        sessions = engine_or_session_factory
    else:
        raise TypeError("demo_backoffice needs an Engine or a sessionmaker")
    return BackOffice(
        properties=SqlProperties(sessions),
        waste=SqlWasteRounds(sessions),
        cases=SqlCases(sessions),
        council_tax=SqlCouncilTax(sessions),
        rents=SqlRents(sessions),
        planning=SqlPlanning(sessions),
        bulky=SqlBulkyWaste(sessions, price_list=bulky_prices),
    )
