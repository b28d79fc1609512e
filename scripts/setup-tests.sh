#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: the node modules, Debian's Chromium, and a running local
# PostgreSQL that speaks TLS (Lakebase connections insist on it, and the tests use it the same way).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if ! command -v chromium >/dev/null; then
  echo "Installing Chromium from Debian's packages (the browser tests drive it)..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# Databricks Apps runs Node 22, this machine's Node may be 20: the tests start the server on both. The official
# Node 22 binary comes from the npm registry (package node-linux-<arch>) into .cache/node22.
if ! [ -x .cache/node22/bin/node ]; then
  echo "Fetching Node 22 from the npm registry (the server is tested on it too)..."
  arch=$(node -p process.arch)
  mkdir -p .cache/node22
  tarball=$(cd .cache && npm pack "node-linux-$arch@22" --silent)
  tar -xzf ".cache/$tarball" -C .cache/node22 --strip-components=1
  rm -f ".cache/$tarball"
fi

# A local PostgreSQL, when the machine has one: started if it stopped, TLS switched on if it is off.
if command -v pg_lsclusters >/dev/null && [ -z "${TEST_DATABASE_URL:-}" ]; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
  done
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  if pg_isready -q -h 127.0.0.1 -p 5432 && [ "$(psql -h 127.0.0.1 -U postgres -Atc 'show ssl')" = off ]; then
    data=$(psql -h 127.0.0.1 -U postgres -Atc 'show data_directory')
    echo "Enabling TLS on the local PostgreSQL with a self-signed certificate..."
    as_root openssl req -new -x509 -days 3650 -nodes -subj /CN=localhost \
      -keyout "$data/server.key" -out "$data/server.crt" >/dev/null 2>&1
    as_root chown postgres:postgres "$data/server.key" "$data/server.crt"
    as_root chmod 600 "$data/server.key"
    psql -h 127.0.0.1 -U postgres -qc "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  # Lakebase logs in with an OAuth token as password over TLS. The local server trusts everyone, so one role of its
  # own must give a password over TLS, and nothing without: the tests log in as it with the token they were issued.
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    hba=$(psql -h 127.0.0.1 -U postgres -Atc 'show hba_file')
    if ! as_root grep -q linesync_token_login "$hba"; then
      echo "Adding a password-over-TLS role for the Lakebase tests to $hba..."
      tmp=$(mktemp)
      { echo "hostssl all linesync_token_login 127.0.0.1/32 scram-sha-256"
        echo "host    all linesync_token_login 127.0.0.1/32 reject"
        as_root cat "$hba"; } > "$tmp"
      as_root cp "$tmp" "$hba"
      rm -f "$tmp"
      psql -h 127.0.0.1 -U postgres -qc "SELECT pg_reload_conf()" >/dev/null
    fi
  fi
fi
echo "Test environment ready."
