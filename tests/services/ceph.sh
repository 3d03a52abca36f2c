#!/bin/bash
# A one-node Ceph cluster for the rbd backend's tests: one monitor, one manager (without it
# the cluster reports no capacity) and one memstore OSD, cephx on, everything under DIR and
# bound to 127.0.0.1. The pool `rbd` is initialised for RBD, and a read-only user client.ro
# (osd 'profile rbd-read-only') exists besides client.admin.
#
#   ceph.sh start DIR   ready in about 10 s; writes DIR/env (CEPH_CONF, CEPH_MON_HOST,
#                       CEPH_MON_PORT, CEPH_MON_PORT_V2, CEPH_POOL, CEPH_ADMIN_USER,
#                       CEPH_ADMIN_KEY, CEPH_RO_USER, CEPH_RO_KEY)
#   ceph.sh stop DIR    stops every daemon started under DIR and removes its state
#
# Ports: CEPH_MON_PORT (msgr v1, default 6789) and CEPH_MON_PORT_V2 (msgr v2, default 3300);
# the OSD and the manager take free ports from 6800-7300.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ACTION=${1:-}
S=${2:-}
require_args "$ACTION" "$S"
PORT_V1=${CEPH_MON_PORT:-6789}
PORT_V2=${CEPH_MON_PORT_V2:-3300}
POOL=rbd

