#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the whole test suite: unit and OpenSim-parity tests on the
# Release build, then the same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# Parity tests read ../shared/opensim-reference in place; without it they skip (they fail under CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Chromium renders the HTML report in its test (scripts/report_test.sh).
if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: chromium"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi

# Warnings are errors in CI (.ci/run sets WEAKLINK_WERROR=ON).
werror="-DWEAKLINK_WERROR=${WEAKLINK_WERROR:-OFF}"

echo "== build tests and benchmarks (Release)"
export CCACHE_BASEDIR="$PWD"
cmake --preset release "$werror" >/dev/null
cmake --build --preset release

echo "== unit and parity tests (Release)"
ctest --test-dir build --output-on-failure -j2

echo "== the same tests under ASan + UBSan"
# The asan preset (CMakePresets.json): RelWithDebInfo at -O1 -g1, since line tables suffice for
# sanitizer stack traces and keep the build inside CI's budget; no benchmarks.
cmake --preset asan "$werror" >/dev/null
cmake --build --preset asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2
