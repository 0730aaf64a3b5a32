#!/usr/bin/env bash
# Benchmarks SupabaseWriter against the local PostgREST and a direct JDBC batch into the same
# PostgreSQL (examples/.../bench/WriterBenchmark.java). Usage: scripts/bench-writer.sh [rows] [repetitions]
# Results and the machine go to stdout; docs/benchmarks.md keeps the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/local-supabase-session.sh
local_supabase_up
trap 'local_supabase_down' EXIT

cp_file="$(mktemp)"
# One reactor build (nothing installed into ~/.m2); examples is built last, so its classpath is what stays in the file.
mvn -B -ntp -q -Pbenchmark -pl examples -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$cp_file" >&2
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(uname -sr)"
java -cp "examples/target/classes:$(cat "$cp_file")" io.github.bisonbackfill.examples.bench.WriterBenchmark "$@"
rm -f "$cp_file"
