#!/usr/bin/env bash
# Optional validation of the deployment manifests. Each validator runs only when its tool is there:
# an absent tool is reported and skipped, never a failure. Exit 1 only when a validator that ran found
# an error. (Consistency with the app itself - ports, probe paths, the management port that probes and
# scrapers use, env names - is checked by the unit test dev.progresshub.deploy.ManifestConsistencyTest, which
# runs with ./mvnw test.)
#
#   deploy/validate.sh            # from anywhere
#   VALIDATE_NO_INSTALL=1 ...     # never run npm install (use deploy/validate/node_modules if present)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k8s_files=("$here"/kubernetes/*.yaml "$here"/kubernetes/examples/*.yaml)
cloudrun_files=("$here"/cloudrun/*.yaml)
status=0
ran=0

say() { printf '[deploy/validate] %s\n' "$*"; }

# 1. Offline schema validation (Kubernetes + Knative/Cloud Run OpenAPI schemas bundled in npm packages)
#    and a syntax lint of the Dockerfiles (flags, instructions, ports); no Docker engine needed.
if command -v node >/dev/null 2>&1; then
  vdir="$here/validate"
  if [ ! -d "$vdir/node_modules/kubernetes-models" ] && [ -z "${VALIDATE_NO_INSTALL:-}" ] && command -v npm >/dev/null 2>&1; then
    say "installing the schema validator (npm ci in deploy/validate)"
    (cd "$vdir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) \
      || say "npm ci failed (no registry?): schema validation skipped"
  fi
  if [ -d "$vdir/node_modules/kubernetes-models" ]; then
    say "schema validation (kubernetes-models, offline)"
    if node "$vdir/validate.mjs" "${k8s_files[@]}" "${cloudrun_files[@]}"; then ran=$((ran + 1)); else status=1; fi
  else
    say "schema validator not installed: skipped"
  fi
  if [ -x "$vdir/node_modules/.bin/dockerfile-utils" ]; then
    say "Dockerfile lint (dockerfile-utils)"
    lint_ok=1
    for f in "$here"/../src/main/docker/Dockerfile.*; do
      if "$vdir/node_modules/.bin/dockerfile-utils" lint "$f"; then echo "ok      ${f#"$here"/../}"; else lint_ok=0; fi
    done
    if [ "$lint_ok" -eq 1 ]; then ran=$((ran + 1)); else status=1; fi
  fi
else
  say "node not found: schema validation skipped"
fi

# 2. kubectl against a configured cluster: client dry-run with strict field validation (unknown or
#    duplicate fields are errors). Without a kubeconfig context kubectl would probe localhost:8080, so it
#    is not run at all then (its client dry-run needs an API server for discovery).
if command -v kubectl >/dev/null 2>&1; then
  if ! ctx="$(kubectl config current-context 2>/dev/null)" || [ -z "$ctx" ]; then
    say "kubectl found but no cluster context configured: kubectl dry-run skipped"
  elif ! kubectl get --raw /version --request-timeout=5s >/dev/null 2>&1; then
    say "kubectl context $ctx: API server unreachable: kubectl dry-run skipped"
  else
    say "kubectl apply --dry-run=client --validate=strict (context: $ctx)"
    if timeout 120 kubectl apply --dry-run=client --validate=strict \
        -f "$here/kubernetes" -f "$here/kubernetes/examples"; then
      ran=$((ran + 1))
    else
      status=1
    fi
  fi
else
  say "kubectl not found: kubectl dry-run skipped"
fi

if [ "$status" -ne 0 ]; then
  say "FAILED"
elif [ "$ran" -eq 0 ]; then
  say "no validator available: nothing checked (not a failure)"
else
  say "OK ($ran validator(s) ran)"
fi
exit "$status"
