#!/usr/bin/env bash
# CI: the thread-safety test under Thread Sanitizer, then the whole suite under Address Sanitizer.
# Each sanitizer builds in its own scratch path (.build-tsan, .build-asan; gitignored), so the
# normal .build is not rebuilt. Quiet on success: one line per run with its time.
#   TSan: ThreadSafetyTests (one program, 8 threads, 100,000 devices) must report no race.
#   ASan: every test but the stack-budget suites; LeakSanitizer is off (it reports leaks inside
#         XCTest and false leaks for Swift objects reachable only through enum-tagged pointers).
#         DeepInputEngineTests, ParserDepthTests and EvaluatorDepthTests check that nesting at the
#         limit fits a 512 KiB (or 2 MiB) thread stack in a normal build; ASan's redzones make every
#         frame several times larger, so they overflow by design there. They run in the normal suite.
#         AllocationCountTests counts mallocs with an LD_PRELOAD interposer; under ASan the runtime
#         owns malloc (the interposer never sees a call), so the counts mean nothing there.
#         DifferentialModelTests and AnalysisPropertyTests (generated policies against the
#         independent model and the analysis) are the slowest suites and drive only code that the
#         other suites under ASan also reach (the unsafe-pointer code of the compiled, straight-line,
#         columnar and indexed paths runs under ASan in CompiledEquivalenceTests, LeafPlanTests,
#         ColumnarBatchTests, RuleIndexTests and HostEquivalenceTests); they run in the normal
#         suite, so CI stays under about 30 minutes on 2 cores.
#         InputPackTests.packedStoragesFollowOneAnotherInMemory checks where glibc's allocator puts
#         packed inputs; under ASan its own allocator (redzones, quarantine) places them, so the
#         layout says nothing there. The suite's other test (decisions unchanged) runs under ASan.
# SANITIZERS=thread or SANITIZERS=address runs one of them. A run that executes no test fails
# (a renamed suite must not turn the TSan check into a silent pass).
set -uo pipefail
cd "$(dirname "$0")/../.."
export SWIFT_BACKTRACE=enable=no
which=${SANITIZERS:-thread address}
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

run() {  # name, then the command
    local name=$1 start rc
    shift
    start=$(date +%s)
    "$@" >"$log_dir/$name.log" 2>&1
    rc=$?
    # A sanitizer report fails the run even if the test runner exited 0.
    if [ $rc -eq 0 ] && grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log_dir/$name.log"; then rc=1; fi
    if [ $rc -ne 0 ]; then
        grep -v "Cannot export local symbol" "$log_dir/$name.log" | grep -E -A30 "ThreadSanitizer|AddressSanitizer|✘|error:" | head -80
        echo "50-sanitizers: $name FAILED (exit $rc) after $(( $(date +%s) - start ))s"
        return 1
    fi
    # A filter or skip list that matches no test must not pass: require "Test run with N tests", N > 0.
    local tests
    if ! tests=$(bash scripts/require-tests-ran.sh "$log_dir/$name.log"); then
        tail -20 "$log_dir/$name.log"
        echo "50-sanitizers: $name FAILED: it ran no test (does its --filter still match a test?)"
        return 1
    fi
    echo "50-sanitizers: $name ok ($(( $(date +%s) - start ))s, $tests tests)"
}

failed=0
if [[ " $which " == *" thread "* ]]; then
    run tsan swift test --sanitize=thread --scratch-path .build-tsan --filter ThreadSafetyTests || failed=1
fi
if [[ " $which " == *" address "* ]]; then
    # WARDEN_TEST_TIME_SCALE: the hostile-input watchdog (10 s in a normal build) allows for ASan's slowdown.
    run asan env ASAN_OPTIONS=detect_leaks=0 WARDEN_TEST_TIME_SCALE=6 swift test --sanitize=address --scratch-path .build-asan \
        --skip 'DeepInputEngineTests|ParserDepthTests|EvaluatorDepthTests|AllocationCountTests|DifferentialModelTests|AnalysisPropertyTests|packedStoragesFollowOneAnotherInMemory' || failed=1
fi
exit $failed
