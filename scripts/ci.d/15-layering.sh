#!/usr/bin/env bash
# CI: the core's layering. Fails when
#   - a file under Sources/Warden imports anything (the core imports nothing, not even Foundation,
#     and never the tools module WardenTools), or
#   - a file of a core folder references a type declared in a folder of a later stage: the stages
#     follow the data flow (the syntax knows no types or checker, the interpreter runs on the
#     checked program and knows nothing of the compiled path or the engine), or
#   - the core declares a public top-level type that is not in its listed public surface (PUBLIC),
#     or more than MAX_PUBLIC of them (the parts of a type are nested in it: `Decision.FiredRule`), or
#   - the DocC landing page (Warden.docc/Warden.md) does not list a public type of
#     api/Warden.public.txt (top-level or nested one level), or
#   - the README's Swift, a DocC article, samples/embed-swift or a test written as a host uses a
#     type's old top-level name, which the package keeps as a `package typealias` a host cannot
#     see (those texts compile inside the package, where the alias would hide the mistake), or
#   - the core target gets a dependency in Package.swift.
# The type names are read from the declarations in each folder, so the check stays current; a new
# core folder must be given a stage below.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 - "$@" <<'PY'
import os, re, sys

ROOT = "Sources/Warden"
# Stage of each core folder, in data-flow order. Folders of one stage may use each other.
STAGE = {
    "Syntax": 1, "Diagnostics": 1,  # source, tokens, AST, parser; diagnostics point into the source
    "Types": 2,                      # Value, WardenType, Action, Version, Day, EvalError
    "Regex": 2,                      # the regex engine (the checker validates patterns with it)
    "JSON": 3,                       # strict JSON parser and writer, typed-value JSON
    "Schema": 4,                     # facts and keys
    "Checker": 5,                    # AST -> checked policy
    "Interpreter": 6,                # reference evaluator over the checked policy
    "FastPath": 7,                   # the compiled path over typed fact slots (Compiler, CompiledPolicy, FastFacts)
    "Engine": 8,                     # Engine, Program, Input, Decision, DeviceBatch: the host API
}
# Names of a later stage a folder uses deliberately:
SHARED = {
    # The parser reads the action keywords (`allow`, `warn`, ...) straight into the host's `Action`.
    "Syntax": {"Action"},
    # `Limits.maxComprehensionNesting` is one fixed bound that the checker enforces and the
    # evaluator re-checks; it is documented on the host's `Limits`.
    "Checker": {"Limits"},
    "Interpreter": {"Limits"},
    # The compiled path reads the host's `Input` storage in place and fills its `Decision`.
    "FastPath": {"Input", "Decision"},
}

# The core's public top-level types: what a host sees. Their parts are nested in them
# (`Decision.FiredRule`, `Schema.Error`, `Diagnostic.Code`, `SourceFile.Span`, `Value.Error`, ...);
# everything else is `package` (the tools and the CLI use it) or internal. A new public top-level
# type needs a deliberate entry here (and a `///` comment and a place in the DocC landing page's
# Topics), and the count may not grow past MAX_PUBLIC (issue 12: "no more than about 15").
PUBLIC = {
    "Engine", "Program", "Input", "Value", "Limits", "HostFunction", "CompileError", "Action",
    "Decision", "Schema", "Diagnostic", "SourceFile",
    "DeviceBatch",                                        # fleet evaluation (README)
    "WardenType", "EnumType",                             # fact types (Types.swift)
}
MAX_PUBLIC = 15

