#!/usr/bin/env bash
# PostgreSQL and Redis for the test suite, on 127.0.0.1:5432 and :6379.
#
#   scripts/services.sh start    install when missing (as root), start, wait until both answer
#   scripts/services.sh stop     stop what this script started
#   scripts/services.sh status   say what answers
#
# Machines of this project start no services, so `make test` calls `start`.
# Anything already answering on a port is used as it is (a developer's own
# PostgreSQL, say). Otherwise the script keeps its own throw-away PostgreSQL
# cluster (trust auth, loopback only) and Redis (no persistence) under
# $LAOCAI_SERVICES_DIR, outside the work tree, and leaves them running for the
# next command. As a non-root user without the programs it says what to install.
set -euo pipefail

# Root's home is closed to the service users (postgres, opensearch): as root, cache under /var/cache.
default_cache() { if [ "$(id -u)" = 0 ]; then echo /var/cache/laocai-story; else echo "${XDG_CACHE_HOME:-$HOME/.cache}/laocai-story"; fi; }

PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
SERVICES_DIR=${LAOCAI_SERVICES_DIR:-$(default_cache)/services}
PG_DATA=$SERVICES_DIR/postgres
REDIS_DIR=$SERVICES_DIR/redis
DEBIAN_PACKAGES="postgresql redis-server"

say() { echo "services: $*" >&2; }

postgres_bin() {
  # Debian keeps each major version's server programs apart; take the newest.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/postgres" ] && echo "$dir"
}

postgres_answers() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

install_missing() {
  local missing=""
  [ -n "$(postgres_bin)" ] && command -v pg_isready >/dev/null || missing="$missing postgresql"
  command -v redis-server >/dev/null || missing="$missing redis-server"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's$missing"
    apt-get update -qq
    # policy-rc.d: Debian's scripts must not start their own services (and fail) on a machine without init.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    rm -f /usr/sbin/policy-rc.d
  else
    say "the tests need PostgreSQL and Redis on 127.0.0.1:$PG_PORT and :$REDIS_PORT."
    say "install them with:  sudo apt-get install$missing   (then run make test again)"
    exit 1
  fi
}

# Runs a command as the owner of the PostgreSQL cluster: PostgreSQL refuses to run as root.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  if postgres_answers; then say "PostgreSQL answers on 127.0.0.1:$PG_PORT"; return 0; fi
  local bin; bin=$(postgres_bin)
  mkdir -p "$SERVICES_DIR"
  if [ "$(id -u)" = 0 ]; then
        mkdir -p "$PG_DATA" && chown postgres: "$PG_DATA"
  fi
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    as_pg_owner "$bin/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { tail -n 20 "$PG_DATA/server.log" >&2; exit 1; }
  for _ in $(seq 60); do postgres_answers && break; sleep 1; done
  postgres_answers || { say "PostgreSQL did not answer"; exit 1; }
  say "PostgreSQL started on 127.0.0.1:$PG_PORT (data in $PG_DATA, trust auth, tests only)"
}

start_redis() {
  if redis_answers; then say "Redis answers on 127.0.0.1:$REDIS_PORT"; return 0; fi
  mkdir -p "$REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$REDIS_DIR" \
    --save "" --appendonly no --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 30); do redis_answers && break; sleep 0.5; done
  redis_answers || { say "Redis did not answer"; tail -n 20 "$REDIS_DIR/redis.log" >&2; exit 1; }
  say "Redis started on 127.0.0.1:$REDIS_PORT"
}

stop_all() {
  local bin; bin=$(postgres_bin || true)
  if [ -n "$bin" ] && [ -s "$PG_DATA/postmaster.pid" ]; then
    as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
  fi
  if [ -s "$REDIS_DIR/redis.pid" ]; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null && say "Redis stopped" || true
    rm -f "$REDIS_DIR/redis.pid"
  fi
}

status() {
  postgres_answers && say "PostgreSQL: answers on 127.0.0.1:$PG_PORT" || say "PostgreSQL: not running"
  redis_answers && say "Redis: answers on 127.0.0.1:$REDIS_PORT" || say "Redis: not running"
}

case "${1:-}" in
  start) install_missing; start_postgres; start_redis ;;
  stop) stop_all ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
