#!/usr/bin/env bash
# Builds the libFuzzer harnesses into .build-fuzz and runs each for FUZZ_SECONDS (see docs/reliability.md).
#   scripts/fuzz.sh build            build only
#   scripts/fuzz.sh run [harness…]   build, seed from the fixtures, fuzz; non-zero when a harness crashed
# Environment: SWIFT (swift), FUZZ_SECONDS (60), FUZZ_JOBS (1), FUZZ_MAX_LEN (16384).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SCRATCH=.build-fuzz
FLAGS=(-c release --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING)
ALL=(FuzzIngest FuzzLineReference FuzzDockerfile)
[ -d Sources/FuzzRegenerate ] && ALL+=(FuzzRegenerate)
INPUTS=Tests/FixlogCoreTests/Hardening/Inputs

build_one() {
    local t=$1
    # SwiftPM links with gold, which dies with an internal error on the sanitizer-instrumented objects
    # ("internal error in format_file_lineno"); the same link with lld works, so relink with lld then.
    if "$SWIFT" build "${FLAGS[@]}" --product "$t" >"$SCRATCH/$t.build.log" 2>&1; then return 0; fi
    grep -q "ld.gold: internal error" "$SCRATCH/$t.build.log" || { cat "$SCRATCH/$t.build.log"; return 1; }
    local cmd
    cmd=$("$SWIFT" build -v "${FLAGS[@]}" --product "$t" 2>&1 | grep -- '-emit-executable' | tail -1 || true)
    [ -n "$cmd" ] || { echo "fuzz.sh: no link command for $t"; return 1; }
    eval "${cmd/ -v / } -use-ld=lld"
}

seed() {
    local t=$1 dir=$2
    case $t in
        FuzzDockerfile)
            find fixtures -type f -name 'Dockerfile*' -size -200k | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
            cp "$INPUTS/dockerfile/"* "$dir/" 2>/dev/null || true ;;
        FuzzIngest|FuzzRegenerate)
            find fixtures -type f -name '*.md' -size -200k | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
            cp "$INPUTS/ingest/"* "$dir/" 2>/dev/null || true ;;
        FuzzLineReference)
            find fixtures -type f -name '*.md' -size -200k -print0 | xargs -0 grep -ohiE '.{0,24}(line|#L|:)[^a-z]{0,3}[0-9].{0,24}' \
                | sort -u | head -2000 | split -l 1 - "$dir/ref-"
            cp "$INPUTS/line-reference/"* "$dir/" 2>/dev/null || true ;;
    esac
}

mode=${1:-run}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")
mkdir -p "$SCRATCH"
for t in "${targets[@]}"; do build_one "$t"; done
[ "$mode" = build ] && exit 0

bin=$("$SWIFT" build "${FLAGS[@]}" --show-bin-path)
# Swift's own crash backtracer would exit before libFuzzer saves the crashing input.
export SWIFT_BACKTRACE=enable=no
status=0
for t in "${targets[@]}"; do
    seeds=$SCRATCH/seeds/$t corpus=$SCRATCH/corpus/$t artifacts=$SCRATCH/artifacts/$t
    rm -rf "$seeds"; mkdir -p "$seeds" "$corpus" "$artifacts"
    seed "$t" "$seeds"
    echo "== $t: ${FUZZ_SECONDS:-60} s, $(ls "$seeds" | wc -l) seeds, corpus $(ls "$corpus" | wc -l)"
    "$bin/$t" "$corpus" "$seeds" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
        -max_len="${FUZZ_MAX_LEN:-16384}" $( [ "${FUZZ_JOBS:-1}" -gt 1 ] && echo "-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS" ) \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$SCRATCH/$t.log" 2>&1 || true
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|Done)|SUMMARY|==ERROR|Test unit written|Fatal error' "$SCRATCH/$t.log" || true
    if ls "$artifacts" | grep -q . || grep -q 'SUMMARY: libFuzzer' "$SCRATCH/$t.log"; then
        echo "$t: crashing inputs in $artifacts (copy them to $INPUTS/<harness>/ as regression tests)"
        status=1
    fi
done
exit $status
