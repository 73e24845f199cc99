"""Seed time and port latency of the demo back office.

    .venv/bin/python benchmarks/backoffice.py [--postgres URL] [--repeat 200]

Seeds Bramblefield (about 2,000 properties) into a fresh SQLite file (and a
throwaway PostgreSQL schema with --postgres), then times the calls the bot
makes in a conversation: address lookup, bin days, the missed-bin check,
a council tax account with payments, a case, a planning search, bulky
slots, and a bulky booking (each booking on its own key). Prints p50/p95.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from machine import describe_machine, summary_ms
from sqlalchemy import text

from backoffice import demo_backoffice
from backoffice.exceptions import SlotFull
from backoffice.missed_bin import assess_missed_bin
from backoffice.ports import LONDON, BackOffice, BinType
from backoffice.seed import DEMO_IDENTITIES, seed
from frontdoor.db import make_engine, make_session_factory
from frontdoor.migrate import upgrade


class _Bar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _time(call: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _calls(backoffice: BackOffice, today: date) -> dict[str, Callable[[], object]]:
    ids = DEMO_IDENTITIES
    now = datetime.combine(today, clock(11, 0), tzinfo=LONDON)
    uprn = ids["bin_not_presented"]["uprn"]
    recent = backoffice.waste.collections(uprn, start=today - timedelta(days=7), end=today)
    missed_day = max(c.day for c in recent if c.bin_type is BinType.RECYCLING and c.day < today)
    slots = backoffice.bulky.available_slots(
        ids["council_tax"]["uprn"], start=today + timedelta(days=1), end=today + timedelta(days=28)
    )
    counter = iter(range(10**9))

    def book() -> object:
        for slot in slots:
            try:
                return backoffice.bulky.book(
                    uprn=ids["council_tax"]["uprn"],
                    slot_id=slot.slot_id,
                    items={"sofa": 1},
                    idempotency_key=f"bench-{next(counter)}",
                    now=now,
                    payment_reference="PAY-BENCH",
                )
            except SlotFull:  # taken by an earlier iteration: try the next slot
                continue
        return None

    return {
        "find_by_postcode": lambda: backoffice.properties.find_by_postcode(
            ids["postcode"]["postcode"]
        ),
        "next_collections": lambda: backoffice.waste.next_collections(uprn, on_or_after=today),
        "assess_missed_bin (crew log)": lambda: assess_missed_bin(
            backoffice, uprn=uprn, bin_type=BinType.RECYCLING, day=missed_day, now=now
        ),
        "council tax + payments": lambda: (
            backoffice.council_tax.get_account(ids["council_tax"]["reference"]),
            backoffice.council_tax.payments(ids["council_tax"]["reference"]),
        ),
        "get_case": lambda: backoffice.cases.get_case(ids["case_in_progress"]["reference"]),
        "planning search (district)": lambda: backoffice.planning.search(postcode="BF3"),
        "available_slots": lambda: backoffice.bulky.available_slots(
            uprn, start=today, end=today + timedelta(days=28)
        ),
        "bulky book": book,
    }


def run(url: str, label: str, repeat: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    today = date.today()
    started = time.perf_counter()
    with make_session_factory(engine).begin() as session:
        summary = seed(session, rng_seed=1, progress=lambda _label, _total: _Bar(), today=today)
    print(f"{label}: seed {time.perf_counter() - started:.1f} s ({summary})")
    backoffice = demo_backoffice(engine)
    for name, call in _calls(backoffice, today).items():
        count = 20 if name == "bulky book" else repeat
        print(f"  {name:<30} {summary_ms(_time(call, count))}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", default="", help="postgresql://... (a schema is made and dropped)"
    )
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", "sqlite", args.repeat)
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in args.postgres else "?"
            run(
                f"{args.postgres}{separator}options=-csearch_path%3D{schema}",
                "postgresql",
                args.repeat,
            )
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
