#!/usr/bin/env bash
# Builds the RPC decoder fuzz target with clang-14 and libFuzzer (outside the main g++
# build: only the few sources it needs) and runs it for a bounded time.
#
# usage: run_fuzz.sh SOURCE_DIR BUILD_DIR CAPTURES_DIR [SECONDS] [extra libFuzzer options…]
#
# Everything it writes goes under BUILD_DIR/fuzz:
#   rpc_decoder_fuzz   the fuzz target
#   seeds/             the seed corpus, made here from the captures' frames (never committed)
#   corpus/            what the fuzzer found interesting; kept between runs
#   artifacts/         crash-*, leak-*, timeout-*, oom-* inputs that broke the target
# See docs/testing.md for long runs and for reproducing a crash.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR CAPTURES_DIR [SECONDS] [libFuzzer options...]" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
build=$(mkdir -p "$2" && cd "$2" && pwd)
captures=$3
seconds=${4:-45}
shift $(($# < 4 ? $# : 4))

CXX=${FUZZ_CXX:-clang++-14}
if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "run_fuzz: FAIL: '$CXX' is not installed; the fuzz target needs clang-14 and" \
       "libclang-rt-14-dev (scripts/install-deps.sh installs both)" >&2
  exit 1
fi
if [ ! -f "$("$CXX" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]; then
  echo "run_fuzz: FAIL: libFuzzer's runtime (libclang_rt.fuzzer) is missing; install" \
       "libclang-rt-14-dev (scripts/install-deps.sh does)" >&2
  exit 1
fi
if [ ! -d "$captures" ] || ! ls "$captures"/*.hex >/dev/null 2>&1; then
  echo "run_fuzz: FAIL: no wire captures (*.hex) in '$captures' to seed the corpus" >&2
  exit 1
fi

out=$build/fuzz
mkdir -p "$out/seeds" "$out/corpus" "$out/artifacts"
target=$out/rpc_decoder_fuzz

sources=(
  "$src/tests/fuzz/rpc_decoder_fuzz.cpp"
  "$src/src/rpc/frame_decoder.cpp"
  "$src/src/rpc/message.cpp"
  "$src/src/rpc/remote_error.cpp"
  "$src/src/rpc/procedure_names.cpp"
)
for f in "$src"/src/common/*.cpp; do
  case "$f" in *_test.cpp) ;; *) sources+=("$f") ;; esac
done

# Rebuild when any source or header it may include is newer than the target.
rebuild=1
if [ -x "$target" ]; then
  rebuild=0
  newer=$(find "$src/src/rpc" "$src/src/common" "$src/tests/fuzz" -newer "$target" \
            \( -name '*.h' -o -name '*.cpp' \) -print -quit)
  [ -n "$newer" ] && rebuild=1
fi
if [ "$rebuild" = 1 ]; then
  echo "run_fuzz: building $target with $CXX"
  "$CXX" -std=c++20 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/src" -o "$target.tmp" "${sources[@]}"
  mv "$target.tmp" "$target"
fi

# Seeds: one file per capture (the whole connection, both directions, as one stream) and one
# per distinct frame. The first byte of every input chooses how the target cuts the stream.
# perl-base is always there on Debian; xxd is not.
unhex() { perl -e 'local $/; my $h = <STDIN>; $h =~ s/\s//g; print pack("H*", $h)'; }
rm -f "$out"/seeds/*
n=0
for cap in "$captures"/*.hex; do
  name=$(basename "$cap" .hex)
  {
    printf '\x00'
    grep -E '^[CS] ' "$cap" | cut -c3- | tr -d '\n' | unhex
  } >"$out/seeds/stream-$name"
  while read -r hex; do
    n=$((n + 1))
    { printf '\x07'; printf '%s' "$hex" | unhex; } >"$out/seeds/frame-$n"
  done < <(grep -E '^[CS] ' "$cap" | cut -c3- | sort -u)
done
echo "run_fuzz: $(ls "$out/seeds" | wc -l) seed inputs from '$captures'"

# -timeout: one input taking seconds is a hang worth reporting (libvirt bounds everything).
set +e
"$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" "$out/seeds"
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "run_fuzz: FAIL: the fuzzer stopped with status $status; the input is in" \
       "$out/artifacts/ (reproduce: $target <file>)" >&2
fi
exit $status
