#!/bin/sh
# The soak: N runs stopped at random (seeded) moments by kill -9, SIGINT or
# SIGTERM on tmpfs and loop-ext4, some pairs sharing an --out, then checks
# that nothing is left and every results.json is valid (runner/cli/soak.ts).
#   scripts/soak.sh [--runs N] [--seed S] [--fixture F]... [--max-delay MS] [--kill9-only]
set -e
cd "$(dirname "$0")/.."
[ -f dist/runner/cli/soak.js ] || npx tsc -p tsconfig.json
exec node dist/runner/cli/soak.js "$@"
