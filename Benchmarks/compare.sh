#!/usr/bin/env bash
# Compares warden with the hand-written baselines of Benchmarks/workload in ONE run (ratios only
# mean something within one run on one machine). Usage: Benchmarks/compare.sh [DEVICES] [ROUNDS]
#   WARDEN_BENCH_WORKLOAD the workload folder (default: Benchmarks/workload in this repository)
#   WARDEN_BENCH_WORK     scratch directory (default: a fresh temporary directory)
#   SCALING=0             skip the generated 200/1,000/10,000-rule policies
#   CALLGRIND=0           skip the instruction counts of the batch and single-device loops (valgrind --tool=callgrind)
# Exits non-zero when decisions differ from the reference; timings are reported, not enforced.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
N=${1:-100000}
ROUNDS=${2:-3}
WORKLOAD=${WARDEN_BENCH_WORKLOAD:-$REPO/Benchmarks/workload}
WORK=${WARDEN_BENCH_WORK:-$(mktemp -d)}
[ -f "$WORKLOAD/cl10.warden" ] || { echo "compare.sh: no workload at $WORKLOAD (cl10.warden missing)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "compare.sh: python3 is needed (generator and reference evaluator)" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { apt-get install -y time >/dev/null 2>&1 || true; }
[ -x "$TIME" ] || { echo "compare.sh: needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

swift build -c release --product warden >/dev/null
WARDEN=$REPO/.build/release/warden
swiftc -O "$WORKLOAD/swift/bench.swift" -o "$WORK/swift-bench" 2>/dev/null
python3 "$WORKLOAD/gen_devices.py" "$N" "$WORK/devices.jsonl"
# The first 2,000 devices: few enough to stay in cache, so single-device evaluation is timed
# without one cold heap object (the Input's storage) per device.
head -n 2000 "$WORK/devices.jsonl" > "$WORK/small-devices.jsonl"
python3 "$WORKLOAD/ref_eval.py" "$WORK/devices.jsonl" "$WORK/ref.jsonl" > "$WORK/ref-summary.json"
REF_SHA=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decisions_sha256"])' "$WORK/ref-summary.json")
LUAJIT=$(command -v luajit || true)

peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }

: > "$WORK/rows"
for r in $(seq 1 "$ROUNDS"); do
  "$WARDEN" bench "$WORKLOAD/cl10.warden" --facts "$WORK/devices.jsonl" --format json > "$WORK/wb.json"
  "$WORK/swift-bench" bench "$WORK/devices.jsonl" > "$WORK/sb.json"
  "$WARDEN" bench "$WORKLOAD/cl10.warden" --facts "$WORK/small-devices.jsonl" --format json > "$WORK/wb-small.json"
  "$WORK/swift-bench" bench "$WORK/small-devices.jsonl" > "$WORK/sb-small.json"
  $TIME -v "$WARDEN" eval "$WORKLOAD/cl10.warden" --facts "$WORK/devices.jsonl" --format json > "$WORK/out.jsonl" 2> "$WORK/we.time"
  $TIME -v "$WARDEN" eval "$WORKLOAD/cl10.warden" --facts "$WORK/devices.jsonl" --format text > "$WORK/out.txt" 2> "$WORK/wt.time"
  $TIME -v "$WARDEN" eval "$WORKLOAD/cl10.warden" --facts "$WORK/devices.jsonl" --format json --jobs 2 > "$WORK/out2.jsonl" 2> "$WORK/we2.time"
  # Every configuration key in each line (the JSON output before keys were listed only when set).
  $TIME -v "$WARDEN" eval "$WORKLOAD/cl10.warden" --facts "$WORK/devices.jsonl" --format json --config full > "$WORK/outfull.jsonl" 2> "$WORK/wf.time"
  cmp -s "$WORK/out.jsonl" "$WORK/out2.jsonl" || { echo "compare.sh: eval --jobs 2 output differs from --jobs 1" >&2; exit 1; }
  $TIME -v "$WORK/swift-bench" e2e "$WORK/devices.jsonl" "$WORK/sout.jsonl" 2> "$WORK/se.time"
  LJ=nan
  if [ -n "$LUAJIT" ]; then
    LJ=$("$LUAJIT" "$WORKLOAD/lua/bench.lua" bench "$WORK/devices.jsonl" | python3 -c '
import json,sys
for l in sys.stdin:
    try: o=json.loads(l)
    except Exception: continue
    if "inline" in o.get("engine",""): print(o["ns_per_decision"])' | head -1)
  fi
  python3 - "$WORK" "$LJ" "$REF_SHA" <<'PY' >> "$WORK/rows"
import json, os, sys
work, lj, ref_sha = sys.argv[1], sys.argv[2], sys.argv[3]
wb = json.load(open(work + "/wb.json"))
sb = {o["engine"]: o["ns_per_decision"] for o in (json.loads(l) for l in open(work + "/sb.json") if l.startswith("{"))}
wbs = json.load(open(work + "/wb-small.json"))
sbs = {o["engine"]: o["ns_per_decision"] for o in (json.loads(l) for l in open(work + "/sb-small.json") if l.startswith("{"))}
def t(f):
    txt = open(f).read()
    rss = int(txt.split("Maximum resident set size (kbytes): ")[1].split()[0])
    w = txt.split("Elapsed (wall clock) time (h:mm:ss or m:ss): ")[1].split()[0].split(":")
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
    return secs, rss
def cpu(f):
    txt = open(f).read()
    return float(txt.split("User time (seconds): ")[1].split()[0]) + float(txt.split("System time (seconds): ")[1].split()[0])
we, wr = t(work + "/we.time"); wt, _ = t(work + "/wt.time"); we2, _ = t(work + "/we2.time"); se, sr = t(work + "/se.time")
wf, _ = t(work + "/wf.time")
if wb["decisions_sha256"] != ref_sha:
    sys.exit("warden bench decisions differ from the reference")
print(json.dumps({"warden_ns": wb["ns_per_decision"], "single_ns": wb["single_ns_per_decision"],
                  "single_small_ns": wbs["single_ns_per_decision"], "struct_small_ns": sbs["swift-struct"],
                  "row_ns": wb["per_device_ns_per_decision"],
                  "packed_ns": sb["swift-packed"], "struct_ns": sb["swift-struct"], "luajit_ns": float(lj),
                  "ingest_mbs": wb["ingest_mb_per_s"], "output_mbs": wb["output_mb_per_s"],
                  "ingest_cpu_mbs": wb["ingest_cpu_mb_per_s"], "output_cpu_mbs": wb["output_cpu_mb_per_s"],
                  "reader_mbs": wb["reader_mb_per_s"], "reader_cpu_mbs": wb["reader_cpu_mb_per_s"],
                  "warden_cpu_s": cpu(work + "/we.time"), "warden_text_cpu_s": cpu(work + "/wt.time"),
                  "warden_s": we, "warden_text_s": wt, "warden_j2_s": we2, "swift_s": se, "warden_kb": wr, "swift_kb": sr,
                  "in_bytes": os.path.getsize(work + "/devices.jsonl"), "out_bytes": os.path.getsize(work + "/out.jsonl"),
                  "warden_full_s": wf, "out_full_bytes": os.path.getsize(work + "/outfull.jsonl"),
                  "compile_ms": wb["compile_ms"]}))
PY
done

# Decisions of `warden eval` projected to (id, action, [fired]) must equal the reference's.
python3 - "$WORK/out.jsonl" "$WORK/ref.jsonl" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
ref = [json.loads(l) for l in open(sys.argv[2])]
proj = [{"id": d["id"], "decision": d["action"], "fired": [f["rule"] for f in d["fired"]]} for d in got]
if proj != ref:
    bad = next(i for i in range(min(len(proj), len(ref))) if proj[i] != ref[i]) if len(proj) == len(ref) else -1
    sys.exit("warden eval decisions differ from the reference (first at line %d)" % (bad + 1))
PY

python3 - "$WORK/rows" "$N" "$ROUNDS" <<'PY'
import json, math, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda k: statistics.median(r[k] for r in rows)
# A run of a few devices can take 0.00 s: a ratio over zero is shown as nan, not a crash.
div = lambda a, b: a / b if b else float("nan")
w, single, p, s, lj = med("warden_ns"), med("single_ns"), med("packed_ns"), med("struct_ns"), med("luajit_ns")
print("conditional-launch-10, %s devices, median of %s alternating rounds; decisions identical to the reference" % (sys.argv[2], sys.argv[3]))
print()
print("| measure | warden | baseline | ratio (warden / baseline) |")
print("| --- | ---: | ---: | ---: |")
print("| batch, columnar (Program.actions(DeviceBatch), facts converted at load), ns/decision | %.1f | %.1f (swift-packed, converted at load) | %.2fx |" % (w, p, div(w, p)))
print("| batch, device by device (evaluate(batch, at:)), ns/decision | %.1f | %.1f (swift-packed) | %.2fx |" % (med("row_ns"), p, div(med("row_ns"), p)))
print("| single device (evaluate(Input)), ns/decision | %.1f | %.1f (swift-struct, strings kept) | %.2fx |" % (single, s, div(single, s)))
print("| single device, first 2,000 devices (in cache), ns/decision | %.1f | %.1f (swift-struct, same devices) | %.2fx |" % (
    med("single_small_ns"), med("struct_small_ns"), div(med("single_small_ns"), med("struct_small_ns"))))
if not math.isnan(lj):
    print("| batch, columnar vs LuaJIT (one hand-written function), ns/decision | %.1f | %.1f (luajit) | %.2fx |" % (w, lj, div(w, lj)))
else:
    print("| batch, columnar vs LuaJIT | %.1f | (luajit not installed) | |" % w)
print("| streaming reader (read + convert JSON Lines, as eval does), MB/s wall (MB/s of CPU time) | %.0f (%.0f) | | |" % (med("reader_mbs"), med("reader_cpu_mbs")))
print("| ingest into a batch (read + convert + keep every device), MB/s wall (CPU) | %.0f (%.0f) | | |" % (med("ingest_mbs"), med("ingest_cpu_mbs")))
print("| output (JSON lines into memory), MB/s wall (CPU) | %.0f (%.0f) | | |" % (med("output_mbs"), med("output_cpu_mbs")))
print("| whole process, eval --format json, s (input MB/s, output MB/s) | %.2f (%.0f, %.0f) | %.2f (swift e2e) | %.2fx |" % (
    med("warden_s"), div(med("in_bytes") / 1e6, med("warden_s")), div(med("out_bytes") / 1e6, med("warden_s")), med("swift_s"), div(med("warden_s"), med("swift_s"))))
print("| whole process, eval --format json --config full (every key), s (output MB) | %.2f (%.1f) | %.2f (%.1f MB, keys set only) | %.2fx |" % (
    med("warden_full_s"), med("out_full_bytes") / 1e6, med("warden_s"), med("out_bytes") / 1e6, div(med("warden_full_s"), med("warden_s"))))
print("| whole process, eval --format text, s (input MB/s) | %.2f (%.0f) | | |" % (med("warden_text_s"), div(med("in_bytes") / 1e6, med("warden_text_s"))))
print("| whole process CPU time (user + sys), eval --format json / text, s | %.2f / %.2f | | |" % (med("warden_cpu_s"), med("warden_text_cpu_s")))
print("| whole process, eval --format json --jobs 2, s | %.2f | %.2f (--jobs 1) | %.2fx speed-up |" % (med("warden_j2_s"), med("warden_s"), div(med("warden_s"), med("warden_j2_s"))))
print("| peak memory (eval --format json), MiB | %.1f | %.1f (swift e2e) | |" % (med("warden_kb") / 1024, med("swift_kb") / 1024))
print("| compile cl10.warden, ms | %.3f | | |" % med("compile_ms"))
PY

# Instruction counts of the batch loop (repeatable where seconds are not): callgrind counts only
# inside BenchCommand.pass (warm-up + one sample = 2 passes over the devices).
if [ "${CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
  CG_N=${CG_DEVICES:-2000}
  head -n "$CG_N" "$WORK/devices.jsonl" > "$WORK/cg-devices.jsonl"
  IR=$(Benchmarks/callgrind-batch.sh "$WARDEN" "$WORKLOAD/cl10.warden" "$WORK/cg-devices.jsonl" "$WORK")
  echo
  python3 -c 'import sys; ir, n = int(sys.argv[1]), int(sys.argv[2]); print("batch loop, callgrind: %d instructions for 2 passes over %d devices = %.1f instructions/decision" % (ir, n, ir / (2 * n)))' "$IR" "$CG_N"
  IR=$(Benchmarks/callgrind-single.sh "$WARDEN" "$WORKLOAD/cl10.warden" "$WORK/cg-devices.jsonl" "$WORK")
  python3 -c 'import sys; ir, n = int(sys.argv[1]), int(sys.argv[2]); print("single device, callgrind: %d instructions for 2 passes over %d devices = %.1f instructions/decision" % (ir, n, ir / (2 * n)))' "$IR" "$CG_N"
fi

if [ "${SCALING:-1}" != 0 ]; then
  echo
  echo "| generated policy | compile ms | ns/decision | ns/rule |"
  echo "| ---: | ---: | ---: | ---: |"
  python3 "$REPO/Benchmarks/gen_policy.py" devices 2000 "$WORK/gen-devices.jsonl"
  for n in 200 1000 10000; do
    python3 "$REPO/Benchmarks/gen_policy.py" policy "$n" "$WORK/gen-$n.warden"
    "$WARDEN" bench "$WORK/gen-$n.warden" --facts "$WORK/gen-devices.jsonl" --format json --samples 3 --min-sample-ms 50 \
      | python3 -c 'import json,sys; o=json.load(sys.stdin); n=int(sys.argv[1]); print("| %d rules | %.1f | %.0f | %.1f |" % (n, o["compile_ms"], o["ns_per_decision"], o["ns_per_decision"]/n))' "$n"
  done
fi

# The rule index (RuleIndex.swift): the sparse and dense families of Benchmarks/gen_scaling.py.
# Instructions per decision from callgrind over the first CG_SCALING_DEVICES devices (repeatable).
if [ "${SCALING:-1}" != 0 ]; then
  echo
  echo "| family | rules | compile ms | ns/decision | fired rules/device | ns per fired rule | instructions/decision |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  python3 "$REPO/Benchmarks/gen_scaling.py" devices 2000 "$WORK/scaling-devices.jsonl"
  CG_S=${CG_SCALING_DEVICES:-100}
  head -n "$CG_S" "$WORK/scaling-devices.jsonl" > "$WORK/scaling-cg-devices.jsonl"
  for family in sparse dense; do
    for n in 1000 10000; do
      P="$WORK/$family-$n.warden"
      python3 "$REPO/Benchmarks/gen_scaling.py" "$family" "$n" "$P"
      "$WARDEN" bench "$P" --facts "$WORK/scaling-devices.jsonl" --format json --samples 3 --min-sample-ms 50 > "$WORK/scaling-bench.json"
      "$WARDEN" eval "$P" --facts "$WORK/scaling-devices.jsonl" --format json > "$WORK/scaling-out.jsonl" 2> "$WORK/scaling-eval.err" || true
      IRS=nan
      if [ "${CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
        IRS=$(Benchmarks/callgrind-batch.sh "$WARDEN" "$P" "$WORK/scaling-cg-devices.jsonl" "$WORK")
      fi
      python3 - "$family" "$n" "$WORK/scaling-bench.json" "$WORK/scaling-out.jsonl" "$IRS" "$CG_S" <<'PY'
import json, sys
family, n, bench, out, irs, cg = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
o = json.load(open(bench))
lines = [json.loads(l) for l in open(out)]
fired = sum(len(d.get("fired", [])) for d in lines) / max(1, len(lines))
ns = o["ns_per_decision"]
ir = "%.0f" % (float(irs) / (2 * cg)) if irs != "nan" else "-"
print("| %s | %d | %.1f | %.0f | %.2f | %.0f | %s |" % (family, n, o["compile_ms"], ns, fired, ns / max(fired, 1e-9), ir))
PY
    done
  done
fi
