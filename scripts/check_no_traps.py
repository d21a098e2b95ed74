#!/usr/bin/env python3
"""Finds code in Sources/Warden and Sources/WardenTools (or DIRs) that can trap, or read out of bounds, on user data.

Rules (comments and string literals are ignored; each occurrence counts once):

  force-unwrap     postfix `!` (`x!`, `f()!`, `a[i]!`, `.baseAddress!`), `try!`, `as!`
  trap-call        fatalError, precondition, preconditionFailure, assertionFailure, unsafelyUnwrapped
  float-to-int     `Int(...)`/`Int64(...)`/... of a floating-point expression (traps on NaN, inf, range)
  conversion       an unlabelled integer conversion in the evaluation layer (core Types/, Regex/,
                   Checker/, Interpreter/, FastPath/, Engine/; tools REPL/, Testing/, Streams/, CEL/,
                   Text/DecisionText.swift) outside Interpreter/Arithmetic.swift, the checked arithmetic layer
  raw-arithmetic   `+ - *` (and `+= -= *=`) on a line handling Int64/UInt64 values in the evaluation
                   layer outside Arithmetic.swift (one per line)
  index            subscripts that are easy to get wrong: `a[0]`, `a[i + 1]`, `a[n - 1]`
  unsafe-subscript a subscript of an Unsafe*Pointer or Unsafe*BufferPointer (a name declared with
                   such a type, a closure parameter of withUnsafe...{ p in }, a `.baseAddress`, or
                   `$0` inside a withUnsafe... closure). Buffer pointers check bounds only in debug
                   builds; plain pointers never do.
                   (also `x.name[...]` for a property `name` of such a type in the same file)
  unsafe-offset    pointer arithmetic on such a pointer (`p + n`, `p - n`) and raw `load...(...)`

Every finding needs an entry in scripts/no-traps-allowlist.txt:

  PATH | FUNCTION | FRAGMENT | COUNT | REASON

FUNCTION is the enclosing declaration as this script names it (`Type.method`, `Type.init`,
`Type.subscript`, `Type.property`, `Outer.method.nested`; `<file>` at top level). A finding matches
the first entry of its file and function whose FRAGMENT is a substring of its source line. The check
fails when a finding matches no entry, when an entry matches more findings than COUNT (a new
instance) and when it matches fewer (a stale entry: lower the count or delete it).

  scripts/check-no-traps.sh [DIR]             check (exit 0 with one summary line, else 1)
  scripts/check-no-traps.sh --suggest [DIR]   print entries for the findings not covered and
                                              corrected counts for the others (reasons to fill in)
  scripts/check-no-traps.sh --list [DIR]      print every finding with its function and rule
  --allow FILE                                another allow-list (the self-test uses it)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOW = os.path.join("scripts", "no-traps-allowlist.txt")

# --------------------------------------------------------------------------------------------------
# Lexing: per line, the code with comments removed and every string literal replaced by "".
# --------------------------------------------------------------------------------------------------


STRING_START = re.compile(r'(#*)("""|")')


def code_lines(text):
    """Yields the code of each line. Handles nested block comments, "..." / #"..."# / \"\"\" strings
    and string interpolation (its contents are dropped with the string)."""
    out = []
    cur = []
    # stack of contexts: ("code",), ("str", hashes, multi), ("interp", depth), ("block", depth)
    stack = [("code",)]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        top = stack[-1]
        if c == "\n":
            if top[0] == "str" and not top[2]:
                stack.pop()   # an unterminated single-line string ends at the line
                cur.append('""')
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        kind = top[0]
        emit = len(stack) == 1
        if kind == "block":
            if text.startswith("*/", i):
                stack.pop()
                i += 2
            elif text.startswith("/*", i):
                stack.append(("block",))
                i += 2
            else:
                i += 1
            continue
        if kind == "str":
            hashes, multi = top[1], top[2]
            if c == "\\" and text.startswith("#" * hashes, i + 1):
                j = i + 1 + hashes
                if j < n and text[j] == "(":
                    stack.append(("interp", 1))
                    i = j + 1
                elif j < n and text[j] == "\n":
                    i = j   # a line continuation in a multi-line string: keep the newline
                else:
                    i = j + 1   # an escape: skip the escaped character
                continue
            close = ('"""' if multi else '"') + "#" * hashes
            if text.startswith(close, i):
                stack.pop()
                if len(stack) == 1:
                    cur.append('""')
                i += len(close)
                continue
            i += 1
            continue
        # code or interpolation
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            stack.append(("block",))
            i += 2
            continue
        m = STRING_START.match(text, i) if c in '#"' else None
        if m:
            hashes = len(m.group(1))
            stack.append(("str", hashes, m.group(2) == '"""'))
            i = m.end()
            continue
        if kind == "interp":
            if c == "(":
                stack[-1] = ("interp", top[1] + 1)
            elif c == ")":
                if top[1] == 1:
                    stack.pop()
                    i += 1
                    continue
                stack[-1] = ("interp", top[1] - 1)
            i += 1
            continue
        if emit:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


