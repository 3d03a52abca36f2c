#!/bin/sh
# /init of the Virtus test guest (busybox sh; packed by scripts/build-test-guest.sh).
# Reports every disk it sees on the console as one line each, then powers off, or with
# virtus.wait=SECONDS keeps running and reports disks as they come and go. The lines are
# described in tests/guest/README.md.

# No stdio yet: the initramfs has no /dev/console until devtmpfs is mounted.
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s /bin
export PATH=/bin

# The value of virtus.NAME=VALUE on the kernel command line, else $2.
param() {
  for word in $(cat /proc/cmdline); do
    case "$word" in
      virtus.$1=*) echo "${word#*=}"; return ;;
    esac
  done
  echo "$2"
}

# A non-negative integer or the default: the parameters must not break the arithmetic.
number() {
  case "$1" in
    '' | *[!0-9]*) echo "$2" ;;
    *) echo "$1" ;;
  esac
}

WANT_DISKS=$(number "$(param disks 0)" 0)
TIMEOUT=$(number "$(param timeout 10)" 10)
WAIT=$(number "$(param wait 0)" 0)
SCSI_TARGETS=$(number "$(param scsi_targets 8)" 8)

poweroff_now() {
  echo "VIRTUS-POWEROFF reason=$1"
  sync
  poweroff -f
  sleep 5
}

# Load the modules in the order the build wrote (one "name [params]" per line).
while read -r name args; do
  [ -n "$name" ] || continue
  if ! insmod "/lib/modules/virtus/$name.ko" $args 2>/tmp/insmod.err; then
    echo "VIRTUS-ERROR what=module name=$name message=$(tr ' \n' '__' </tmp/insmod.err)"
  fi
done </lib/modules/virtus/order

# SCSI hosts are not scanned by the kernel (scsi_mod scan=manual): a full virtio-scsi scan
# probes 256 targets, about 7 s under TCG. Scan all LUNs of the first targets instead
# (libvirt puts its disks on target 0, one LUN each); hotplugged SCSI disks still appear.
for host in /sys/class/scsi_host/host*; do
  [ "$(cat "$host/proc_name" 2>/dev/null)" = virtio_scsi ] || continue
  target=0
  while [ $target -lt "$SCSI_TARGETS" ]; do
    echo "0 $target -" >"$host/scan" 2>/dev/null
    target=$((target + 1))
  done
done

disks() {
  for path in /sys/block/vd* /sys/block/sd* /sys/block/sr*; do
    [ -e "$path" ] && echo "${path##*/}"
  done
}

count() { echo $#; }

report() {
  dev=$1
  # The sysfs entry may come a moment before devtmpfs' node: wait up to 2 s for it.
  tries=0
  while [ ! -b "/dev/$dev" ] && [ $tries -lt 20 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  sectors=$(cat "/sys/block/$dev/size" 2>/dev/null || echo 0)
  ro=$(cat "/sys/block/$dev/ro" 2>/dev/null || echo -)
  head=$(dd if="/dev/$dev" bs=16 count=1 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
  serial=$(cat "/sys/block/$dev/serial" 2>/dev/null | tr -c 'A-Za-z0-9._:-' '_')
  echo "VIRTUS-DISK name=$dev size=$((sectors * 512)) ro=$ro head=${head:--} serial=${serial:--}"
}

# Bounded wait for the disks the command line asks for (virtio-blk, IDE and the SCSI scan
# above are synchronous, so without virtus.disks the ones present at boot are there).
ticks=0
while [ "$(count $(disks))" -lt "$WANT_DISKS" ]; do
  if [ $ticks -ge $((TIMEOUT * 10)) ]; then
    echo "VIRTUS-ERROR what=timeout want=$WANT_DISKS have=$(count $(disks))"
    break
  fi
  sleep 0.1
  ticks=$((ticks + 1))
done

seen=" "
for dev in $(disks); do
  report "$dev"
  seen="$seen$dev "
done
if [ "$WAIT" -eq 0 ]; then
  echo "VIRTUS-DONE"
  poweroff_now done
fi

# The ACPI power button (QMP system_powerdown) reaches us as an input event: busybox has
# no handler for it here, so a reader on its event device powers off on the first event.
# The device is opened here, before VIRTUS-DONE, so that a press right after it is queued.
for input in /sys/class/input/event*; do
  if [ "$(cat "$input/device/name" 2>/dev/null)" = "Power Button" ]; then
    ev=/dev/input/${input##*/}
    exec 3<"$ev"
    (dd of=/dev/null bs=24 count=1 <&3 2>/dev/null && poweroff_now button) &
    exec 3<&-
  fi
done
echo "VIRTUS-DONE"

# Keep reporting disks as they come (hotplug) and go (unplug) for WAIT seconds.
ticks=0
while [ $ticks -lt $((WAIT * 5)) ]; do
  now=" "
  for dev in $(disks); do
    now="$now$dev "
    case "$seen" in
      *" $dev "*) ;;
      *) report "$dev" ;;
    esac
  done
  for dev in $seen; do
    case "$now" in
      *" $dev "*) ;;
      *) echo "VIRTUS-GONE name=$dev" ;;
    esac
  done
  seen=$now
  sleep 0.2
  ticks=$((ticks + 1))
done
poweroff_now timeout
