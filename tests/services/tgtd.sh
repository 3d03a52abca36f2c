#!/bin/bash
# An iSCSI target (tgtd, userspace) for the iscsi-direct backend's tests, on 127.0.0.1 only,
# with its LUN files under DIR:
#   target 1 (ISCSI_TARGET), no authentication: LUN 1 of 256 MiB and LUN 2 of 64 MiB
#   target 2 (ISCSI_CHAP_TARGET), CHAP: LUN 1 of 32 MiB
# Both targets also show tgtd's controller LUN 0.
#
#   tgtd.sh start DIR   ready in well under a second; writes DIR/env (ISCSI_HOST, ISCSI_PORT,
#                       ISCSI_PORTAL, ISCSI_TARGET, ISCSI_CHAP_TARGET, ISCSI_CHAP_USER,
#                       ISCSI_CHAP_PASSWORD, ISCSI_INITIATOR, ISCSI_LUN1_FILE,
#                       ISCSI_LUN2_FILE, ISCSI_CHAP_LUN1_FILE, TGTD_CTRL)
#   tgtd.sh stop DIR    stops the tgtd started under DIR and removes its state
#
# Ports: TGTD_PORT (the portal, default 3260) and TGTD_CTRL (tgtd's control port -C, which
# names its control socket /var/run/tgtd/socket.N; default 17).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ACTION=${1:-}
S=${2:-}
require_args "$ACTION" "$S"
PORT=${TGTD_PORT:-3260}
CTRL=${TGTD_CTRL:-17}
HOST=127.0.0.1
IQN_OPEN=iqn.2024-01.org.virtus.test:open
IQN_CHAP=iqn.2024-01.org.virtus.test:chap
INITIATOR=iqn.2024-01.org.virtus.test:initiator
CHAP_USER=virtususer
SOCKET=/var/run/tgtd/socket.$CTRL

tgt() {
  timeout 10 tgtadm -C "$CTRL" --lld iscsi "$@"
}

stop_target() {
  local pid=""
  [ -f "$S/run/tgtd.pid" ] && pid=$(cat "$S/run/tgtd.pid" 2>/dev/null)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # tgtd leaves on `system delete` once its targets are gone.
    for tid in 1 2; do
      tgt --mode target --op delete --force --tid "$tid" >/dev/null 2>&1
    done
    timeout 10 tgtadm -C "$CTRL" --mode system --op delete >/dev/null 2>&1
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$pid"
  fi
  rm -f "$SOCKET" "$SOCKET.lock"
  rm -rf "$S/run" "$S/log" "$S"/*.img "$S/env" "$S/env.tmp"
  return 0
}

fail() {
  echo "tgtd.sh: $*" >&2
  [ -f "$S/log/tgtd.log" ] && tail -n 20 "$S/log/tgtd.log" >&2
  stop_target
  exit 1
}

listening() {
  ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -q "pid=$1,"
}

start_target() {
  for tool in tgtd tgtadm ss; do
    command -v "$tool" >/dev/null || { echo "tgtd.sh: $tool is not installed" >&2; exit 1; }
  done
  mkdir -p "$S" || exit 1
  S=$(cd "$S" && pwd)
  stop_target
  if [ -e "$SOCKET" ] && timeout 5 tgtadm -C "$CTRL" --mode system --op show >/dev/null 2>&1; then
    echo "tgtd.sh: another tgtd already answers on control port $CTRL (set TGTD_CTRL)" >&2
    exit 1
  fi
  rm -f "$SOCKET" "$SOCKET.lock"
  mkdir -p "$S/run" "$S/log"
  truncate -s 256M "$S/lun1.img" && truncate -s 64M "$S/lun2.img" &&
    truncate -s 32M "$S/chap-lun1.img" || fail "cannot create the LUN files under $S"
  local password
  password=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  tgtd -f -C "$CTRL" --iscsi "portal=$HOST:$PORT" >"$S/log/tgtd.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$S/run/tgtd.pid"
  wait_for 10 tgtadm -C "$CTRL" --mode system --op show || fail "tgtd did not start"
  kill -0 "$pid" 2>/dev/null || fail "tgtd exited"
  wait_for 5 listening "$pid" || fail "tgtd does not listen on $HOST:$PORT (set TGTD_PORT)"

  tgt --mode target --op new --tid 1 --targetname "$IQN_OPEN" &&
    tgt --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$S/lun1.img" &&
    tgt --mode logicalunit --op new --tid 1 --lun 2 --backing-store "$S/lun2.img" &&
    tgt --mode target --op bind --tid 1 --initiator-address ALL ||
    fail "cannot set up target $IQN_OPEN"
  tgt --mode target --op new --tid 2 --targetname "$IQN_CHAP" &&
    tgt --mode logicalunit --op new --tid 2 --lun 1 --backing-store "$S/chap-lun1.img" &&
    tgt --mode target --op bind --tid 2 --initiator-address ALL &&
    tgt --mode account --op new --user "$CHAP_USER" --password "$password" &&
    tgt --mode account --op bind --tid 2 --user "$CHAP_USER" ||
    fail "cannot set up target $IQN_CHAP"

  write_env "$S" "ISCSI_HOST=$HOST" "ISCSI_PORT=$PORT" "ISCSI_PORTAL=$HOST:$PORT" \
    "ISCSI_TARGET=$IQN_OPEN" "ISCSI_CHAP_TARGET=$IQN_CHAP" "ISCSI_CHAP_USER=$CHAP_USER" \
    "ISCSI_CHAP_PASSWORD=$password" "ISCSI_INITIATOR=$INITIATOR" \
    "ISCSI_LUN1_FILE=$S/lun1.img" "ISCSI_LUN2_FILE=$S/lun2.img" \
    "ISCSI_CHAP_LUN1_FILE=$S/chap-lun1.img" "TGTD_CTRL=$CTRL"
  echo "tgtd ready on $HOST:$PORT (control port $CTRL)"
}

case "$ACTION" in
  start) start_target ;;
  stop)
    [ -d "$S" ] && S=$(cd "$S" && pwd)
    stop_target
    exit 0
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
