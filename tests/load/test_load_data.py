"""The load suites' data is valid by construction: every generated person and episode the suite means to
be valid is HOP_LE on its own, every deliberately defective one is refused; and the verdict thresholds
fail a run whose valid HOSO were refused (a run that measured refusals has not measured acceptance)."""

import random
from datetime import datetime, timezone

import pytest

from fixtures.envelope import envelope
from loadtests import setup
from loadtests.verdicts import judge_verdicts
from sandbox.pipeline.runner import evaluate
from sandbox.pipeline.stages import StageContext

CTX = StageContext("HOSO", "QD3176", "58500", datetime.now(timezone.utc), signature_policy="pre2026",
                   facilities={setup.facility_code(i): "active" for i in range(40)})
CHECKIN = StageContext("CHECKIN", "QD3176", "58500", CTX.now, signature_policy="pre2026", facilities=CTX.facilities)


def _errors(outcome) -> list[str]:
    return [f.code for f in outcome.findings if f.is_error] + \
        [f.code for r in outcome.records for f in r.findings if f.is_error]


def test_thousands_of_load_people_and_episodes_are_each_accepted_alone():
    rng = random.Random(2026)
    bad = []
    for k in range(1200):
        i, n = k % 40, k // 40   # 40 facilities × 30 payloads: every citizen of each facility, several visits
        code = setup.facility_code(i)
        made = setup.episode(code, i, n, "RUN", rng.randrange(10**9), large=False)
        errors = _errors(evaluate(envelope(code, [made.documents()]), CTX, 10**8))
        errors += _errors(evaluate(setup.checkin_document(code, i, n, "RUN", made),
                                   CHECKIN.__class__(**{**CHECKIN.__dict__, "facility_code": code}), 10**8))
        if errors:
            bad.append((made.ma_lk, made.patient.personal_id, errors))
    assert bad == []


def test_every_load_citizen_has_a_personal_id_that_agrees_with_birth_and_sex():
    for i in range(20_000):
        p = setup.citizen(i)
        century = {0: 1900, 1: 1900, 2: 2000, 3: 2000}[int(p.personal_id[3])]
        assert century + int(p.personal_id[4:6]) == p.birth.year and (int(p.personal_id[3]) % 2 == 0) == p.male


def test_a_deliberately_defective_episode_is_refused():
    made = setup.episode("58500", 0, 0, "RUN", 7, defective=True)
    assert made.ma_lk.startswith(setup.DEFECTIVE)
    assert _errors(evaluate(envelope("58500", [made.documents()]), CTX, 10**8))


@pytest.mark.parametrize("valid, defective, failing", [
    ({"records": 100, "HOP_LE": 100, "KHONG_HOP_LE": 0, "errors": {}},
     {"records": 5, "HOP_LE": 0, "KHONG_HOP_LE": 5, "errors": {"XML1-AMT-01": 5}}, False),
    ({"records": 100, "HOP_LE": 0, "KHONG_HOP_LE": 100, "errors": {"XML1-ID-01": 100}},
     {"records": 5, "HOP_LE": 0, "KHONG_HOP_LE": 5, "errors": {}}, True),      # the run of issue 22
    ({"records": 100, "HOP_LE": 100, "KHONG_HOP_LE": 0, "errors": {}},
     {"records": 5, "HOP_LE": 5, "KHONG_HOP_LE": 0, "errors": {}}, True),       # accepts what it must refuse
    ({"records": 60, "HOP_LE": 60, "KHONG_HOP_LE": 0, "errors": {}},
     {"records": 5, "HOP_LE": 0, "KHONG_HOP_LE": 5, "errors": {}}, True),       # verdicts missing
])
def test_verdict_thresholds(valid, defective, failing):
    assert bool(judge_verdicts(valid, defective, 100, 5, 1.0)) is failing
