#!/usr/bin/env bash
# Builds the web application into web/dist, which `npm start` and the end-to-end tests serve.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx vite build --config web/vite.config.ts --logLevel warn
