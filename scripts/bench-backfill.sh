#!/usr/bin/env bash
# End-to-end backfill benchmark: the seed's procedure vs the library (super-admin key, per-workspace
# keys) on the Email Bison simulator (100 ms latency, 10 req/s per key, 30 req/s per instance by
# default), writing into the local PostgREST (examples/.../bench/BackfillBenchmark.java).
#
#   scripts/bench-backfill.sh [compare|growth|memory|all] [--option value]...   (--help lists the options)
#   scripts/bench-backfill.sh dedup [JMH args]      # LeadDedup JMH benchmark (1,000,000 replies, one core)
#
# Results (Markdown) and the machine go to stdout, progress to stderr; docs/benchmarks.md keeps the figures.
# Runtime with the defaults: compare ~15 min (the faithful seed takes ~2.7 min a run), growth ~8 min,
# memory ~2 min, dedup ~3 min.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-compare}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(uname -sr);" \
     "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT

if [ "$mode" = "dedup" ]; then
  shift || true
  # The benchmark profile adds JMH and the JDBC driver (benchmarks only) and compiles examples/src/jmh/java.
  mvn -B -ntp -q -Pbenchmark -pl examples -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$cp_file" >&2
  java -cp "examples/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main DedupBenchmark "$@"
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

. scripts/lib/local-supabase-session.sh
local_supabase_up
trap 'rm -f "$cp_file"; local_supabase_down' EXIT

# One reactor build (nothing installed into ~/.m2); examples is built last, so its classpath is what stays in the file.
mvn -B -ntp -q -Pbenchmark -pl examples -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$cp_file" >&2
run() { java -cp "examples/target/classes:$(cat "$cp_file")" io.github.bisonbackfill.examples.bench.BackfillBenchmark "$@"; }

table=bench_client_leads
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[$i]}" = "--table" ] && table="${args[$((i + 1))]}"; done
# The destination table, as users create it (ClientLeadsSchema.sql), under its own name.
run schema-sql "$table" | scripts/local-supabase.sh psql -q -v ON_ERROR_STOP=1 -f - >&2
scripts/local-supabase.sh reload "$table" >&2

run "$@"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
