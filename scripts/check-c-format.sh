#!/usr/bin/env bash
# Checks that every C/C++ file under native/ (*.c, *.h, *.cc) is formatted
# as the .clang-format files say (the root one; native/addon has its own
# continuation indent). Exits 0 when all are, 1 listing the files that are
# not, 2 when clang-format is missing. To fix: clang-format -i FILE...
#
#   scripts/check-c-format.sh         (CLANG_FORMAT=clang-format-14 to pick one)
set -euo pipefail
cd "$(dirname "$0")/.."

cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null 2>&1; then
  echo "check-c-format: $cf not found; install it (Debian: apt-get install -y clang-format)" >&2
  exit 2
fi

bad=()
while IFS= read -r -d '' f; do
  if ! "$cf" --dry-run --Werror "$f" >/dev/null 2>&1; then
    bad+=("$f")
  fi
done < <(find native \( -name build -o -name build-asan \) -prune -o \
  -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) -print0 | sort -z)

if [ ${#bad[@]} -gt 0 ]; then
  echo "check-c-format: ${#bad[@]} file(s) not formatted as .clang-format says ($("$cf" --version | head -n 1)):"
  printf '  %s\n' "${bad[@]}"
  echo "check-c-format: fix with: $cf -i FILE... (from the repository root)"
  exit 1
fi
echo "check-c-format: all C/C++ files under native/ are formatted"
