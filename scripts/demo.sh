#!/usr/bin/env bash
# The one-command demo (see docs/examples.md): builds the examples jar, starts the local Supabase REST
# (PostgreSQL 15 + PostgREST, scripts/local-supabase.sh) unless it is running already, creates the
# tables client_leads and client_leads_seed (emptied: the demo owns them), and runs
#   java -jar examples/target/bison-backfill-examples.jar demo [args]
# which starts an in-process Email Bison simulator (24 clients, 2 instances, the workspace race on),
# runs the backfill with live progress and compares it with the seed's procedure on the same data.
# Stops what it started on exit. Extra arguments go to the demo command (e.g. --clients 6, --help).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=examples/target/bison-backfill-examples.jar
command -v mvn >/dev/null || { echo "demo: mvn not found (apt-get install -y maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "demo: java not found (Java 17+)" >&2; exit 1; }

echo "demo: building the examples jar (mvn -pl examples -am package)..." >&2
build_start=$(date +%s)
mvn -B -ntp -q -DskipTests -pl examples -am package
echo "demo: built in $(( $(date +%s) - build_start )) s" >&2

. scripts/lib/local-supabase-session.sh
local_supabase_up
trap 'local_supabase_down' EXIT

for table in client_leads client_leads_seed; do
  java -jar "$JAR" schema --table "$table" | scripts/local-supabase.sh psql -q -f - >/dev/null 2>&1 \
    || { echo "demo: creating $table failed:" >&2; java -jar "$JAR" schema --table "$table" | scripts/local-supabase.sh psql -q -f - >&2; exit 1; }
done
scripts/local-supabase.sh psql -q -c "truncate client_leads, client_leads_seed" >/dev/null
scripts/local-supabase.sh reload client_leads client_leads_seed

set +e
java -jar "$JAR" demo "$@"
rc=$?
set -e
exit "$rc"
