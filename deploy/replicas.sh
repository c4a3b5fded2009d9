#!/usr/bin/env bash
# Several dashboard replicas on one PostgreSQL database behind nginx (deploy/nginx.conf), for local
# use, rehearsal and the replica test. Ctrl+C (or SIGTERM) stops all of them.
#
#   DATABASE_URL='postgresql+psycopg://…' deploy/replicas.sh [more streamlit options…]
#
# Environment: REPLICAS (2), FIRST_PORT (8501; replicas listen on FIRST_PORT, FIRST_PORT+1, …) or an
# explicit REPLICA_PORTS="8501 8502", PORT (8080: where nginx listens, on 127.0.0.1), RUN_DIR
# (var/replicas: the generated nginx files and every log), PYTHON (.venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database the replicas share (see README, PostgreSQL)}"
case "$DATABASE_URL" in
  postgresql*) ;;
  *) echo "replicas.sh: DATABASE_URL must name a PostgreSQL database: replicas share one store" >&2; exit 2 ;;
esac
REPLICAS=${REPLICAS:-2}
FIRST_PORT=${FIRST_PORT:-8501}
PORT=${PORT:-8080}
read -r -a ports <<< "${REPLICA_PORTS:-$(seq -s ' ' "$FIRST_PORT" $((FIRST_PORT + REPLICAS - 1)))}"
run_dir=$(realpath -m "${RUN_DIR:-var/replicas}")
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python3
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "replicas.sh: nginx is not installed (apt-get install nginx)" >&2; exit 2; }

mkdir -p "$run_dir/temp"
# The shipped site file with this run's ports: nginx on 127.0.0.1:$PORT, one upstream line per replica.
awk -v listen="$PORT" -v servers="${ports[*]}" '
  /^ *listen [0-9]+;/ { sub(/listen [0-9]+/, "listen 127.0.0.1:" listen) }
  /^ *server 127\.0\.0\.1:[0-9]+/ {
    if (!written) {
      n = split(servers, port, " ")
      for (i = 1; i <= n; i++) { line = $0; sub(/127\.0\.0\.1:[0-9]+/, "127.0.0.1:" port[i], line); print line }
      written = 1
    }
    next
  }
  { print }' deploy/nginx.conf > "$run_dir/site.conf"
# A main configuration that keeps nginx's pid, temp files and logs in the run folder; the access log
# names the replica that answered each request and the browser's sticky cookie.
cat > "$run_dir/nginx.conf" <<EOF
worker_processes auto;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log;
events { worker_connections 4096; }
http {
    log_format replica '\$remote_addr [\$time_local] "\$request" \$status upstream=\$upstream_addr cookie=\$cookie_beitai_replica';
    access_log $run_dir/access.log replica;
    client_body_temp_path $run_dir/temp/body;
    proxy_temp_path $run_dir/temp/proxy;
    fastcgi_temp_path $run_dir/temp/fastcgi;
    uwsgi_temp_path $run_dir/temp/uwsgi;
    scgi_temp_path $run_dir/temp/scgi;
    include $run_dir/site.conf;
}
EOF
"$nginx" -t -q -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log"

# One cookie secret for all replicas: Streamlit signs its XSRF cookie (and st.login's) with it, and a
# browser that fails over to another replica must still be recognised.
export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$("$python" -c 'import secrets; print(secrets.token_hex(32))')}

pids=()
stop() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop EXIT INT TERM

for port in "${ports[@]}"; do
  # The file watcher is off: replicas serve a deployed copy, and watching costs every replica time.
  "$python" -m streamlit run dashboard/app.py --server.port "$port" --server.address 127.0.0.1 \
    --server.headless true --server.fileWatcherType none --browser.gatherUsageStats false "$@" \
    > "$run_dir/replica-$port.log" 2>&1 &
  pids+=($!)
done
"$nginx" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log" -g "daemon off;" &
pids+=($!)

echo "北臺合作儀表板：http://127.0.0.1:$PORT/（${#ports[@]} 個複本，埠 ${ports[*]}；紀錄在 $run_dir）"
wait -n "${pids[@]}" || true  # one of them stopped: stop the rest
