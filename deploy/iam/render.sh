#!/usr/bin/env bash
# Fills the placeholders of the policy files in this folder and writes the results to OUT_DIR, ready for
# `aws iam create-role` / `put-role-policy` (docs/deploy.md). Runs no AWS call.
# Usage: deploy/iam/render.sh ACCOUNT_ID REGION OWNER/REPO ECR_REPO STACK_NAME OUT_DIR
set -euo pipefail
if [[ $# -ne 6 ]]; then
  echo "usage: $0 ACCOUNT_ID REGION OWNER/REPO ECR_REPO STACK_NAME OUT_DIR" >&2
  exit 2
fi
account=$1 region=$2 github_repo=$3 ecr_repo=$4 stack=$5 out=$6
[[ $account =~ ^[0-9]{12}$ ]] || { echo "ACCOUNT_ID must be 12 digits" >&2; exit 2; }
[[ $region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || { echo "REGION looks wrong: $region" >&2; exit 2; }
[[ $github_repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { echo "OWNER/REPO looks wrong: $github_repo" >&2; exit 2; }
[[ $ecr_repo =~ ^[a-z0-9._/-]+$ ]] || { echo "ECR_REPO looks wrong: $ecr_repo" >&2; exit 2; }
[[ $stack =~ ^[A-Za-z][A-Za-z0-9-]*$ ]] || { echo "STACK_NAME looks wrong: $stack" >&2; exit 2; }

mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
for policy in "$here"/*.json; do
  # OWNER/REPO first: REPO alone is also part of ECR_REPO.
  sed -e "s|OWNER/REPO|$github_repo|g" -e "s|ECR_REPO|$ecr_repo|g" -e "s|ACCOUNT_ID|$account|g" \
      -e "s|REGION|$region|g" -e "s|STACK_NAME|$stack|g" "$policy" > "$out/$(basename "$policy")"
done
echo "wrote $(ls "$out"/*.json | wc -l) policies to $out"
