#!/usr/bin/env python3
"""Checks `warden matrix --svg` in a real browser: each grid is rendered by headless Chromium, and
the colour of every cell in the screenshot must be the palette colour of the action that
`warden eval` (not the matrix) gives the cell's device: the --given facts plus the row's and the
column's band value. With --diff, the corner of each changed cell must have the old policy's colour.
A deliberately wrong picture must be caught (the check's own failure path). The text grid must be
coloured on a terminal (a pty) and plain on a pipe or with NO_COLOR.

Usage: matrix-picture-check.py WARDEN BROWSER [--docs]   (--docs also rewrites docs/matrix.svg and
docs/matrix.png). Standard library only: the PNG is decoded here (zlib)."""
import json, os, re, struct, subprocess, sys, tempfile, zlib

# The documented palette (README, MatrixPalette): allow, warn, blockAccess, wipeData.
PALETTE = {"allow": (46, 125, 50), "warn": (249, 168, 37), "blockAccess": (198, 40, 40), "wipeData": (106, 27, 154)}
TODAY = "2025-01-15"
POLICY = "samples/outlook-conditional-launch.warden"
OLD = "samples/matrix/outlook-previous.warden"
GIVEN = "samples/matrix/healthy-phone.json"
CASES = [
    # rows, cols, extra args
    ("threatLevel", "playIntegrity", []),
    ("osVersion", "patchLevel", []),
    ("pinAttempts", "manufacturer", ["--missing"]),
    ("threatLevel", "osVersion", ["--diff", OLD]),
]
DOCS_CASE = ("osVersion", "threatLevel", ["--diff", OLD])


