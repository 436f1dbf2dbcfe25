#!/usr/bin/env bash
# The lakehouse walk-through, on a scratch copy of this folder (the committed landing zone is never
# changed):
#   examples/lakehouse/build.sh [workdir]
# 1. platform stages the landing zone's CSV drops, snapshots product names and writes curated
#    Parquet to lake/; 2. it publishes its public models; 3. forecasting (its own DuckDB file)
#    builds revenue by product group from that Parquet; 4. finance drops 2026-12-03's files
#    (renamed products, a new column); 5. platform again: the snapshot keeps the old names;
#    6. forecasting again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
strata="${STRATA_BIN:-$here/../../dist/cli/main.js}"
work="${1:-$(mktemp -d)/lakehouse}"
if [ -e "$work" ] && [ -n "$(ls -A "$work")" ]; then
  echo "$work is not empty; give an empty or new folder" >&2
  exit 2
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
for part in landing drops platform forecasting; do cp -R "$here/$part" "$work/"; done
rm -rf "$work"/platform/target "$work"/forecasting/target
echo "Working in $work"

strata() {
  echo "\$ strata $*"
  node "$strata" "$@"
}
history="select product_code, product_name, product_group, strata_valid_to is null as is_current
from {{ ref('products_history') }} order by product_code, strata_valid_from"
revenue="select * from {{ ref('revenue_by_product_group') }} order by product_group"

echo "== 1. platform: stage the drops of 2026-12-01 and -02, snapshot product names, write curated Parquet"
strata build --project-dir "$work/platform"
echo "== 2. platform publishes its public models (and where their files are)"
strata publish --project-dir "$work/platform"
echo "== 3. forecasting reads platform's Parquet into its own DuckDB file"
strata build --project-dir "$work/forecasting"
strata show --project-dir "$work/forecasting" --inline "$revenue" --limit -1

echo "== 4. next morning: finance drops 2026-12-03 (renamed products, a new channel column)"
cp -R "$work/drops/2026-12-03/." "$work/landing/"
find "$work/landing" -name '*.csv' | sort | sed "s|$work/||"

echo "== 5. platform again: new sales partition, and the snapshot keeps the old product names"
strata build --project-dir "$work/platform"
strata publish --project-dir "$work/platform"
strata show --project-dir "$work/platform" --inline "$history" --limit -1
echo "== 6. forecasting again: the renamed and regrouped products count in their current group"
strata build --project-dir "$work/forecasting"
strata show --project-dir "$work/forecasting" --inline "$revenue" --limit -1
find "$work/lake" -type f | sort | sed "s|$work/||"
