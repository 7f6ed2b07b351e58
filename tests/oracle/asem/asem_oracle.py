#!/usr/bin/python3
"""Independent computation of the ASEM index for tests/unit/test_model.c.

Pipeline (documented in docs/models.md, "The ASEM example"):
  1. x / d for indicators with a denominator (asem_meta.csv, Denominator);
  2. missing cells imputed with the indicator's mean over all countries;
  3. min-max to [0, 100], cost indicators (Direction -1) turned around;
  4. arithmetic means with the Weight column rescaled within each parent,
     level by level up to the index.
Run from the repository root:
  /usr/bin/python3 tests/oracle/asem/asem_oracle.py > tests/oracle/asem/asem_index.csv
"""
import csv
import sys

import numpy as np

meta = list(csv.DictReader(open("data/asem/asem_meta.csv", encoding="utf-8")))
rows = list(csv.DictReader(open("data/asem/asem_data.csv", encoding="utf-8")))
regions = [r["uName"] for r in rows]


def col(code):
    return np.array([float(r[code]) if r[code] != "" else np.nan for r in rows])


scores = {}
children = {}
for m in meta:
    if m["Type"] in ("Indicator", "Aggregate") and m["Parent"]:
        children.setdefault(m["Parent"], []).append(m["iCode"])
weight = {m["iCode"]: float(m["Weight"]) if m["Weight"] else 1.0 for m in meta}

for m in meta:
    if m["Type"] != "Indicator":
        continue
    x = col(m["iCode"])
    if m["Denominator"]:
        x = x / col(m["Denominator"])
    x = np.where(np.isnan(x), np.nanmean(x), x)
    lo, hi = x.min(), x.max()
    if float(m["Direction"]) < 0:
        y = 0 + 100 * ((hi - x) / (hi - lo))
    else:
        y = 0 + 100 * ((x - lo) / (hi - lo))
    scores[m["iCode"]] = y

levels = sorted({int(float(m["Level"])) for m in meta if m["Type"] == "Aggregate"})
for lev in levels:
    for m in meta:
        if m["Type"] != "Aggregate" or int(float(m["Level"])) != lev:
            continue
        ch = children[m["iCode"]]
        w = np.array([weight[c] for c in ch])
        w = w / w.sum()
        scores[m["iCode"]] = sum(wi * scores[c] for wi, c in zip(w, ch))

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["region", "Index", "Conn", "Sust"])
for i, r in enumerate(regions):
    out.writerow([r] + [repr(float(scores[c][i])) for c in ("Index", "Conn", "Sust")])
