#!/bin/sh
# Virtus storage demo: a dir pool in a fresh temporary root, raw and qcow2 volumes, a
# clone, listings, then cleanup. Usage: scripts/demo.sh PATH/TO/virtus
set -eu

BIN=${1:?usage: demo.sh PATH/TO/virtus}
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT INT TERM

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
run $V pool-destroy demo
run $V pool-delete demo
run $V pool-undefine demo
echo "demo finished"
