#!/usr/bin/env bash
# Builds the tiny real guest of the tests: OUTDIR/vmlinuz (Debian's cloud kernel) and
# OUTDIR/initrd.img (busybox-static, the kernel's virtio/SCSI/cdrom modules and the /init of
# tests/guest/init.sh). Usage: scripts/build-test-guest.sh OUTDIR
#
# Needs apt-get (the kernel package is fetched with `apt-get download`, no root needed),
# dpkg-deb, cpio, gzip, xz and /bin/busybox (busybox-static). Does nothing when OUTDIR
# already holds a guest built from the same kernel, init script, busybox and build script.
# Environment: VIRTUS_GUEST_KERNEL_PKG names the kernel package instead of the one
# linux-image-cloud-amd64 depends on; VIRTUS_GUEST_BUSYBOX_WAIT bounds the wait (seconds,
# default 120) for /bin/busybox while another process may still be installing it.
set -euo pipefail

die() {
  echo "build-test-guest: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: build-test-guest.sh OUTDIR"
OUTDIR=$1
HERE=$(cd "$(dirname "$0")" && pwd)
INIT="$HERE/../tests/guest/init.sh"
BUSYBOX=/bin/busybox
[ -f "$INIT" ] || die "the guest's init script '$INIT' is missing"

for tool in apt-get apt-cache dpkg-deb tar cpio gzip xz sha256sum; do
  command -v "$tool" >/dev/null || die "'$tool' is missing (scripts/install-deps.sh installs it)"
done

# /bin/busybox may be on its way (install-deps running beside us): a bounded wait.
wait_left=${VIRTUS_GUEST_BUSYBOX_WAIT:-120}
while [ ! -x "$BUSYBOX" ] && [ "$wait_left" -gt 0 ]; do
  sleep 1
  wait_left=$((wait_left - 1))
done
[ -x "$BUSYBOX" ] || die "'$BUSYBOX' is missing: install the package busybox-static"
# A dynamically linked busybox (package busybox) would need its libraries in the initramfs.
if LC_ALL=C grep -qa '/lib64/ld-linux' "$BUSYBOX"; then
  die "'$BUSYBOX' is dynamically linked: install busybox-static instead of busybox"
fi

# The kernel package: the one Debian's cloud metapackage depends on, at apt's candidate.
# (one apt-cache call: the metapackage pins its dependency's version).
kernel_pkg=${VIRTUS_GUEST_KERNEL_PKG:-}
kernel_ver=""
if [ -z "$kernel_pkg" ]; then
  dep=$(apt-cache show --no-all-versions linux-image-cloud-amd64 2>/dev/null |
    sed -n 's/^Depends: .*\(linux-image-[0-9][^ ,]*-cloud-amd64\(-unsigned\)\?\)\( (= \([^)]*\))\)\?.*$/\1 \4/p' |
    head -n1 || true)
  kernel_pkg=${dep%% *}
  kernel_ver=${dep#* }
  [ "$kernel_ver" != "$dep" ] || kernel_ver=""
fi
if [ -n "$kernel_pkg" ] && [ -z "$kernel_ver" ]; then
  kernel_ver=$(apt-cache policy "$kernel_pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p' || true)
  [ "$kernel_ver" != "(none)" ] || kernel_ver=""
fi

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
stamp="$OUTDIR/guest.stamp"

# Tests running in parallel may build into the same directory: one at a time.
if command -v flock >/dev/null; then
  exec 9>"$OUTDIR/.lock"
  flock -w 900 9 || die "another build of the guest in '$OUTDIR' holds its lock for too long"
fi

if [ -z "$kernel_ver" ]; then
  # No apt lists (offline, before `apt-get update`): a guest built earlier still serves.
  if [ -f "$stamp" ] && [ -f "$OUTDIR/vmlinuz" ] && [ -f "$OUTDIR/initrd.img" ]; then
    echo "build-test-guest: apt knows no cloud kernel; reusing the guest in '$OUTDIR'" >&2
    exit 0
  fi
  die "apt knows no version of '${kernel_pkg:-the package linux-image-cloud-amd64 depends on}' (run 'apt-get update' first)"
fi

want_stamp="kernel=$kernel_pkg=$kernel_ver
init=$(sha256sum <"$INIT" | cut -d' ' -f1)
busybox=$(sha256sum <"$BUSYBOX" | cut -d' ' -f1)
script=$(sha256sum <"$0" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ -f "$OUTDIR/vmlinuz" ] && [ -f "$OUTDIR/initrd.img" ] &&
  [ "$(cat "$stamp")" = "$want_stamp" ]; then
  exit 0
fi

work=$(mktemp -d "$OUTDIR/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The package itself, kept in OUTDIR so that a change of the init script does not fetch it
# again; older versions are dropped.
deb="$OUTDIR/${kernel_pkg}_${kernel_ver//:/%3a}_amd64.deb"
if [ ! -s "$deb" ]; then
  find "$OUTDIR" -maxdepth 1 -name 'linux-image-*.deb' -delete
  if ! (cd "$work" && apt-get download -q=2 "$kernel_pkg=$kernel_ver" >"$work/apt.log" 2>&1); then
    cat "$work/apt.log" >&2
    die "could not download '$kernel_pkg' version '$kernel_ver' with apt-get"
  fi
  got=$(find "$work" -maxdepth 1 -name '*.deb' | head -n1)
  [ -n "$got" ] || die "apt-get download left no .deb for '$kernel_pkg'"
  mv "$got" "$deb"
fi

# The modules in load order ("name [parameters]"). Required ones make the build fail when
# they are neither a module nor built into the kernel; optional ones are left out then.
#   virtio-blk: virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
#               virtio_blk
#   SCSI disks and cdroms, virtio-scsi, IDE (PIIX, the pc machine): scsi_common scsi_mod
#               (scan=manual: /init scans the first targets itself) cdrom sd_mod sr_mod
#               virtio_scsi libata ata_piix (no AHCI: Debian's cloud kernel has no SATA)
#   ACPI power button as an input event: button evdev
modules=(
  "virtio_ring" "virtio" "virtio_pci_modern_dev" "virtio_pci_legacy_dev" "virtio_pci"
  "virtio_blk"
  "?scsi_common" "?scsi_mod scan=manual" "?cdrom" "?sd_mod" "?sr_mod" "?virtio_scsi"
  "?libata" "?ata_piix" "?button" "?evdev"
)

# Only the kernel image and the modules the guest loads are extracted: no root is needed.
tree="$work/kernel"
mkdir -p "$tree"
members=('./boot/vmlinuz-*' './lib/modules/*/modules.builtin')
for entry in "${modules[@]}"; do
  name=${entry#\?}
  name=${name%% *}
  members+=("./lib/modules/*/kernel/*/$(echo "$name" | sed 's/[-_]/[-_]/g').ko*")
done
dpkg-deb --fsys-tarfile "$deb" |
  tar -x -C "$tree" --wildcards "${members[@]}" 2>"$work/tar.log" || true
vmlinuz=$(find "$tree/boot" -name 'vmlinuz-*' | head -n1)
[ -n "$vmlinuz" ] || die "'$deb' holds no kernel image (is '$kernel_pkg' a metapackage?)"
moddir=$(find "$tree/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n1 || true)
[ -n "$moddir" ] || die "'$deb' holds no modules"

root="$work/root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/lib/modules/virtus"
: >"$root/lib/modules/virtus/order"
for entry in "${modules[@]}"; do
  optional=0
  if [ "${entry:0:1}" = "?" ]; then
    optional=1
    entry=${entry:1}
  fi
  name=${entry%% *}
  params=""
  [ "$name" = "$entry" ] || params=${entry#* }
  # The kernel names files with '-' or '_' alike; builtin modules need no file.
  pattern="$(echo "$name" | sed 's/[-_]/[-_]/g')"
  file=$(find "$moddir/kernel" -regextype posix-extended 2>/dev/null \
    -regex ".*/${pattern}\.ko(\.xz|\.zst|\.gz)?" | head -n1 || true)
  if [ -z "$file" ]; then
    if grep -Eq "/${pattern}\.ko$" "$moddir/modules.builtin" 2>/dev/null; then
      continue
    fi
    [ $optional -eq 1 ] && continue
    die "the kernel in '$deb' has no module '$name'"
  fi
  out="$root/lib/modules/virtus/$name.ko"
  case "$file" in
    *.ko) cp "$file" "$out" ;;
    *.ko.xz) xz -dc "$file" >"$out" || die "could not decompress '$file'" ;;
    *.ko.gz) gzip -dc "$file" >"$out" || die "could not decompress '$file'" ;;
    *.ko.zst)
      command -v zstd >/dev/null || die "'$file' is zstd-compressed and zstd is missing"
      zstd -qdc "$file" >"$out" || die "could not decompress '$file'"
      ;;
  esac
  echo "$name${params:+ $params}" >>"$root/lib/modules/virtus/order"
done

cp "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$INIT" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 -n \
  >"$work/initrd.img" || die "could not pack the initramfs"
cp "$vmlinuz" "$work/vmlinuz"

# Replace the files, then write the stamp: an interrupted build leaves no valid stamp.
rm -f "$stamp"
mv "$work/vmlinuz" "$OUTDIR/vmlinuz"
mv "$work/initrd.img" "$OUTDIR/initrd.img"
echo "$want_stamp" >"$stamp"
