#!/usr/bin/env python3
"""The core's public API, as a committed baseline tied to the changelog.

    python3 scripts/api-surface.py check    # CI (scripts/ci.d/70-docs.sh)
    python3 scripts/api-surface.py update   # after a deliberate API change: rewrite the baseline

The public declarations of the `Warden` module are read from the symbol graph that
`swift package generate-documentation --target Warden` extracts (the compiler's own view: every
public type, member, case, initialiser and conformance, with its full declaration), one line per
symbol, sorted: `api/Warden.public.txt` is the committed baseline.

`check` fails when
  - the symbol graph is missing or older than a core source file (build the docs first),
  - the current public API differs from the baseline (the diff is printed), or
  - a public symbol the core declares has no `///` comment, or
  - the newest `API fingerprint:` line in CHANGELOG.md (the first one in the file) is not the
    baseline's fingerprint: a changed baseline needs a changelog entry that says what changed.
"""
import glob, hashlib, json, os, sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BASELINE = os.path.join(ROOT, "api", "Warden.public.txt")
CHANGELOG = os.path.join(ROOT, "CHANGELOG.md")
SOURCES = os.path.join(ROOT, "Sources", "Warden")
# The folder after extracted-symbols/ is named after the package's checkout folder (any name).
GRAPHS = os.path.join(ROOT, ".build", "*", "extracted-symbols", "*", "Warden", "Warden*.symbols.json")
HEADER = ("# The public API of the core module `Warden`, from its symbol graph (scripts/api-surface.py).\n"
          "# A change here needs a CHANGELOG.md entry with the new `API fingerprint:`.\n")


def fail(msg):
    print(f"api-surface: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def current():
    found = glob.glob(GRAPHS)
    # Only the newest extraction (an older checkout folder name may have left another one).
    newest_dir = max((os.path.dirname(f) for f in found), key=os.path.getmtime, default=None)
    files = sorted(f for f in found if os.path.dirname(f) == newest_dir)
    if not files:
        fail("no symbol graph for Warden under .build/*/extracted-symbols/*/Warden/ "
             "(run `swift package generate-documentation --target Warden` first)")
    newest_source = max(
        os.path.getmtime(os.path.join(d, n))
        for d, _, names in os.walk(SOURCES) for n in names if n.endswith(".swift"))
    lines = set()
    undocumented = []
    for path in files:
        if os.path.getmtime(path) < newest_source:
            fail(f"{os.path.relpath(path, ROOT)} is older than the core's sources "
                 "(run `swift package generate-documentation --target Warden` first)")
        with open(path, encoding="utf-8") as f:
            graph = json.load(f)
        # `Warden@Swift.symbols.json` holds the core's extensions of other modules' types.
        extended = os.path.basename(path)[len("Warden"):-len(".symbols.json")].lstrip("@")
        names = {s["identifier"]["precise"]: ".".join(s["pathComponents"]) for s in graph.get("symbols", [])}
        for s in graph.get("symbols", []):
            if s.get("accessLevel") not in ("public", "open"):
                continue
            # A protocol's default implementation the type inherits (`!=`, `...`): the standard
            # library's API, not the core's; it follows from the conformance, which is listed.
            if "::SYNTHESIZED::" in s["identifier"]["precise"] and s.get("docComment", {}).get("module") not in (None, "Warden"):
                continue
            # Every public symbol the core declares has a `///` comment (synthesized members such as
            # `hashValue` have no source to comment).
            if not s.get("docComment") and "location" in s:
                loc = s["location"]
                undocumented.append(f"{loc.get('uri', '').replace('file://', '')}:{loc.get('position', {}).get('line', 0) + 1}: "
                                    f"public `{'.'.join(s.get('pathComponents', []))}` has no `///` comment")
            decl = "".join(fr.get("spelling", "") for fr in s.get("declarationFragments", []))
            decl = " ".join(decl.split())
            path_name = ".".join(s.get("pathComponents", []))
            if extended:
                path_name = f"{extended}:{path_name}"
            lines.add(f"{path_name}  |  {decl}")
        for r in graph.get("relationships", []):
            if r.get("kind") == "conformsTo":
                src = r.get("source", "")
                target = r.get("targetFallback") or r.get("target", "")
                target = target.split(".")[-1]
                # Implied by `Sendable` since Swift 6.2: listing it would tie the baseline to the toolchain.
                if src in names and target != "SendableMetatype":
                    lines.add(f"{names[src]}  |  conforms to {target}")
    return HEADER + "".join(l + "\n" for l in sorted(lines)), undocumented


def fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def changelog_fingerprint():
    if not os.path.exists(CHANGELOG):
        fail("CHANGELOG.md is missing")
    with open(CHANGELOG, encoding="utf-8") as f:
        for line in f:
            if line.strip().startswith("API fingerprint:"):
                return line.split(":", 1)[1].strip().strip("`")
    fail("CHANGELOG.md has no `API fingerprint:` line")


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    now, undocumented = current()
    if mode == "update":
        with open(BASELINE, "w", encoding="utf-8") as f:
            f.write(now)
        print(f"api-surface: wrote {os.path.relpath(BASELINE, ROOT)} ({now.count(chr(10)) - 2} declarations)")
        print(f"api-surface: add a CHANGELOG.md entry at the top saying what changed, with the line\n"
              f"API fingerprint: {fingerprint(now)}")
        return
    if mode != "check":
        fail(f"unknown mode `{mode}` (check or update)")
    if not os.path.exists(BASELINE):
        fail("api/Warden.public.txt is missing (run `python3 scripts/api-surface.py update`)")
    with open(BASELINE, encoding="utf-8") as f:
        base = f.read()
    if base != now:
        import difflib
        sys.stderr.writelines(difflib.unified_diff(
            base.splitlines(True), now.splitlines(True), "api/Warden.public.txt (baseline)", "current public API"))
        fail("the core's public API changed: if it is deliberate, run `python3 scripts/api-surface.py update` "
             "and add a CHANGELOG.md entry (with the printed `API fingerprint:`) saying what changed")
    if undocumented:
        sys.stderr.writelines(u + "\n" for u in sorted(undocumented))
        fail(f"{len(undocumented)} public symbol(s) of the core without a `///` comment")
    want = fingerprint(base)
    got = changelog_fingerprint()
    if got != want:
        fail(f"api/Warden.public.txt (fingerprint {want}) has no CHANGELOG.md entry: the newest "
             f"`API fingerprint:` line says {got}; add an entry at the top saying what changed, with "
             f"`API fingerprint: {want}`")
    print(f"api-surface: ok ({base.count(chr(10)) - 2} public declarations, fingerprint {want})")


main()
