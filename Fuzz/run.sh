#!/usr/bin/env bash
# Fuzz/run.sh SECONDS [TARGET...] — build every libFuzzer target (or the named ones) with the
# fuzzer + address sanitizers and run each for SECONDS, one after the other, on one core.
#
#   Targets: compile (lexer+parser+checker on bytes), facts (a fixed policy on facts JSON),
#            expr (typed expression evaluation).
#   Exit 0: nothing found.  Exit 1: a finding; the reproducer's path is printed, and
#   `Fuzz/run.sh --replay FILE TARGET` (or the printed command) replays it.
#   Exit 2: usage error or missing tool (the message says exactly what is missing).
#
#   `model` (named explicitly, not in the default set): the differential model test
#   (Tests/WardenTests/Model) in a debug build, again and again with random seeds and
#   MODEL_CASES policies per run (default 1000) until SECONDS have passed; a failing seed is printed.
#   WARDEN_MODEL_KNOWN=feature,... (see DifferentialModelTests) passes through to tolerate known holes.
#
# Environment: FUZZ_JOBS_ARGS (extra libFuzzer flags), FUZZ_SCRATCH (build dir, default .build-fuzz).
# Corpora grow in Fuzz/corpus-work/TARGET (gitignored), seeded from Fuzz/seeds/TARGET, samples/,
# the language fixtures and the grammar examples; findings go to Fuzz/artifacts/TARGET/.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
ALL_TARGETS=(compile facts expr)
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}

usage() { echo "usage: Fuzz/run.sh SECONDS [compile|facts|expr|model]...   |   Fuzz/run.sh --replay FILE TARGET" >&2; exit 2; }

product() {
    case "$1" in
        compile) echo WardenFuzzCompile ;;
        facts) echo WardenFuzzFacts ;;
        expr) echo WardenFuzzExpr ;;
        *) echo "Fuzz/run.sh: unknown target \`$1\` (targets: ${ALL_TARGETS[*]})" >&2; exit 2 ;;
    esac
}

dict() { if [ "$1" = facts ]; then echo Fuzz/facts.dict; else echo Fuzz/warden.dict; fi; }

# ---- what we need -------------------------------------------------------------------------
need() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "Fuzz/run.sh: missing: the Swift toolchain (\`swift\` on PATH); install Swift 6 from swift.org" >&2
        exit 2
    fi
    local bin lib
    bin=$(dirname "$(readlink -f "$(command -v swift)")")
    lib=$(find "$bin/../lib" -name 'libclang_rt.fuzzer*.a' 2>/dev/null | head -1)
    if [ -z "$lib" ]; then
        echo "Fuzz/run.sh: missing: libclang_rt.fuzzer (the toolchain at $bin/.. ships no libFuzzer runtime);" \
            "use a swift.org Linux toolchain, which includes it under usr/lib/clang/*/lib/linux" >&2
        exit 2
    fi
    if ! find "$bin/../lib" -name 'libclang_rt.asan*' 2>/dev/null | grep -q .; then
        echo "Fuzz/run.sh: missing: libclang_rt.asan (AddressSanitizer runtime) in the toolchain at $bin/.." >&2
        exit 2
    fi
}

build() {
    mkdir -p "$SCRATCH"
    local p
    p=$(product "$1")
    echo "== building $p (release, -sanitize=fuzzer,address, $SCRATCH)"
    if ! swift build -c release --scratch-path "$SCRATCH" --product "$p" --sanitize fuzzer \
        -Xswiftc -sanitize=fuzzer,address >"$SCRATCH/fuzz-build-$1.log" 2>&1; then
        grep -v "Cannot export local symbol" "$SCRATCH/fuzz-build-$1.log" | tail -30 >&2
        echo "Fuzz/run.sh: build of $p failed (full log: $SCRATCH/fuzz-build-$1.log)" >&2
        exit 2
    fi
}

