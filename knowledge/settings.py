"""Settings of the knowledge service (read once, at start-up)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from frontdoor.ratelimit import RateLimit
from frontdoor.settings import CommonSettings, project_root


class KnowledgeSettings(CommonSettings):
    """``FRONTDOOR_KNOWLEDGE_*`` plus the common settings."""

    council_name: str = "Bramblefield District Council"
    knowledge_content_dir: Path = Field(
        default_factory=lambda: project_root() / "knowledge" / "content",
        description="The Markdown folder `knowledge.seed` imports.",
    )
    knowledge_index_dir: Path | None = Field(
        default=None, description="Where the search index is persisted; default var_dir/search."
    )
    knowledge_api_tokens: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Bearer tokens for services (the bot, the console) that write articles "
        "or workflow; comma-separated.",
    )
    # Where the chat widget's privacy notice links (data-privacy-url on the site's
    # pages): a path on this site or a council's own https page, one per language.
    knowledge_privacy_url: str = Field(
        default="/articles/privacy-and-data-protection",
        pattern=r"^(/[^/\s]|https?://)\S*$",
        description="The privacy page the widget's notice links in English.",
    )
    knowledge_privacy_url_cy: str = Field(
        default="/articles/preifatrwydd-a-diogelu-data",
        pattern=r"^(/[^/\s]|https?://)\S*$",
        description="The privacy page the widget's notice links in Welsh.",
    )
    knowledge_sync_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    knowledge_max_article_bytes: int = Field(default=1_000_000, gt=0)
    knowledge_background_tasks: bool = Field(
        default=True, description="Run the search sync / scheduling loop (off in some tests)."
    )
    knowledge_embedder: str = Field(
        default="minilm",
        pattern="^(minilm|hashing)$",
        description="minilm (the real model) or hashing (a fast fake for tests and demos).",
    )
    knowledge_secure_cookies: bool | None = Field(
        default=None,
        description="Send cookies only over HTTPS; default on when FRONTDOOR_PUBLIC_URL is "
        "https and in production.",
    )

    # Limits on anonymous writes (429 + Retry-After beyond them; frontdoor/ratelimit.py).
    # A benchmark or test that needs more sets its own, never switches them off.
    knowledge_limit_feedback: RateLimit = Field(
        default="10/minute;100/hour",
        description="'Was this page helpful?' answers per client address (API and website).",
    )
    knowledge_limit_gaps_per_address: RateLimit = Field(
        default="20/minute;200/hour",
        description="Content gaps per client address: reported through the API, or recorded by "
        "the website search (beyond it the search still answers but records nothing).",
    )
    knowledge_limit_gaps_per_conversation: RateLimit = Field(
        default="10/minute;100/hour",
        description="Content gaps per conversation, for services holding an API token (the bot).",
    )
    knowledge_gaps_open_per_client: int = Field(
        default=50,
        ge=1,
        le=10_000,
        description="Open content gaps one client (address, or the bot's conversation) may "
        "hold; beyond it their questions add nothing until editors resolve some.",
    )

    @field_validator("knowledge_api_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def index_dir(self) -> Path:
        return self.knowledge_index_dir or (self.var_dir / "search")

    @property
    def secure_cookies(self) -> bool:
        if self.public_url.startswith("https://"):
            return True  # never a session cookie in clear beside an https site
        if self.knowledge_secure_cookies is not None:
            return self.knowledge_secure_cookies
        return super().secure_cookies
