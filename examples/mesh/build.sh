#!/usr/bin/env bash
# Builds the three mesh projects in dependency order: platform → forecasting → fraud.
#   examples/mesh/build.sh [duckdb|postgres]
# Each project reads the others' published models through target/manifest.json (dependencies.yml).
set -euo pipefail
target="${1:-duckdb}"
here="$(cd "$(dirname "$0")" && pwd)"
strata="${STRATA_BIN:-$here/../../dist/cli/main.js}"
for project in platform forecasting fraud; do
  echo "== $project ($target)"
  node "$strata" build --project-dir "$here/$project" --target "$target"
done
