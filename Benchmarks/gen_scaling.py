#!/usr/bin/env python3
"""Generates the two policy families of the scaling benchmark, and devices for both.

Usage: gen_scaling.py sparse N OUT.warden [--seed S]   N rules, each keyed by `appId` (500 apps) or
                                                        `model` (2,000 models), `==` or `in`, plus one
                                                        or two range conditions: a few fire per device
       gen_scaling.py dense N OUT.warden [--seed S]    N rules of one to three random range conditions
                                                        over the cl10 facts: about a quarter fire
       gen_scaling.py devices N OUT.jsonl [--seed S]   N devices for both families, every fact given
                                                        (a device missing `appId` errs in every rule
                                                        keyed on it: that cost is the reference's)
Deterministic for a given seed (default 1).
"""
import json
import random
import sys

APPS = ["com.corp.app%03d" % i for i in range(500)]
MODELS = ["Model-%04d" % i for i in range(2000)]
THREAT = ["secured", "low", "medium", "high"]
INTEGRITY = ["none", "basic", "device", "strong"]
OS = ["9", "10", "10.3", "11", "11.0.2", "12", "12.1", "13", "13.0.2", "14", "14.1", "15"]
APPV = ["1.0", "1.2", "2.0", "2.5.1", "3.0", "3.1", "4.0"]
DATES = ["2023-01-01", "2023-06-01", "2023-10-01", "2024-01-01", "2024-03-05", "2024-06-01", "2024-09-30"]


def range_condition(r):
    k = r.randrange(7)
    if k == 0:
        return "threatLevel %s %s" % (r.choice([">", ">="]), r.choice(THREAT[:3]))
    if k == 1:
        return "playIntegrity %s %s" % (r.choice(["<", "<="]), r.choice(INTEGRITY[1:]))
    if k == 2:
        return 'osVersion %s "%s"' % (r.choice(["<", "<=", ">="]), r.choice(OS))
    if k == 3:
        return 'patchLevel %s "%s"' % (r.choice(["<", ">="]), r.choice(DATES))
    if k == 4:
        return "offlineMinutes %s %d" % (r.choice([">", "<="]), r.randrange(1440))
    if k == 5:
        return "pinAttempts %s %d" % (r.choice([">=", "<"]), r.randrange(1, 9))
    return 'appVersion %s "%s"' % (r.choice(["<", ">="]), r.choice(APPV))


def action(r, i):
    return r.choice(["warn", "blockAccess", "wipeData", 'blockAccess "message %d"' % i])


def quoted(xs):
    return ", ".join('"%s"' % x for x in xs)


def sparse(r, n):
    out = ['policy "sparse-%d"' % n]
    for i in range(n):
        if r.random() < 0.5:
            apps = r.sample(APPS, r.choice([1, 1, 2, 3]))
            key = 'appId == "%s"' % apps[0] if len(apps) == 1 else "appId in [%s]" % quoted(apps)
        else:
            models = r.sample(MODELS, r.choice([1, 2, 3, 4]))
            key = 'model == "%s"' % models[0] if len(models) == 1 else "model in [%s]" % quoted(models)
        conds = [key] + [range_condition(r) for _ in range(r.choice([1, 2]))]
        out.append('rule "s%d" when %s then %s' % (i, " and ".join(conds), action(r, i)))
    return "\n".join(out) + "\n"


def dense(r, n):
    out = ['policy "dense-%d"' % n]
    for i in range(n):
        conds = [range_condition(r) for _ in range(r.choice([1, 2, 3]))]
        out.append('rule "d%d" when %s then %s' % (i, " and ".join(conds), action(r, i)))
    return "\n".join(out) + "\n"


def device(r, i):
    d = {
        "id": i, "appId": r.choice(APPS), "model": r.choice(MODELS), "threatLevel": r.choice(THREAT),
        "playIntegrity": r.choice(INTEGRITY), "osVersion": r.choice(OS), "appVersion": r.choice(APPV),
        "patchLevel": r.choice(DATES), "offlineMinutes": r.randrange(1440), "pinAttempts": r.randrange(10),
        "rooted": r.random() < 0.05, "manufacturer": r.choice(["samsung", "google", "acme"]),
    }
    return d


def main(argv):
    seed = 1
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        else:
            args.append(a)
    if len(args) != 3 or args[0] not in ("sparse", "dense", "devices"):
        sys.exit(__doc__)
    r = random.Random(seed)
    n = int(args[1])
    with open(args[2], "w") as out:
        if args[0] == "sparse":
            out.write(sparse(r, n))
        elif args[0] == "dense":
            out.write(dense(r, n))
        else:
            for i in range(n):
                out.write(json.dumps(device(r, i), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv)
