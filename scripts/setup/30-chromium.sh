#!/usr/bin/env bash
# Installs Debian's chromium for the end-to-end tests (playwright-core drives it; nothing is downloaded
# by Playwright itself). Skips when /usr/bin/chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
