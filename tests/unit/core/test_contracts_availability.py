"""The availability contract: what the bot asks the handoff service, what it reads back."""

from __future__ import annotations

import httpx
import pytest

from frontdoor.contracts.availability import (
    AVAILABILITY_PATH,
    AvailabilityClient,
    AvailabilityQuery,
    AvailabilityUnknown,
)
from frontdoor.secrets import BOT_SECRET_HEADER

SECRET = "a-test-secret-that-is-never-published-" + "x" * 10


def _client(handler: httpx.MockTransport) -> AvailabilityClient:
    return AvailabilityClient("http://handoff.test", bot_secret=SECRET, transport=handler)


def test_the_bot_asks_with_its_secret_and_reads_the_answer() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "verdict": "out_of_hours",
                "team": "housing",
                "team_name": "Housing",
                "opening_hours": "Mon-Fri 09:00-17:00",
                "welsh_speaker": False,
                "something_newer": 1,
            },
        )

    client = _client(httpx.MockTransport(answer))
    found = client.check(AvailabilityQuery(service_area="housing", language="cy"))
    client.close()
    (request,) = seen
    assert request.url.path == AVAILABILITY_PATH
    assert dict(request.url.params) == {"service_area": "housing", "language": "cy"}
    assert request.headers[BOT_SECRET_HEADER] == SECRET
    assert not found.available and found.verdict == "out_of_hours"
    assert found.opening_hours == "Mon-Fri 09:00-17:00"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(403, json={"detail": "no"}),
        httpx.Response(200, json={"verdict": "maybe", "team": "general"}),
        httpx.Response(200, content=b"not json"),
    ],
)
def test_anything_but_an_answer_is_unknown(response: httpx.Response) -> None:
    client = _client(httpx.MockTransport(lambda _request: response))
    with pytest.raises(AvailabilityUnknown) as caught:
        client.check(AvailabilityQuery())
    assert SECRET not in str(caught.value)


def test_no_answer_at_all_is_unknown() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(AvailabilityUnknown, match="ConnectError"):
        _client(httpx.MockTransport(down)).check(AvailabilityQuery())


def test_a_query_refuses_what_is_not_a_service_area() -> None:
    with pytest.raises(ValueError):
        AvailabilityQuery(service_area="../admin")
