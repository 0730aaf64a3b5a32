#!/usr/bin/env bash
# Benchmarks the webhook server (examples/.../bench/WebhookBenchmark.java): deliveries per second at
# 1 and 50 in flight through WebhookServer into the local PostgREST.
# Usage: scripts/bench-webhook.sh [seconds per measurement] [server worker threads]
# Results and the machine go to stdout; docs/benchmarks.md keeps the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-java.sh
run_bench io.github.bisonbackfill.examples.bench.WebhookBenchmark "$@"
