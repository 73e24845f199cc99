"""The Open311 GeoReport v2 adapter against the local Open311 server (real HTTP).

A problem report becomes a service request in the council's system and a case
with a Frontdoor reference in the ledger; a double submit posts once; a request
closed there is resolved here; a server that is down or answers garbage leaves
nothing behind; a wrong key or jurisdiction is refused, not retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from backoffice import demo_backoffice
from backoffice.exceptions import BackOfficeUnavailable, InvalidRequest
from backoffice.localopen311 import LocalOpen311, RunningServer
from backoffice.memory import fake_with_loader
from backoffice.open311 import Open311Cases, Open311Client
from backoffice.ports import CaseStatus, CaseType, NewCase
from backoffice.settings import CasesSettings, backoffice_from_settings
from frontdoor.exceptions import ConfigurationError
from frontdoor.localserver import free_port
from tests.contract import backoffice_scenario as s

NOW = datetime(2026, 4, 8, 10, 0, tzinfo=UTC)
CODES = {CaseType.FLY_TIPPING: "FLY", CaseType.GRAFFITI: "GRAF"}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with RunningServer(LocalOpen311(jurisdiction_id="district.example")) as running:
        yield running


@pytest.fixture
def local(server: RunningServer) -> LocalOpen311:
    server.open311.faults.clear()
    return server.open311


def _client(server: RunningServer, **overrides: object) -> Open311Client:
    values: dict[str, object] = {
        "api_key": server.open311.api_key,
        "jurisdiction_id": "district.example",
    }
    values.update(overrides)
    return Open311Client(server.url, **values)  # type: ignore[arg-type]


def _cases(server: RunningServer) -> Open311Cases:
    office, loader = fake_with_loader()
    s.load_scenario(loader)
    return Open311Cases(office.cases, _client(server), CODES)


def _report(key: str = "report:1", kind: CaseType = CaseType.FLY_TIPPING) -> NewCase:
    return NewCase(
        case_type=kind,
        summary="Fly-tipping at Juniper Close",
        description="Six black bags and a mattress",
        idempotency_key=key,
        uprn=s.HOME,
        channel="web",
        location="1 Juniper Close, Bramblefield, BF2 4AA",
        latitude=52.5,
        longitude=-1.25,
    )


def test_the_service_list(server: RunningServer, local: LocalOpen311) -> None:
    services = _client(server).services()
    assert [x.service_code for x in services] == ["FLY", "GRAF", "DOG", "ABV", "LIGHT"]
    assert services[0].service_name == "Fly-tipping"


def test_a_report_is_posted_once_and_tracked_by_our_reference(
    server: RunningServer, local: LocalOpen311
) -> None:
    cases = _cases(server)
    before = local.posted
    first = cases.create_case(_report(), now=NOW)
    again = cases.create_case(_report(), now=NOW)  # the button pressed twice
    assert first.created and not again.created and again.case == first.case
    assert local.posted == before + 1
    case = first.case
    assert case.reference.startswith("BDC-") and case.external_reference in local.requests
    posted = local.requests[case.external_reference]
    assert posted["service_code"] == "FLY" and posted["address_id"] == s.HOME
    assert (posted["lat"], posted["long"]) == (52.5, -1.25)
    assert "Six black bags" in posted["description"]
    assert cases.get_case(case.reference).status is CaseStatus.RECEIVED

    local.close_request(case.external_reference, "Cleared by the crew", at=NOW)
    resolved = cases.get_case(case.reference)
    assert resolved.status is CaseStatus.RESOLVED
    assert resolved.history[-1].note == "Cleared by the crew"
    assert resolved.history[-1].by == "open311"
    assert cases.get_case(case.reference).history == resolved.history  # synced once


def test_a_type_without_a_service_code_stays_in_the_ledger(
    server: RunningServer, local: LocalOpen311
) -> None:
    cases = _cases(server)
    before = local.posted
    case = cases.create_case(_report("k-light", CaseType.STREET_LIGHTING), now=NOW).case
    assert local.posted == before and case.external_reference is None


@pytest.mark.parametrize("fault", ["down", "garbage", "unreachable"])
def test_a_failing_server_leaves_nothing_half_created(
    server: RunningServer, local: LocalOpen311, fault: str
) -> None:
    cases = _cases(server)
    if fault == "down":
        local.fail_next(503)
    elif fault == "garbage":
        local.garble_next()
    else:
        cases.client = Open311Client(f"http://127.0.0.1:{free_port()}", api_key="k" * 20)
    before = local.posted
    with pytest.raises(BackOfficeUnavailable):
        cases.create_case(_report(f"k-{fault}"), now=NOW)
    assert cases.find_by_idempotency_key(f"k-{fault}") is None
    assert local.posted == before
    # the resident tries again once the system is back: one case
    cases.client = _client(server)
    assert cases.create_case(_report(f"k-{fault}"), now=NOW).created


def test_tracking_survives_a_status_read_that_fails(
    server: RunningServer, local: LocalOpen311
) -> None:
    cases = _cases(server)
    case = cases.create_case(_report("k-track"), now=NOW).case
    local.fail_next(500, times=2)  # the read is tried twice
    assert cases.get_case(case.reference).status is CaseStatus.RECEIVED


def test_a_wrong_key_or_jurisdiction_is_refused(server: RunningServer, local: LocalOpen311) -> None:
    for client in (_client(server, api_key="wrong" * 4), _client(server, jurisdiction_id="x")):
        with pytest.raises(InvalidRequest, match=r"40[34]"):
            client.post_request(service_code="FLY", description="d", address="Mill Lane")
    with pytest.raises(InvalidRequest, match="400"):
        _client(server).post_request(service_code="NOPE", description="d", address="Mill Lane")


def test_settings_compose_the_adapter_on_the_demo_crm(
    server: RunningServer, local: LocalOpen311, database
) -> None:  # type: ignore[no-untyped-def]
    environ = {
        "FRONTDOOR_CASES_SYSTEM": "open311",
        "FRONTDOOR_OPEN311_BASE_URL": server.url,
        "FRONTDOOR_OPEN311_API_KEY": local.api_key,
        "FRONTDOOR_OPEN311_JURISDICTION_ID": "district.example",
        "FRONTDOOR_OPEN311_SERVICE_CODES": '{"graffiti": "GRAF"}',
    }
    office = backoffice_from_settings(database.engine, environ=environ)
    assert isinstance(office.cases, Open311Cases)
    new = NewCase(
        case_type=CaseType.GRAFFITI,
        summary="Graffiti on the underpass",
        idempotency_key="report:g",
        location="Mill Lane underpass",
    )
    case = office.cases.create_case(new, now=NOW).case
    stored = demo_backoffice(database.engine).cases.get_case(case.reference)
    assert stored.external_reference == case.external_reference
    assert local.requests[case.external_reference]["address"] == "Mill Lane underpass"
    assert not isinstance(backoffice_from_settings(database.engine, environ={}).cases, Open311Cases)


def test_open311_settings_name_what_is_missing() -> None:
    with pytest.raises(ConfigurationError, match="FRONTDOOR_OPEN311_API_KEY"):
        CasesSettings.load(
            {
                "FRONTDOOR_CASES_SYSTEM": "open311",
                "FRONTDOOR_OPEN311_BASE_URL": "https://open311.example",
                "FRONTDOOR_OPEN311_SERVICE_CODES": '{"fly_tipping": "FLY"}',
            }
        )
    with pytest.raises(ConfigurationError, match="'potholes' is not a case type"):
        CasesSettings.load({"FRONTDOOR_OPEN311_SERVICE_CODES": '{"potholes": "PH"}'})
