#!/usr/bin/env python3
"""The C API's declarations, as a committed baseline tied to the changelog.

    python3 scripts/c-api-surface.py check    # CI (scripts/ci.d/60-embedding.sh)
    python3 scripts/c-api-surface.py update   # after a deliberate change to warden.h

`Sources/WardenC/include/warden.h` is reduced to its declarations, one a line, sorted: every
function with its normalised signature, every type (opaque handles, enums, structs), every enum
constant with its value, every struct field and every `#define` constant (not the include
guard). Comments and layout do not count. `api/warden.h.txt` is the committed baseline.

`check` fails when
  - the header's declarations differ from the baseline (the diff is printed), or
  - the newest `C API fingerprint:` line in CHANGELOG.md (the first one in the file) is not the
    baseline's fingerprint: a changed baseline needs a changelog entry that says what changed.

`--header`, `--baseline` and `--changelog` name other files (scripts/c_api_surface_selftest.py).
"""
import argparse, hashlib, os, re, sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
HEADER_TEXT = ("# The declarations of the C API (Sources/WardenC/include/warden.h), by scripts/c-api-surface.py.\n"
               "# A change here needs a CHANGELOG.md entry with the new `C API fingerprint:`.\n")


def fail(msg):
    print(f"c-api-surface: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def squash(text):
    """One spelling for a declaration: single spaces, `, ` between parameters, `T *name` for pointers."""
    text = " ".join(text.split())
    text = re.sub(r"\s*([(),;\[\]{}])\s*", r"\1", text)
    text = text.replace(",", ", ")
    # `char* x`, `char *x`, `char * x` are one spelling, and so are `char **p` and `char * * p`.
    text = re.sub(r"\s*((?:\*\s*)+)", lambda m: " " + m.group(1).replace(" ", ""), text)
    text = text.replace("( *", "(*")
    return text.strip()


def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    return re.sub(r"//[^\n]*", " ", src)


def declarations(src):
    src = strip_comments(src)
    lines = set()
    body = []
    guard = None
    for line in src.splitlines():
        s = line.strip()
        if s.startswith("#"):
            m = re.match(r"#\s*ifndef\s+(\w+)", s)
            if m and guard is None:
                guard = m.group(1)
            m = re.match(r"#\s*define\s+(\w+)(.*)", s)
            if m and m.group(1) != guard:
                lines.add(f"define {m.group(1)} {squash(m.group(2))}".rstrip())
            m = re.match(r"#\s*include\s+(\S+)", s)
            if m:
                lines.add(f"include {m.group(1)}")
            continue
        body.append(line)
    text = "\n".join(body)
    # The C++ guard: `extern "C" {` ... `}`.
    text = re.sub(r'extern\s+"C"\s*\{', " ", text)
    # Split top-level statements on `;`, keeping braces together.
    stmts, cur, depth = [], [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:  # the closing brace of extern "C"
                depth = 0
                continue
        if ch == ";" and depth == 0:
            stmts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    rest = " ".join("".join(cur).split())
    if rest:
        fail(f"unterminated declaration at the end of the header: `{rest[:80]}`")
    for st in stmts:
        st = " ".join(st.split())
        if not st:
            continue
        m = re.match(r"typedef\s+(enum|struct)\s*(\w*)\s*\{(.*)\}\s*(\w+)$", st)
        if m:
            kind, _, inner, name = m.groups()
            lines.add(f"{kind} {name}")
            if kind == "enum":
                value = -1
                for item in (i.strip() for i in inner.split(",")):
                    if not item:
                        continue
                    if "=" in item:
                        n, v = (x.strip() for x in item.split("=", 1))
                        value = int(v, 0)
                    else:
                        n = item
                        value += 1
                    lines.add(f"enum {name}: {n} = {value}")
            else:
                for field in (f.strip() for f in inner.split(";")):
                    if field:
                        lines.add(f"struct {name}: {squash(field)}")
            continue
        if st.startswith("typedef"):
            lines.add(squash(st))
            continue
        lines.add(f"function {squash(st)}")
    return HEADER_TEXT + "".join(l + "\n" for l in sorted(lines))


def fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def changelog_fingerprint(path):
    if not os.path.exists(path):
        fail(f"{path} is missing")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip().startswith("C API fingerprint:"):
                return line.split(":", 1)[1].strip().strip("`")
    fail(f"{os.path.basename(path)} has no `C API fingerprint:` line")


def main():
    ap = argparse.ArgumentParser(description="The C API's declarations against api/warden.h.txt.")
    ap.add_argument("mode", nargs="?", default="check", choices=["check", "update"])
    ap.add_argument("--header", default=os.path.join(ROOT, "Sources", "WardenC", "include", "warden.h"))
    ap.add_argument("--baseline", default=os.path.join(ROOT, "api", "warden.h.txt"))
    ap.add_argument("--changelog", default=os.path.join(ROOT, "CHANGELOG.md"))
    a = ap.parse_args()
    if not os.path.exists(a.header):
        fail(f"{a.header} is missing")
    with open(a.header, encoding="utf-8") as f:
        now = declarations(f.read())
    if a.mode == "update":
        with open(a.baseline, "w", encoding="utf-8") as f:
            f.write(now)
        print(f"c-api-surface: wrote {os.path.relpath(a.baseline, ROOT)} ({now.count(chr(10)) - 2} declarations)")
        print(f"c-api-surface: add a CHANGELOG.md entry at the top saying what changed, with the line\n"
              f"C API fingerprint: {fingerprint(now)}")
        return
    if not os.path.exists(a.baseline):
        fail(f"{a.baseline} is missing (run `python3 scripts/c-api-surface.py update`)")
    with open(a.baseline, encoding="utf-8") as f:
        base = f.read()
    if base != now:
        import difflib
        sys.stderr.writelines(difflib.unified_diff(
            base.splitlines(True), now.splitlines(True), "api/warden.h.txt (baseline)", "warden.h now"))
        fail("the C API (warden.h) changed: if it is deliberate, run `python3 scripts/c-api-surface.py update` "
             "and add a CHANGELOG.md entry (with the printed `C API fingerprint:`) saying what changed")
    want = fingerprint(base)
    got = changelog_fingerprint(a.changelog)
    if got != want:
        fail(f"api/warden.h.txt (fingerprint {want}) has no CHANGELOG.md entry: the newest "
             f"`C API fingerprint:` line says {got}; add an entry at the top saying what changed, with "
             f"`C API fingerprint: {want}`")
    print(f"c-api-surface: ok ({base.count(chr(10)) - 2} declarations, fingerprint {want})")


main()
