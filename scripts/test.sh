#!/usr/bin/env bash
# Runs the test suite: the project's one test command (see README.md). Extra arguments go to Maven,
# e.g. ./scripts/test.sh -pl supabase-writer -Dtest=SupabaseWriterLocalTest
#
# Starts the local Supabase REST (PostgreSQL 15 + PostgREST, scripts/local-supabase.sh) that the
# integration tests need, exports its environment, and stops it afterwards, unless it was already
# running before (then it is left running). The exit code is Maven's.
set -euo pipefail
cd "$(dirname "$0")/.."

started_here=0
if ! scripts/local-supabase.sh status 2>/dev/null; then
  started_here=1
fi
env_lines="$(scripts/local-supabase.sh start)"
eval "$env_lines"
if [ "$started_here" = 1 ]; then
  trap 'scripts/local-supabase.sh stop' EXIT
fi

set +e
mvn -B -ntp verify "$@"
rc=$?
set -e
exit "$rc"
