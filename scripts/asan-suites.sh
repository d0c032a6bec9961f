#!/usr/bin/env bash
# Runs our libpmemset's C tests and the pmemset conformance suites against
# its AddressSanitizer + UBSan build, and fails on any sanitizer report.
# node itself is not instrumented: the runtime is preloaded so the library's
# allocations and accesses are checked; leak checking is off because node's
# own start-up allocations would drown the library's.
#
# The run is deterministic: the properties take a fixed seed (printed), so
# two runs of one commit make the same calls. A report about the library
# (a bad access, undefined behaviour) is a finding; the runtime failing to
# work at all (it could not map memory for itself) is told apart, because
# it says nothing about the library and points at the harness instead.
#
#   scripts/asan-suites.sh [--seed N]
set -euo pipefail
cd "$(dirname "$0")/.."

seed=1
if [ "${1:-}" = "--seed" ] && [ -n "${2:-}" ]; then seed=$2; fi

make -s -C native/libpmemset asan test-asan

log=$(mktemp)
out=$(mktemp -d)
trap 'rm -rf "$log" "$out"' EXIT
echo "asan: pmemset suites and properties, --seed $seed"
export LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
node runner/bin.cjs run --impl libpmemset=native/libpmemset/build-asan/libpmemset.so.1 \
  --seed "$seed" --quiet --out "$out" >"$log" 2>&1 || status=$?
unset LD_PRELOAD
tail -n 3 "$log"

# the runtime's own failures: it could not get memory for its bookkeeping
runtime='failed to allocate|Failed to mmap|AddressSanitizer: out of memory|ERROR: AddressSanitizer failed|Sanitizer CHECK failed|ASan runtime does not come first'
if grep -Eq "$runtime" "$log"; then
  grep -E -B2 -A8 "$runtime" "$log" | head -40
  echo "asan: the sanitizer runtime itself failed in the run (not a finding about the library; a case starved it)"
  exit 1
fi
if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer):|runtime error:' "$log"; then
  grep -E -A20 'ERROR: (AddressSanitizer|LeakSanitizer):|runtime error:' "$log" | head -60
  echo "asan: sanitizer reports about libpmemset in the pmemset suites"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "asan: the pmemset suites exited $status under the sanitizers"
  exit 1
fi
echo "asan: pmemset suites ran under AddressSanitizer + UBSan with zero reports"
