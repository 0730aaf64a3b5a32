#!/usr/bin/env bash
# Finishing under production faults (examples/.../bench/FaultMixBenchmark.java): 24 clients on 2
# instances of the simulator with its production fault mix, the library's defaults, one run per seed.
#
#   scripts/bench-faults.sh [--runs N] [--first-seed S] [--keys super-admin|api-user|key-store] [--calm] [--table T]
#
# Results (Markdown) and the machine go to stdout, progress to stderr; docs/benchmarks.md keeps the
# figures. About 5 minutes a run with super-admin keys, under a minute with api-user keys or a key store.
set -euo pipefail
cd "$(dirname "$0")/.."
table=bench_faults
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[$i]}" = "--table" ] && table="${args[$((i + 1))]}"; done

. scripts/lib/bench-java.sh
prepare() {
  # The destination table, as users create it (ClientLeadsSchema.sql), under its own name.
  java -cp "examples/target/classes:$(cat "$1")" io.github.bisonbackfill.examples.bench.BackfillBenchmark schema-sql "$table" \
    | scripts/local-supabase.sh psql -q -v ON_ERROR_STOP=1 -f - >&2
  scripts/local-supabase.sh reload "$table" >&2
}
BENCH_PREPARE=prepare run_bench io.github.bisonbackfill.examples.bench.FaultMixBenchmark "$@"
