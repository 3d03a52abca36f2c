#!/bin/bash
# A one-node GlusterFS for the tests: glusterd with a private volfile (working dir, run dir
# and CLI socket under DIR, listening on 127.0.0.1 only) and one started single-brick
# volume whose brick lives in DIR/bricks/b1.
#
# Usage: gluster.sh start DIR | stop DIR
# Environment: GLUSTER_PORT (glusterd's port, default 24007; gfapi and qemu clients default
# to 24007 too), GLUSTER_VOLUME (default vol0), GLUSTER_BRICK_HOST (a name that resolves to
# 127.0.0.1 but is not literally 127.0.0.1 or localhost, which the CLI refuses; default the
# machine's hostname).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

cmd=${1:-}
dir=${2:-}
require_args "$cmd" "$dir"
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
port=${GLUSTER_PORT:-24007}
vol=${GLUSTER_VOLUME:-vol0}
brick_host=${GLUSTER_BRICK_HOST:-$(hostname)}
brick=$dir/bricks/b1
cli=(gluster "--glusterd-sock=$dir/run/glusterd.socket" "--log-file=$dir/log/cli.log" --mode=script)

# glusterd names a brick's log after the brick path, '/' replaced by '-'.
brick_log() {
  local p=${brick#/}
  echo "/var/log/glusterfs/bricks/${p//\//-}.log"
}

stop_all() {
  # The brick's unix socket lies outside DIR: remember it from the brick's command line.
  local f p sockets=()
  for f in "$dir"/run/vols/*/*.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f" 2>/dev/null)
    sockets+=($(tr '\0' '\n' </proc/"$p"/cmdline 2>/dev/null | grep -A1 -x -- -S | tail -n +2))
  done
  if [ -S "$dir/run/glusterd.socket" ]; then
    timeout 20 "${cli[@]}" volume stop "$vol" force >/dev/null 2>&1 || true
    timeout 20 "${cli[@]}" volume delete "$vol" >/dev/null 2>&1 || true
  fi
  # A brick that died early left its socket without a process: the sockets that appeared
  # there since start (one glusterd a machine: the others are not ours either way).
  if [ -f "$dir/sockets.before" ]; then
    for f in /var/run/gluster/*.socket; do
      [ -S "$f" ] || continue
      grep -qxF -- "$f" "$dir/sockets.before" || sockets+=("$f")
    done
  fi
  for f in "$dir"/run/vols/*/*.pid "$dir"/run/*.pid; do
    stop_pidfile "$f"
  done
  # Half-started leftovers without a pid file: processes whose command line names DIR.
  for p in $(pgrep -f -- "$dir/" 2>/dev/null); do
    [ "$p" = "$$" ] && continue
    case "$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)" in
      *gluster*"$dir/"*) stop_pid "$p" ;;
    esac
  done
  rm -rf "$dir/lib" "$dir/run" "$dir/log" "$dir/bricks" "$dir/glusterd.vol" "$dir/env" \
    "$dir/env.tmp" "$dir/sockets.before"
  # What glusterd writes outside DIR for this brick (see notes/services.md).
  rm -f "$(brick_log)" /var/log/glusterfs/cmd_history.log
  for f in "${sockets[@]}"; do
    case "$f" in /var/run/gluster/*.socket | /run/gluster/*.socket) rm -f "$f" ;; esac
  done
  # Directories glusterd creates there on start; removed only when empty (another glusterd
  # on this machine may use them).
  for f in "/var/log/glusterfs/gfproxy/$vol" "/var/log/glusterfs/snaps/$vol" \
    /var/log/glusterfs/geo-replication-secondaries/mbr /var/log/glusterfs/bricks \
    /var/log/glusterfs/geo-replication /var/log/glusterfs/geo-replication-secondaries \
    /var/log/glusterfs/gfproxy /var/log/glusterfs/snaps /var/run/gluster/snaps; do
    rmdir "$f" 2>/dev/null || true
  done
}

case "$cmd" in
  stop)
    stop_all
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac

stop_all
if ! getent hosts "$brick_host" | grep -q '^127\.'; then
  echo "gluster: brick host '$brick_host' does not resolve to a loopback address" >&2
  exit 1
fi
mkdir -p "$dir/lib" "$dir/run" "$dir/log" "$brick"
ls -d /var/run/gluster/*.socket 2>/dev/null >"$dir/sockets.before"
# Not hooks/: the stock hooks run samba/ctdb/ganesha scripts.
[ -d /var/lib/glusterd/groups ] && cp -r /var/lib/glusterd/groups "$dir/lib/"
cat >"$dir/glusterd.vol" <<EOF
volume management
    type mgmt/glusterd
    option working-directory $dir/lib
    option run-directory $dir/run
    option glusterd-sockfile $dir/run/glusterd.socket
    option transport-type socket
    option transport.address-family inet
    option transport.socket.bind-address 127.0.0.1
    option transport.socket.listen-port $port
    option transport.socket.keepalive-time 10
    option transport.socket.keepalive-interval 2
    option transport.socket.read-fail-log off
    option ping-timeout 0
    option event-threads 1
    option max-port 60999
    # Guests' QEMU runs unprivileged (as the daemons' user): its connections come from
    # ports above 1024.
    option rpc-auth-allow-insecure on
end-volume
EOF

fail() {
  echo "gluster: $*" >&2
  tail -n 20 "$dir/log/glusterd.log" >&2 2>/dev/null
  stop_all
  exit 1
}

glusterd -f "$dir/glusterd.vol" -p "$dir/run/glusterd.pid" -l "$dir/log/glusterd.log" ||
  fail "glusterd did not start"
wait_for 30 "${cli[@]}" peer status || fail "glusterd did not answer on $dir/run/glusterd.socket"
timeout 60 "${cli[@]}" volume create "$vol" "$brick_host:$brick" force >/dev/null ||
  fail "cannot create volume '$vol'"
if ! timeout 60 "${cli[@]}" volume start "$vol" >/dev/null; then
  # GlusterFS 10.3 starts bricks that fetch their volfile from glusterd's default port.
  [ "$port" = 24007 ] || fail "cannot start volume '$vol' (bricks need glusterd on port 24007)"
  fail "cannot start volume '$vol'"
fi
brick_online() {
  timeout 10 "${cli[@]}" volume status "$vol" --xml 2>/dev/null | grep -q '<status>1</status>'
}
wait_for 30 brick_online || fail "the brick of volume '$vol' did not come online"
# Unprivileged clients (QEMU under the test daemons' user) reach glusterd over its unix
# socket too (gluster+unix://).
chmod 0755 "$dir" "$dir/run"
chmod 0666 "$dir/run/glusterd.socket"
# The test daemons run unprivileged and make files and directories at the volume's root.
chmod 1777 "$brick"

write_env "$dir" \
  GLUSTER_HOST=127.0.0.1 \
  "GLUSTER_PORT=$port" \
  "GLUSTER_VOLUME=$vol" \
  "GLUSTER_BRICK_DIR=$brick" \
  "GLUSTER_CLI=gluster --glusterd-sock=$dir/run/glusterd.socket --log-file=$dir/log/cli.log --mode=script" \
  "GLUSTERD_SOCKET=$dir/run/glusterd.socket"
echo "gluster: volume '$vol' started on 127.0.0.1:$port"
