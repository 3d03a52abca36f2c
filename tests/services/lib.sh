# Shared by the service scripts (sourced): bounded waits and stopping by pid file.

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; fails after
# SECONDS.
wait_for() {
  local limit=$1
  shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "timed out after ${limit}s waiting for: $*" >&2
      return 1
    fi
    sleep 0.1
  done
}

# stop_pid PID: SIGTERM, up to 5 s, then SIGKILL. Never fails.
stop_pid() {
  local p=$1
  [ -n "$p" ] || return 0
  kill "$p" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$p" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$p" 2>/dev/null || true
}

# stop_pidfile FILE: stop_pid on the pid the file holds, if any.
stop_pidfile() {
  [ -f "$1" ] || return 0
  stop_pid "$(cat "$1" 2>/dev/null)"
}

# write_env DIR KEY=VALUE...: DIR/env, written whole and renamed into place, so that a
# reader sees either nothing or everything.
write_env() {
  local dir=$1
  shift
  printf '%s\n' "$@" >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
}

# require_args ACTION DIR: exits 2 with the usage unless both are given.
require_args() {
  if [ -z "${1:-}" ] || [ -z "${2:-}" ]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
  fi
}
