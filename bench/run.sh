#!/bin/bash
# The benchmarks, Virtus and libvirtd side by side in one run (`make bench`).
#
# Storage: generates one directory of volumes, runs libvirtd_bench.py (a private session
# libvirtd) and virtus-bench (the in-process Virtus driver) on it one after the other.
# RPC: rpc_bench.py starts a private libvirtd and a private virtusd and measures cheap-call
# throughput, connect time and memory against both.
# Domain: domain_bench.py starts a private libvirtd and a private virtusd, times the start and
# the destroy of the same small QEMU guest on each, and the raw QEMU start as the floor.
# Locks: lock_bench.py times lock acquire+release for a guest of 4 disks on virtlockd and on
# virtus-lockd, and the time locking adds to a guest's start on libvirtd and on virtusd.
# rbd: rbd_bench.py starts a private one-node Ceph (tests/services/ceph.sh), a private libvirtd
# and a private virtusd, and times the refresh of an rbd pool of N images and the lookup of a
# new image by name on each.
# Then prints a table of each with the ratios. Every step has a time limit; processes and temp
# directories are removed on exit, also on Ctrl-C.
set -euo pipefail

usage() {
  cat <<EOF
usage: $0 [--volumes N] [--creates M] [--repeat K] [--rounds R] [--out FILE] [--bin PATH]
          [--build DIR] [--user NAME] [--timeout S] [--virtusd PATH] [--rpc-seconds S]
          [--rpc-runs N] [--rpc-pools N] [--rpc-connects N] [--domain-runs N]
          [--domain-warmups N] [--lock-runs N] [--lock-starts N] [--rbd-images N]
          [--rbd-runs N] [--skip-storage] [--skip-rpc] [--skip-domain] [--skip-locks]
          [--skip-rbd]
  --volumes N   volumes in the pool, half raw, half qcow2 (default 10000)
  --creates M   qcow2 volumes created then deleted (default 500)
  --repeat K    warm refreshes; the median and min are reported (default 10)
  --rounds R    run the two sides R times, alternating; report medians over rounds (default 1)
  --out FILE    also write the combined results as JSON to FILE
  --bin PATH    the virtus-bench binary (default: BUILD/bin/virtus-bench, built if missing)
  --build DIR   the build directory used to build virtus-bench (default: build)
  --user NAME   the unprivileged user libvirtd runs as when this runs as root (default nobody)
  --timeout S   time limit of each side (default 1800)
  --virtusd PATH    the virtusd binary of the RPC, domain, lock and rbd benchmarks
                    (virtus-lockd beside it; default: virtusd beside the virtus-bench
                    binary, built in BUILD if missing)
  --rpc-seconds S   each cheap-call throughput run (default 5)
  --rpc-runs N      throughput runs per side and client count; the median is reported (default 3)
  --rpc-pools N     pools defined for the memory figure (default 1000)
  --rpc-connects N  runs of \`virsh list\` per side for the connect time (default 20)
  --domain-runs N   measured domain start/destroy cycles per side (default 20)
  --domain-warmups N  unmeasured cycles per side before them (default 2)
  --lock-runs N     measured lock acquire+release cycles per lock daemon and layout (default 200)
  --lock-starts N   measured guest starts per daemon with locking off and on (default 10)
  --rbd-images N    images in the rbd pool of the rbd benchmark (default 1000)
  --rbd-runs N      measured refreshes of that pool per daemon; median and min (default 5)
  --skip-storage    do not run the storage benchmark
  --skip-rpc        do not run the RPC benchmark
  --skip-domain     do not run the domain start/destroy benchmark
  --skip-locks      do not run the lock benchmark
  --skip-rbd        do not run the rbd benchmark (it needs Ceph: ceph-mon, ceph-osd,
                    ceph-mgr, python3-rbd, libvirt-daemon-driver-storage-rbd)
EOF
}

SRC=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3 # Debian's python3-libvirt is importable only from this interpreter
VOLUMES=10000
CREATES=500
REPEAT=10
ROUNDS=1
OUT=
BIN=
BUILD=build
USER_NAME=nobody
SIDE_TIMEOUT=1800
VIRTUSD=
RPC_SECONDS=5
RPC_RUNS=3
RPC_POOLS=1000
RPC_CONNECTS=20
DOMAIN_RUNS=20
DOMAIN_WARMUPS=2
LOCK_RUNS=200
LOCK_STARTS=10
RBD_IMAGES=1000
RBD_RUNS=5
STORAGE=1
RPC=1
DOMAIN=1
LOCKS=1
RBD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --volumes) VOLUMES=$2; shift 2 ;;
    --creates) CREATES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --user) USER_NAME=$2; shift 2 ;;
    --timeout) SIDE_TIMEOUT=$2; shift 2 ;;
    --virtusd) VIRTUSD=$2; shift 2 ;;
    --rpc-seconds) RPC_SECONDS=$2; shift 2 ;;
    --rpc-runs) RPC_RUNS=$2; shift 2 ;;
    --rpc-pools) RPC_POOLS=$2; shift 2 ;;
    --rpc-connects) RPC_CONNECTS=$2; shift 2 ;;
    --domain-runs) DOMAIN_RUNS=$2; shift 2 ;;
    --domain-warmups) DOMAIN_WARMUPS=$2; shift 2 ;;
    --lock-runs) LOCK_RUNS=$2; shift 2 ;;
    --lock-starts) LOCK_STARTS=$2; shift 2 ;;
    --rbd-images) RBD_IMAGES=$2; shift 2 ;;
    --rbd-runs) RBD_RUNS=$2; shift 2 ;;
    --skip-storage) STORAGE=0; shift ;;
    --skip-rpc) RPC=0; shift ;;
    --skip-domain) DOMAIN=0; shift ;;
    --skip-locks) LOCKS=0; shift ;;
    --skip-rbd) RBD=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$0: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

case "$BUILD" in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
[ -n "$BIN" ] || BIN="$BUILD/bin/virtus-bench"
[ -n "$VIRTUSD" ] || VIRTUSD="$(dirname "$BIN")/virtusd"
LOCKD="$(dirname "$VIRTUSD")/virtus-lockd"
DAEMONS=$(( RPC + DOMAIN + LOCKS + RBD ))

WORK=
CHILD=
cleanup() {
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
    kill -TERM "$CHILD" 2>/dev/null || true
    # The sides stop their own daemons on SIGTERM; give them a bounded moment.
    for _ in $(seq 1 100); do kill -0 "$CHILD" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CHILD" 2>/dev/null || true
  fi
  if [ -n "$WORK" ]; then
    # A Ceph cluster the rbd benchmark could not stop itself (killed on the way out).
    for ceph in "$WORK"/vb-ceph.*; do
      [ ! -d "$ceph" ] || timeout 120 bash "$SRC/tests/services/ceph.sh" stop "$ceph" || true
    done
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs one step in the background under timeout(1) so that the trap above can stop it.
bounded() {
  local seconds=$1
  shift
  timeout --kill-after=10 "$seconds" "$@" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=
  return $rc
}

TARGETS=()
[ "$STORAGE" = 0 ] || [ -x "$BIN" ] || TARGETS+=(virtus-bench)
[ "$DAEMONS" = 0 ] || [ -x "$VIRTUSD" ] || TARGETS+=(virtusd)
[ "$LOCKS" = 0 ] || [ -x "$LOCKD" ] || TARGETS+=(virtus-lockd)
if [ ${#TARGETS[@]} -gt 0 ]; then
  echo "== building ${TARGETS[*]} in $BUILD (Release)"
  bounded 3600 cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  bounded 3600 cmake --build "$BUILD" --target "${TARGETS[@]}" -j "$(nproc)"
fi
[ "$STORAGE" = 0 ] || [ -x "$BIN" ] || { echo "$0: '$BIN' is missing" >&2; exit 1; }
[ "$DAEMONS" = 0 ] || [ -x "$VIRTUSD" ] || { echo "$0: '$VIRTUSD' is missing" >&2; exit 1; }
[ "$LOCKS" = 0 ] || [ -x "$LOCKD" ] || { echo "$0: '$LOCKD' is missing" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/virtus-bench.XXXXXX")
# libvirtd runs as an unprivileged user: it must reach the data directory.
chmod 755 "$WORK"
DATA="$WORK/pool"
# The sides' own temp directories (libvirtd's home, Virtus's root) go under WORK too, so that
# the trap removes them even when a side is killed.
export TMPDIR="$WORK"

if [ "$STORAGE" = 1 ]; then
  echo "== generating $VOLUMES volumes (half raw sparse 1 GiB, half qcow2)"
  start=$(date +%s%N)
  bounded 1800 "$PY" "$SRC/bench/libvirtd_bench.py" --populate-only "$DATA" --volumes "$VOLUMES"
  if [ "$(id -u)" -eq 0 ]; then chown "$USER_NAME" "$DATA"; fi
  echo "   done in $((($(date +%s%N) - start) / 1000000)) ms"
fi

COMMON=(--dir "$DATA" --volumes "$VOLUMES" --creates "$CREATES" --repeat "$REPEAT" --json)

LIBVIRTD_USER=$([ "$(id -u)" -eq 0 ] && echo "$USER_NAME" || id -un)
REPORT=()
[ "$STORAGE" = 0 ] || REPORT+=(--volumes "$VOLUMES" --creates "$CREATES" --repeat "$REPEAT")
RPC_ARGS=(--virtusd "$VIRTUSD" --user "$USER_NAME" --seconds "$RPC_SECONDS" --runs "$RPC_RUNS"
  --pools "$RPC_POOLS" --connects "$RPC_CONNECTS" --json)
DOMAIN_ARGS=(--virtusd "$VIRTUSD" --user "$USER_NAME" --runs "$DOMAIN_RUNS"
  --warmups "$DOMAIN_WARMUPS" --json)
LOCK_ARGS=(--virtusd "$VIRTUSD" --lockd "$LOCKD" --user "$USER_NAME" --cycles "$LOCK_RUNS"
  --start-runs "$LOCK_STARTS" --json)
RBD_ARGS=(--virtusd "$VIRTUSD" --user "$USER_NAME" --images "$RBD_IMAGES" --runs "$RBD_RUNS"
  --json)
# Alternating the sides round by round spreads changes in the machine's load over both.
for round in $(seq 1 "$ROUNDS"); do
  if [ "$STORAGE" = 1 ]; then
    echo "== round $round/$ROUNDS: libvirtd (session daemon as '$LIBVIRTD_USER')"
    bounded "$SIDE_TIMEOUT" "$PY" "$SRC/bench/libvirtd_bench.py" "${COMMON[@]}" \
      --user "$USER_NAME" >"$WORK/libvirtd.$round.json" ||
      { echo "$0: the libvirtd side failed" >&2; exit 1; }
    echo "== round $round/$ROUNDS: virtus (in-process driver)"
    bounded "$SIDE_TIMEOUT" "$BIN" "${COMMON[@]}" >"$WORK/virtus.$round.json" ||
      { echo "$0: the virtus side failed" >&2; exit 1; }
    REPORT+=(--libvirtd "$WORK/libvirtd.$round.json" --virtus "$WORK/virtus.$round.json")
  fi
  if [ "$RPC" = 1 ]; then
    echo "== round $round/$ROUNDS: RPC, libvirtd and virtusd (as '$LIBVIRTD_USER')"
    # JSON on stdout, the human-readable lines on stderr.
    bounded "$SIDE_TIMEOUT" "$PY" "$SRC/bench/rpc_bench.py" "${RPC_ARGS[@]}" \
      >"$WORK/rpc.$round.json" || { echo "$0: the RPC benchmark failed" >&2; exit 1; }
    REPORT+=(--rpc "$WORK/rpc.$round.json")
  fi
  if [ "$DOMAIN" = 1 ]; then
    echo "== round $round/$ROUNDS: domain start/destroy, libvirtd, virtusd and raw QEMU" \
      "(as '$LIBVIRTD_USER')"
    bounded "$SIDE_TIMEOUT" "$PY" "$SRC/bench/domain_bench.py" "${DOMAIN_ARGS[@]}" \
      >"$WORK/domain.$round.json" || { echo "$0: the domain benchmark failed" >&2; exit 1; }
    REPORT+=(--domain "$WORK/domain.$round.json")
  fi
  if [ "$LOCKS" = 1 ]; then
    echo "== round $round/$ROUNDS: locks, virtlockd and virtus-lockd; libvirtd and virtusd" \
      "with locking off and on (as '$LIBVIRTD_USER')"
    bounded "$SIDE_TIMEOUT" "$PY" "$SRC/bench/lock_bench.py" "${LOCK_ARGS[@]}" \
      >"$WORK/locks.$round.json" || { echo "$0: the lock benchmark failed" >&2; exit 1; }
    REPORT+=(--lock "$WORK/locks.$round.json")
  fi
  if [ "$RBD" = 1 ]; then
    echo "== round $round/$ROUNDS: rbd pool of $RBD_IMAGES images on a private Ceph," \
      "libvirtd and virtusd (as '$LIBVIRTD_USER')"
    bounded "$SIDE_TIMEOUT" "$PY" "$SRC/bench/rbd_bench.py" "${RBD_ARGS[@]}" \
      >"$WORK/rbd.$round.json" || { echo "$0: the rbd benchmark failed" >&2; exit 1; }
    REPORT+=(--rbd "$WORK/rbd.$round.json")
  fi
done

echo
[ -z "$OUT" ] || REPORT+=(--out "$OUT")
"$PY" "$SRC/bench/report.py" "${REPORT[@]}"
