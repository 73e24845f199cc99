"""On a fresh `frontdoor run`: generated private secrets, and a bot nobody else can reach.

Issue 10, findings 2 to 4, probed the way they were found: against the
composed stack a user starts. Shares the session's stack with
test_whole_stack.py (which stops it at the end).
"""

from __future__ import annotations

import stat

import httpx
import pytest

from frontdoor.secrets import GENERATED_VARIABLES, read_secrets_file, secret_problem
from tests.e2e.stack.conftest import RunningStack

pytestmark = [pytest.mark.rasa, pytest.mark.slow]


def test_the_first_run_wrote_private_random_secrets(frontdoor_stack: RunningStack) -> None:
    path = frontdoor_stack.var_dir / "secrets.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = read_secrets_file(path)
    assert set(values) == set(GENERATED_VARIABLES)
    for name, value in values.items():
        assert secret_problem(value) is None, name


def test_rasa_and_the_action_server_refuse_everyone_but_their_one_client(
    frontdoor_stack: RunningStack,
) -> None:
    webhook = httpx.post(
        f"{frontdoor_stack.url('rasa')}/webhooks/rest/webhook",
        json={"sender": "someone-elses-conversation", "message": "council tax balance"},
        timeout=30,
    )
    assert webhook.status_code == 401
    actions = httpx.post(
        f"{frontdoor_stack.url('actions')}/webhook",
        json={"next_action": "action_verify", "sender_id": "x", "tracker": {"slots": {}}},
        timeout=30,
    )
    assert actions.status_code == 401
    # while the handoff service, which holds the secret, still reaches the bot
    health = httpx.get(f"{frontdoor_stack.url('handoff')}/healthz", timeout=10).json()
    assert health["dependencies"]["bot"]["status"] == "ok"
