#!/usr/bin/env bash
# Runs the test suite: the project's one test command (see README.md). Extra arguments go to Maven,
# e.g. ./scripts/test.sh -pl supabase-writer -Dit.test=SupabaseWriterLocalIT (a *Test class: -Dtest=...)
#
# Starts the local Supabase REST (PostgreSQL 15 + PostgREST, scripts/local-supabase.sh) that the
# integration tests need, exports its environment, and stops it afterwards, unless it was already
# running before (then it is left running). The exit code is Maven's.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/local-supabase-session.sh
local_supabase_up
trap 'local_supabase_down' EXIT

set +e
mvn -B -ntp verify "$@"
rc=$?
set -e
exit "$rc"
