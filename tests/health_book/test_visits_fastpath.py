"""A year of the Sổ SKĐT read by the fast path (api/fastpath.py) answers exactly as through connexion:
the visits, a refused session, a child who is not the citizen's; odd queries are left to connexion."""

import pytest
from starlette.testclient import TestClient

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.api import fastpath
from sandbox.app import create_app
from sandbox.context import Context
from tests.health_book.conftest import AN


@pytest.fixture
def slow(ctx):
    return TestClient(create_app(ctx=Context(ctx.settings.replace(fast_path=False), ctx.db, ctx.clock),
                                 start_worker=False))


def test_visits_answer_alike_on_both_paths(an, population, slow, monkeypatch):
    population.submit_ok(envelope("58001", [generate(5, "58001", "kham", patient=AN).documents()]))
    an.open_book()
    taken = []
    original = fastpath.FastPath._visits
    monkeypatch.setattr(fastpath.FastPath, "_visits", lambda self, *a: taken.append(a[2]) or original(self, *a))
    for label, params, headers in (("own book", {}, an.headers), ("a year", {"nam": "2026"}, an.headers),
                                   ("no session", {}, {}), ("not my child", {"cho": "058190000002"}, an.headers),
                                   ("bad year", {"nam": "20x6"}, an.headers), ("repeated", [("nam", "2026"), ("nam", "2025")], an.headers)):
        fast = an.client.get("/vneid/api/health-book/visits", params=params, headers=headers)
        other = slow.get("/vneid/api/health-book/visits", params=params, headers=headers)
        assert fast.status_code == other.status_code, label
        stable = lambda b: {k: v for k, v in b.items() if k != "thoiGianTiepNhan"}  # noqa: E731
        assert stable(fast.json()) == stable(other.json()), label
    assert len(taken) == 4                                   # the odd two went to connexion
    assert len(an.get("/health-book/visits").json()["luotKham"]) == 1
