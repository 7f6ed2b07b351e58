#!/usr/bin/python3
"""Cross-checks the numpy and R results and writes the agreed values.

Usage: compare.py NUMPY_DIR R_DIR EXPECTED_DIR

Every file must exist on both sides with the same (quantity, key) rows, and
every value must agree: |a - b| <= 1e-10 * max(|a|, |b|), or both below 1e-13
in absolute value (exact zeros and round-off around zero, e.g. a loading
of 1e-17 that is 0 in exact arithmetic). Only then is EXPECTED_DIR/<file>.csv
written, with the R value printed to 17 significant digits and one comment
line saying how it was computed. Exits non-zero (and writes nothing) on any
disagreement.
"""
import os
import sys

REL = 1e-10
TINY = 1e-13


def read(path):
    rows = []
    with open(path) as f:
        assert f.readline().strip() == "quantity,key,value", path
        for line in f:
            q, k, v = line.rstrip("\n").rsplit(",", 2)
            rows.append((q, k, float(v), v))
    return rows


def main():
    npdir, rdir, outdir = sys.argv[1:4]
    with open(os.path.join(rdir, "VERSION")) as f:
        rver = f.read().strip()
    with open(os.path.join(npdir, "VERSION")) as f:
        npver = f.read().strip()
    npfiles = sorted(f for f in os.listdir(npdir) if f.endswith(".csv"))
    rfiles = sorted(f for f in os.listdir(rdir) if f.endswith(".csv"))
    bad = []
    if npfiles != rfiles:
        bad.append("file sets differ: %s" % sorted(set(npfiles) ^ set(rfiles)))
    results = {}
    worst = (0.0, "")
    for name in sorted(set(npfiles) & set(rfiles)):
        a, b = read(os.path.join(npdir, name)), read(os.path.join(rdir, name))
        if [(q, k) for q, k, _, _ in a] != [(q, k) for q, k, _, _ in b]:
            bad.append("%s: rows differ" % name)
            continue
        for (q, k, x, _), (_, _, y, _) in zip(a, b):
            d = abs(x - y)
            scale = max(abs(x), abs(y))
            if not (d <= REL * scale or scale < TINY):
                bad.append("%s: %s,%s numpy %.17g R %.17g (rel %.2g)"
                           % (name, q, k, x, y, d / scale))
            elif scale >= TINY and d / scale > worst[0]:
                worst = (d / scale, "%s %s,%s" % (name, q, k))
        results[name] = b
    if bad:
        sys.stderr.write("numpy and R disagree:\n  " + "\n  ".join(bad) + "\n")
        sys.exit(1)
    os.makedirs(outdir, exist_ok=True)
    for name, rows in results.items():
        stem = name[:-4]
        with open(os.path.join(npdir, stem + ".how")) as f:
            nphow = f.read().strip()
        with open(os.path.join(rdir, stem + ".how")) as f:
            rhow = f.read().strip()
        with open(os.path.join(outdir, name), "w") as f:
            f.write("# %s: %s. R: %s [%s]. numpy: own code from the same formulas [%s]. "
                    "Values from R; numpy agrees to %.0e relative.\n"
                    % (stem.split(".")[0], nphow, rhow, rver, npver, REL))
            f.write("quantity,key,value\n")
            for q, k, _, v in rows:
                f.write("%s,%s,%s\n" % (q, k, v))
    print("%d files agree; largest relative difference %.2g (%s)"
          % (len(results), worst[0], worst[1]))


if __name__ == "__main__":
    main()