# Fills Fuzz/corpus-work/TARGET from the committed seeds and the project's examples.
seed() {
    local t=$1 dir=Fuzz/corpus-work/$1
    mkdir -p "$dir"
    cp -n Fuzz/seeds/"$t"/* "$dir"/ 2>/dev/null || true
    case "$t" in
        compile)
            for f in samples/*.warden Tests/WardenTests/Fixtures/language/*.warden Grammar/*.warden; do
                [ -f "$f" ] && cp -n "$f" "$dir/$(basename "$f")" 2>/dev/null
            done
            # Code blocks of Grammar/README.md, one seed each.
            if [ -f Grammar/README.md ]; then
                awk -v d="$dir" '/^```/{ if (inb) { inb=0; close(f) } else { inb=1; n++; f=d "/grammar-readme-" n } ; next }
                    inb { print > f }' Grammar/README.md
            fi
            ;;
        facts)
            [ -f samples/devices.jsonl ] && cp -n samples/devices.jsonl "$dir/samples-devices.jsonl"
            ;;
        expr)
            # Every rule condition of the samples and fixtures.
            local n=0
            for f in samples/*.warden Tests/WardenTests/Fixtures/language/*.warden; do
                [ -f "$f" ] || continue
                grep -o 'when .* then' "$f" | sed -e 's/^when //' -e 's/ then$//' | while IFS= read -r line; do
                    n=$((n + 1))
                    printf '%s' "$line" >"$dir/cond-$(basename "$f" .warden)-$n"
                done
            done
            ;;
    esac
}

# Replays one input through a built target (ASan on, leak checks off: see the note below).
replay() {
    local file=$1 t=$2 p
    p=$(product "$t")
    build "$t"
    ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$SCRATCH/release/$p" -runs=1 "$file"
}

run() {
    local t=$1 secs=$2 p rc
    p=$(product "$t")
    seed "$t"
    mkdir -p "Fuzz/artifacts/$t"
    echo "== fuzzing $t for ${secs}s (corpus Fuzz/corpus-work/$t, $(ls "Fuzz/corpus-work/$t" | wc -l) inputs)"
    local log="Fuzz/artifacts/$t/last-run.log"
    # detect_leaks=0: LeakSanitizer reports false leaks for Swift objects whose pointers carry
    #   enum tag bits (multi-payload enums), starting with the first input; real leaks are not
    #   a crash/hang risk for a policy engine and are looked for separately.
    # malloc_context_size=0: 25-30% faster; replay a finding without it for full stacks.
    # -timeout=10: an input running over 10 s is a finding (a hang).
    ASAN_OPTIONS=detect_leaks=0:malloc_context_size=0 SWIFT_BACKTRACE=enable=no \
        "$SCRATCH/release/$p" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -dict="$(dict "$t")" -artifact_prefix="Fuzz/artifacts/$t/" \
        ${FUZZ_JOBS_ARGS:-} "Fuzz/corpus-work/$t" >"$log" 2>&1
    rc=$?
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" | tr '\n' ' '
    echo
    if [ $rc -ne 0 ]; then
        local art
        art=$(grep -o "Test unit written to .*" "$log" | tail -1 | sed 's/Test unit written to //')
        grep -E "ERROR:|SUMMARY:|Fatal error|deadly signal|timeout" "$log" | head -5 >&2
        echo "Fuzz/run.sh: FINDING in target $t (exit $rc); reproducer: ${art:-see $log}" >&2
        echo "  replay: Fuzz/run.sh --replay ${art:-FILE} $t     full log: $log" >&2
        return 1
    fi
    return 0
}

# The differential model test with random seeds for $1 seconds (at least one run).
run_model() {
    local end seed runs=0 cases=${MODEL_CASES:-1000} log=Fuzz/artifacts/model/last-run.log
    mkdir -p Fuzz/artifacts/model
    end=$(($(date +%s) + $1))
    echo "== building the tests (debug) for the model run"
    if ! swift build --build-tests >Fuzz/artifacts/model/build.log 2>&1; then
        tail -30 Fuzz/artifacts/model/build.log >&2
        echo "Fuzz/run.sh: build of the tests failed (full log: Fuzz/artifacts/model/build.log)" >&2
        exit 2
    fi
    while [ $runs -eq 0 ] || [ "$(date +%s)" -lt "$end" ]; do
        seed=$(((RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM))
        echo "== model: seed $seed, $cases policies"
        if ! WARDEN_MODEL_SEED=$seed WARDEN_MODEL_CASES=$cases swift test --skip-build \
            --filter 'DifferentialModelTests/generatedPolicies' >"$log" 2>&1; then
            grep -E "^(DifferentialModelTests|  [0-9]+ )" "$log" | head -20 >&2
            echo "Fuzz/run.sh: FINDING in target model (seed $seed); full log: $log" >&2
            echo "  replay: WARDEN_MODEL_SEED=$seed WARDEN_MODEL_CASES=$cases swift test --filter DifferentialModelTests/generatedPolicies" >&2
            return 1
        fi
        grep -E "^DifferentialModelTests" "$log"
        runs=$((runs + 1))
    done
    echo "Fuzz/run.sh: model: no findings in $runs runs of $cases policies"
}

# ---- main -----------------------------------------------------------------------------------
[ $# -ge 1 ] || usage
if [ "$1" = --replay ]; then
    [ $# -eq 3 ] || usage
    need
    replay "$2" "$3"
    exit $?
fi
SECONDS_EACH=$1
shift
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || usage
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
if [[ " ${targets[*]} " == *" model "* ]]; then
    # The fuzz targets first (this script again without `model`), then the model run.
    rest=()
    for t in "${targets[@]}"; do [ "$t" = model ] || rest+=("$t"); done
    status=0
    if [ ${#rest[@]} -gt 0 ]; then "$ROOT/Fuzz/run.sh" "$SECONDS_EACH" "${rest[@]}" || status=$?; fi
    [ $status -eq 2 ] && exit 2
    run_model "$SECONDS_EACH" || status=1
    exit $status
fi
for t in "${targets[@]}"; do product "$t" >/dev/null || exit 2; done

need
for t in "${targets[@]}"; do build "$t"; done
failed=0
for t in "${targets[@]}"; do
    run "$t" "$SECONDS_EACH" || failed=1
done
if [ $failed -ne 0 ]; then
    echo "Fuzz/run.sh: findings above; add each reproducer to Tests/WardenTests/Fixtures/regressions/" >&2
    exit 1
fi
echo "Fuzz/run.sh: ${targets[*]}: no findings in ${SECONDS_EACH}s each"
