"""The web processes run at normal priority by default (the backlog is bounded by admission control,
sandbox/admission.py); SANDBOX_WEB_NICE still makes them nicer than the workers in external mode."""

import os

import pytest

from tests.plugins.live import free_port, start_server

pytestmark = pytest.mark.slow


def _niceness(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.parametrize("mode, nice, expected", [("external", None, 0), ("external", "10", 10),
                                                  ("background", None, 0), ("external", "3", 3)])
def test_serve_lowers_the_web_priority_only_when_workers_process(tmp_path, mode, nice, expected):
    env = {"SANDBOX_PROCESSING_MODE": mode}
    if nice is not None:
        env["SANDBOX_WEB_NICE"] = nice
    proc = start_server(f"sqlite:///{tmp_path}/p.sqlite3", free_port(), **env)
    try:
        assert _niceness(proc.pid) == min(19, _niceness(0) + expected)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_runtime_that_forbids_it_still_serves_and_says_so(monkeypatch, capsys):
    from sandbox.cli import _give_way_to_workers
    from sandbox.settings import Settings

    def forbidden(increment):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "nice", forbidden)
    _give_way_to_workers(Settings(processing_mode="external", web_nice=10))
    assert "cannot lower the web processes' priority (Operation not permitted)" in capsys.readouterr().err
