"""The sandbox clock: offsets, persistence across processes, the wire time format."""

from datetime import datetime, timedelta, timezone

import pytest

from sandbox.clock import format_offset, parse_offset, wire_time
from sandbox.context import Context


@pytest.mark.parametrize("text,seconds", [("+36h", 129600), ("-2d", -172800), ("0", 0), ("90m", 5400),
                                          ("+1w", 604800), ("-30s", -30), ("1.5h", 5400)])
def test_parse_offset(text, seconds):
    assert parse_offset(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "tomorrow", "+h", "36x", "--1h", "-920701407w", "36526d"])
def test_parse_offset_rejects(text):
    with pytest.raises(ValueError):
        parse_offset(text)


def test_format_offset():
    assert format_offset(timedelta(hours=36)) == "+36h"
    assert format_offset(timedelta(days=-2)) == "-2d"
    assert format_offset(timedelta(seconds=61)) == "+61s"


def test_wire_time_is_vietnam_time():
    assert wire_time(datetime(2026, 11, 21, 17, 30, 5, tzinfo=timezone.utc)) == "20261122003005"


def test_offset_is_shared_through_the_database(ctx, settings):
    other_process = Context.create(settings)
    ctx.clock.set_offset(timedelta(hours=36))
    drift = other_process.clock.now() - datetime.now(timezone.utc)
    assert abs(drift.total_seconds() - 36 * 3600) < 5
    other_process.db.dispose()
