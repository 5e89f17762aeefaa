#!/usr/bin/env bash
# The playground page in a real browser: Debian's Chromium, driven by playwright-core from npm, against the real
# pyfun-server (tests/browser/playground_browser.mjs starts both). Installs what it needs: the apt package
# `chromium` when missing (as root only), and playwright-core into WORK_DIR (a folder of the build tree) once.
# Usage: playground_browser.sh BIN_DIR WORK_DIR
# Exit: 0 passed, 1 failed, 77 skipped (no Chromium and no way to install it, no Node.js/npm, or npm could not
# install the package).
set -euo pipefail
exec 1>&2  # the test reads our stderr only

bin_dir=$(realpath "$1")
mkdir -p "$2"
work_dir=$(realpath "$2")
script_dir=$(cd "$(dirname "$0")" && pwd)
playwright_version=1.65.1  # declares Node.js >= 20
chromium=/usr/bin/chromium

if [[ ! -x $chromium ]]; then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "SKIP: $chromium is missing and only root can install it (apt-get install chromium)"
    exit 77
  fi
  echo "installing the Debian package chromium"
  if ! timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; then
    # A stale package index is the usual cause on a fresh machine: refresh it once and retry.
    if ! { timeout 300 apt-get update && timeout 600 env DEBIAN_FRONTEND=noninteractive \
             apt-get install -y --no-install-recommends chromium; }; then
      echo "SKIP: apt-get could not install chromium (is the Debian mirror reachable?)"
      exit 77
    fi
  fi
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (Node.js 20+ runs playwright-core $playwright_version)"
    exit 77
  fi
done
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "SKIP: Node.js $(node --version) is too old for playwright-core $playwright_version (20 or later)"
  exit 77
fi

package_json="$work_dir/node_modules/playwright-core/package.json"
if ! grep -q "\"version\": \"$playwright_version\"" "$package_json" 2>/dev/null; then
  echo "installing playwright-core@$playwright_version into $work_dir"
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: we drive the system Chromium, never a downloaded browser.
  if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 240 npm install --prefix "$work_dir" \
         --cache "$work_dir/npm-cache" --no-audit --no-fund --no-update-notifier --loglevel=error \
         "playwright-core@$playwright_version"; then
    echo "SKIP: npm could not install playwright-core@$playwright_version (is registry.npmjs.org reachable?)"
    exit 77
  fi
fi

# A fresh copy of the lessons for every run: the --watch checks edit them.
run_dir="$work_dir/run"
rm -rf "$run_dir"
mkdir -p "$run_dir/screenshots"
cp -r "$script_dir/lessons" "$run_dir/lessons"
rm -f "$run_dir/lessons/README.md"

exec node "$script_dir/playground_browser.mjs" "$work_dir/node_modules/playwright-core" "$chromium" \
  "$bin_dir/pyfun-server" "$run_dir/lessons" "$run_dir/screenshots"
