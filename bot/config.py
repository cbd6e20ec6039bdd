"""One settings object, read from the environment (and a `.env` file) once, then passed down."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.secret_files import read_or_create

# The package is installed in editable mode from the checkout, so the project root is the
# parent of the package folder; JIAMENKOU_HOME can point elsewhere (e.g. a deployment).
_DEFAULT_HOME = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of every command; see README "Configuration" for the variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    home: Path = Field(default=_DEFAULT_HOME, alias="JIAMENKOU_HOME")
    environment: str = Field(default="development", alias="JIAMENKOU_ENV")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")

    host: str = Field(default="127.0.0.1", alias="JIAMENKOU_HOST")
    engine_port: int = Field(default=5005, alias="RASA_PORT")
    action_port: int = Field(default=5055, alias="ACTION_PORT")
    web_port: int = Field(default=8000, alias="WEB_PORT", gt=0, lt=65536)  # `jiamenkou serve`
    # Protects the engine's HTTP API (model replacement, tracker reads) and its REST channel
    # (only the bridges may speak as a resident). Unset: the installation's own random token
    # in data/secrets/engine-token (see `engine_token`).
    engine_token_value: str | None = Field(default=None, alias="RASA_TOKEN")
    # Engine -> action server; unset: data/secrets/action-token.
    action_token_value: str | None = Field(default=None, alias="ACTION_TOKEN")
    engine_url_override: str | None = Field(default=None, alias="RASA_URL")
    # Where the engine calls the action server (`jiamenkou engine` on another host than the
    # action servers, e.g. http://balancer:5055/webhook). Unset: JIAMENKOU_HOST:ACTION_PORT.
    action_server_url_override: str | None = Field(default=None, alias="ACTION_SERVER_URL")
    ready_timeout_s: float = Field(default=300.0, alias="JIAMENKOU_READY_TIMEOUT")
    # How long a bridge waits for the engine's answer before it queues the message and retries
    # it. A turn still running when the bridge gives up is processed twice, so this is long
    # (nginx in front of replicas waits 120 s); residents see the channel's own patience
    # (WeChat's 4 s passive reply, then a pushed answer).
    engine_timeout_s: float = Field(default=90.0, alias="JIAMENKOU_ENGINE_TIMEOUT", gt=0)
    max_message_chars: int = Field(default=2000, alias="JIAMENKOU_MAX_MESSAGE_CHARS")

    # Channel bridges: limits shared by Telegram and WeChat (per resident, in memory).
    rate_limit_messages: int = Field(default=20, alias="JIAMENKOU_RATE_LIMIT_MESSAGES", gt=0)
    rate_limit_window_s: float = Field(default=60.0, alias="JIAMENKOU_RATE_LIMIT_WINDOW", gt=0)
    # How often messages taken while the engine was down are offered to it again.
    inbound_retry_s: float = Field(default=10.0, alias="JIAMENKOU_INBOUND_RETRY", gt=0)

    # Open311 API limits (in memory, per `serve` process): requests per client address on every
    # endpoint, failed api_key attempts per address, and POSTs per API key, per window.
    open311_limit_per_address: int = Field(default=60, alias="OPEN311_RATE_LIMIT_ADDRESS", gt=0)
    open311_limit_bad_keys: int = Field(default=10, alias="OPEN311_RATE_LIMIT_BAD_KEYS", gt=0)
    open311_limit_per_key: int = Field(default=30, alias="OPEN311_RATE_LIMIT_KEY", gt=0)
    open311_limit_window_s: float = Field(default=60.0, alias="OPEN311_RATE_LIMIT_WINDOW", gt=0)

    # Telegram (`jiamenkou telegram`): long polling, or a webhook when the URL is set.
    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_webhook_port: int = Field(default=8443, alias="TELEGRAM_WEBHOOK_PORT", gt=0, lt=65536)
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org", alias="TELEGRAM_API_BASE_URL"
    )

    # WeChat Official Account (router /wechat in `jiamenkou serve`, mounted when the token is set).
    wechat_token: str | None = Field(default=None, alias="WECHAT_TOKEN")
    wechat_app_id: str | None = Field(default=None, alias="WECHAT_APP_ID")
    wechat_app_secret: str | None = Field(default=None, alias="WECHAT_APP_SECRET")
    wechat_aes_key: str | None = Field(default=None, alias="WECHAT_AES_KEY")  # EncodingAESKey
    wechat_api_base_url: str = Field(
        default="https://api.weixin.qq.com", alias="WECHAT_API_BASE_URL"
    )
    # WeChat drops a passive reply after 5 s; slower answers go through the customer-service API.
    wechat_reply_budget_s: float = Field(default=4.0, alias="WECHAT_REPLY_BUDGET", gt=0, lt=5)

    # The conversation record: Rasa's SQL tracker store (default: an SQLite file beside the app
    # database, or the app database itself when that is PostgreSQL) and Redis lock store.
    tracker_database_url: str | None = Field(default=None, alias="TRACKER_DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    retention_days: int = Field(default=180, alias="JIAMENKOU_RETENTION_DAYS", gt=0)
    # Keys the pseudonymous conversation ids staff see; changing it renames every conversation.
    conversation_id_secret_value: str | None = Field(
        default=None, alias="JIAMENKOU_CONVERSATION_ID_SECRET"
    )
    low_confidence: float = Field(default=0.6, alias="JIAMENKOU_LOW_CONFIDENCE", gt=0, le=1)

    # Human handoff: when staff answer (the sites' hours format, holidays from the calendar) and
    # how long a waiting resident may go unclaimed (in staff hours) before it becomes a ticket.
    staff_hours: str = Field(default="周一至周五 08:30-17:30", alias="JIAMENKOU_STAFF_HOURS")
    # closed: no staff on statutory holidays; open: the weekly hours apply on holidays too.
    staff_holidays: str = Field(default="closed", alias="JIAMENKOU_STAFF_HOLIDAYS")
    handoff_escalate_minutes: float = Field(
        default=10.0, alias="JIAMENKOU_HANDOFF_ESCALATE_MINUTES", gt=0
    )

    # The trainer's quality gate (`jiamenkou models promote`): a candidate may lose at most this
    # much intent macro-F1, and this much F1 on any intent with enough held-out examples.
    gate_overall_tolerance: float = Field(default=0.01, alias="JIAMENKOU_GATE_TOLERANCE", ge=0)
    gate_intent_tolerance: float = Field(
        default=0.05, alias="JIAMENKOU_GATE_INTENT_TOLERANCE", ge=0
    )
    gate_min_support: int = Field(default=5, alias="JIAMENKOU_GATE_MIN_SUPPORT", ge=1)

    # Staff console (/console/): how long a login lasts, and the login throttle: this many
    # failures per account, or 4x as many per client address, within the lockout window lock
    # further tries out until the window has passed.
    console_session_hours: float = Field(
        default=12.0, alias="JIAMENKOU_CONSOLE_SESSION_HOURS", gt=0
    )
    console_login_failures: int = Field(default=5, alias="JIAMENKOU_CONSOLE_LOGIN_FAILURES", gt=0)
    console_lockout_minutes: float = Field(
        default=15.0, alias="JIAMENKOU_CONSOLE_LOCKOUT_MINUTES", gt=0
    )

    @field_validator("engine_port", "action_port")
    @classmethod
    def _valid_port(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ValueError(f"port {value} is out of range 1-65535")
        return value

    @field_validator("staff_hours")
    @classmethod
    def _staff_hours_parse(cls, value: str) -> str:
        from bot.sites.hours import HoursFormatError, parse_hours

        try:
            parse_hours(value)
        except HoursFormatError as exc:
            raise ValueError(f"JIAMENKOU_STAFF_HOURS: {exc}") from exc
        return value

    @field_validator("staff_holidays")
    @classmethod
    def _staff_holidays_known(cls, value: str) -> str:
        from bot.sites.hours import parse_holiday_policy

        if parse_holiday_policy(value) is None:
            raise ValueError("JIAMENKOU_STAFF_HOLIDAYS must be closed, open or weekend")
        return value

    @field_validator("engine_token_value", "action_token_value")
    @classmethod
    def _token_not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("a token must not be empty (unset it to use the generated one)")
        return value

    def check_production_secrets(self) -> None:
        """Refuse development placeholders outside development."""
        if self.environment == "development":
            return
        if self.engine_token == "jiamenkou-dev-token":
            raise ValueError("RASA_TOKEN still has its development value; set a real secret")

    # --- secrets: from the environment, else generated once per installation ---------
    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"

    @cached_property
    def engine_token(self) -> str:
        return self.engine_token_value or read_or_create(self.secrets_dir / "engine-token")

    @cached_property
    def conversation_id_secret(self) -> str:
        """Keys the conversation ids staff see; every process of one installation shares it."""
        return self.conversation_id_secret_value or read_or_create(
            self.secrets_dir / "conversation-id-secret"
        )

    @cached_property
    def action_token(self) -> str:
        return self.action_token_value or read_or_create(self.secrets_dir / "action-token")

    # --- derived paths -------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def build_dir(self) -> Path:
        return self.home / "build"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def engine_project_dir(self) -> Path:
        return self.home / "engine"

    @property
    def nlu_data_dir(self) -> Path:
        return self.home / "nlu_data"

    @property
    def heldout_file(self) -> Path:
        """The held-out NLU test file every model and baseline is scored on."""
        return self.home / "tests" / "data" / "nlu_heldout.yml"

    @property
    def engine_python(self) -> Path:
        return self.home / ".venv-engine" / "bin" / "python"

    @property
    def vocabulary_file(self) -> Path:
        return self.home / "bot" / "data" / "vocabulary.yml"

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'jiamenkou.db'}"

    @cached_property
    def effective_tracker_database_url(self) -> str:
        """Where Rasa's SQL tracker store keeps the events (in the app's SQLAlchemy URL form)."""
        if self.tracker_database_url:
            return self.tracker_database_url
        app_url = self.effective_database_url
        if app_url.startswith("sqlite:///"):
            app_db = Path(app_url.removeprefix("sqlite:///"))
            return f"sqlite:///{app_db.with_name(app_db.stem + '-tracker.db')}"
        return app_url

    @property
    def engine_url(self) -> str:
        return self.engine_url_override or f"http://{self.host}:{self.engine_port}"

    @property
    def action_server_url(self) -> str:
        return self.action_server_url_override or f"http://{self.host}:{self.action_port}/webhook"


def load_settings() -> Settings:
    return Settings()
