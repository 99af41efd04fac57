#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, Debian packages, services), then
# type check, lint, formatting and Vitest. Each scripts/setup/*.sh brings up one thing the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
for s in scripts/setup/*.sh; do
  [ -e "$s" ] || continue
  echo "== setup: $s"
  bash "$s"
done
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json
echo "== lint"; npx eslint . --max-warnings=0
echo "== format"; npx prettier --check . --log-level warn
echo "== tests"; npx vitest run "$@"