DECL = re.compile(
    r"^(?:(?:public|package|internal|fileprivate|private|final|indirect)\s+)*"
    r"(?:struct|enum|class|protocol|typealias|actor)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
IMPORT = re.compile(r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*import\s+(?:[a-z]+\s+)?([A-Za-z_][A-Za-z0-9_.]*)", re.M)


def strip(s):
    """Source without comments and string literal contents."""
    s = re.sub(r'"""[\s\S]*?"""', '""', s)
    s = re.sub(r"/\*[\s\S]*?\*/", "", s)
    s = re.sub(r"//[^\n]*", "", s)
    s = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', s)
    return s


failures = []
files = {}
for dirpath, _, names in os.walk(ROOT):
    for n in sorted(names):
        if n.endswith(".swift"):
            p = os.path.join(dirpath, n)
            with open(p, encoding="utf-8") as f:
                files[p] = strip(f.read())


def folder(p):
    rel = os.path.relpath(p, ROOT).split(os.sep)
    return rel[0] if len(rel) > 1 else ""


owner = {}
for p, text in files.items():
    f = folder(p)
    if f not in STAGE:
        failures.append(f"{p}: the core folder `{f or '.'}` has no stage in scripts/ci.d/15-layering.sh")
        continue
    for name in DECL.findall(text):
        owner[name] = f

for p, text in sorted(files.items()):
    for m in IMPORT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        failures.append(f"{p}:{line}: the core imports nothing (found `import {m.group(1)}`)")
    if re.search(r"\bWardenTools\b", text):
        failures.append(f"{p}: the core must not use the tools module WardenTools")
    f = folder(p)
    if f not in STAGE:
        continue
    for m in re.finditer(r"\b[A-Z][A-Za-z0-9_]*\b", text):
        name = m.group(0)
        g = owner.get(name)
        if g is None or STAGE[g] <= STAGE[f] or name in SHARED.get(f, set()):
            continue
        line = text.count("\n", 0, m.start()) + 1
        failures.append(f"{p}:{line}: `{name}` is declared in {g}/, a later stage than {f}/")

PUBLIC_DECL = re.compile(r"^public\s+(?:(?:final|indirect)\s+)*(?:struct|enum|class|protocol|typealias|actor)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
public = set()
for p, text in sorted(files.items()):
    for m in PUBLIC_DECL.finditer(text):
        public.add(m.group(1))
        if m.group(1) not in PUBLIC:
            line = text.count("\n", 0, m.start()) + 1
            failures.append(f"{p}:{line}: `{m.group(1)}` is public but not in the core's public surface (PUBLIC)")
for name in sorted(PUBLIC - public):
    failures.append(f"scripts/ci.d/15-layering.sh: `{name}` is listed in PUBLIC but not declared public")

if len(public) > MAX_PUBLIC:
    failures.append(f"the core declares {len(public)} public top-level types, more than {MAX_PUBLIC}: "
                    "nest the new one in the type it belongs to")

# A nested public type keeps its old top-level name as a `package typealias` for the package's own
# code; the host cannot see it. The README's Swift, the DocC articles, the samples' Swift and the
# tests written as a host (plain `import Warden`) compile inside the package, where the alias is
# visible, so they are checked here to spell the public (nested) name.
ALIAS = re.compile(r"^package\s+typealias\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_.]*)", re.M)
aliases = {}
for p, text in files.items():
    for m in ALIAS.finditer(text):
        if m.group(2).split(".")[0] in PUBLIC:
            aliases[m.group(1)] = m.group(2)
host_texts = []
def swift_blocks(text):
    return "\n".join(re.findall(r"^```swift\n([\s\S]*?)^```", text, re.M))
with open("README.md", encoding="utf-8") as f:
    host_texts.append(("README.md", swift_blocks(f.read())))
docc = os.path.join(ROOT, "Warden.docc")
for n in sorted(os.listdir(docc)):
    if n.endswith(".md"):
        with open(os.path.join(docc, n), encoding="utf-8") as f:
            text = f.read()
        # Swift blocks and symbol links (``Decision/FiredRule``).
        host_texts.append((os.path.join(docc, n), swift_blocks(text) + "\n" + "\n".join(re.findall(r"``([^`]+)``", text))))
for base in ("samples/embed-swift/Sources", "Tests/WardenTests"):
    for dirpath, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != ".build"]
        for n in sorted(names):
            if not n.endswith(".swift"):
                continue
            with open(os.path.join(dirpath, n), encoding="utf-8") as f:
                text = f.read()
            # In the tests, only the files that import the core as a host does.
            if base.startswith("Tests") and (not re.search(r"^import Warden$", text, re.M) or "@testable" in text):
                continue
            host_texts.append((os.path.join(dirpath, n), text))
old_name = re.compile(r"(?<![.\w/])(" + "|".join(sorted(aliases)) + r")\b") if aliases else None
for p, text in host_texts:
    for m in (old_name.finditer(strip(text) if p.endswith(".swift") else text) if old_name else []):
        failures.append(f"{p}: `{m.group(1)}` is a package-only name; a host writes `{aliases[m.group(1)]}`")

# The DocC landing page lists every public type (top-level, and nested one level: `Decision.FiredRule`
# as ``Decision/FiredRule``), read from the pinned public API (api/Warden.public.txt).
TYPE_DECL = re.compile(r"^(?:indirect\s+)?(?:struct|enum|class|protocol|actor)\s")
with open(os.path.join(docc, "Warden.md"), encoding="utf-8") as f:
    landing = f.read()
with open("api/Warden.public.txt", encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or "  |  " not in line:
            continue
        path, decl = line.rstrip("\n").split("  |  ", 1)
        if ":" in path or not TYPE_DECL.match(decl) or path.count(".") > 1:
            continue
        if f"``{path.replace('.', '/')}``" not in landing:
            failures.append(f"{docc}/Warden.md: the public type `{path}` is not listed (as ``{path.replace('.', '/')}``)")

# The core target itself depends on nothing (Package.swift).
with open("Package.swift", encoding="utf-8") as f:
    package = f.read()
core = re.search(r'\.target\(\s*name:\s*"Warden"\s*,([^\n]*)', package)
if core is None:
    failures.append("Package.swift: no `.target(name: \"Warden\", ...)` found")
elif "dependencies" in core.group(1):
    failures.append("Package.swift: the core target Warden must have no dependencies")

seen = set()
for x in failures:
    if x not in seen:
        seen.add(x)
        print(x, file=sys.stderr)
if failures:
    print(f"layering: {len(seen)} violation(s)", file=sys.stderr)
    sys.exit(1)
print(f"layering: ok ({len(files)} core files, {len(owner)} core types in {len(STAGE)} stages, "
      f"{len(public)} public top-level types (at most {MAX_PUBLIC}), {len(host_texts)} host texts use public names)")
PY
