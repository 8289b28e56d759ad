# Sourced by the wrk benchmarks: a fresh database for BACKEND (sqlite|postgresql) in DATABASE_URL.
tmp=$(mktemp -d)
if [ "$backend" = sqlite ]; then
  export DATABASE_URL="sqlite:///$tmp/bench.sqlite3"
else
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS skdt_sandbox_wrk" -c "CREATE DATABASE skdt_sandbox_wrk" >/dev/null
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/skdt_sandbox_wrk"
fi