def fail(msg):
    print("35-matrix-picture: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


def read_png(path):
    """(width, height, rows of RGB tuples) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + " is not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace != 0:
                fail("%s: unsupported PNG (depth %d, colour type %d, interlace %d)" % (path, depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def screenshot(browser, svg, png):
    text = open(svg).read()
    m = re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', text)
    if not m:
        fail(svg + " has no width and height")
    w, h = int(m.group(1)), int(m.group(2))
    if os.path.exists(png):
        os.remove(png)
    subprocess.run([browser, "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=%d,%d" % (w, h),
                    "--screenshot=" + png, "file://" + os.path.abspath(svg)], capture_output=True, timeout=120)
    if not os.path.exists(png):
        fail("%s wrote no screenshot of %s" % (browser, svg))
    pw, ph, rows = read_png(png)
    if (pw, ph) != (w, h):
        fail("the screenshot is %dx%d, the SVG %dx%d" % (pw, ph, w, h))
    return rows


def close(p, q):
    return all(abs(a - b) <= 2 for a, b in zip(p, q))


def name(rgb):
    for k, v in PALETTE.items():
        if close(rgb, v):
            return k
    return "rgb%s" % (rgb,)


def expected(warden, policy, given, grid, tmp):
    """The action `warden eval` gives each cell's device, built here from the given facts and the bands."""
    base = json.load(open(given))
    lines = []
    for r, rb in enumerate(grid["rows"]["bands"]):
        for c, cb in enumerate(grid["columns"]["bands"]):
            d = dict(base)
            for fact, band in ((grid["rows"]["fact"], rb), (grid["columns"]["fact"], cb)):
                if band.get("missing"):
                    d.pop(fact, None)
                else:
                    d[fact] = band["value"]
            d["id"] = "%d,%d" % (r, c)
            lines.append(json.dumps(d))
    path = os.path.join(tmp, "devices.jsonl")
    open(path, "w").write("\n".join(lines) + "\n")
    out = run([warden, "eval", policy, "--facts", path, "--format", "json", "--today", TODAY])
    actions = {}
    for line in out.splitlines():
        d = json.loads(line)
        r, c = map(int, d["id"].split(","))
        actions[(r, c)] = d["action"]
    if len(actions) != len(lines):
        fail("warden eval decided %d of %d devices" % (len(actions), len(lines)))
    return actions


def cells(svg):
    """(row, col) -> (x, y, width, height) of each cell rectangle of the SVG."""
    out = {}
    for m in re.finditer(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"[^>]* data-row="(\d+)" '
                         r'data-col="(\d+)"', open(svg).read()):
        x, y, w, h, r, c = map(int, m.groups())
        out[(r, c)] = (x, y, w, h)
    return out


def check_picture(rows, rects, now, old):
    """Mismatches between the screenshot and the decisions (empty when the picture is right)."""
    bad = []
    if set(rects) != set(now):
        bad.append("the SVG has %d cells, the grid %d" % (len(rects), len(now)))
    for key, (x, y, w, h) in sorted(rects.items()):
        if key not in now:
            continue
        got = rows[y + h - 8][x + 10]
        if not close(got, PALETTE[now[key]]):
            bad.append("cell %s: %s, but warden eval says %s" % (key, name(got), now[key]))
        if old is not None:
            corner = rows[y + 5][x + w - 5]
            want = old[key] if old[key] != now[key] else now[key]
            if not close(corner, PALETTE[want]):
                bad.append("cell %s corner: %s, the old policy says %s" % (key, name(corner), old[key]))
    return bad


def check_terminal(warden):
    """On a terminal the grid is coloured by action (auto); NO_COLOR and a pipe leave it plain."""
    import pty
    args = [warden, "matrix", POLICY, "--rows", "rooted", "--cols", "threatLevel", "--given", GIVEN, "--today", TODAY]
    def on_tty(env):
        master, slave = pty.openpty()
        p = subprocess.Popen(args, stdout=slave, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        p.wait()
        os.close(master)
        return out.decode()
    coloured = on_tty(dict(os.environ, TERM="xterm"))
    if "\x1b[45;97mX rooted" not in coloured or "\x1b[42;97mA" not in coloured:
        fail("on a terminal the grid is not coloured by action:\n" + coloured)
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    if "\x1b[" in on_tty(env):
        fail("NO_COLOR did not turn the colours off")
    if "\x1b[" in run(args):
        fail("a pipe got colours")


def main():
    if len(sys.argv) < 3:
        fail("usage: matrix-picture-check.py WARDEN BROWSER [--docs]")
    warden, browser = sys.argv[1], sys.argv[2]
    for f in (POLICY, OLD, GIVEN):
        if not os.path.exists(f):
            fail(f + " is missing")
    tmp = tempfile.mkdtemp()
    checked, colours, changed = 0, set(), 0
    for i, (rows_fact, cols_fact, extra) in enumerate(CASES):
        svg, png = os.path.join(tmp, "m%d.svg" % i), os.path.join(tmp, "m%d.png" % i)
        grid = json.loads(run([warden, "matrix", POLICY, "--rows", rows_fact, "--cols", cols_fact, "--given", GIVEN,
                               "--today", TODAY, "--format", "json", "--svg", svg] + extra))
        now = expected(warden, POLICY, GIVEN, grid, tmp)
        old = expected(warden, OLD, GIVEN, grid, tmp) if "--diff" in extra else None
        # The grid's own verdicts agree with eval.
        for (r, c), a in now.items():
            cell = grid["cells"][r][c]
            if cell["action"] != a:
                fail("%s × %s cell (%d,%d): matrix says %s, eval %s" % (rows_fact, cols_fact, r, c, cell["action"], a))
            if old is not None and (cell["old"]["action"] != old[(r, c)] or cell["changed"] != (old[(r, c)] != a)):
                fail("%s × %s cell (%d,%d): the diff disagrees with eval of the old policy" % (rows_fact, cols_fact, r, c))
        rows = screenshot(browser, svg, png)
        rects = cells(svg)
        bad = check_picture(rows, rects, now, old)
        if bad:
            fail("%s × %s: the picture disagrees with the decisions:\n  %s" % (rows_fact, cols_fact, "\n  ".join(bad)))
        checked += len(rects)
        colours |= set(now.values())
        if old is not None:
            changed += sum(1 for k in now if now[k] != old[k])
        # The failure path: a picture with one cell painted in another action's colour must be caught.
        if i == 0:
            text = open(svg).read()
            first = re.search(r'(<rect [^>]*data-row="0" data-col="0"[^>]*)', text).group(1)
            wrong = "allow" if now[(0, 0)] != "allow" else "blockAccess"
            painted = re.sub(r'fill="#[0-9a-f]{6}"', 'fill="%s"' % "#%02x%02x%02x" % PALETTE[wrong], first, count=1)
            bad_svg = os.path.join(tmp, "wrong.svg")
            open(bad_svg, "w").write(text.replace(first, painted))
            if not check_picture(screenshot(browser, bad_svg, os.path.join(tmp, "wrong.png")), cells(bad_svg), now,
                                 None):
                fail("a cell painted %s instead of %s was not caught" % (wrong, now[(0, 0)]))
    check_terminal(warden)
    if len(colours) < 3 or changed == 0:
        fail("the cases show too little: actions %s, %d changed cells" % (sorted(colours), changed))
    if "--docs" in sys.argv[3:]:
        r, c, extra = DOCS_CASE
        run([warden, "matrix", POLICY, "--rows", r, "--cols", c, "--given", GIVEN, "--today", TODAY,
             "--svg", "docs/matrix.svg"] + extra)
        screenshot(browser, "docs/matrix.svg", "docs/matrix.png")
        print("wrote docs/matrix.svg and docs/matrix.png")
    print("35-matrix-picture: %d cells in %d grids have the colours of warden eval's decisions (%s); %d changed "
          "cells show the old action; a wrong colour is caught; a terminal gets colours, a pipe none" % (checked, len(CASES), ", ".join(sorted(colours)),
                                                                  changed))


main()
