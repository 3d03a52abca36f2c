#!/bin/sh
# Virtus demo: a dir pool in a fresh temporary root, raw and qcow2 volumes, a clone,
# listings; then the same root served by virtusd to libvirt's own virsh and to `virtus -c`.
# Usage: scripts/demo.sh PATH/TO/virtus (virtusd is expected beside it).
set -eu

BIN=${1:?usage: demo.sh PATH/TO/virtus}
VIRTUSD=$(dirname "$BIN")/virtusd
ROOT=$(mktemp -d)
DAEMON_PID=""
cleanup() {
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  rm -rf "$ROOT"
}
trap cleanup EXIT INT TERM

run() {
  echo "+ $*"
  "$@"
}

V="$BIN --root $ROOT"
run $V pool-define-as demo dir --target "$ROOT/images"
run $V pool-build demo
run $V pool-start demo
run $V vol-create-as demo disk.raw 1G
run $V vol-create-as demo disk.qcow2 2G --format qcow2
run $V vol-clone disk.qcow2 clone.qcow2 --pool demo
run $V vol-list demo --details
run $V vol-list demo --json
run $V pool-info demo
run qemu-img info "$ROOT/images/clone.qcow2"
run $V vol-delete clone.qcow2 --pool demo
run $V vol-delete disk.qcow2 --pool demo
run $V vol-delete disk.raw --pool demo

echo "--- the same root served by virtusd, driven by libvirt's virsh"
"$VIRTUSD" --root "$ROOT" &
DAEMON_PID=$!
SOCK=$ROOT/run/virtus-sock
i=0
while [ ! -S "$SOCK" ]; do
  i=$((i + 1))
  if [ $i -gt 100 ]; then
    echo "virtusd did not create $SOCK within 10 s" >&2
    exit 1
  fi
  sleep 0.1
done
URI="qemu+unix:///system?socket=$SOCK"
run virsh -c "$URI" pool-list --all --details
run virsh -c "$URI" vol-create-as demo served.qcow2 1G --format qcow2
run virsh -c "$URI" vol-list demo --details
run $BIN -c "$URI" vol-info served.qcow2 --pool demo
run virsh -c "$URI" vol-delete served.qcow2 --pool demo
run virsh -c "$URI" pool-destroy demo
run virsh -c "$URI" pool-delete demo
run virsh -c "$URI" pool-undefine demo
kill "$DAEMON_PID"
wait "$DAEMON_PID" || true
DAEMON_PID=""
echo "demo finished"
