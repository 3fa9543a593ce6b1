#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, WEAKLINK_FUZZ=ON) with clang in build-fuzz/, seeds a
# corpus per target from the project's own files (and ../shared/opensim-reference when present),
# then fuzzes every target for SECONDS seconds (default 60). Prints the executions per target and
# exits non-zero if any target found a crash, sanitizer report, unexpected exception, leak, OOM
# or timeout. Crash inputs are kept in build-fuzz/artifacts/, logs in build-fuzz/logs/.
#
# Usage: bash scripts/fuzz.sh [SECONDS]
#        FUZZ_ARGS="-use_value_profile=1" bash scripts/fuzz.sh 600   # extra libFuzzer flags
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-60}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bash scripts/fuzz.sh [SECONDS]  (a positive number of seconds per target)" >&2
  exit 2
fi

BUILD=build-fuzz
TARGETS=(fuzz_osim fuzz_storage fuzz_trc fuzz_external_loads fuzz_setup fuzz_client_files fuzz_activity_files)
REFERENCE=../shared/opensim-reference
MAX_SEED_BYTES=1048576  # also the -max_len of the runs
SEPARATOR=$'\n@@weaklink-fuzz-datafile@@\n'  # see fuzz/fuzz_external_loads.cpp
REGRESSIONS=tests/data/fuzz_regressions  # <target>_<name>.<ext>: inputs that once failed

echo "== configure and build $BUILD (clang, libFuzzer + ASan + UBSan)"
export CCACHE_BASEDIR="$PWD"
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# The fuzz preset (CMakePresets.json): clang, WEAKLINK_FUZZ=ON, no tests or benchmarks, RelWithDebInfo.
cmake --preset fuzz "${launcher[@]}" "-DWEAKLINK_WERROR=${WEAKLINK_WERROR:-OFF}" >/dev/null
cmake --build "$BUILD" --target "${TARGETS[@]}"

# ---- seed corpora --------------------------------------------------------------------------------
# Seeds are copied into the build folder only, named by their content hash (duplicates collapse).
# Files over 1 MB are skipped. Gzipped files are added both as they are (the readers' .gz path)
# and decompressed (the parsers proper).
CORPUS="$BUILD/corpus"
mkdir -p "$BUILD/artifacts" "$BUILD/logs"
for t in "${TARGETS[@]}"; do mkdir -p "$CORPUS/$t"; done

small_enough() { [ "$(stat -c %s "$1")" -le "$MAX_SEED_BYTES" ]; }

add_seed() {  # add_seed TARGET FILE
  local target=$1 file=$2
  small_enough "$file" || return 0
  cp "$file" "$CORPUS/$target/seed-$(sha1sum "$file" | cut -c1-40)"
}

add_gz_seed() {  # add_gz_seed TARGET FILE.gz: as is, and decompressed
  local target=$1 file=$2 tmp
  add_seed "$target" "$file"
  tmp=$(mktemp)
  if gzip -dc "$file" 2>/dev/null | head -c $((MAX_SEED_BYTES + 1)) >"$tmp"; then
    add_seed "$target" "$tmp"
  fi
  rm -f "$tmp"
}

# ExternalLoads seeds: the XML, the separator and the data file it names (looked up next to it).
add_loads_seed() {  # add_loads_seed FILE.xml
  local xml=$1 name data tmp
  small_enough "$xml" || return 0
  name=$(tr -d '\r' <"$xml" | tr '\n' ' ' | sed -n 's:.*<datafile>[[:space:]]*\([^<]*[^<[:space:]]\)[[:space:]]*</datafile>.*:\1:p')
  data="$(dirname "$xml")/$name"
  if [ ! -f "$data" ] && [ -f "$data.gz" ]; then data="$data.gz"; fi
  tmp=$(mktemp)
  cat "$xml" >"$tmp"
  if [ -n "$name" ] && [ -f "$data" ] && small_enough "$data"; then
    if [[ "$name" == */* ]]; then
      # The harness only accepts plain file names: point the copy at the base name instead.
      local base
      base=$(basename "$name" | sed 's/[&|\\]/\\&/g')
      sed -i "s|<datafile>[^<]*</datafile>|<datafile>$base</datafile>|" "$tmp"
    fi
    printf '%s' "$SEPARATOR" >>"$tmp"
    if [[ "$data" == *.gz ]]; then gzip -dc "$data" >>"$tmp" 2>/dev/null || true; else cat "$data" >>"$tmp"; fi
  fi
  add_seed fuzz_external_loads "$tmp"
  rm -f "$tmp"
}

seed_from() {  # seed_from DIR...: every file below DIR goes to the targets that read its kind
  local f lower
  while IFS= read -r -d '' f; do
    lower=${f,,}
    case "$lower" in
      *.osim) add_seed fuzz_osim "$f"; add_seed fuzz_setup "$f" ;;
      *.osim.gz) ;;
      *.sto | *.mot) add_seed fuzz_storage "$f" ;;
      *.sto.gz | *.mot.gz) add_gz_seed fuzz_storage "$f" ;;
      *.trc) add_seed fuzz_trc "$f" ;;
      */activities/*.json | */catalogue/activity_*.json) add_seed fuzz_activity_files "$f" ;;
      *.csv | *.json) add_seed fuzz_client_files "$f" ;;
      *.trc.gz) add_gz_seed fuzz_trc "$f" ;;
      *.xml)
        add_seed fuzz_setup "$f"
        if grep -q '<ExternalLoads' "$f"; then add_loads_seed "$f"; fi
        ;;
    esac
  done < <(find "$@" -path "$REGRESSIONS" -prune -o -type f -print0 | sort -z)
}