# --------------------------------------------------------------------------------------------------
# Scopes: the enclosing declaration of every character.
# --------------------------------------------------------------------------------------------------

DECL = re.compile(r"(?<![\w.$])(func|init|deinit|subscript|var|let|struct|class|enum|extension|protocol|actor)\b[?!]?")
TYPE_KW = {"struct", "class", "enum", "extension", "protocol", "actor"}


def scope_name(header, parent_kind):
    """(name, kind) for a `{` preceded by `header`, or (None, parent_kind) for an anonymous block."""
    matches = list(DECL.finditer(header))
    for m in reversed(matches):
        kw = m.group(1)
        rest = header[m.end():]
        if kw in TYPE_KW:
            t = re.match(r"\s+([\w.]+)", rest)
            return (t.group(1) if t else kw), "type"
        if kw == "func":
            f = re.match(r"\s+([^\s(<]+)", rest)
            return (f.group(1) if f else "func"), "body"
        if parent_kind == "body":
            continue   # inside a body only nested funcs and types are named
        if kw in ("init", "deinit", "subscript"):
            return kw, "body"
        v = re.match(r"\s+(\w+)", rest)
        return (v.group(1) if v else kw), "body"
    return None, parent_kind


def scopes(lines):
    """For each line, a list (one per character) of the enclosing declaration path."""
    stack = []   # (name or None, kind)
    header = []
    result = []

    def path():
        names = [s[0] for s in stack if s[0]]
        return ".".join(names) if names else "<file>"

    cur_path = path()
    for line in lines:
        per = []
        for ch in line:
            per.append(cur_path)
            if ch == "{":
                parent_kind = stack[-1][1] if stack else "type"
                name, kind = scope_name("".join(header), parent_kind)
                stack.append((name, kind))
                header = []
                cur_path = path()
            elif ch == "}":
                if stack:
                    stack.pop()
                header = []
                cur_path = path()
            elif ch == ";":
                header = []
            else:
                header.append(ch)
        header.append(" ")
        result.append(per)
    return result


# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------

LABEL = r"(?:exactly|truncatingIfNeeded|clamping|bitPattern|ascii|littleEndian|bigEndian|radix|_)\s*:"
CONV = re.compile(r"\b(U?Int(?:8|16|32|64)?)\((?!\s*" + LABEL + r")(.*)")
FLOATY = re.compile(r"\b(Double|Float|rounded|floor|ceil|trunc|sqrt|pow)\b")
PTR_TYPE = r"Unsafe(?:Mutable)?(?:Raw)?(Buffer)?Pointer\b"


def pointer_names(lines, where):
    """{(scope path, name)} of names bound to unsafe pointers or buffers, and the `$0` lines."""
    names = set()
    for k, line in enumerate(lines):
        at = where[k]

        def add(m, g=1):
            scope = at[m.start()] if m.start() < len(at) else (at[-1] if at else "<file>")
            names.add((scope, m.group(g)))
        for m in re.finditer(r"(\w+)\s*:\s*(?:inout\s+)?" + PTR_TYPE, line):
            add(m)
        for m in re.finditer(r"(?:let|var)\s+(\w+)\s*(?::[^=]*)?=\s*" + PTR_TYPE, line):
            add(m)
        for m in re.finditer(r"(\w+)\s*=\s*[\w.$]+\.baseAddress\b", line):
            add(m)
        for m in re.finditer(r"withUnsafe\w*\b[^{]*\{\s*(\w+)\s*(?:,\s*(\w+)\s*)?in\b", line):
            add(m, 1)
            if m.group(2):
                add(m, 2)
    # `let row = rowBase + ...`: derived pointers (one round is enough for the code we have)
    for k, line in enumerate(lines):
        at = where[k]
        for m in re.finditer(r"(?:let|var)\s+(\w+)\s*=\s*(\w+)\s*[-+]", line):
            scope = at[m.start()] if at else "<file>"
            if visible(names, scope, m.group(2)):
                names.add((scope, m.group(1)))
    return names


