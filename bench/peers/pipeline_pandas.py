#!/usr/bin/python3
"""The benchmark pipeline with pandas + numpy, as a competent user writes it.

usage: pipeline_pandas.py PANEL.csv COST,LIST SCORES.csv WEIGHTS.csv

Read the wide panel (region,year,<indicators>), fill missing cells with the
column mean (pooled), min-max over all rows with the cost indicators turned
around, entropy weights, PCA weights by the OECD rule (correlation of the
imputed x with cost columns negated, eigenpairs, the auto factor rule,
varimax with Kaiser normalization, w ~ squared loading on the indicator's
factor), linear scores with the entropy weights, ranks within each year
(ties min) and the rank change against the previous year, and write the
scores as `cix score` does (ordered by year, rank, input order).

Prints one line: stages parse=S impute_normalize=S weights=S pca=S
score_rank=S write=S, and writes indicator,entropy,pca to WEIGHTS.csv.
"""
import sys
import time

import numpy as np
import pandas as pd


def varimax(L, tol=1e-13, max_iter=5000):
    """Varimax with Kaiser normalization: the usual SVD iteration (as in R's
    stats::varimax), run until the rotation itself stops moving, as
    METHODS.md asks (stopping on a small relative change of the criterion
    leaves the loadings off by about the square root of that change)."""
    h = np.sqrt((L * L).sum(axis=1))
    A = L / h[:, None]
    p, k = A.shape
    R = np.eye(k)
    for _ in range(max_iter):
        B = A @ R
        U, _, Vt = np.linalg.svd(A.T @ (B ** 3 - B @ np.diag((B * B).sum(axis=0)) / p))
        R_new = U @ Vt
        moved = np.abs(R_new - R).max()
        R = R_new
        if moved < tol:
            break
    return (A @ R) * h[:, None]


def main():
    path, cost_list, scores_path, weights_path = sys.argv[1:5]
    cost_names = [c for c in cost_list.split(",") if c]
    t = [time.perf_counter()]

    # parse
    df = pd.read_csv(path)
    t.append(time.perf_counter())

    # impute (column mean) + pooled min-max, cost indicators reversed
    ind = list(df.columns[2:])
    X = df[ind].to_numpy(dtype=np.float64)
    means = np.nanmean(X, axis=0)
    miss = np.isnan(X)
    if miss.any():
        X[miss] = np.take(means, np.nonzero(miss)[1])
    cost = np.isin(ind, cost_names)
    mn, mx = X.min(axis=0), X.max(axis=0)
    rng = mx - mn
    Y = (X - mn) / rng
    Y[:, cost] = (mx[cost] - X[:, cost]) / rng[cost]
    t.append(time.perf_counter())

    # entropy weights
    n = Y.shape[0]
    P = Y / Y.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(P), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1.0 - e
    w = d / d.sum()
    t.append(time.perf_counter())

    # PCA weights, OECD rule
    R = np.corrcoef(X, rowvar=False)
    sign = np.where(cost, -1.0, 1.0)
    R = R * np.outer(sign, sign)
    lam, V = np.linalg.eigh(R)
    lam, V = lam[::-1], V[:, ::-1]
    share = np.cumsum(lam) / lam.sum()
    m = max(1, int((lam > 1.0).sum()))
    while m < len(lam) and share[m - 1] < 0.60:
        m += 1
    L = V[:, :m] * np.sqrt(lam[:m])
    Lr = varimax(L) if m > 1 else L
    sq = Lr * Lr
    w_pca = sq[np.arange(len(ind)), sq.argmax(axis=1)]
    w_pca = w_pca / w_pca.sum()
    t.append(time.perf_counter())

    # linear scores, ranks within each year, rank change
    out = df[["region", "year"]].copy()
    out["score"] = Y @ w
    out["rank"] = out.groupby("year")["score"].rank(method="min", ascending=False)
    years = np.sort(out["year"].unique())
    prev = out[["region", "year", "rank"]].copy()
    prev["year"] = prev["year"].map(pd.Series(years[1:], index=years[:-1]))
    out = out.merge(prev.rename(columns={"rank": "prev"}), on=["region", "year"], how="left",
                    sort=False)
    out["rank_change"] = out["prev"] - out["rank"]
    t.append(time.perf_counter())

    # write, ordered as `cix score`: year, rank, input order
    out = out.sort_values(["year", "rank"], kind="stable")
    out["rank"] = out["rank"].astype(np.int64)
    out["rank_change"] = out["rank_change"].astype("Int64")
    out[["region", "year", "score", "rank", "rank_change"]].to_csv(scores_path, index=False)
    t.append(time.perf_counter())

    pd.DataFrame({"indicator": ind, "entropy": w, "pca": w_pca}).to_csv(
        weights_path, index=False, float_format="%.17g")
    names = ["parse", "impute_normalize", "weights", "pca", "score_rank", "write"]
    print("stages " + " ".join("%s=%.6f" % (k, t[i + 1] - t[i]) for i, k in enumerate(names))
          + " factors=%d" % m)


if __name__ == "__main__":
    main()
