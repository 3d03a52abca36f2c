#!/bin/sh
# Records session-libvirtd.xml: virConnectGetStoragePoolCapabilities of an unprivileged
# libvirt 9.0 libvirtd (Debian 12), whose storage driver has the backends dir, fs, netfs,
# logical, disk, iscsi, scsi and mpath. Run as root; the daemon runs as nobody.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/session-libvirtd.xml
dir=$(mktemp -d)
mkdir -p "$dir/run" "$dir/config"
chown -R nobody:nogroup "$dir"
as_nobody() {
  setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env HOME="$dir" XDG_RUNTIME_DIR="$dir/run" XDG_CONFIG_HOME="$dir/config" "$@"
}
as_nobody libvirtd >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid; rm -rf "$dir"' EXIT
sock="$dir/run/libvirt/libvirt-sock"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S "$sock" ] && break; sleep 1; done
# The python binding returns the document as is (virsh adds newlines).
as_nobody /usr/bin/python3 -c '
import libvirt, sys
sys.stdout.write(libvirt.open(sys.argv[1]).getStoragePoolCapabilities(0))
' "qemu+unix:///session?socket=$sock" >"$out.tmp"
mv "$out.tmp" "$out"
