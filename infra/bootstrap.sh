#!/usr/bin/env bash
# Prepares a machine for `npm start` / `npm test` before Deno exists: npm packages (Deno itself
# comes from npm), the Debian packages the stack and benchmarks use, and the Kafka jars.
# Idempotent and silent when everything is present. Target: Debian 12, Node 20 / npm 11, root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'bootstrap: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- npm packages -----------------------------------------------------------------------------
# A stamp written after a successful install tells whether package(-lock).json changed since.
stamp=node_modules/.eventflow-installed
if [ ! -x node_modules/.bin/deno ] || [ ! -f "$stamp" ] ||
  [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  if [ -f package-lock.json ] && [ ! -d node_modules ]; then
    # Exactly the locked tree, integrity-checked. The lock lists chdb's darwin/arm packages
    # without a tarball (the registry does not serve them); npm skips them here by os/cpu.
    log "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  else
    # Incremental on an existing tree: npm ci would delete node_modules under running processes.
    log "updating npm packages (npm install)"
    npm install --no-audit --no-fund --loglevel=error >/dev/null
  fi
  touch "$stamp"
fi

# --- Debian packages --------------------------------------------------------------------------
missing=()
have prometheus || missing+=(prometheus)
have wrk || missing+=(wrk)
have hyperfine || missing+=(hyperfine)
have chromium || missing+=(chromium)
have java || missing+=(openjdk-17-jre-headless)
have mvn || missing+=(maven)
# Stores: only when absent, since a running server at DATABASE_URL / REDIS_URL is reused.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
have redis-server || missing+=(redis-server)

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if have sudo && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      log "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
      exit 1
    fi
  fi
  log "installing Debian packages: ${missing[*]}"
  apt_log=$(mktemp)
  if ! { "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 40 "$apt_log" >&2
    log "apt-get failed; full output in $apt_log"
    exit 1
  fi
  rm -f "$apt_log"
fi

# --- Kafka jars (Maven Central, cached in .cache/kafka) ---------------------------------------
node_modules/.bin/deno run -A --quiet infra/kafka/fetch_jars.ts
