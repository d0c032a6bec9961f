#!/usr/bin/env bash
# Runs our libpmemset's C tests and the pmemset conformance suites against
# its AddressSanitizer + UBSan build, and fails on any sanitizer report.
# node itself is not instrumented: the runtime is preloaded so the library's
# allocations and accesses are checked; leak checking is off because node's
# own start-up allocations would drown the library's.
set -euo pipefail
cd "$(dirname "$0")/.."

make -s -C native/libpmemset asan test-asan

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
node runner/bin.cjs run --impl libpmemset=native/libpmemset/build-asan/libpmemset.so.1 \
  --quiet --out "$(mktemp -d)" >"$log" 2>&1 || status=$?
unset LD_PRELOAD
tail -n 3 "$log"
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$log"; then
  grep -E -A20 'AddressSanitizer|runtime error:' "$log" | head -60
  echo "asan: sanitizer reports in the pmemset suites"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "asan: the pmemset suites exited $status under the sanitizers"
  exit 1
fi
echo "asan: pmemset suites ran under AddressSanitizer + UBSan with zero reports"
