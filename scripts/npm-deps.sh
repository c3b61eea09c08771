#!/usr/bin/env bash
# The browser tests' one npm library (tests/browser/package-lock.json) into tests/browser/node_modules,
# never a browser download: the tests drive Debian's chromium. Does nothing when the installed tree
# is newer than the lock file. Run by install-deps.sh and by `make check`, because a fresh clone has
# no node_modules of its own even where install-deps.sh ran in another checkout.
set -euo pipefail
cd "$(dirname "$0")/../tests/browser"
[ -f node_modules/playwright-core/package.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] && exit 0
command -v npm >/dev/null || { echo "npm-deps: npm is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
echo "npm-deps: npm ci in tests/browser" >&2
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >/dev/null
