"""Settings that describe the whole stack: where each service listens.

The launcher, the services that call each other, and the README all read the
ports from here, so overriding ``FRONTDOOR_HANDOFF_PORT`` moves the service
and every client of it together.
"""

from __future__ import annotations

from pydantic import Field

from frontdoor.settings import CommonSettings


class StackSettings(CommonSettings):
    host: str = "127.0.0.1"
    public_host: str = Field(default="localhost", description="Host name printed in URLs.")
    knowledge_port: int = Field(default=8000, ge=0, le=65535)
    handoff_port: int = Field(default=8001, ge=0, le=65535)
    rasa_port: int = Field(default=5005, ge=0, le=65535)
    actions_port: int = Field(default=5055, ge=0, le=65535)
    privacy_port: int = Field(default=8002, ge=0, le=65535)  # the scheduled purge's health
    health_timeout_seconds: float = Field(default=180.0, gt=0)
    rasa_tracker_store: str = Field(
        default="",
        description="The bot's dialogue state (SQLAlchemy URL); empty: SQLite under var_dir.",
    )

    def url(self, port: int) -> str:
        return f"http://{self.public_host}:{port}"

    @property
    def knowledge_url(self) -> str:
        return f"http://{self.host}:{self.knowledge_port}"

    @property
    def handoff_url(self) -> str:
        return f"http://{self.host}:{self.handoff_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"
