#!/usr/bin/env bash
# Every C++ source file is formatted as .clang-format says (Google style, 110 columns). Fails with
# the list of files to reformat and the command that does it.
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"

FORMAT="$(command -v clang-format-14 || command -v clang-format || true)"
[[ -n "$FORMAT" ]] || { echo "format: clang-format not found; run scripts/setup-deps.sh" >&2; exit 1; }

mapfile -t files < <(find common server generator-client file-bridge admin-cli tests bench \
  \( -name '*.h' -o -name '*.cc' \) -not -path '*/corpus/*' | LC_ALL=C sort)
# One run over every file; each file that would change is named in an "error:" line.
mapfile -t bad < <("$FORMAT" --style=file --dry-run --Werror "${files[@]}" 2>&1 |
  sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | LC_ALL=C sort -u)
if ((${#bad[@]})); then
  printf 'format: not formatted as .clang-format says: %s\n' "${bad[@]}"
  echo "format: fix with: $FORMAT -i --style=file ${bad[*]}"
  exit 1
fi
echo "format: ${#files[@]} files formatted as .clang-format says ($("$FORMAT" --version))"
