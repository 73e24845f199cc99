"""Settings of the handoff service (``FRONTDOOR_HANDOFF_*`` and the shared ones).

Its secrets (conversation tokens, identity tokens, the bot secret it shows
Rasa) are required and checked by the one rule in :mod:`frontdoor.secrets`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import NoDecode

from frontdoor.ratelimit import RateLimit
from frontdoor.stack import StackSettings
from insight.report import Costs

_LISTS = (
    "handoff_allowed_origins",
    "handoff_cobrowse_mask_selectors",
    "handoff_cobrowse_block_selectors",
    "handoff_cobrowse_allow_selectors",
)

# uvicorn's websocket options for the handoff service (frontdoor.launcher and the
# devserver alike), chosen for 10,000 idle residents on one instance (issue 12):
# - the sans-I/O websockets layer (no per-socket reader/keepalive tasks of its own);
# - no per-message deflate: chat frames are small, and a negotiated deflate keeps a zlib
#   compressor and decompressor alive per socket for its whole life (tens of KiB each);
# - no uvicorn ping timer per socket: the service's own heartbeat (one sweeper in
#   handoff.live) pings every socket and closes the silent ones;
# - frames above 1 MiB are refused by the websocket layer (co-browse snapshots included).
UVICORN_WS_OPTIONS: dict[str, Any] = {
    "ws": "websockets-sansio",
    "ws_max_size": 1 << 20,
    "ws_per_message_deflate": False,
    "ws_ping_interval": 0.0,
}


def uvicorn_ws_flags() -> list[str]:
    """:data:`UVICORN_WS_OPTIONS` as uvicorn command-line flags."""
    flags: list[str] = []
    for name, value in UVICORN_WS_OPTIONS.items():
        flag = "--" + name.replace("_", "-")
        flags += [flag, str(value).lower() if isinstance(value, bool) else str(value)]
    return flags


class HandoffSettings(StackSettings):
    required_secrets: ClassVar[tuple[str, ...]] = (
        "secret_key",
        "identity_signing_key",
        "bot_secret",
    )

    handoff_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to open sockets (comma-separated); "
        "empty means the website's origin on localhost and 127.0.0.1.",
    )
    handoff_advisor_cap: int = Field(
        default=3, ge=1, le=20, description="Default chats per advisor."
    )
    handoff_accept_timeout_seconds: float = Field(default=30.0, gt=0)
    handoff_advisor_grace_seconds: float = Field(
        default=20.0, gt=0, description="How long an advisor may vanish before chats are requeued."
    )
    handoff_resident_gone_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How long a waiting resident may go unheard (tab closed) before their "
        "place in the queue is given up.",
    )
    handoff_heartbeat_seconds: float = Field(default=25.0, gt=0)
    handoff_dispatch_interval_seconds: float = Field(default=1.0, gt=0)
    handoff_bot_timeout_seconds: float = Field(default=15.0, gt=0)
    handoff_instance_id: str = Field(default="", description="Names this instance in presence.")
    handoff_rasa_url: str = Field(default="", description="Overrides the stack's Rasa URL.")
    rasa_api_token: SecretStr | None = Field(
        default=None,
        description="Token for Rasa's HTTP API (pause/resume); the launcher sets one per run.",
    )
    handoff_knowledge_url: str = Field(
        default="", description="Overrides the stack's knowledge URL."
    )
    # Limits on what anonymous residents write (429 / a ``throttled`` frame beyond them).
    # A benchmark or test that needs more sets its own, never switches them off.
    handoff_limit_conversations: RateLimit = Field(
        default="10/minute;60/hour", description="Conversations started per client address."
    )
    handoff_limit_messages_per_conversation: RateLimit = Field(
        default="30/minute;300/hour", description="Resident messages per conversation."
    )
    handoff_limit_messages_per_address: RateLimit = Field(
        default="120/minute;1200/hour", description="Resident messages per client address."
    )
    handoff_limit_ratings_per_conversation: RateLimit = Field(
        default="3/hour", description="Chat ratings per conversation."
    )
    handoff_limit_ratings_per_address: RateLimit = Field(
        default="30/hour", description="Chat ratings per client address."
    )
    handoff_limit_left_messages_per_conversation: RateLimit = Field(
        default="3/hour", description="'Leave a message' cases per conversation."
    )
    handoff_limit_left_messages_per_address: RateLimit = Field(
        default="10/hour", description="'Leave a message' cases per client address."
    )
    # Co-browsing (handoff/cobrowse.py): what the resident's device hides, and limits.
    handoff_cobrowse_mask_selectors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Extra CSS selectors whose text is masked on the resident's device "
        "(comma-separated), besides [data-frontdoor-mask] and every form value.",
    )
    handoff_cobrowse_block_selectors: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["iframe"],
        description="Extra CSS selectors replaced by a same-size placeholder "
        "(comma-separated), besides [data-frontdoor-block]; payment iframes by default.",
    )
    handoff_cobrowse_private_by_default: bool = Field(
        default=False,
        description="Share only the regions matching the allow selectors; all other text masked.",
    )
    handoff_cobrowse_allow_selectors: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["main", "[data-frontdoor-share]"],
        description="In private-by-default mode, the regions whose text is shared.",
    )
    handoff_cobrowse_max_snapshot_bytes: int = Field(
        default=2_000_000,
        ge=10_000,
        le=20_000_000,
        description="A page whose snapshot is larger is not mirrored (the advisor is told).",
    )
    handoff_cobrowse_bytes_per_second: int = Field(
        default=200_000,
        ge=5_000,
        le=5_000_000,
        description="The mirror's byte budget per second on the resident's link.",
    )
    # the same variables the action server reads: one key for the account system's tokens
    identity_signing_key: SecretStr | None = None
    bot_secret: SecretStr | None = Field(
        default=None, description="Shown to Rasa's webhook with every relayed message."
    )
    identity_token_audience: str = "frontdoor-bot"  # noqa: S105 - not a secret
    # Insight's cost avoided (issue #15): cost per contact by channel and which channel a
    # chat the bot contained would otherwise have used come from the council profile
    # ([costs]); each of these, when set, overrides the profile's figure.
    insight_cost_face_to_face_gbp: float | None = Field(default=None, ge=0, le=1000)
    insight_cost_phone_gbp: float | None = Field(default=None, ge=0, le=1000)
    insight_cost_online_gbp: float | None = Field(default=None, ge=0, le=1000)
    insight_phone_share: float | None = Field(default=None, ge=0, le=1)
    insight_face_to_face_share: float | None = Field(default=None, ge=0, le=1)
    insight_cost_source: str | None = Field(default=None, max_length=200)

    def insight_costs(self) -> Costs:
        profile = self.council.costs

        def chosen(value: Any, default: Any) -> Any:
            return default if value is None else value

        return Costs(
            face_to_face=chosen(self.insight_cost_face_to_face_gbp, profile.face_to_face),
            phone=chosen(self.insight_cost_phone_gbp, profile.phone),
            online=chosen(self.insight_cost_online_gbp, profile.online),
            phone_share=chosen(self.insight_phone_share, profile.phone_share),
            face_to_face_share=chosen(self.insight_face_to_face_share, profile.face_to_face_share),
            source=chosen(self.insight_cost_source, profile.source),
        )

    @model_validator(mode="before")
    @classmethod
    def _split_origins(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        for key in _LISTS:
            raw = values.get(key)
            if isinstance(raw, str):
                values[key] = [o.strip() for o in raw.split(",") if o.strip()]
        for key in _LISTS[1:]:
            for selector in values.get(key) or ():
                if not isinstance(selector, str) or len(selector) > 200 or "{" in selector:
                    raise ValueError(f"{key}: {str(selector)[:40]!r} is not a CSS selector")
        return values

    @model_validator(mode="after")
    def _defaults(self) -> Self:
        if not self.handoff_allowed_origins:
            port = self.knowledge_port
            self.handoff_allowed_origins = [
                f"http://localhost:{port}",
                f"http://127.0.0.1:{port}",
                f"http://{self.public_host}:{port}",
                # the service's own pages (the console) open the advisor socket
                f"http://localhost:{self.handoff_port}",
                f"http://127.0.0.1:{self.handoff_port}",
                f"http://{self.public_host}:{self.handoff_port}",
            ]
        for origin in self.handoff_allowed_origins:
            if not origin.startswith(("http://", "https://")) or origin.endswith("/"):
                raise ValueError(
                    f"allowed origin {origin!r} must look like https://www.example.gov.uk"
                )
        self.handoff_allowed_origins = list(dict.fromkeys(self.handoff_allowed_origins))
        return self

    @property
    def bot_url(self) -> str:
        return (self.handoff_rasa_url or self.rasa_url).rstrip("/")

    @property
    def search_url(self) -> str:
        return (self.handoff_knowledge_url or self.knowledge_url).rstrip("/")
