"""`briefgen preview`'s command line: its options, and input errors without a traceback (the
server itself: tests/preview/)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from briefgen.cli import main


def test_a_missing_spec_is_a_message_and_exit_1(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(tmp_path / "nowhere.yaml"), "--no-open"]) == 1
    assert "nowhere.yaml: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["http", "-1", "65536"])
def test_a_bad_port_is_refused_by_the_parser(port: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["preview", "brief.yaml", "--port", port])
    assert stopped.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_a_port_in_use_is_a_message_and_exit_1(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "brief.yaml"
    spec.write_text("title: x\n", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["preview", str(spec), "--no-open", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"--port {port}: cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err
