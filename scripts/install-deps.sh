#!/usr/bin/env bash
# Installs what building and testing Virtus needs on Debian 12, through apt-get only.
# Installs nothing that is already there; safe to run again.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  libasio-dev
  libpugixml-dev libxml2-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev
  # run time: scrub for vol-wipe's pattern algorithms (libvirt uses it the same way)
  scrub
  # tests: image tools, libvirt's schemas and clients as the reference, pytest
  qemu-utils libxml2-utils python3-pytest
  libvirt-clients libvirt-daemon python3-libvirt
  # the reference for the network pools and the rbd benchmark: libvirtd's own backends
  libvirt-daemon-driver-storage-rbd libvirt-daemon-driver-storage-gluster
  libvirt-daemon-driver-storage-iscsi-direct
  # tests: the RPC decoder's fuzz target (clang with libFuzzer and the sanitizers)
  clang-14 libclang-rt-14-dev
  # the QEMU driver and its real-guest tests (a busybox initramfs, packed with cpio)
  qemu-system-x86 busybox-static cpio xz-utils
  # disk locks: the sanlock lock driver and its daemon (tests run it without a watchdog)
  sanlock libsanlock-dev libssl-dev
  # network storage backends: rbd (librbd/librados), gluster (libgfapi), iscsi-direct
  # (libiscsi); QEMU's rbd/gluster/iscsi block drivers
  librbd-dev librados-dev libglusterfs-dev libiscsi-dev qemu-block-extra
  # tests: the real services they run against (a one-node Ceph, a one-brick Gluster volume,
  # an iSCSI target), with their command-line tools
  ceph-mon ceph-osd ceph-mgr ceph-common uuid-runtime glusterfs-server glusterfs-client tgt
  libiscsi-bin
  # local block storage backends: libblkid (what a device holds before a build) and the tools
  # the fs, disk and logical pools run (mkfs for ext4, xfs, vfat and btrfs; parted; LVM)
  libblkid-dev e2fsprogs xfsprogs dosfstools btrfs-progs parted lvm2 util-linux
  # bench: images made through librbd from python (rbd_bench.py)
  python3-rados python3-rbd
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# libvirt-daemon's maintainer scripts may try to start services; a policy that forbids
# it keeps the install quiet on machines without an init system.
policy_added=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  policy_added=1
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
if [ -n "$policy_added" ]; then
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
