#!/bin/bash
# Benchmark for `fixlog verify` (issue 4, "Performance"); not a test.
#   1. 200 trivial steps with --jobs 1 --no-cache vs bash running the same 200 scripts (target ≤ 1.2×)
#   2. a fully cached re-run of 1,000 steps (target < 0.2 s, and no process started)
# Usage: bench/verify-bench.sh [path/to/fixlog]   (default: .build/release/fixlog)
set -euo pipefail
FIXLOG=${1:-.build/release/fixlog}
FIXLOG=$(cd "$(dirname "$FIXLOG")" && pwd)/$(basename "$FIXLOG")
[ -x "$FIXLOG" ] || { echo "no fixlog binary at $FIXLOG (swift build -c release)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_log() {  # make_log N DIR
  mkdir -p "$2/scripts"
  { echo "# Bench"; for i in $(seq 1 "$1"); do
      printf '\n## Fix #%d: step %d\n\n### Verification\n\n```bash\necho %d\n# Expected output:\n# %d\n```\n' "$i" "$i" "$i" "$i"
      printf 'echo %d\n' "$i" > "$2/scripts/$i.sh"
    done; } > "$2/DOCKERFILE_FIXES.md"
}
now() { date +%s.%N; }

make_log 200 "$work/200"
cd "$work/200"
"$FIXLOG" verify --allow-exec --jobs 1 --no-cache >/dev/null || true   # warm caches
t0=$(now); for i in $(seq 1 200); do bash --noprofile --norc -e -o pipefail "scripts/$i.sh" >/dev/null; done; t1=$(now)
"$FIXLOG" verify --allow-exec --jobs 1 --no-cache >/dev/null; t2=$(now)
bash_s=$(echo "$t1 - $t0" | bc -l); fixlog_s=$(echo "$t2 - $t1" | bc -l)
printf '200 trivial steps: bash %.3f s, fixlog --jobs 1 %.3f s, ratio %.2f (target <= 1.2)\n' "$bash_s" "$fixlog_s" "$(echo "$fixlog_s / $bash_s" | bc -l)"

make_log 1000 "$work/1000"
cd "$work/1000"
"$FIXLOG" verify --allow-exec >/dev/null
t0=$(now); "$FIXLOG" verify --allow-exec >/dev/null; t1=$(now)
printf '1000 cached steps: %.3f s (target < 0.2)\n' "$(echo "$t1 - $t0" | bc -l)"
if command -v strace >/dev/null; then
  n=$(strace -f -e trace=execve -o "$work/st" "$FIXLOG" verify --allow-exec >/dev/null 2>&1; grep -c 'execve(' "$work/st")
  echo "processes started by the cached run (execve, fixlog itself included): $n"
fi
