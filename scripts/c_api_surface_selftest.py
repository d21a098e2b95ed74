#!/usr/bin/env python3
"""Self-test of scripts/c-api-surface.py on a copy of warden.h: the unchanged header passes; a
comment or layout change passes; a new function, a changed signature, a renumbered enum constant, a
changed struct field and a new #define each fail; an updated baseline without a CHANGELOG entry fails,
and with one passes. Prints "selftest OK"."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPT = os.path.join(HERE, "c-api-surface.py")
HEADER = os.path.join(ROOT, "Sources", "WardenC", "include", "warden.h")


def run(tmp, mode="check"):
    p = subprocess.run(
        [sys.executable, SCRIPT, mode,
         "--header", os.path.join(tmp, "warden.h"),
         "--baseline", os.path.join(tmp, "warden.h.txt"),
         "--changelog", os.path.join(tmp, "CHANGELOG.md")],
        capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def expect(cond, what, out=""):
    if not cond:
        print(f"c-api-surface selftest: FAILED: {what}\n{out}", file=sys.stderr)
        sys.exit(1)


def main():
    with open(HEADER, encoding="utf-8") as f:
        original = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)

        write("warden.h", original)
        rc, out = run(tmp, "update")
        expect(rc == 0, "update", out)
        fp = re.search(r"C API fingerprint: (\w+)", out)
        expect(fp is not None, "update prints the fingerprint", out)
        write("CHANGELOG.md", f"# Changelog\n\n## one\n\nC API fingerprint: {fp.group(1)}\n")
        rc, out = run(tmp)
        expect(rc == 0 and "c-api-surface: ok" in out, "the unchanged header passes", out)

        # Comments and layout are not API.
        relaid = original.replace("/* Releases a program.", "/* Frees a program (reworded).")
        relaid = relaid.replace("size_t i);", "size_t  i );")
        expect(relaid != original, "the layout fixture changes the text")
        write("warden.h", relaid)
        rc, out = run(tmp)
        expect(rc == 0, "a comment/layout change passes", out)

        changes = {
            "a new function": original.replace(
                "void warden_string_free(char *string);",
                "void warden_string_free(char *string);\nint warden_new_thing(void);"),
            "a changed signature": original.replace(
                "const char *warden_decision_json(const warden_decision *decision);",
                "const char *warden_decision_json(const warden_decision *decision, int flags);"),
            "a renumbered enum constant": original.replace("WARDEN_ERR_FACTS = 5", "WARDEN_ERR_FACTS = 7"),
            "a changed struct field": original.replace("int64_t int_value;", "int32_t int_value;"),
            "a new #define": original.replace("#include <stdint.h>", "#include <stdint.h>\n#define WARDEN_MAX 3"),
            "a removed function": original.replace("void warden_string_free(char *string);", ""),
        }
        for what, text in changes.items():
            expect(text != original, f"the fixture for {what} changes the header")
            write("warden.h", text)
            rc, out = run(tmp)
            expect(rc != 0 and "the C API (warden.h) changed" in out, f"{what} is caught", out)
            expect("warden.h now" in out, f"{what}: the diff is printed", out)

        # A deliberate change: the baseline is updated but the changelog is not, then it is.
        write("warden.h", changes["a new function"])
        rc, out = run(tmp, "update")
        expect(rc == 0, "update after a change", out)
        rc, out = run(tmp)
        expect(rc != 0 and "has no CHANGELOG.md entry" in out, "a new baseline without a changelog entry fails", out)
        fp2 = re.search(r"C API fingerprint: (\w+)", run(tmp, "update")[1])
        expect(fp2 is not None and fp2.group(1) != fp.group(1), "the fingerprint changes with the API")
        write("CHANGELOG.md", f"# Changelog\n\n## two\n\nC API fingerprint: {fp2.group(1)}\n\n"
              f"## one\n\nC API fingerprint: {fp.group(1)}\n")
        rc, out = run(tmp)
        expect(rc == 0, "a new baseline with its changelog entry passes", out)
    print("selftest OK")


main()
