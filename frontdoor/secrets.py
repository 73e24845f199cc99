"""Secrets: the one rule every service applies, and the installation's secrets file.

A secret that has ever been published (in this code, in ``.env.example``, in
the docs, in the tests) is known to everyone, so it protects nothing: it is
refused in EVERY environment, development included, and so is a secret that is
too short or plainly not random. This module is the only place that rule
lives; ``frontdoor.settings.CommonSettings`` applies it to every secret field
of every service's settings, and a refusal is one start-up line naming the
variable.

Nobody should have to invent secrets to try Frontdoor: the first ``make run``
writes random ones to ``<var_dir>/secrets.env`` (mode 0600) and later runs
reuse them (:func:`ensure_secrets_file`). The launcher passes them to the
services it starts through the environment; an explicit ``FRONTDOOR_*``
variable always wins over the file.

The secrets:

- ``FRONTDOOR_SECRET_KEY`` signs the widget's conversation tokens;
- ``FRONTDOOR_IDENTITY_SIGNING_KEY`` checks residents' identity tokens (shared
  with the council's account system; ``frontdoor token mint`` signs with it);
- ``FRONTDOOR_BOT_SECRET`` is what the handoff service shows Rasa's webhook and
  what Rasa shows the action server: nothing else may talk to the bot;
- ``FRONTDOOR_TOTP_ENCRYPTION_KEY`` encrypts staff authenticator secrets at rest
  (:mod:`frontdoor.accounts.secretbox`).
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

MIN_SECRET_LENGTH = 32
# Fewer distinct characters than this is not a random value ("x" * 40).
MIN_DISTINCT_CHARACTERS = 10
SECRETS_FILE_NAME = "secrets.env"
SECRETS_FILE_MODE = 0o600
# The header carrying FRONTDOOR_BOT_SECRET from handoff to Rasa and from Rasa to the actions.
BOT_SECRET_HEADER = "X-Frontdoor-Bot-Secret"  # noqa: S105 - a header name

# Every secret a setting may hold: field name -> what it is for (used in messages).
SECRET_FIELDS: dict[str, str] = {
    "secret_key": "signs conversation tokens",
    "identity_signing_key": "checks residents' identity tokens (shared with the account system)",
    "bot_secret": "lets the handoff service talk to Rasa, and Rasa to the action server",
    "knowledge_bot_token": "lets the bot report residents' unanswered questions per conversation",
    "metrics_token": "lets a Prometheus scraper on another host read GET /metrics",
    "oidc_client_secret": "lets staff sign in through the council's OpenID Connect provider",
    "totp_encryption_key": "encrypts staff two-factor authenticator secrets in the database",
}
# What the first run generates (variable names), each a fresh random value.
GENERATED_VARIABLES = (
    "FRONTDOOR_SECRET_KEY",
    "FRONTDOOR_IDENTITY_SIGNING_KEY",
    "FRONTDOOR_BOT_SECRET",
    "FRONTDOOR_KNOWLEDGE_BOT_TOKEN",
    "FRONTDOOR_TOTP_ENCRYPTION_KEY",
)

# Values published in this repository's code, docs, examples and tests, past and present.
# Refused everywhere; add any value that is ever printed in a document.
PUBLISHED_SECRETS = frozenset(
    {
        "change-me-in-production",
        "change-me-identity-signing-key",
        "change-me",
        "changeme",
        "secret",
        "test-signing-key-0123456789-abcdefghijklmnop",
        "test-secret-" + "x" * 32,
        "e2e-secret-" + "x" * 32,
        "benchmark-" + "k" * 40,
    }
)
_PUBLISHED_PREFIXES = ("change-me", "changeme", "replace-me", "your-")


def variable_name(field: str) -> str:
    return "FRONTDOOR_" + field.upper()


def secret_problem(value: str | None) -> str | None:
    """Why this value cannot be a secret, or None when it can."""
    if value is None or value == "":
        return "is not set"
    lowered = value.strip().lower()
    if value in PUBLISHED_SECRETS or lowered.startswith(_PUBLISHED_PREFIXES):
        return "is a published placeholder that anyone can read, so it protects nothing"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is too short ({len(value)} characters; at least {MIN_SECRET_LENGTH})"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "is not a random value (too few different characters)"
    return None


def check_secrets(values: Mapping[str, str | None], *, required: Iterable[str]) -> list[str]:
    """One message per refused secret; empty when all are acceptable.

    ``values`` maps field names (``secret_key``) to their values (None when
    unset). A field that is set is always checked; one that is unset is an
    error only when ``required``.
    """
    needed = set(required)
    problems = []
    for field, value in values.items():
        if (value is None or value == "") and field not in needed:
            continue
        problem = secret_problem(value)
        if problem is None:
            continue
        hint = (
            "`make run` writes one to var/secrets.env on its first run, or generate one with "
            'python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
        purpose = SECRET_FIELDS.get(field, "a secret")
        problems.append(f"{variable_name(field)} ({purpose}) {problem}; {hint}")
    return problems


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an absent value never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def secrets_file(var_dir: Path) -> Path:
    return var_dir / SECRETS_FILE_NAME


def read_secrets_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (comments and blanks ignored); {} when the file is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    return values


def ensure_secrets_file(var_dir: Path) -> dict[str, str]:
    """The installation's secrets: read ``var_dir/secrets.env``, creating it (0600) first.

    Values already in the file are kept (later runs reuse them); a secret the
    file lacks (one added by a newer version) is generated and appended.
    """
    path = secrets_file(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    values = read_secrets_file(path)
    missing = [name for name in GENERATED_VARIABLES if not values.get(name)]
    if missing:
        fresh = {name: new_secret() for name in missing}
        header = (
            ""
            if path.exists()
            else (
                "# Generated by the first `frontdoor run`; reused by every later run.\n"
                "# Keep it private (mode 0600). FRONTDOOR_* environment variables override it.\n"
            )
        )
        # O_CREAT with mode 0600: the file is never readable by others, not even briefly.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, SECRETS_FILE_MODE)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(header + "".join(f"{name}={value}\n" for name, value in fresh.items()))
        values.update(fresh)
    os.chmod(path, SECRETS_FILE_MODE)
    return values
