#!/usr/bin/env bash
# Benchmark (not a test): card checks per second over HTTP, measured with wrk, on the demo data.
# Usage: benchmarks/wrk_card_check.sh sqlite|postgresql [server processes] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}; workers=${2:-1}; seconds=${3:-15}
py=${PY:-.venv/bin/python}
source benchmarks/_bench_db.sh
$py -m sandbox.cli demo --pki-dir "$tmp/pki" >/dev/null
port=18766
$py -m sandbox.cli serve --port $port --workers "$workers" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf localhost:$port/portal/login >/dev/null && break; sleep 0.2; done
pw=$($py -c "from sandbox.security import md5_upper; print(md5_upper('Demo@58001'))")
tok=$(curl -s -X POST localhost:$port/api/token/take -d "username=58001_BV&password=$pw")
export WRK_AT=$($py -c "import json,sys; print(json.loads(sys.argv[1])['APIKey']['access_token'])" "$tok")
export WRK_IT=$($py -c "import json,sys; print(json.loads(sys.argv[1])['APIKey']['id_token'])" "$tok")
export WRK_PW=$pw
echo "== card check, $backend, $workers server process(es), wrk 2 threads 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" --latency -s benchmarks/wrk_card_check.lua "http://127.0.0.1:$port/api/egw/KQNhanLichSuKCB2024" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
