"""Settings: a bad value is one readable line naming the setting; the token never shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import DEFAULT_API_BASE, SettingsError, load_settings

SETTINGS = ("DISCORD_TOKEN", "DISCORD_API_BASE", "DATABASE_URL", "DEV_GUILD_ID", "LOG_LEVEL")
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.not-a-real-token-but-secret"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing from the developer's shell or .env may leak into these tests."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{name}: ")
    return message


def test_defaults_need_no_environment() -> None:
    settings = load_settings(_env_file=None)
    assert settings.discord_token is None
    assert settings.discord_api_base == DEFAULT_API_BASE
    assert settings.database_path == Path("data/claims.db")
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"


@pytest.mark.parametrize("value", ["not a url", "discord.com/api/v10", "ftp://discord.com/api/v10", "https://"])
def test_api_base_that_is_not_a_url_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    assert "http(s) URL" in refused(monkeypatch, "DISCORD_API_BASE", value)


def test_api_base_without_a_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "API version" in refused(monkeypatch, "DISCORD_API_BASE", "https://discord.com/api")


def test_api_base_loses_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:8080/api/v10/")
    assert load_settings(_env_file=None).discord_api_base == "http://127.0.0.1:8080/api/v10"


@pytest.mark.parametrize("value", ["postgres://u:secret@db/claims", "postgresql://db:5433/claims"])
def test_a_postgres_database_url_selects_postgres_and_is_shown_without_its_password(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", value)
    settings = load_settings(_env_file=None)
    assert settings.database_is_postgres
    assert "secret" not in settings.database_label
    assert settings.database_label.endswith("/claims")


@pytest.mark.parametrize(("value", "says"), [("postgresql://db", "database"), ("postgresql:///claims", "host")])
def test_a_postgres_url_without_host_or_database_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, says: str
) -> None:
    assert says in refused(monkeypatch, "DATABASE_URL", value)


@pytest.mark.parametrize("value", ["garbage", "sqlite:///", "sqlite://claims.db", "mysql://db/claims", "claims.db"])
def test_garbage_database_url_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    assert "sqlite:///" in refused(monkeypatch, "DATABASE_URL", value)


def test_sqlite_urls_become_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////var/lib/claimbot/claims.db")
    assert load_settings(_env_file=None).database_path == Path("/var/lib/claimbot/claims.db")


def test_bogus_log_level_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refused(monkeypatch, "LOG_LEVEL", "LOUD")
    assert "DEBUG" in message
    assert "CRITICAL" in message


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", " debug ")
    assert load_settings(_env_file=None).log_level == "DEBUG"


@pytest.mark.parametrize("value", ["abc", "12.5", "1e3x"])
def test_dev_guild_id_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    assert "integer" in refused(monkeypatch, "DEV_GUILD_ID", value)


def test_dev_guild_id_blank_is_none_and_digits_are_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEV_GUILD_ID", "  ")
    assert load_settings(_env_file=None).dev_guild_id is None
    monkeypatch.setenv("DEV_GUILD_ID", "811111111111111111")
    assert load_settings(_env_file=None).dev_guild_id == 811111111111111111


def test_overrides_are_checked_like_the_environment() -> None:
    with pytest.raises(SettingsError, match=r"^LOG_LEVEL: "):
        load_settings(_env_file=None, log_level="shouty")


def test_require_token_without_a_token_names_it_and_offers_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    settings = load_settings(_env_file=None)
    assert settings.discord_token is None
    with pytest.raises(SettingsError) as raised:
        settings.require_token()
    message = str(raised.value)
    assert message.startswith("DISCORD_TOKEN")
    assert "sandbox" in message
    assert "\n" not in message


def test_the_token_is_secret_everywhere_it_could_be_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    settings = load_settings(_env_file=None)
    assert isinstance(settings.discord_token, SecretStr)
    for shown in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert TOKEN not in shown
        assert "not-a-real-token" not in shown
    assert settings.require_token() == TOKEN


def test_an_env_file_is_read_only_when_asked(tmp_path: Path) -> None:
    env_file = tmp_path / "dev.env"
    env_file.write_text("LOG_LEVEL=warning\nDEV_GUILD_ID=42\n", encoding="utf-8")
    assert load_settings(_env_file=env_file).log_level == "WARNING"
    assert load_settings(_env_file=env_file).dev_guild_id == 42
    assert load_settings(_env_file=None).log_level == "INFO"


def test_a_bad_value_in_the_env_file_names_the_setting(tmp_path: Path) -> None:
    env_file = tmp_path / "dev.env"
    env_file.write_text("DATABASE_URL=mysql://db/claims\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^DATABASE_URL: must look like sqlite:///"):
        load_settings(_env_file=env_file)


def test_every_setting_is_documented_in_env_example() -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    documented = {line.split("=", 1)[0] for line in example.read_text().splitlines() if "=" in line and line[0] != "#"}
    assert documented >= set(SETTINGS)
