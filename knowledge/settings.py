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
    # Behind a reverse proxy the website's pages must load the chat widget from the chat
    # service's public address, not the internal one the stack's ports give.
    knowledge_widget_url: str = Field(
        default="",
        pattern=r"^(https?://[^/\s?#]+)?$",
        description="The chat (handoff) service's address as residents' browsers reach it, "
        "e.g. https://chat.example.gov.uk: the widget's script, API and socket (and the "
        "site's Content-Security-Policy). Empty: the stack's handoff address.",
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
    knowledge_embedding_runtime: str = Field(
        default="auto",
        pattern="^(auto|onnx|torch)$",
        description="How the real model runs: onnx (exported at build time by "
        "`frontdoor knowledge export-onnx`; int8 queries, float32 documents equal to torch's), "
        "torch, or auto (onnx when exported, else torch). The index is the same either way.",
    )
    knowledge_onnx_dir: Path | None = Field(
        default=None, description="The exported ONNX model (default: inside the .venv)."
    )
    knowledge_secure_cookies: bool | None = Field(
        default=None,
        description="Send cookies only over HTTPS; default on when FRONTDOOR_PUBLIC_URL is "
        "https and in production.",
    )

    @property
    def council_name(self) -> str:
        """The council's name in English (its profile's, ``settings.council``)."""
        return self.council.council.name.en

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
    knowledge_limit_page_views: RateLimit = Field(
        default="30/minute;300/hour",
        description="Article page views counted per client address for the top tasks' order "
        "(beyond it pages are still served, just not counted).",
    )
    knowledge_usage_flush_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="How often the counted page views and bot answers are written (one "
        "transaction per flush; the website's read path never writes).",
    )
    knowledge_gaps_open_per_client: int = Field(
        default=50,
        ge=1,
        le=10_000,
        description="Open content gaps one client (address, or the bot's conversation) may "
        "hold; beyond it their questions add nothing until editors resolve some.",
    )

    # Review reminders (knowledge.reminders), queued through core's notifications port.
    knowledge_review_reminder_days: int = Field(
        default=14, ge=1, le=365,
        description="Remind the owner team this many days before an article's review-by date "
        "(and again when it is overdue, then weekly at most).",
    )  # fmt: skip
    knowledge_review_period_months: int = Field(
        default=12, ge=1, le=60,
        description="'Still correct' sets the next review-by date this many months ahead.",
    )  # fmt: skip
    knowledge_team_addresses: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="Where each owner team's reminders go: 'Team name=address;...'. A team not "
        "listed is reminded at its members' addresses (editors, reviewers, admins).",
    )
    knowledge_reminder_template: str = Field(
        default="knowledge-review-reminder", min_length=1, max_length=100,
        description="The reminder's template id (a GOV.UK Notify template id when Notify sends).",
    )  # fmt: skip
    knowledge_reminder_interval_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="How often the stack's scheduler looks for reminders.",
    )

    @field_validator("knowledge_team_addresses", mode="before")
    @classmethod
    def _split_addresses(cls, value: object) -> object:
        if isinstance(value, str):
            pairs = [part.partition("=") for part in value.split(";") if part.strip()]
            for team, sign, address in pairs:
                if not sign or "@" not in address or not team.strip():
                    raise ValueError("write each team as 'Team name=address@example.gov.uk'")
            return {team.strip(): address.strip() for team, _, address in pairs}
        return value

    # The review queue of what the bot missed (knowledge/gaps.py, knowledge/retraining.py).
    knowledge_review_similarity: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Cosine similarity (the search's embedding model) at or above which a "
        "missed message joins the group of the most similar open message.",
    )
    knowledge_rasa_url: str = Field(default="", description="Overrides the stack's Rasa URL.")
    rasa_api_token: SecretStr | None = Field(
        default=None,
        description="Token for Rasa's HTTP API (loading a retrained model); the launcher "
        "sets one per run.",
    )
    knowledge_reviewed_training_file: Path = Field(
        default_factory=lambda: project_root() / "training_data" / "nlu" / "reviewed.yml",
        description="Training examples made from the review queue, written before each "
        "retraining; `frontdoor bot train` reads every file in training_data/nlu.",
    )
    knowledge_bot_train_command: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["-m", "frontdoor.cli", "bot", "train", "--json"],
        description="The retraining command, run with this Python (comma-separated "
        "arguments); it prints the model's path as JSON on its last line.",
    )
    knowledge_bot_train_timeout_seconds: float = Field(default=3600, gt=0)

    @field_validator("knowledge_bot_train_command", mode="before")
    @classmethod
    def _split_command(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

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
    def onnx_dir(self) -> Path:
        from knowledge.search.embedding import default_onnx_dir

        return self.knowledge_onnx_dir or default_onnx_dir()

    @property
    def secure_cookies(self) -> bool:
        if self.public_url.startswith("https://"):
            return True  # never a session cookie in clear beside an https site
        if self.knowledge_secure_cookies is not None:
            return self.knowledge_secure_cookies
        return super().secure_cookies
