#!/usr/bin/env python3
"""Self-test of scripts/check_no_traps.py on small Swift fixtures: a finding with no entry, a new
instance beyond an entry's count, and a stale entry all fail; unsafe pointer reads are found and
named by their enclosing function; comments and strings are ignored. Prints "selftest OK"."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHECK = os.path.join(HERE, "check_no_traps.py")

SWIFT = '''
struct Reader {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    // b[i] in a comment, x! in a comment
    mutating func next() -> UInt8? {
        guard i < b.count else { return nil }
        let c = b[i]
        i += 1
        return c
    }
    func text() -> String { "b[0] and y! in a string \\(i)" }
    var first: UInt8 { b[0] }
}

func sum(_ a: [Int]) -> Int {
    a.withUnsafeBufferPointer { p in
        var s = 0
        for k in 0..<p.count { s &+= p[k] }
        return s + a[0]
    }
}
'''

problems = []


def run(swift, allow, *extra):
    with tempfile.TemporaryDirectory(dir=ROOT) as d:
        path = os.path.join(d, "Fixture.swift")
        with open(path, "w") as f:
            f.write(swift)
        rel = os.path.relpath(path, ROOT)
        allow_path = os.path.join(d, "allow.txt")
        with open(allow_path, "w") as f:
            f.write(allow.replace("FILE", rel))
        p = subprocess.run([sys.executable, CHECK, "--allow", allow_path, *extra, d],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return p.returncode, p.stdout.replace(rel, "FILE")


def expect(name, cond, out):
    if not cond:
        problems.append("%s:\n%s" % (name, out))


FULL = """FILE | Reader.next | let c = b[i] | 1 | guarded by i < b.count
FILE | Reader.first | b[0] | 2 | fixture: not really bounded (index + unsafe-subscript)
FILE | sum | p[k] | 1 | loop over p.count
FILE | sum | a[0] | 1 | fixture
"""

rc, out = run(SWIFT, "", "--list")
expect("list names functions and rules", rc == 0
       and "FILE:8: Reader.next: unsafe-subscript: let c = b[i]" in out
       and "FILE:13: Reader.first: index: var first: UInt8 { b[0] }" in out
       and "FILE:13: Reader.first: unsafe-subscript" in out
       and "FILE:19: sum: unsafe-subscript: for k in 0..<p.count { s &+= p[k] }" in out
       and "FILE:20: sum: index: return s + a[0]" in out
       and "Reader.text" not in out and ":5:" not in out, out)
rc, out = run(SWIFT, FULL)
expect("a complete list passes", rc == 0 and "check-no-traps: ok (5 spots in 4 entries" in out, out)
rc, out = run(SWIFT, FULL.replace("FILE | sum | a[0] | 1 | fixture\n", ""))
expect("a finding without an entry fails", rc == 1 and "FILE:20: sum: index: return s + a[0]" in out, out)
rc, out = run(SWIFT.replace("return c\n", "return c &+ b[i]\n"), FULL.replace("let c = b[i] | 1", "b[i] | 1"))
expect("a new instance beyond the count fails", rc == 1 and "2 instances, the entry allows 1" in out, out)
rc, out = run(SWIFT, FULL.replace("| sum | p[k] | 1 |", "| sum | p[k] | 2 |"))
expect("a stale count fails", rc == 1 and "stale entry" in out, out)
rc, out = run(SWIFT, FULL.replace("| Reader.next |", "| Reader.other |"))
expect("an entry for another function does not match", rc == 1 and "FILE:8: Reader.next" in out, out)
rc, out = run(SWIFT, FULL.replace("FILE | sum | a[0] | 1 | fixture\n", ""), "--suggest")
expect("--suggest prints the missing entry", rc == 0 and "FILE | sum | return s + a[0] | 1 | TODO (index)" in out, out)
rc, out = run(SWIFT, "FILE | sum | p[k] | one | no count\n")
expect("a malformed entry is an error", rc == 2, out)

if problems:
    print("check_no_traps selftest FAILED:\n" + "\n".join(problems))
    sys.exit(1)
print("selftest OK")
