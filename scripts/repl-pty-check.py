#!/usr/bin/env python3
"""Drives `warden repl` in a real pseudo-terminal (readline on): TAB completion of a fact name,
history recall with the up arrow, the continuation prompt, Ctrl-C dropping an entry, a clean
exit on Ctrl-D (status 0), and the history file. Usage: repl-pty-check.py BINARY HISTORY_FILE"""
import os, pty, select, sys, time

binary, history = sys.argv[1], sys.argv[2]
env = dict(os.environ, WARDEN_HISTORY=history, TERM="xterm", INPUTRC="/dev/null", COLUMNS="200", LINES="50")
pid, fd = pty.fork()
if pid == 0:
    os.execve(binary, [binary, "repl"], env)

buf = b""
failures = []

def read_until(pattern, count=1, timeout=10.0):
    """Reads until `pattern` occurs `count` times in all output so far; False on timeout."""
    global buf
    deadline = time.time() + timeout
    while buf.count(pattern) < count:
        left = deadline - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return buf.count(pattern) >= count
        if not chunk:
            return buf.count(pattern) >= count
        buf += chunk
    return True

def step(name, send, pattern, count=1):
    if send:
        os.write(fd, send)
    if not read_until(pattern, count):
        failures.append(name)
        print(f"FAIL: {name}: {pattern!r} (x{count}) not seen", file=sys.stderr)

step("first prompt", b"", b"warden> ")
# TAB completion of a fact name: `threatL` + TAB becomes `threatLevel `.
step("TAB completes a fact name", b":set threatL\t", b"threatLevel ")
step("completed line runs", b"= high\r", b"threatLevel = ThreatLevel.high")
step("expression", b"40 + 2\r", b"42 : int")
# History: the up arrow recalls `40 + 2`.
step("up arrow recalls the last entry", b"\x1b[A\r", b"42 : int", count=2)
# Continuation: an open bracket continues on `...> `.
step("continuation prompt", b"[1,\r", b"...> ")
step("continued entry completes", b"2]\r", b"[1, 2] : list(int)")
# Ctrl-C drops the pending entry; the session goes on with a fresh prompt.
step("continuation before Ctrl-C", b"[3,\r", b"...> ", count=2)
time.sleep(0.3)
step("Ctrl-C", b"\x03", b"^C")
time.sleep(0.3)
step("after Ctrl-C", b"7\r", b"7 : int")
# Ctrl-D on an empty prompt quits with status 0.
time.sleep(0.2)
os.write(fd, b"\x04")
status = None
deadline = time.time() + 10
while time.time() < deadline:
    read_until(b"\x00never", timeout=0.2)
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = os.waitstatus_to_exitcode(st)
        break
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    failures.append("Ctrl-D did not end the session")
elif status != 0:
    failures.append(f"exit status {status} after Ctrl-D, not 0")

try:
    with open(history) as f:
        saved = f.read()
except OSError as e:
    saved = ""
    failures.append(f"history file not written: {e}")
for entry in [":set threatLevel = high", "40 + 2", "[1,\n2]", "7"]:
    if entry.split("\n")[0] not in saved:
        failures.append(f"history lacks {entry!r}")
if saved.count("40 + 2\n") != 1:
    failures.append("a repeated entry was recorded twice in the history")
if "[3," in saved:
    failures.append("history holds the entry dropped by Ctrl-C")

if failures:
    print("repl pty check failed: " + "; ".join(failures), file=sys.stderr)
    print("--- terminal output ---", file=sys.stderr)
    print(buf.decode("utf-8", "replace"), file=sys.stderr)
    sys.exit(1)
print("repl pty check: ok (TAB completion, history, continuation, Ctrl-C, Ctrl-D exit 0)")
