#!/usr/bin/env bash
# Runs the whole test suite: the project's one test command (see README.md).
# Later: starts the local PostgreSQL + PostgREST the integration tests need, and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp verify "$@"
