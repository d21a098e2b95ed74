#!/usr/bin/env python3
"""CEL conformance gate: run run.py in each mode and compare the failing cases, by name, with
expected-failures.txt (in this folder).

  python3 gate.py --cmd ".build/debug/warden expr --json --cel" [--list FILE]

Fails (exit 1), listing each problem, when
  - a case fails that the list does not name for that mode,
  - a listed case passes or is no longer run (remove its line: the list only shrinks),
  - a mode runs a different number of cases than the list's `cases=N`,
  - run.py cannot run (engine not found, cases unreadable) or its report is incomplete.
Prints one summary line per mode and exits 0 otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "run.py")
CORE_SKIP = ("uint,bytes,type_values,hex_literals,triple_quoted_strings,qualified_identifiers,"
             "undefined_function,fn:dyn,fn:type,fn:bool,fn:uint,fn:bytes")
MODES = {
    "default": ["--batch"],
    "strict-errors": ["--batch", "--strict-errors"],
    "core": ["--batch", "--skip-feature", CORE_SKIP],
}
MODE_RE = re.compile(r"\Amode\s+(\S+)\s+cases=(\d+)\Z")


def read_list(path):
    """{mode: (expected case count, {name: reason})}; raises ValueError on a malformed line."""
    modes, current = {}, None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = MODE_RE.match(line)
            if m:
                if m.group(1) not in MODES:
                    raise ValueError("%s:%d: unknown mode %r (known: %s)" % (path, n, m.group(1), ", ".join(MODES)))
                if m.group(1) in modes:
                    raise ValueError("%s:%d: mode %s given twice" % (path, n, m.group(1)))
                current = m.group(1)
                modes[current] = (int(m.group(2)), {})
                continue
            if current is None:
                raise ValueError("%s:%d: a case before any `mode NAME cases=N` line" % (path, n))
            name, sep, reason = (x.strip() for x in line.partition("|"))
            if not sep or not reason or name.count("/") != 2:
                raise ValueError("%s:%d: expected `file/section/name | reason`: %s" % (path, n, line))
            if name in modes[current][1]:
                raise ValueError("%s:%d: %s listed twice" % (path, n, name))
            modes[current][1][name] = reason
    missing = [m for m in MODES if m not in modes]
    if missing:
        raise ValueError("%s: no section for mode(s) %s" % (path, ", ".join(missing)))
    return modes


def run_mode(cmd, args, cases):
    """{name: (status, reason)} for every case run.py ran (passed or failed) in this mode."""
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.jsonl")
        p = subprocess.run([sys.executable, RUN, "--cmd", cmd, "--report", report, "--max-fail-lines", "0"]
                           + (["--cases", cases] if cases else []) + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1) or not os.path.exists(report):
            raise RuntimeError("run.py exited %d: %s%s" % (p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
        out = {}
        with open(report, encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                if o["status"] == "skip":
                    continue   # cel-spec repeats a few names among the unsupported cases
                name = "%s/%s/%s" % (o["file"], o["section"], o["name"])
                if name in out:
                    raise RuntimeError("two cases are named %s; the gate needs unique names" % name)
                out[name] = (o["status"], o["reason"])
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cmd", required=True, help="engine command, e.g. '.build/debug/warden expr --json --cel'")
    ap.add_argument("--list", default=os.path.join(HERE, "expected-failures.txt"))
    ap.add_argument("--cases", help="another cases file (for testing the gate)")
    ap.add_argument("--mode", action="append", choices=sorted(MODES), help="only this mode (repeatable)")
    a = ap.parse_args(argv)
    try:
        expected = read_list(a.list)
    except (OSError, ValueError) as e:
        print("cel gate: FAILED: cannot read the expected-failures list: %s" % e, file=sys.stderr)
        return 1
    problems, summary = [], []
    for mode in a.mode or MODES:
        want_count, listed = expected[mode]
        try:
            got = run_mode(a.cmd, MODES[mode], a.cases)
        except (RuntimeError, OSError, ValueError) as e:
            problems.append("%s: %s" % (mode, e))
            continue
        ran = got
        failed = {n for n, s in ran.items() if s[0] == "fail"}
        for n in sorted(failed - set(listed)):
            problems.append("%s: new failure %s: %s" % (mode, n, ran[n][1]))
        for n in sorted(set(listed) - failed):
            state = "now passes" if n in ran else "is not run"
            problems.append("%s: %s %s; remove it from %s" % (mode, n, state, os.path.basename(a.list)))
        if len(ran) != want_count:
            problems.append("%s: ran %d cases, the list says cases=%d" % (mode, len(ran), want_count))
        summary.append("%s %d/%d (%d expected failures)" % (mode, len(ran) - len(failed), len(ran), len(listed)))
    for p in problems:
        print("cel gate: " + p)
    if problems:
        print("cel gate: FAILED (%d problem(s); expected failures are in %s)" % (len(problems), a.list))
        return 1
    print("cel gate: ok: " + ", ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
