#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: the node modules, Debian's Chromium and tools, the local
# PostgreSQL running, and a TLS cluster of the tests' own (Lakebase connections insist on TLS).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# Debian's packages: the browser the tests drive, strace, poppler (pdftoppm) and ImageMagick for the slip corpus.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v strace >/dev/null || missing+=(strace)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -x /usr/bin/convert ] || missing+=(imagemagick)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian's packages: ${missing[*]}..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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

# A local PostgreSQL, when the machine has one: started if it stopped. Its settings are left as found.
if command -v pg_lsclusters >/dev/null && [ -z "${TEST_DATABASE_URL:-}" ]; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
  done
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# Lakebase logs in with an OAuth token as password, over TLS only. The tests that do so get a PostgreSQL cluster of
# their own under .cache/pg-tls (port 55433): TLS with a self-signed certificate, and one role that may log in only
# with a password over TLS. The machine's own server is never changed.
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -n "$bindir" ] && [ -z "${TLS_TEST_DATABASE_URL:-}" ]; then
  tls=$PWD/.cache/pg-tls
  run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if ! [ -f "$tls/data/PG_VERSION" ]; then
    echo "Creating the tests' own TLS PostgreSQL cluster in $tls..."
    mkdir -p "$tls/data"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$tls"
    run_pg "$bindir/initdb" -D "$tls/data" -U postgres --auth=trust >/dev/null
    run_pg openssl req -new -x509 -days 3650 -nodes -subj /CN=localhost \
      -keyout "$tls/data/server.key" -out "$tls/data/server.crt" >/dev/null 2>&1
    run_pg chmod 600 "$tls/data/server.key"
    run_pg sh -c "cat >> '$tls/data/postgresql.conf'" <<CONF
port = 55433
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tls'
ssl = on
max_connections = 60
fsync = off
CONF
    run_pg sh -c "cat > '$tls/data/pg_hba.conf'" <<HBA
hostssl all linesync_token_login 127.0.0.1/32 scram-sha-256
host    all linesync_token_login 127.0.0.1/32 reject
local   all all trust
host    all all 127.0.0.1/32 trust
HBA
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 55433; then
    run_pg "$bindir/pg_ctl" -D "$tls/data" -l "$tls/server.log" -w start >/dev/null
  fi
fi
echo "Test environment ready."
