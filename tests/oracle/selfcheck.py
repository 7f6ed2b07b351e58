#!/usr/bin/python3
"""Checks the generated reference values against numbers published by others.

Usage: selfcheck.py EXPECTED_DIR FIXTURES_DIR

- OECD/JRC Handbook (2008) Table 15 (tests/fixtures/tai23.table15.expected.csv):
  the SCHOOLING normalizations, within the fixture's own abs_tol.
- OECD/JRC Handbook (2008) Tables 16-18, as quoted in tests/fixtures/README.md:
  four-factor varimax weights of tai23, about .17 .15 .11 .07 .08 .12 .14 .16
  (two decimals; accepted within 0.006).
- The numpy functions of oracle_numpy.py on the small published cases of
  METHODS.md (entropy, min-max with offset range, TOPSIS), to the printed digits.
"""
import os
import sys

import numpy as np

import oracle_numpy as o

P, M = ("+", None, None), ("-", None, None)


def small_cases():
    """(name, got, published, abs tol) for the published cases of METHODS.md."""
    out = []
    for name, x, pub in [
            ("entropy Xu 2004", [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9],
                                 [68, 70, 60, 29]], [0.462952, 0.399204, 0.137841, 0.000003]),
            ("entropy Zavadskas-Podvezko 2016", [[3, 100, 10, 7], [2.5, 80, 8, 5],
                                                 [1.8, 50, 20, 11], [2.2, 70, 12, 9]],
             [0.114575, 0.198082, 0.418461, 0.268881]),
            ("entropy 2x2", [[1, 2], [4, 16]], [0.358889, 0.641111])]:
        out.append((name, o.entropy_weights(np.array(x, float))[1], pub, 5e-7))
    x = np.array([[3, 10], [5, 20], [2, 15], [7, 25]], float)
    y = o.normalize(x, [P, M], "minmax", lo=0.002, hi=0.998)
    w = o.entropy_weights(y)[1]
    out.append(("minmax [0.002,0.998] entropy", w, [0.5452618, 0.4547382], 5e-8))
    out.append(("minmax [0.002,0.998] scores", (y * w).sum(axis=1) * 100,
                [56.35354, 47.88215, 30.39461, 54.50808], 5e-6))
    a = np.array([[2, 8], [5, 1], [3, 6]], float)
    y = o.normalize(a, [P, M], "vector")
    out.append(("topsis vector", o.topsis(y, np.array([0.6, 0.4]), o.is_cost([P, M]))[2],
                [0.0, 1.0, 0.3111391], 5e-8))
    a = np.array([[1, 3000], [2, 3750], [5, 4500]], float)
    y = o.normalize(a, [M, P], "minmax")
    out.append(("topsis minmax", o.topsis(y, np.array([0.5, 0.5]), np.zeros(2, bool))[2],
                [0.500, 0.617, 0.500], 5e-4))
    return out

HANDBOOK_PCA4 = [("PATENTS", .17), ("ROYALTIES", .15), ("INTERNET", .11), ("EXPORTS", .07),
                 ("TELEPHONES_LOG", .08), ("ELECTRICITY_LOG", .12), ("SCHOOLING", .14),
                 ("UNIVERSITY", .16)]


def load(path):
    out = {}
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if not l.startswith("#")]
    for line in lines[1:]:
        q, k, v = line.split(",")[:3]
        out[(q, k)] = float(v)
    return out


def main():
    exp, fix = sys.argv[1:3]
    bad = []
    n = 0
    with open(os.path.join(fix, "tai23.table15.expected.csv")) as f:
        rows = [l.rstrip("\n").split(",") for l in f if not l.startswith("#")][1:]
    for method, region, value, tol in rows:
        got = load(os.path.join(exp, "tai23.%s.csv" % method))[("y", region + ":SCHOOLING")]
        n += 1
        if abs(got - float(value)) > float(tol):
            bad.append("Table 15 %s %s: %.6f, published %s" % (method, region, got, value))
    w = load(os.path.join(exp, "tai23.pca-f4.csv"))
    for name, pub in HANDBOOK_PCA4:
        n += 1
        got = w[("weight", name)]
        if abs(got - pub) > 0.006:
            bad.append("Tables 16-18 weight %s: %.4f, published %.2f" % (name, got, pub))
    for name, got, pub, tol in small_cases():
        for g, p in zip(got, pub):
            n += 1
            if abs(g - p) > tol:
                bad.append("%s: %.9g, published %.9g" % (name, g, p))
    if bad:
        sys.stderr.write("published numbers not reproduced:\n  " + "\n  ".join(bad) + "\n")
        sys.exit(1)
    print("%d published numbers reproduced" % n)


if __name__ == "__main__":
    main()
