#!/usr/bin/env bash
# One OpenSearch node for the live search suite, on 127.0.0.1:9200.
#
#   scripts/opensearch.sh start    fetch (once) from Maven Central, start, wait for green/yellow health
#   scripts/opensearch.sh stop     stop the node this script started
#   scripts/opensearch.sh status   print the cluster's health, or say it is down
#   scripts/opensearch.sh purge    stop the node and delete its data and logs
#
# OPENSEARCH_PORT (default 9200) runs another node beside it, e.g. the search
# tests' own node that they stop and start again (tests/search/test_cluster_outage.py);
# OPENSEARCH_HEAP sets its heap (default 1g); OPENSEARCH_KEEP_DATA=1 starts on the
# data of the last run on that port instead of an empty node.
#
# The distribution is OpenSearch's integration-test zip, pinned below, fetched
# with `mvn dependency:copy` and cached outside the work tree
# ($LAOCAI_OPENSEARCH_HOME). That zip carries only the HTTP transport, so the
# analysis module our mappings need (analysis-common: asciifolding, stemmers,
# elision, cjk_bigram, mapping char filters) is added from its own Maven
# artifact. The node runs on Java 17 with a 1 GB heap, single-node discovery,
# loopback only, data thrown away at each start (unless OPENSEARCH_KEEP_DATA=1). OpenSearch refuses to run as
# root, so as root the node runs as the system user `opensearch` (created once).
set -euo pipefail

# Root's home is closed to the service users (postgres, opensearch): as root, cache under /var/cache.
default_cache() { if [ "$(id -u)" = 0 ]; then echo /var/cache/laocai-story; else echo "${XDG_CACHE_HOME:-$HOME/.cache}/laocai-story"; fi; }

VERSION=${OPENSEARCH_VERSION:-2.19.6}
PORT=${OPENSEARCH_PORT:-9200}
TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-$((PORT + 100))}
HEAP=${OPENSEARCH_HEAP:-1g}
KEEP_DATA=${OPENSEARCH_KEEP_DATA:-0}
CACHE=${LAOCAI_OPENSEARCH_HOME:-$(default_cache)/opensearch}
HOME_DIR=$CACHE/opensearch-$VERSION
RUN_DIR=$CACHE/run-$PORT
URL=http://127.0.0.1:$PORT
RUN_AS=opensearch

say() { echo "opensearch: $*" >&2; }

health() { curl -fsS --max-time 2 "$URL/_cluster/health" 2>/dev/null; }
healthy() { health | grep -Eq '"status":"(green|yellow)"'; }

maven_copy() {  # maven_copy GROUP:ARTIFACT:VERSION[:TYPE] DEST_DIR
  mvn -q -B -ntp dependency:copy -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.useBaseVersion=true >&2
}

fetch() {
  [ -x "$HOME_DIR/bin/opensearch" ] && [ -f "$HOME_DIR/modules/analysis-common/plugin-descriptor.properties" ] && return 0
  command -v mvn >/dev/null || { say "Maven (mvn) is needed to fetch OpenSearch: apt-get install maven"; exit 1; }
  say "fetching OpenSearch $VERSION from Maven Central into $CACHE"
  mkdir -p "$CACHE"
  local download; download=$(mktemp -d "$CACHE/download.XXXXXX")
  maven_copy "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" "$download"
  rm -rf "$HOME_DIR"
  (cd "$CACHE" && unzip -q "$download/opensearch-$VERSION.zip")
  local module=$HOME_DIR/modules/analysis-common
  mkdir -p "$module"
  maven_copy "org.opensearch.plugin:analysis-common:$VERSION" "$module"
  # The descriptor OpenSearch's build writes into the module. Its usual parent,
  # lang-painless, only adds analysis functions to scripts, which we never run.
  cat > "$module/plugin-descriptor.properties" <<DESCRIPTOR
description=Adds "built in" analyzers to OpenSearch.
version=$VERSION
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version=$VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
DESCRIPTOR
  rm -rf "$download"
}

ensure_user() {
  [ "$(id -u)" = 0 ] || return 0
  id "$RUN_AS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
}

start() {
  if healthy; then say "a node already answers on $URL"; return 0; fi
  fetch
  ensure_user
  if [ "$KEEP_DATA" = 1 ] && [ -d "$RUN_DIR/data" ]; then
    rm -rf "$RUN_DIR/config" "$RUN_DIR/tmp" && mkdir -p "$RUN_DIR/tmp"
  else
    rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/tmp"
  fi
  cp -r "$HOME_DIR/config" "$RUN_DIR/config"
  # jvm.options names its GC log and heap dumps relative to the distribution, which the node cannot write.
  sed -i -e "s|file=logs/gc.log|file=$RUN_DIR/logs/gc.log|" -e "s|HeapDumpPath=data|HeapDumpPath=$RUN_DIR/data|" \
      -e "s|ErrorFile=logs/|ErrorFile=$RUN_DIR/logs/|" "$RUN_DIR/config/jvm.options"
  cat >> "$RUN_DIR/config/opensearch.yml" <<CONFIG
cluster.name: laocai-test
node.name: laocai-test-node
discovery.type: single-node
network.host: 127.0.0.1
http.port: $PORT
transport.port: $TRANSPORT_PORT
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
# A test node on a developer's disk: never go read-only because the disk is nearly full.
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
CONFIG
  if [ "$(id -u)" = 0 ]; then
    chmod -R o+rX "$HOME_DIR"
    chown -R "$RUN_AS": "$RUN_DIR"
  fi
  local java_home=${OPENSEARCH_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  local command=(env OPENSEARCH_JAVA_HOME="$java_home" OPENSEARCH_PATH_CONF="$RUN_DIR/config"
                 OPENSEARCH_TMPDIR="$RUN_DIR/tmp" OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP"
                 "$HOME_DIR/bin/opensearch" -d -p "$RUN_DIR/opensearch.pid")
  # The daemon's own output goes to a file, so a caller reading this script's output is not held open.
  if [ "$(id -u)" = 0 ]; then command=(runuser -u "$RUN_AS" -- "${command[@]}"); fi
  "${command[@]}" >"$RUN_DIR/logs/console.log" 2>&1 || true
  for _ in $(seq 120); do
    healthy && break
    # A node that died while starting has said why in its log: do not wait the full two minutes.
    kill -0 "$(cat "$RUN_DIR/opensearch.pid" 2>/dev/null || echo 0)" 2>/dev/null || break
    sleep 1
  done
  if ! healthy; then
    say "the node did not become healthy within 120 s; its log:"
    grep -v '^WARNING' "$RUN_DIR/logs/console.log" | tail -n 40 >&2 || true
    exit 1
  fi
  say "OpenSearch $VERSION answers on $URL ($(health | grep -Eo '"status":"[a-z]+"'))"
}

stop() {
  local pidfile=$RUN_DIR/opensearch.pid
  [ -s "$pidfile" ] || { say "no node of ours is running on port $PORT"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if health; then echo; else say "no node answers on $URL"; exit 1; fi ;;
  purge) stop; rm -rf "$RUN_DIR" ;;
  fetch) fetch ;;
  *) echo "usage: $0 start|stop|status|purge|fetch" >&2; exit 2 ;;
esac