def visible(names, scope, name):
    parts = scope.split(".")
    for i in range(len(parts), -1, -1):
        if (".".join(parts[:i]) or "<file>", name) in names:
            return True
    return ("<file>", name) in names


def findings_of(path, text):
    lines = code_lines(text)
    raw = text.split("\n")
    where = scopes(lines)
    eval_layer = bool(
        re.search(r"Sources/Warden/(Types|Regex|Checker|Interpreter|FastPath|Engine)/", path)
        or re.search(r"Sources/WardenTools/(REPL|Testing|Streams|CEL)/", path)
        or path.endswith("/Text/DecisionText.swift")
    ) and not path.endswith("/Interpreter/Arithmetic.swift")
    wide = set()
    if eval_layer:
        for line in lines:
            wide.update(re.findall(r"\.u?int\(let (\w+)\)", line))
            wide.update(re.findall(r"\b(\w+)\s*:\s*U?Int64\b", line))
    wide_re = "|".join(re.escape(w) for w in sorted(wide)) if wide else "(?!)"
    ptrs = pointer_names(lines, where)
    # properties of an unsafe pointer type, read as `x.name[...]`
    members = {m.group(1) for line in lines for m in re.finditer(r"(?:let|var)\s+(\w+)\s*:\s*" + PTR_TYPE, line)}
    out = []
    for k, code in enumerate(lines):
        at = where[k]

        def hit(rule, pos):
            scope = at[pos] if pos < len(at) else (at[-1] if at else "<file>")
            out.append((path, k + 1, scope, rule, raw[k] if k < len(raw) else ""))
        for m in re.finditer(r"[\w\)\]\}]!(?!=)", code):
            hit("force-unwrap", m.start())
        for m in re.finditer(r"\b(fatalError|preconditionFailure|precondition|assertionFailure|unsafelyUnwrapped)\b", code):
            hit("trap-call", m.start())
        for m in CONV.finditer(code):
            arg = m.group(2)
            if FLOATY.search(arg):
                hit("float-to-int", m.start())
            elif eval_layer and not re.match(r"\s*\)", arg):
                hit("conversion", m.start())
        if eval_layer:
            c = re.sub(r"&[-+*]=?", "  ", code).replace("->", "  ")
            arith = r"\s[-+*]=?\s"
            if ((re.search(r"\b(U?Int64)\b|\.u?int\(", c) and re.search(r"[\w\)\]]" + arith + r"[\w\(\.]", c))
                    or re.search(r"(?<![\w.])(?:" + wide_re + r")\b" + arith, c)
                    or re.search(arith + r"(?:" + wide_re + r")\b(?!\s*[:(])", c)):
                hit("raw-arithmetic", 0)
        seen = set()
        for m in re.finditer(r"\w\[0\]", code):
            seen.add(m.start())
        for m in re.finditer(r"\w\[[^\[\]]*\s[-+]\s*[\w.]+\]", code):
            seen.add(m.start())
        for pos in sorted(seen):
            hit("index", pos)
        # unsafe pointers
        for m in re.finditer(r"(?<![\w.])(\w+)\s*\[", code):
            scope = at[m.start()] if m.start() < len(at) else "<file>"
            if visible(ptrs, scope, m.group(1)):
                hit("unsafe-subscript", m.start())
        for m in re.finditer(r"\.baseAddress\s*!?\s*\[", code):
            hit("unsafe-subscript", m.start())
        if "withUnsafe" in code:
            for m in re.finditer(r"\$0\s*\[", code):
                hit("unsafe-subscript", m.start())
            for m in re.finditer(r"\$0\s*[-+]\s*[\w(]", code):
                hit("unsafe-offset", m.start())
        for m in re.finditer(r"(?<![\w.])(\w+)\s+[-+]\s+[\w(]", code):
            scope = at[m.start()] if m.start() < len(at) else "<file>"
            if visible(ptrs, scope, m.group(1)) and not re.search(r"\.count\s*$", code[:m.end(1)]):
                # `p.count - 1` etc. are not pointer arithmetic: only the bare name is
                hit("unsafe-offset", m.start())
        for m in re.finditer(r"\.(\w+)\s*\[", code):
            if m.group(1) in members:
                hit("unsafe-subscript", m.start())
        for m in re.finditer(r"\.load\w*\s*\(", code):
            hit("unsafe-offset", m.start())
    return out