echo "== seed corpora in $CORPUS"
seed_from data tests/data
if [ -d "$REFERENCE" ]; then
  seed_from "$REFERENCE"
else
  echo "   ($REFERENCE not found: seeding from the project's own files only)"
fi
# Tiny hand-written seeds so no target starts from nothing.
printf 'PathFileType\t4\t(X/Y/Z)\tseed.trc\nDataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\n100\t100\t1\t1\tmm\nFrame#\tTime\tM\t\t\n\t\tX1\tY1\tZ1\n1\t0\t1\t2\t3\n' \
  >"$CORPUS/fuzz_trc/seed-minimal"
printf 'seed\nversion=1\nnRows=1\nnColumns=2\ninDegrees=no\nendheader\ntime\tq\n0\t1\n' \
  >"$CORPUS/fuzz_storage/seed-minimal"
printf 'version=3\nDataType=Vec3\nendheader\ntime\tm\n0\t~[1,2,3]\n' >"$CORPUS/fuzz_storage/seed-table-vec3"
printf '{"tests": [{"measure": "hip_abduction", "side": "right", "torque_Nm": 70, "posture": {"hip_flexion": 0}}]}' \
  >"$CORPUS/fuzz_client_files/seed-strength"
for t in "${TARGETS[@]}"; do
  printf '   %-22s %4d seeds\n' "$t" "$(find "$CORPUS/$t" -type f | wc -l)"
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if command -v llvm-symbolizer >/dev/null; then
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}"
fi
failed=0
replayed=0 still_failing=0

# run_target LOG PROGRAM ARGS...: runs a fuzz target, then removes the temporary files it made in
# /tmp (named after its pid; a target that dies on a finding cannot remove them itself).
run_target() {
  local log=$1 pid rc=0
  shift
  "$@" >"$log" 2>&1 &
  pid=$!
  wait "$pid" || rc=$?
  rm -rf /tmp/weaklink-fuzz-"$pid"-*
  return "$rc"
}

# ---- regressions ---------------------------------------------------------------------------------
# Every saved reproducer is replayed by its target (the file name starts with it), each from its own
# folder so that libFuzzer applies -timeout as in a fuzzing run. They are not fuzzing seeds: an open
# bug would stop the target at start-up. A reproducer that still fails makes the script fail.
if [ -d "$REGRESSIONS" ]; then
  echo "== replay $REGRESSIONS"
  rm -rf "$BUILD/replay"
  while IFS= read -r -d '' f; do
    base=$(basename "$f")
    target=""
    for t in "${TARGETS[@]}"; do [[ "$base" == "$t"_* ]] && target=$t; done
    if [ -z "$target" ]; then
      echo "   $base: no target of that name; expected <target>_<name>.<ext>" >&2
      failed=1
      continue
    fi
    mkdir -p "$BUILD/replay/$base"
    cp "$f" "$BUILD/replay/$base/"
    rc=0
    replayed=$((replayed + 1))
    run_target "$BUILD/logs/replay-$base.log" "$BUILD/fuzz/$target" "$BUILD/replay/$base" -runs=0 \
      -max_len="$MAX_SEED_BYTES" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$BUILD/artifacts/replay-$base-" || rc=$?
    if [ "$rc" -eq 0 ]; then
      echo "   $base: passes"
    else
      failed=1
      still_failing=$((still_failing + 1))
      echo "   $base: STILL FAILS (exit $rc, log: $BUILD/logs/replay-$base.log)"
      grep -E '^==[0-9]+==ERROR|FINDING|runtime error|SUMMARY|ALARM' "$BUILD/logs/replay-$base.log" \
        | head -n 3 | sed 's/^/      /' || true
    fi
  done < <(find "$REGRESSIONS" -type f ! -name '*.md' -print0 | sort -z)
fi

# ---- runs ------------------------------------------------------------------------------------------
declare -A RUNS STATUS
for t in "${TARGETS[@]}"; do
  echo "== $t: ${SECONDS_PER_TARGET}s"
  log="$BUILD/logs/$t.log"
  rc=0
  # New interesting inputs are added to the corpus folder, so later runs start further on.
  # shellcheck disable=SC2086  # FUZZ_ARGS: several flags
  run_target "$log" "$BUILD/fuzz/$t" "$CORPUS/$t" -max_total_time="$SECONDS_PER_TARGET" \
    -max_len="$MAX_SEED_BYTES" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$BUILD/artifacts/$t-" ${FUZZ_ARGS:-} || rc=$?
  runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
    STATUS[$t]=ok
  else
    failed=1
    STATUS[$t]="FAILED (exit $rc)"
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$log" | tail -n 1)
    # The report and where the input went.
    grep -E '^==[0-9]+==ERROR|FINDING|SUMMARY|Test unit written|ALARM|out-of-memory|deadly signal' "$log" \
      | head -n 12 | sed 's/^/   /' || true
  fi
  RUNS[$t]=${runs:-?}
  echo "   $t: ${RUNS[$t]} executions, ${STATUS[$t]} (log: $log)"
done

echo "== summary (${SECONDS_PER_TARGET}s per target)"
printf '   %-22s %12s  %s\n' target executions result
for t in "${TARGETS[@]}"; do printf '   %-22s %12s  %s\n' "$t" "${RUNS[$t]}" "${STATUS[$t]}"; done
echo "   saved reproducers: $replayed replayed, $still_failing still failing"
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found problems (or a saved reproducer still fails); crash inputs are in" \
    "$BUILD/artifacts/ (reproduce: $BUILD/fuzz/<target> <file>)" >&2
  exit 1
fi
