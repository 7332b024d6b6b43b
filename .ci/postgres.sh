#!/usr/bin/env bash
# A throwaway PostgreSQL server for the results-history tests (tests/history_fixtures.py).
#
#   eval "$(.ci/postgres.sh start)"   # prints: export PROLACTIN_TRIAGE_TEST_POSTGRES_URL=... and
#                                     #         export PROLACTIN_TRIAGE_PG_DIR=<temp dir>
#   .ci/postgres.sh stop              # stops the server in $PROLACTIN_TRIAGE_PG_DIR, removes the dir
#
# start installs Debian's postgresql package when no server binaries are found (needs root), makes
# a cluster in a fresh temp directory (owned by the postgres system user when run as root: initdb
# refuses root), listens on a unix socket in that directory and on 127.0.0.1 on a free port, with
# trust authentication and fsync off. Only the export lines go to stdout; diagnostics go to stderr.
set -euo pipefail

PG_USER=triage  # the role the tests connect as (may create databases)
PG_DB=triage    # its database: the fixtures connect here to create one fresh database per test
MARKER=.prolactin-triage-pg  # marks a directory made by this script (stop removes nothing else)

log() { echo "postgres.sh: $*" >&2; }

# the directory holding initdb, pg_ctl, postgres and psql (symlinks on PATH resolved), or nothing
find_bindir() {
  local d candidates=()
  if command -v pg_ctl >/dev/null 2>&1; then
    candidates+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")")
  fi
  mapfile -t -O "${#candidates[@]}" candidates < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
  for d in "${candidates[@]}"; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && [ -x "$d/psql" ]; then
      echo "$d"
      return 0
    fi
  done
}

# run a command as the cluster's owner: the postgres system user when we are root
as_owner() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

free_port() {
  local py
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
      return 0
    fi
  done
  echo $((20000 + RANDOM % 20000))
}

# stop the server in $1 (if running) and remove the directory; never fails
stop_dir() {
  local dir=$1 bindir pid
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ ! -e "$dir/$MARKER" ]; then
    log "$dir was not made by this script; leaving it alone"
    return 0
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    bindir=$(cat "$dir/bindir" 2>/dev/null || true)
    [ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] || bindir=$(find_bindir)
    if [ -n "$bindir" ] && (cd "$dir" && as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w -t 30) >&2; then
      log "server stopped"
    else
      pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "pg_ctl stop failed; sending SIGQUIT to postmaster $pid"
        kill -QUIT "$pid" 2>/dev/null || true
        sleep 1
      fi
    fi
  fi
  rm -rf "$dir" || log "could not remove $dir"
  return 0
}

start() {
  local bindir dir port
  bindir=$(find_bindir)
  if [ -z "$bindir" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      log "no PostgreSQL server binaries (initdb, pg_ctl) and cannot install them (needs root and apt-get)"
      return 1
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } >&2 \
      || { log "apt-get install postgresql failed"; return 1; }
    bindir=$(find_bindir)
    [ -n "$bindir" ] || { log "postgresql installed but no initdb/pg_ctl found"; return 1; }
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "running as root but there is no postgres system user to own the cluster"
    return 1
  fi
  log "using $bindir"

  dir=$(mktemp -d "${TMPDIR:-/tmp}/prolactin-triage-pg.XXXXXX")
  touch "$dir/$MARKER"
  echo "$bindir" > "$dir/bindir"
  # shellcheck disable=SC2064  # expand $dir now: clean up a half-made cluster on failure
  trap "stop_dir '$dir'" ERR INT TERM
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  chmod 700 "$dir"
  port=$(free_port)

  (cd "$dir" && as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
    -E UTF8 --no-locale --no-sync) >&2
  cat >> "$dir/data/postgresql.conf" <<EOF

# prolactin-triage test server: local only, speed over durability
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
  if ! (cd "$dir" && as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60) >&2; then
    log "the server did not start; its log:"
    cat "$dir/server.log" >&2 || true
    false
  fi
  (cd "$dir" && as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -X -q \
    -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $PG_USER LOGIN CREATEDB" \
    -c "CREATE DATABASE $PG_DB OWNER $PG_USER") >&2
  trap - ERR INT TERM
  log "server running on 127.0.0.1:$port (socket in $dir), pid $(head -n 1 "$dir/data/postmaster.pid")"

  printf 'export PROLACTIN_TRIAGE_TEST_POSTGRES_URL=%q\n' \
    "postgresql+psycopg://$PG_USER@127.0.0.1:$port/$PG_DB"
  printf 'export PROLACTIN_TRIAGE_PG_DIR=%q\n' "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop_dir "${PROLACTIN_TRIAGE_PG_DIR:-}"; exit 0 ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
