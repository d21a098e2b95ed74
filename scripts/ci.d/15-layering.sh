#!/usr/bin/env bash
# CI: the core's layering. Fails when
#   - a file under Sources/Warden imports anything (the core imports nothing, not even Foundation,
#     and never the tools module WardenTools), or
#   - a file of a core folder references a type declared in a folder of a later stage: the stages
#     follow the data flow (the syntax knows no types or checker, the interpreter runs on the
#     checked program and knows nothing of the compiled path or the engine), or
#   - the core declares a public type that is not in its listed public surface, or the core target
#     gets a dependency in Package.swift.
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

# The core's public types: what a host sees. Everything else is `package` (the tools and the CLI
# use it) or internal. A new public type needs a deliberate entry here (and a `///` comment).
PUBLIC = {
    "Engine", "Program", "Input", "Value", "Limits", "HostFunction", "CompileError", "Action",
    "Decision", "FiredRule", "DecisionError", "ConfigEntry", "ConfigOrigin",  # a decision and its parts
    "Schema", "FactDefinition", "KeyDefinition", "KeyKind", "ConfigValue",    # the schema and its parts
    "Diagnostic", "Severity", "SourceFile", "SourceSpan", "SourceLocation",   # diagnostics and positions
    "SourceSegment",                                                          # one file of a policy set's source
    "SchemaError",                                                            # why `Schema.adding(facts:)` failed
    "ErrorCode", "ErrorData",                                                 # stable codes of diagnostics and errors
    "WardenType", "EnumType", "Version", "Day", "MapValue", "EvalError",      # what values and fact types carry
    "JSONDevice", "FactsError",                                               # `Program.device(json:)`
    "DeviceBatch",                                                            # fleet evaluation (README)
    "Explanation", "Evidence", "SkippedConfig",                               # `Program.explain(_:)`
}

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
print(f"layering: ok ({len(files)} core files, {len(owner)} core types in {len(STAGE)} stages, {len(public)} public)")
PY
