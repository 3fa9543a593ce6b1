#!/usr/bin/env bash
# Installs the Debian packages weaklink needs (apt-get; sudo when not root) and builds the weaklink
# program in ./build (Release); tests and benchmarks are configured but built by scripts/test.sh.
# Safe to run again: installs only what is missing, rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config
          libeigen3-dev libpugixml-dev libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev libcsv-dev
          libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-dev ccache)
# Node.js and npm build the HTML report's template (web/); the machine's own are used when present.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The HTML report template: Vega-Lite and the report's script from npm, inlined into one file
# that the build compiles in (web/README.md). npm ci runs only when the lock file changed.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd web && node build.mjs)

# ccache keeps compiled objects between builds of this machine (CI's clean clones included);
# it changes nothing in what is built. Paths under the source folder are hashed relative to it.
export CCACHE_BASEDIR="$PWD"
# The release preset (CMakePresets.json), with the same WEAKLINK_WERROR as scripts/test.sh, so
# that the test build after this one reuses every object instead of compiling them again.
cmake --preset release "-DWEAKLINK_WERROR=${WEAKLINK_WERROR:-OFF}" >/dev/null
cmake --build build --target weaklink
