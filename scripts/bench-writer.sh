#!/usr/bin/env bash
# Benchmarks SupabaseWriter against the local PostgREST and a direct JDBC batch into the same
# PostgreSQL (examples/.../bench/WriterBenchmark.java). Usage: scripts/bench-writer.sh [rows] [repetitions]
# Results and the machine go to stdout; docs/benchmarks.md keeps the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-java.sh
run_bench io.github.bisonbackfill.examples.bench.WriterBenchmark "$@"
