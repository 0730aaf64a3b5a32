#!/usr/bin/env bash
# Lists the dependencies and plugins that have newer versions in the Maven registry
# (versions-maven-plugin: display-dependency-updates, display-plugin-updates, display-property-updates).
# Read-only: changes nothing. Pre-releases (alpha, beta, milestone, RC) are not proposed.
#
#   scripts/outdated.sh [extra Maven args]
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp versions:display-dependency-updates versions:display-plugin-updates versions:display-property-updates \
  -Dversions.outputLineWidth=120 -Dmaven.version.ignore='(?i).*[-.](alpha|beta|m|rc|cr|ea|preview)[-.]?[0-9]*' \
  -DprocessDependencyManagementTransitive=false "$@" \
  | grep -E -- '->|\[INFO\] (The following|All |No )|--- versions|Require Maven|ERROR' || true
