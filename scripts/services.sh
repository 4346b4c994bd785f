#!/usr/bin/env bash
# Start or stop the services the test suite needs, on loopback only.
#
#   source scripts/services.sh && services_start   # exports LAMIN_TEST_POSTGRES_URL, LAMIN_TEST_S3_*
#   services_stop                                  # stops what services_start started
#
# PostgreSQL: uses the server on 127.0.0.1:5432 if one answers; else starts the Debian cluster;
# else installs PostgreSQL from Debian's packages and starts a private trust-auth cluster.
# S3: moto (from PyPI, in its own venv) on 127.0.0.1:${LAMIN_TEST_S3_PORT:-5055}, bucket "lamin-test".
# GCS (optional): gcp-storage-emulator on 127.0.0.1:${LAMIN_TEST_GCS_PORT:-9023}.

LAMIN_SERVICES_DIR="${LAMIN_SERVICES_DIR:-/var/tmp/lamindb-rs-services}"
_started_pg=""
_started_pg_private=""
_started_moto=""
_started_gcs=""

_log() { echo "services: $*" >&2; }

_pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
_pg_trust() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }

_pg_start() {
  if command -v pg_isready >/dev/null && _pg_ready && _pg_trust; then
    _log "PostgreSQL answers on 127.0.0.1:5432"
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    _log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql postgresql-client >&2 || return 1
  fi
  local ver
  ver=$(ls /etc/postgresql | sort -n | tail -1)
  if ! _pg_ready; then
    _log "starting PostgreSQL cluster $ver/main"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 && _started_pg="$ver"
    for _ in $(seq 1 30); do _pg_ready && break; sleep 0.5; done
  fi
  if _pg_ready && _pg_trust; then return 0; fi
  # The cluster is down or does not trust local TCP connections: run a private trust cluster.
  if _pg_ready && [ -n "$_started_pg" ]; then pg_ctlcluster --skip-systemctl-redirect "$_started_pg" main stop >&2; _started_pg=""; fi
  if _pg_ready; then _log "a PostgreSQL on 127.0.0.1:5432 refuses user postgres without a password"; return 1; fi
  local bin="/usr/lib/postgresql/$ver/bin" dir="$LAMIN_SERVICES_DIR/pg"
  rm -rf "$dir" && mkdir -p "$dir" && chown postgres:postgres "$dir"
  _log "starting a private trust-auth PostgreSQL in $dir"
  su postgres -c "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8" >/dev/null &&
    su postgres -c "$bin/pg_ctl -D $dir/data -o '-p 5432 -k $dir -c listen_addresses=127.0.0.1' -l $dir/pg.log -w start" >&2 &&
    _started_pg_private="$bin/pg_ctl -D $dir/data"
  _pg_ready && _pg_trust
}

_moto_start() {
  local venv="${LAMIN_TEST_MOTO_VENV:-/var/tmp/lamindb-rs-venv-moto}" port="${LAMIN_TEST_S3_PORT:-5055}"
  if [ ! -x "$venv/bin/moto_server" ]; then
    _log "installing moto[server] into $venv"
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q 'moto[server]==5.*' >&2 || return 1
  fi
  mkdir -p "$LAMIN_SERVICES_DIR"
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$LAMIN_SERVICES_DIR/moto.log" 2>&1 &
  _started_moto=$!
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.25
  done
  curl -s -f -X PUT "http://127.0.0.1:$port/lamin-test" >/dev/null || return 1
  export LAMIN_TEST_S3_ENDPOINT="http://127.0.0.1:$port" LAMIN_TEST_S3_BUCKET="lamin-test"
  export AWS_ACCESS_KEY_ID="testing" AWS_SECRET_ACCESS_KEY="testing" AWS_REGION="us-east-1"
  _log "moto S3 on $LAMIN_TEST_S3_ENDPOINT, bucket lamin-test"
}

# GCS: gcp-storage-emulator (from PyPI, in its own venv) on 127.0.0.1:${LAMIN_TEST_GCS_PORT:-9023},
# bucket "lamin-test". Optional: when it cannot be installed, the GCS tests print "skipped".
_gcs_start() {
  local venv="${LAMIN_TEST_GCS_VENV:-/var/tmp/lamindb-rs-venv-gcs}" port="${LAMIN_TEST_GCS_PORT:-9023}"
  if [ ! -x "$venv/bin/gcp-storage-emulator" ]; then
    _log "installing gcp-storage-emulator into $venv"
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q 'gcp-storage-emulator==2026.7.19' >&2 || return 1
  fi
  mkdir -p "$LAMIN_SERVICES_DIR"
  "$venv/bin/gcp-storage-emulator" start --host 127.0.0.1 --port "$port" --default-bucket lamin-test \
    --in-memory >"$LAMIN_SERVICES_DIR/gcs.log" 2>&1 &
  _started_gcs=$!
  for _ in $(seq 1 60); do
    curl -s -f -o /dev/null "http://127.0.0.1:$port/storage/v1/b/lamin-test" && break
    sleep 0.25
  done
  curl -s -f -o /dev/null "http://127.0.0.1:$port/storage/v1/b/lamin-test" || return 1
  export STORAGE_EMULATOR_HOST="http://127.0.0.1:$port" LAMIN_TEST_GCS_BUCKET="lamin-test"
  _log "GCS emulator on $STORAGE_EMULATOR_HOST, bucket lamin-test"
}

services_start() {
  _pg_start || { _log "PostgreSQL could not be started"; return 1; }
  export LAMIN_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:5432/postgres"
  _moto_start || { _log "the S3 test server could not be started"; return 1; }
  _gcs_start || _log "the GCS emulator could not be started: GCS tests will be skipped"
}

services_stop() {
  # A server killed by SIGTERM exits 143: that is how it should stop, not a failure.
  if [ -n "$_started_moto" ]; then kill "$_started_moto" 2>/dev/null || true; wait "$_started_moto" 2>/dev/null || true; _log "stopped moto"; fi
  if [ -n "$_started_gcs" ]; then kill "$_started_gcs" 2>/dev/null || true; wait "$_started_gcs" 2>/dev/null || true; _log "stopped the GCS emulator"; fi
  if [ -n "$_started_pg_private" ]; then su postgres -c "$_started_pg_private -m fast stop" >&2 || true; _log "stopped private PostgreSQL"; fi
  if [ -n "$_started_pg" ]; then pg_ctlcluster --skip-systemctl-redirect "$_started_pg" main stop >&2 || true; _log "stopped PostgreSQL $_started_pg"; fi
  _started_moto="" _started_gcs="" _started_pg="" _started_pg_private=""
}
