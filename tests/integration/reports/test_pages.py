"""The report-a-problem form and "where is my request?" on the council's website
(the knowledge service's real app), SQLite and PostgreSQL: a report with a photo
becomes one case however often it is sent, its photo stored without metadata
and shown only to staff; bad input is told in the GOV.UK error summary, in
English and Welsh; a council system that is down keeps nothing and says so;
the anonymous pages are rate-limited."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from backoffice.exceptions import BackOfficeUnavailable
from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from reports.models import photos
from reports.settings import ReportsSettings
from reports.web import Office
from tests.contract import backoffice_scenario as s
from tests.integration.knowledge.conftest import client, factory, login, settings, staff  # noqa: F401
from tests.unit.reports.test_photos import photo

HTML = {"accept": "text/html"}


@pytest.fixture
def office(client, database):  # type: ignore[no-untyped-def]  # noqa: F811
    with make_session_factory(database.engine).begin() as session:
        s.load_scenario(SqlLoader(session))
    backoffice = demo_backoffice(database.engine)
    made = Office(backoffice.cases, backoffice.properties)
    client.app.state.report_office = made
    client.app.state.reports_settings = ReportsSettings.load({})
    return made


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _send(client, token: str, *, path: str = "/report", image: bytes | None = None, **fields):  # type: ignore[no-untyped-def]  # noqa: F811
    data = {"kind": "fly_tipping", "description": "Six bags and a mattress", "token": token}
    data.update(fields)
    files = {"photo": ("IMG_0001.jpg", image, "image/jpeg")} if image is not None else None
    return client.post(path, data=data, files=files, headers=HTML)


def _photos(database) -> int:  # type: ignore[no-untyped-def]
    with database.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(photos)).scalar_one()


def test_report_fly_tipping_with_a_photo_and_track_it(client, office, database, staff) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    form = client.get("/report?q=juniper+close", headers=HTML)
    assert form.status_code == 200 and "1 Juniper Close, Bramblefield, BF2 4AA" in form.text
    assert "geolocation=(self)" in form.headers["permissions-policy"]
    token = _token(form.text)
    sent = _send(client, token, uprn=s.HOME, location="by the lamp post", image=photo())
    assert sent.status_code == 200, sent.text
    reference = re.search(r'id="reference">(BDC-\d{6})<', sent.text).group(1)  # type: ignore[union-attr]
    assert "Environmental Enforcement" in sent.text
    again = _send(client, token, uprn=s.HOME, location="by the lamp post", image=photo())
    assert reference in again.text  # a double submit: the same case, one photo
    assert _photos(database) == 1
    case = office.cases.get_case(reference)
    assert case.uprn == s.HOME and case.channel == "web"
    assert case.location == "1 Juniper Close, Bramblefield, BF2 4AA, by the lamp post"
    assert case.latitude is None  # the photo's position was not shared
    with database.engine.connect() as connection:
        stored = connection.execute(select(photos.c.data)).scalar_one()
    assert b"SerialCam" not in stored and b"Exif" not in stored

    tracked = client.get(f"/report/track?reference={reference.lower()}", headers=HTML)
    assert tracked.status_code == 200
    assert 'id="tracked-status">Received<' in tracked.text and "Fly tipping" in tracked.text
    assert "Six bags" not in tracked.text and "/photos/" not in tracked.text
    welsh = client.get(f"/cy/report/track?reference={reference}", headers=HTML)
    assert "Wedi&#39;i dderbyn" in welsh.text and "Tipio anghyfreithlon" in welsh.text

    page = client.get(f"/editor/reports/{reference}", headers=HTML, follow_redirects=False)
    assert page.status_code in (303, 401)  # not signed in: no photo
    login(client, staff["editor"].email)
    page = client.get(f"/editor/reports/{reference}", headers=HTML)
    assert page.status_code == 200 and "Six bags and a mattress" in page.text
    src = re.search(r'src="(/editor/reports/[^"]+/photos/[0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    image = client.get(src)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert "no-store" in image.headers["cache-control"]
    assert Image.open(io.BytesIO(image.content)).size == (640, 480)
    welsh_staff = client.get(f"/editor/reports/{reference}?lang=cy", headers=HTML)
    assert "Lluniau" in welsh_staff.text and "Tipio anghyfreithlon" in welsh_staff.text


def test_shared_photo_position_is_kept_as_coordinates(client, office) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    token = _token(client.get("/report", headers=HTML).text)
    sent = _send(client, token, image=photo(), photo_location="yes")
    assert sent.status_code == 200, sent.text  # the photo's position is the location
    reference = re.search(r'id="reference">(BDC-\d{6})<', sent.text).group(1)  # type: ignore[union-attr]
    case = office.cases.get_case(reference)
    assert (case.latitude, case.longitude) == pytest.approx((52.5, -1.25))


def test_mistakes_are_told_in_the_error_summary(client, office, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    token = _token(client.get("/report", headers=HTML).text)
    script = b"#!/bin/sh\nrm -rf ~\n"
    bad = _send(client, token, kind="", description="", image=script)
    assert bad.status_code == 422
    summary = bad.text.split('class="error-summary"')[1].split("</div>")[0]
    for message in (
        "Choose what the problem is",
        "Choose an address, describe the place, or share your location",
        "Describe the problem",
        "The file you chose is not a photo we can open",
    ):
        assert message in summary
    assert 'href="#photo"' in summary and 'href="#kind-fly_tipping"' in summary
    welsh = _send(client, token, path="/cy/report", location="Mill Lane",
                  image=b"\x00" * (10 * 1024 * 1024 + 1))  # fmt: skip
    assert welsh.status_code == 422
    assert "Rhaid i&#39;r llun fod yn 10 MB neu&#39;n llai" in welsh.text
    assert 'lang="cy"' in welsh.text and "Mill Lane" in welsh.text  # what was typed is kept
    unknown = client.get("/report/track?reference=BDC-999999", headers=HTML)
    assert unknown.status_code == 404 and "We cannot find a request" in unknown.text
    malformed = client.get("/report/track?reference=nonsense", headers=HTML)
    assert malformed.status_code == 422 and "Enter a reference like BDC-104233" in malformed.text
    assert _photos(database) == 0


class DownCases:
    def create_case(self, new, *, now):  # type: ignore[no-untyped-def]
        raise BackOfficeUnavailable("the council's Open311 system answered 503")


def test_a_council_system_that_is_down_keeps_nothing_and_says_so(client, office, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    working = office.cases
    office.cases = DownCases()
    token = _token(client.get("/report", headers=HTML).text)
    down = _send(client, token, location="Mill Lane", image=photo())
    assert down.status_code == 503
    assert "nothing has been sent and nothing was kept" in down.text
    assert "If you added a photo, choose it again." in down.text
    assert f'value="{token}"' in down.text  # the retry keeps the key
    assert _photos(database) == 0
    office.cases = working
    assert _send(client, token, location="Mill Lane", image=photo()).status_code == 200
    assert _photos(database) == 1


def test_anonymous_pages_are_rate_limited(client, office) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client.app.state.reports_settings = ReportsSettings.load(
        {}, reports_limit_submit="2/minute", reports_limit_lookup="2/minute"
    )
    sends = [_send(client, "t" * 20, description="").status_code for _ in range(3)]
    assert sends == [422, 422, 429]
    looks = [client.get("/report/track?reference=BDC-999999").status_code for _ in range(3)]
    assert looks == [404, 404, 429]