# --------------------------------------------------------------------------------------------------
# Allow-list
# --------------------------------------------------------------------------------------------------


def read_allow(path):
    entries, errors = [], []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        return [], ["cannot read %s: %s" % (path, e)]
    with f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            p = [x.strip() for x in line.split(" | ")]
            k = next((i for i in range(3, len(p)) if re.fullmatch(r"\d+", p[i])), None)
            if len(p) < 5 or k is None or k + 1 >= len(p) or not " | ".join(p[k + 1:]).strip() or not p[2]:
                errors.append("%s:%d: expected `PATH | FUNCTION | FRAGMENT | COUNT | REASON`: %s" % (path, n, line))
                continue
            entries.append({"path": p[0], "func": p[1], "frag": " | ".join(p[2:k]), "count": int(p[k]),
                            "reason": " | ".join(p[k + 1:]), "line": n, "hits": []})
    return entries, errors


def main(argv):
    mode = "check"
    args = []
    allow = os.path.join(ROOT, ALLOW)
    it = iter(argv)
    for a in it:
        if a in ("--suggest", "--list"):
            mode = a[2:]
        elif a == "--allow":
            allow = os.path.abspath(next(it, ""))
        else:
            args.append(os.path.abspath(a))
    os.chdir(ROOT)
    if args:
        args = [os.path.relpath(a) for a in args]
    tops = args if args else ["Sources/Warden", "Sources/WardenTools", "Sources/WardenC"]
    files = []
    for top in tops:
        for d, _, fs in os.walk(top):
            files += [os.path.join(d, f) for f in fs if f.endswith(".swift")]
    findings = []
    for f in sorted(files):
        with open(f, encoding="utf-8") as fh:
            findings += findings_of(f, fh.read())
    if mode == "list":
        for path, line, func, rule, text in findings:
            print("%s:%d: %s: %s: %s" % (path, line, func, rule, text.strip()))
        return 0
    entries, errors = read_allow(allow)
    allow = os.path.relpath(allow)
    if errors:
        for e in errors:
            print("check-no-traps: " + e, file=sys.stderr)
        return 2
    by_key = {}
    for e in entries:
        by_key.setdefault((e["path"], e["func"]), []).append(e)
    unlisted = []
    for fd in findings:
        path, line, func, rule, text = fd
        e = next((e for e in by_key.get((path, func), []) if e["frag"] in text), None)
        if e is None:
            unlisted.append(fd)
        else:
            e["hits"].append(fd)
    over = [e for e in entries if len(e["hits"]) > e["count"]]
    under = [e for e in entries if len(e["hits"]) < e["count"]]

    if mode == "suggest":
        for e in over + under:
            print("%s | %s | %s | %d | %s" % (e["path"], e["func"], e["frag"], len(e["hits"]), e["reason"]))
        groups = {}
        for path, line, func, rule, text in unlisted:
            frag = text.strip()
            key = (path, func, frag)
            groups.setdefault(key, []).append(rule)
        for (path, func, frag), rules in groups.items():
            print("%s | %s | %s | %d | TODO (%s): why it cannot trap or read out of bounds"
                  % (path, func, frag, len(rules), ", ".join(sorted(set(rules)))))
        return 0

    bad = False
    for path, line, func, rule, text in unlisted:
        print("%s:%d: %s: %s: %s" % (path, line, func, rule, text.strip()))
        bad = True
    for e in over:
        bad = True
        print("%s:%d: `%s` in %s: %d instances, the entry allows %d (a new one?):"
              % (allow, e["line"], e["frag"], e["func"], len(e["hits"]), e["count"]))
        for path, line, func, rule, text in e["hits"]:
            print("    %s:%d: %s: %s" % (path, line, rule, text.strip()))
    for e in under:
        bad = True
        print("%s:%d: stale entry: `%s` in %s %s matches %d instance(s), the entry says %d (lower the count or remove it)"
              % (allow, e["line"], e["frag"], e["path"], e["func"], len(e["hits"]), e["count"]))
    if bad:
        print("check-no-traps: FAILED: %d finding(s) not in %s, %d entr(ies) with too many, %d stale. "
              "Fix the code, or add/adjust `PATH | FUNCTION | FRAGMENT | COUNT | REASON` "
              "(scripts/check-no-traps.sh --suggest prints them)." % (len(unlisted), allow, len(over), len(under)))
        return 1
    print("check-no-traps: ok (%d spots in %d entries, all justified in %s)" % (len(findings), len(entries), allow))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
