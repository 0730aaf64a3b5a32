#!/usr/bin/env bash
# Checks that the build is reproducible: builds the project twice from clean (tests skipped) and
# compares the SHA-256 of every jar (library jars, sources and javadoc jars, the test-jar and the
# CLI's shaded jar). Exit 0 when all are byte-identical, 1 otherwise (the differing jars are listed).
# Reproducibility comes from project.build.outputTimestamp in pom.xml.
#
#   scripts/check-reproducible.sh [extra Maven args]
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() {
  mvn -B -ntp -q clean package -DskipTests "$@" >&2
  find . -path ./.git -prune -o -path '*/target/*.jar' -print | LC_ALL=C sort | xargs sha256sum
}

echo "== build 1" >&2
build "$@" > "$work/first"
echo "== build 2" >&2
build "$@" > "$work/second"

jars=$(wc -l < "$work/first")
if [ "$jars" -eq 0 ]; then
  echo "no jar was built" >&2
  exit 1
fi
if diff "$work/first" "$work/second" > "$work/diff"; then
  echo "reproducible: $jars jars byte-identical across two clean builds"
  sed 's/^/  /' "$work/first"
else
  echo "NOT reproducible: these jars differ between two clean builds:"
  cat "$work/diff"
  exit 1
fi
