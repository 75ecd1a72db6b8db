#!/usr/bin/env bash
# Builds the service as it was at a commit, beside this checkout, for before/after benches in one run:
#
#   bash bench/build-at.sh b84f1f3          # → ../postal-distance-at-b84f1f3/dist/main.js
#   BENCH_COMPARE=before=../postal-distance-at-b84f1f3/dist/main.js npm run bench
#
# A git worktree of the commit (no second clone), its own node_modules (npm ci: the commit's
# lockfile), then its own `npm run build`. Run again, it rebuilds in place.
set -euo pipefail
rev="${1:?usage: bash bench/build-at.sh <commit> [directory]}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${2:-$root/../postal-distance-at-$rev}"
if [ ! -d "$dir" ]; then git -C "$root" worktree add --detach "$dir" "$rev" >/dev/null; fi
cd "$dir"
npm ci --no-audit --no-fund >/dev/null
npm run build >/dev/null
echo "$dir/dist/main.js"
