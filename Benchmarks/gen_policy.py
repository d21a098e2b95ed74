#!/usr/bin/env python3
"""Generates a random Warden policy over the whole schema, or random devices for it.

Usage: gen_policy.py policy N OUT.warden [--seed S]     N rules (enums, versions, dates, ints,
                                                          strings, lists, bools, has, macros, lets)
       gen_policy.py devices N OUT.jsonl [--seed S]     N device lines with every fact
Deterministic for a given seed (default 1).
"""
import json
import random
import sys

THREAT = ["secured", "low", "medium", "high"]
INTEGRITY = ["none", "basic", "device", "strong"]
LOCK = ["none", "low", "medium", "high"]
MANAGEMENT = ["unmanaged", "androidEnterprise", "deviceAdmin"]
VENDORS = ["samsung", "google", "acme", "unknown", "a-very-long-vendor-name", "xiaomi", "sony"]
TAGS = ["Finance", "BYOD", "Corporate", "Sales", "Engineering-and-research", "Kiosk"]
VERSIONS = ["9", "10.3", "11", "11.0", "12.1", "13.0.2", "14", "5.2401.3", "16.7"]
DATES = ["2023-06-01", "2024-01-01", "2024-03-05", "2024-09-30"]
CMP = ["<", "<=", ">", ">=", "==", "!="]


def condition(r, depth=0):
    if depth < 2 and r.random() < 0.3:
        a, b = condition(r, depth + 1), condition(r, depth + 1)
        k = r.randrange(4)
        if k == 0:
            return "(%s and %s)" % (a, b)
        if k == 1:
            return "(%s or %s)" % (a, b)
        if k == 2:
            return "not (%s)" % a
        return "(%s ? %s : %s)" % (a, b, condition(r, depth + 1))
    c = r.choice(CMP)
    k = r.randrange(20)
    return [
        lambda: "threatLevel %s %s" % (c, r.choice(THREAT)),
        lambda: "playIntegrity %s %s" % (c, r.choice(INTEGRITY)),
        lambda: "deviceLock in [%s, %s]" % (r.choice(LOCK), r.choice(LOCK)),
        lambda: "management %s %s" % (r.choice(["==", "!="]), r.choice(MANAGEMENT)),
        lambda: 'osVersion %s "%s"' % (c, r.choice(VERSIONS)),
        lambda: 'appVersion %s "%s"' % (c, r.choice(VERSIONS)),
        lambda: 'patchLevel %s "%s"' % (c, r.choice(DATES)),
        lambda: 'today %s "%s"' % (c, r.choice(DATES)),
        lambda: "offlineMinutes %s %d" % (c, r.randrange(1500)),
        lambda: "pinAttempts %s %d" % (c, r.randrange(8)),
        lambda: 'manufacturer %s "%s"' % (r.choice(["==", "!="]), r.choice(VENDORS)),
        lambda: 'manufacturer in ["%s", "%s"]' % (r.choice(VENDORS), r.choice(VENDORS)),
        lambda: '"%s" in tags' % r.choice(TAGS),
        lambda: '"%s" in groups' % r.choice(TAGS),
        lambda: r.choice(["rooted", "defenderActive", "accountDisabled", "knoxAttested", "openNetwork"]),
        lambda: "has(%s)" % r.choice(["osVersion", "tags", "model"]),
        lambda: 'tags.exists(t, t.startsWith("%s"))' % r.choice(["Fin", "BY", "Eng"]),
        lambda: "size(tags) %s %d" % (c, r.randrange(4)),
        lambda: r.choice(["risky", "oldOS", "manufacturer in vendorList", "not risky"]),
        lambda: "companyPortalAgeDays %s %d" % (c, r.randrange(60)),
    ][k]()


def policy(r, n):
    out = ['policy "generated-%d"' % n,
           "let risky = threatLevel >= medium or rooted",
           'let oldOS = osVersion < "12"',
           'let vendorList = ["acme", "unknown", "a-very-long-vendor-name"]']
    for i in range(n):
        action = r.choice(["warn", "blockAccess", "wipeData", 'blockAccess "message %d"' % i])
        out.append('rule "r%d" when %s then %s' % (i, condition(r), action))
    return "\n".join(out) + "\n"


def device(r, i):
    return {
        "id": i, "threatLevel": r.choice(THREAT), "playIntegrity": r.choice(INTEGRITY),
        "deviceLock": r.choice(LOCK), "management": r.choice(MANAGEMENT),
        "osVersion": r.choice(VERSIONS), "appVersion": r.choice(VERSIONS),
        "patchLevel": r.choice(DATES), "today": r.choice(DATES),
        "offlineMinutes": r.randrange(1500), "pinAttempts": r.randrange(9),
        "companyPortalAgeDays": r.randrange(60), "manufacturer": r.choice(VENDORS),
        "model": r.choice(["Pixel 8", "Galaxy", "moto"]),
        "rooted": r.random() < 0.05, "defenderActive": r.random() < 0.9,
        "accountDisabled": r.random() < 0.02, "knoxAttested": r.random() < 0.5,
        "openNetwork": r.random() < 0.1,
        "tags": r.sample(TAGS, r.randrange(4)), "groups": [r.choice(TAGS)],
    }


def main(argv):
    seed = 1
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        else:
            args.append(a)
    if len(args) != 3 or args[0] not in ("policy", "devices"):
        sys.exit(__doc__)
    r = random.Random(seed)
    n = int(args[1])
    with open(args[2], "w") as out:
        if args[0] == "policy":
            out.write(policy(r, n))
        else:
            for i in range(n):
                out.write(json.dumps(device(r, i), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv)
