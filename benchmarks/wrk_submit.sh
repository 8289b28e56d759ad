#!/usr/bin/env bash
# Benchmark (not a test): acknowledged submissions/s measured with wrk (C load generator), so the
# client does not compete with the server for the GIL.  Usage: benchmarks/wrk_submit.sh sqlite|postgresql [workers] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; workers=${2:-1}; seconds=${3:-15}
py=${PY:-.venv/bin/python}
source benchmarks/_bench_db.sh
export SANDBOX_PROCESSING_MODE=background SANDBOX_WORKER_POLL_SECONDS=0.05
$py -m sandbox.cli init-db >/dev/null
$py -m sandbox.cli facility add 58001 "BVĐK tỉnh Ninh Thuận" >/dev/null
$py -m sandbox.cli account add 58001_BV --facility 58001 --password 'Bench@58001' >/dev/null
$py - "$tmp" <<'PY'
import sys, urllib.parse, pathlib
from fixtures.envelope import b64, envelope
from fixtures.generator import generate
from fixtures.pki import TestCA
from fixtures.signing import sign
tmp = pathlib.Path(sys.argv[1]); names = []
cred = TestCA().issue("58001", "Benchmark")
(tmp / "cert.pem").write_bytes(cred.cert_pem)
for i in range(1000):
    signed = sign(envelope("58001", [generate(i, "58001", "kham").documents()]), cred.key_pem, cred.cert_pem)
    body = urllib.parse.urlencode({"username": "58001_BV", "loaiHoSo": "130", "maTinh": "58", "maCSKCB": "58001",
                                   "fileHSBase64": b64(signed)})
    p = tmp / f"b{i}.txt"; p.write_text(body); names.append(str(p))
(tmp / "bodies.txt").write_text("\n".join(names))
PY
$py -m sandbox.cli cert add --facility 58001 "$tmp/cert.pem" >/dev/null
port=18765
$py -m sandbox.cli serve --port $port --workers "$workers" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf localhost:$port/portal/login >/dev/null && break; sleep 0.2; done
pw=$($py -c "from sandbox.security import md5_upper; print(md5_upper('Bench@58001'))")
tok=$(curl -s -X POST localhost:$port/api/token/take -d "username=58001_BV&password=$pw")
export WRK_AT=$($py -c "import json,sys; print(json.loads(sys.argv[1])['APIKey']['access_token'])" "$tok")
export WRK_IT=$($py -c "import json,sys; print(json.loads(sys.argv[1])['APIKey']['id_token'])" "$tok")
export WRK_PW=$pw WRK_BODIES=$tmp/bodies.txt
echo "== $backend, $workers server process(es), wrk 2 threads 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" --latency -s benchmarks/wrk_submit.lua "http://127.0.0.1:$port/api/qd130/guiHoSoXmlQD3176" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
start=$(date +%s.%N)
while :; do
  left=$($py -c "
from sandbox.context import Context
from sqlalchemy import text
c = Context.create()
with c.db.read() as s:
    print(s.execute(text(\"select count(*) from submission where status <> 'DA_XU_LY'\")).scalar(),
          s.execute(text(\"select count(*) from episode where status = 'HOP_LE'\")).scalar(),
          s.execute(text('select count(*) from submission')).scalar())")
  set -- $left
  [ "$1" = 0 ] && break
  sleep 0.5
done
echo "processing finished $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s after the load; $2 of $3 submissions accepted (HOP_LE)"
