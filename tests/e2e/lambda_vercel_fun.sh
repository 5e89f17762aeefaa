#!/usr/bin/env bash
# A real third-party Lambda Runtime API peer: @vercel/fun runs `bootstrap` under its `provided` runtime and
# invokes it (tests/lambda/vercel_fun_peer.js checks the answers). Installs @vercel/fun with npm into WORK_DIR
# (a folder of the build tree) once.
# Usage: lambda_vercel_fun.sh BIN_DIR FIXTURES_DIR WORK_DIR
# Exit: 0 passed, 1 failed, 77 skipped (no node/npm, or npm could not install the package).
set -euo pipefail
exec 1>&2  # the test reads our stderr only

# @vercel/fun 1.3.6 declares Node.js >= 20; Debian 12's Node.js 18 installs it with a warning and runs it.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "SKIP: Node.js $(node --version) is too old for @vercel/fun (18 or later is needed)"
  exit 77
fi

mkdir -p "$3"
# Absolute paths: fun starts bootstrap from inside the task folder.
bin_dir=$(realpath "$1") fixtures_dir=$(realpath "$2") work_dir=$(realpath "$3")
script_dir=$(cd "$(dirname "$0")" && pwd)
fun_version=1.3.6

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (Node.js 18+ runs @vercel/fun)"
    exit 77
  fi
done

package_json="$work_dir/node_modules/@vercel/fun/package.json"
if ! grep -q "\"version\": \"$fun_version\"" "$package_json" 2>/dev/null; then
  echo "installing @vercel/fun@$fun_version into $work_dir"
  if ! timeout 240 npm install --prefix "$work_dir" --cache "$work_dir/npm-cache" --no-audit --no-fund \
         --no-update-notifier --loglevel=error "@vercel/fun@$fun_version"; then
    echo "SKIP: npm could not install @vercel/fun@$fun_version (is registry.npmjs.org reachable?)"
    exit 77
  fi
fi

# The function's code folder, as Lambda unpacks it: bootstrap and the lessons.
task_dir="$work_dir/task"
rm -rf "$task_dir"
mkdir -p "$task_dir"
ln -s "$bin_dir/bootstrap" "$task_dir/bootstrap"
ln -s "$fixtures_dir/lambda/lessons" "$task_dir/lessons"

# @vercel/fun copies its runtimes into the XDG cache: keep that inside the build tree too.
export XDG_CACHE_HOME="$work_dir/xdg-cache"
exec node "$script_dir/../lambda/vercel_fun_peer.js" "$work_dir/node_modules/@vercel/fun" "$task_dir" \
  "$fixtures_dir/lambda/events"
