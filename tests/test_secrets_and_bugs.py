"""A key in the config file only when the file is private; a bug is one line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer import run as runner
from importer.cli.main import main
from importer.errors import UsageError
from importer.settings.config import load_settings
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import by_reference, write_csv
from tests.test_pipeline_e2e import ROWS


def config_with_key(tmp_path: Path, sandbox: SandboxHandle, mode: int) -> Path:
    path = tmp_path / "import.toml"
    path.write_text(
        f'event = "{sandbox.event_id}"\nbase_url = "{sandbox.base_url}"\n'
        f'api_key = "{sandbox.key}"\nrate_limit = 0\nlock_dir = "."\n',
        encoding="utf-8",
    )
    path.chmod(mode)
    return path


def test_a_key_in_a_file_others_can_read_is_refused(tmp_path: Path, sandbox: SandboxHandle) -> None:
    path = config_with_key(tmp_path, sandbox, 0o644)
    with pytest.raises(UsageError) as caught:
        load_settings(path)
    assert caught.value.message == (
        f'The config file "{path}" holds an API key but other users can read it. Make it '
        f'private with "chmod 600 {path}", or move the key into the environment variable '
        "ZUDDL_API_KEY."
    )
    assert sandbox.key not in str(caught.value) and sandbox.key not in repr(caught.value)


def test_a_key_in_a_private_file_is_used_and_never_shown(
    tmp_path: Path,
    sandbox: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("ZUDDL_API_KEY", raising=False)
    path = config_with_key(tmp_path, sandbox, 0o600)
    settings = load_settings(path)
    assert sandbox.key not in repr(settings)
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    with pytest.raises(SystemExit) as leaving:
        main(["run", str(agenda), "--config", str(path), "--no-progress"])
    assert leaving.value.code == 0
    out = capsys.readouterr()
    assert sandbox.key not in out.out + out.err
    assert len(by_reference(sandbox)) == 7


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_one_line_unless_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], debug: bool
) -> None:
    def broken(request: object) -> object:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(runner, "run_import", broken)
    monkeypatch.setattr("importer.cli.console.run_import", broken)
    agenda = write_csv(tmp_path / "agenda.csv", ROWS)
    args = ["--debug"] if debug else []
    with pytest.raises(SystemExit) as leaving:
        main([*args, "run", str(agenda), "--dry-run", "--no-progress"])
    assert leaving.value.code == 70
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        "Internal error (RuntimeError): this is a bug in zuddl-import, not a problem with your "
        "file. Run again with --debug for the details and report them."
    )
    assert ("Traceback" in err) is debug