stop_cluster() {
  # The daemons write pid files under run/; one that died half-started may not have, so
  # also look for processes whose command line names this DIR's conf file.
  local pids=""
  for d in osd.0 mgr.x mon.a; do
    [ -f "$S/run/ceph-$d.pid" ] && pids="$pids $(cat "$S/run/ceph-$d.pid" 2>/dev/null)"
  done
  if [ -f "$S/ceph.conf" ]; then
    pids="$pids $(pgrep -f -- "-c $S/ceph.conf" 2>/dev/null | tr '\n' ' ')"
  fi
  for p in $pids; do
    kill "$p" 2>/dev/null || true
  done
  for p in $pids; do
    stop_pid "$p"
  done
  rm -rf "$S/run" "$S/log" "$S/mon" "$S/mgr" "$S/osd" "$S/crash" "$S"/*.keyring \
    "$S/monmap" "$S/ceph.conf" "$S/env" "$S/env.tmp"
  return 0
}

fail() {
  echo "ceph.sh: $*" >&2
  [ -d "$S/log" ] && tail -n 20 "$S"/log/*.log >&2 2>/dev/null
  stop_cluster
  exit 1
}

start_cluster() {
  for tool in ceph-mon ceph-mgr ceph-osd ceph ceph-authtool monmaptool rbd uuidgen; do
    command -v "$tool" >/dev/null || { echo "ceph.sh: $tool is not installed" >&2; exit 1; }
  done
  mkdir -p "$S" || exit 1
  S=$(cd "$S" && pwd)
  stop_cluster
  mkdir -p "$S"/{run,log,crash,mon/ceph-a,mgr/ceph-x,osd/ceph-0}
  local fsid
  fsid=$(uuidgen)
  local monaddr="[v2:127.0.0.1:$PORT_V2,v1:127.0.0.1:$PORT_V1]"
  cat >"$S/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = $monaddr
public addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $S/\$cluster.\$name.keyring
run dir = $S/run
admin socket = $S/run/\$cluster-\$name.asok
log file = $S/log/\$cluster-\$name.log
mon cluster log file = $S/log/\$cluster.\$channel.log
pid file = $S/run/\$cluster-\$name.pid
crash dir = $S/crash
mon data = $S/mon/\$cluster-\$id
mgr data = $S/mgr/\$cluster-\$id
osd data = $S/osd/\$cluster-\$id
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
auth allow insecure global id reclaim = false
ms bind ipv6 = false
[osd]
osd objectstore = memstore
memstore device bytes = 1073741824
osd memory target = 939524096
osd max object name len = 256
osd max object namespace len = 64
CONF
  local C=(-c "$S/ceph.conf")
  ceph-authtool --create-keyring "$S/ceph.mon.a.keyring" --gen-key -n mon. --cap mon 'allow *' \
    >/dev/null || fail "cannot create the monitor keyring"
  ceph-authtool --create-keyring "$S/ceph.client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null ||
    fail "cannot create the admin keyring"
  ceph-authtool "$S/ceph.mon.a.keyring" --import-keyring "$S/ceph.client.admin.keyring" \
    >/dev/null || fail "cannot import the admin key"
  monmaptool --create --addv a "$monaddr" --fsid "$fsid" "$S/monmap" >/dev/null ||
    fail "cannot create the monitor map"
  ceph-mon "${C[@]}" --mkfs -i a --monmap "$S/monmap" --keyring "$S/ceph.mon.a.keyring" ||
    fail "ceph-mon --mkfs failed"
  ceph-mon "${C[@]}" -i a || fail "ceph-mon did not start (ports $PORT_V2/$PORT_V1 in use?)"
  timeout 60 ceph "${C[@]}" --connect-timeout 30 auth get-or-create mgr.x \
    mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o "$S/ceph.mgr.x.keyring" \
    >/dev/null 2>&1 || fail "the monitor did not answer"
  ceph-mgr "${C[@]}" -i x || fail "ceph-mgr did not start"
  local osd_uuid osd_secret id
  osd_uuid=$(uuidgen)
  osd_secret=$(ceph-authtool --gen-print-key)
  id=$(echo "{\"cephx_secret\": \"$osd_secret\"}" |
    timeout 60 ceph "${C[@]}" osd new "$osd_uuid" -i - -n client.admin) || fail "ceph osd new failed"
  [ "$id" = 0 ] || fail "unexpected OSD id '$id'"
  ceph-authtool --create-keyring "$S/ceph.osd.0.keyring" --name osd.0 --add-key "$osd_secret" \
    >/dev/null || fail "cannot create the OSD keyring"
  ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$S/log/osd-mkfs.log" 2>&1 ||
    fail "ceph-osd --mkfs failed"
  ceph-osd "${C[@]}" -i 0 >/dev/null 2>&1 || fail "ceph-osd did not start"
  osd_up() { ceph "${C[@]}" osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1'; }
  wait_for 60 osd_up || fail "the OSD did not come up"
  timeout 60 ceph "${C[@]}" osd pool create "$POOL" 8 8 >/dev/null 2>&1 ||
    fail "cannot create the pool '$POOL'"
  timeout 60 rbd "${C[@]}" pool init "$POOL" || fail "rbd pool init failed"
  timeout 30 ceph "${C[@]}" auth get-or-create client.ro mon 'profile rbd' \
    osd 'profile rbd-read-only' -o "$S/ceph.client.ro.keyring" >/dev/null ||
    fail "cannot create the user client.ro"
  local admin_key ro_key
  admin_key=$(timeout 30 ceph "${C[@]}" auth get-key client.admin) || fail "no admin key"
  ro_key=$(timeout 30 ceph "${C[@]}" auth get-key client.ro) || fail "no key for client.ro"
  # Capacity comes from the manager: wait until the cluster reports some.
  has_capacity() { ceph "${C[@]}" df -f json 2>/dev/null | grep -q '"total_bytes":[1-9]'; }
  wait_for 30 has_capacity || fail "the cluster reports no capacity (is the manager up?)"
  write_env "$S" "CEPH_CONF=$S/ceph.conf" "CEPH_MON_HOST=127.0.0.1" "CEPH_MON_PORT=$PORT_V1" \
    "CEPH_MON_PORT_V2=$PORT_V2" "CEPH_POOL=$POOL" "CEPH_ADMIN_USER=admin" \
    "CEPH_ADMIN_KEY=$admin_key" "CEPH_RO_USER=ro" "CEPH_RO_KEY=$ro_key"
  echo "ceph ready in $S (mon 127.0.0.1:$PORT_V1, v2 :$PORT_V2)"
}

case "$ACTION" in
  start) start_cluster ;;
  stop)
    [ -d "$S" ] && S=$(cd "$S" && pwd) && stop_cluster
    exit 0
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
