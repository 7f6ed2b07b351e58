#!/usr/bin/python3
"""Reference values for the methods of METHODS.md, computed with numpy only.

Usage: oracle_numpy.py DATA_DIR OUT_DIR

Reads DATA_DIR/datasets.csv, computes every quantity from the formulas of
METHODS.md with numpy (own code for ranks, varimax, KMO, Bartlett's p-value)
and writes OUT_DIR/<dataset>.<method>.csv (quantity,key,value, 17 significant
digits) plus OUT_DIR/<dataset>.<method>.how with a one-line description.
oracle_r.R computes the same files with R's stats and psych; compare.py
checks that both agree before anything is written to expected/.
"""
import csv
import math
import os
import sys

import numpy as np

NUMPY_DESC = "numpy %s" % np.__version__


# ----------------------------------------------------------------- input
def parse_direction(text):
    text = text.strip()
    if text in ("+", "-"):
        return (text, None, None)
    if text.startswith("="):
        return ("=", float(text[1:]), None)
    if text.startswith("[") and text.endswith("]"):
        a, b = text[1:-1].split(",")
        return ("[", float(a), float(b))
    raise ValueError("bad direction %r" % text)


def read_dataset(data_dir, spec):
    path = os.path.join(data_dir, spec["file"])
    nid = int(spec["id_columns"])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    names = header[nid:]
    keys = [":".join(r[:nid]) for r in rows[1:]]
    x = np.array([[float(v) if v.strip() != "" else np.nan for v in r[nid:]]
                  for r in rows[1:]], dtype=float)
    with open(os.path.join(data_dir, spec["directions"]), newline="") as f:
        d = {r["indicator"]: parse_direction(r["direction"]) for r in csv.DictReader(f)}
    dirs = [d[n] for n in names]
    return names, keys, x, dirs


def raw_dirs(data_dir, spec, names):
    with open(os.path.join(data_dir, spec["directions"]), newline="") as f:
        d = {r["indicator"]: r["direction"].strip() for r in csv.DictReader(f)}
    return [d[n] for n in names]


# ------------------------------------------------------------- helpers
def rank_avg(v):
    """Ascending ranks 1..n, ties get the average of their positions."""
    n = len(v)
    order = np.argsort(v, kind="mergesort")
    r = np.empty(n)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and v[order[j + 1]] == v[order[i]]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return r


def benefit_form(x, dirs):
    """Interval / target columns turned into benefit values in [0,1] (METHODS §1);
    + and - columns unchanged."""
    xb = x.copy()
    for j, (kind, a, b) in enumerate(dirs):
        c = x[:, j]
        if kind == "=":
            dev = np.abs(c - a)
            xb[:, j] = 1.0 - dev / dev.max()
        elif kind == "[":
            lo, hi = c.min(), c.max()
            dist = np.maximum(np.maximum(a - c, c - b), 0.0)
            xb[:, j] = 1.0 - dist / max(a - lo, hi - b)
    return xb


def is_cost(dirs):
    return np.array([k == "-" for (k, _, _) in dirs])


def oriented(x, dirs):
    """x for PCA and the audit: interval/target -> [0,1] benefit, cost negated."""
    xb = benefit_form(x, dirs)
    xb[:, is_cost(dirs)] *= -1.0
    return xb


def normalize(x, dirs, method, ddof=1, lo=0.0, hi=1.0):
    xb = benefit_form(x, dirs)
    cost = is_cost(dirs)
    n, J = xb.shape
    y = np.empty_like(xb)
    for j in range(J):
        c = xb[:, j]
        cj = cost[j]
        if method == "minmax":
            mn, mx = c.min(), c.max()
            y[:, j] = lo + (hi - lo) * ((mx - c) if cj else (c - mn)) / (mx - mn)
        elif method == "zscore":
            m = c.mean()
            s = math.sqrt(((c - m) ** 2).sum() / (n - ddof))
            y[:, j] = (-(c - m) if cj else (c - m)) / s
        elif method == "rank":
            y[:, j] = rank_avg(-c if cj else c)
        elif method == "percentile":
            y[:, j] = (rank_avg(-c if cj else c) - 1.0) / (n - 1.0)
        elif method == "ratio-mean":
            m = c.mean()
            y[:, j] = m / c if cj else c / m
        elif method == "ratio-max":
            y[:, j] = c.min() / c if cj else c / c.max()
        elif method == "ratio-min":
            y[:, j] = c.max() / c if cj else c / c.min()
        elif method == "vector":
            y[:, j] = c / math.sqrt((c * c).sum())
        else:
            raise ValueError(method)
    return y


def pearson(a):
    c = a - a.mean(axis=0)
    cov = c.T @ c
    s = np.sqrt(np.diag(cov))
    r = cov / np.outer(s, s)
    np.fill_diagonal(r, 1.0)
    return r


def spearman(a):
    return pearson(np.column_stack([rank_avg(a[:, j]) for j in range(a.shape[1])]))


def eig_desc(r):
    lam, v = np.linalg.eigh(r)
    idx = np.argsort(lam)[::-1]
    return lam[idx], v[:, idx]


def factor_count(lam, rule):
    J = len(lam)
    if rule != "auto":
        return int(rule)
    m = int((lam > 1.0).sum())
    share = np.cumsum(lam) / lam.sum()
    while m < J and (m == 0 or share[m - 1] < 0.60):
        m += 1
    return m


def varimax_pairwise(L, tol=1e-15, maxsweep=1000):
    """Varimax with Kaiser normalization by Kaiser's pairwise planar rotations,
    sweeping all factor pairs until no rotation angle exceeds tol."""
    p, m = L.shape
    if m < 2:
        return L.copy()
    h = np.sqrt((L ** 2).sum(axis=1))
    A = L / h[:, None]
    for _ in range(maxsweep):
        biggest = 0.0
        for j in range(m - 1):
            for k in range(j + 1, m):
                a, b = A[:, j], A[:, k]
                u = a * a - b * b
                v = 2.0 * a * b
                num = 2.0 * (u * v).sum() - 2.0 * u.sum() * v.sum() / p
                den = ((u * u - v * v).sum()
                       - (u.sum() ** 2 - v.sum() ** 2) / p)
                phi = math.atan2(num, den) / 4.0
                if abs(phi) > biggest:
                    biggest = abs(phi)
                if phi != 0.0:
                    cs, sn = math.cos(phi), math.sin(phi)
                    A[:, j], A[:, k] = cs * a + sn * b, -sn * a + cs * b
        if biggest < tol:
            break
    else:
        raise RuntimeError("varimax did not converge")
    return A * h[:, None]


def canon_factors(L):
    """Sort factors by decreasing sum of squared loadings, then flip each so its
    loadings sum > 0."""
    ss = (L ** 2).sum(axis=0)
    L = L[:, np.argsort(-ss, kind="mergesort")]
    sg = np.where(L.sum(axis=0) < 0, -1.0, 1.0)
    return L * sg


def gammaincc_int(a, x):
    """Upper regularized incomplete gamma Q(a, x): series for x < a + 1,
    Lentz continued fraction otherwise."""
    if x <= 0:
        return 1.0
    lg = math.lgamma(a)
    if x < a + 1.0:
        term = 1.0 / a
        s = term
        ap = a
        for _ in range(100000):
            ap += 1.0
            term *= x / ap
            s += term
            if abs(term) < abs(s) * 1e-17:
                break
        return 1.0 - s * math.exp(-x + a * math.log(x) - lg)
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    f = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        f *= delta
        if abs(delta - 1.0) < 1e-17:
            break
    return math.exp(-x + a * math.log(x) - lg) * f


def entropy_weights(y):
    n = y.shape[0]
    p = y / y.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pl = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -pl.sum(axis=0) / math.log(n)
    d = 1.0 - e
    return e, d / d.sum()


def topsis(y, w, cost_nonoriented):
    v = y * w
    best = np.where(cost_nonoriented, v.min(axis=0), v.max(axis=0))
    worst = np.where(cost_nonoriented, v.max(axis=0), v.min(axis=0))
    dp = np.sqrt(((v - best) ** 2).sum(axis=1))
    dm = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return dp, dm, dm / (dp + dm)


# ----------------------------------------------------------------- output
class Out:
    def __init__(self, outdir, ds, prefix):
        self.outdir, self.ds, self.prefix = outdir, ds, prefix

    def write(self, method, how, rows):
        base = os.path.join(self.outdir, "%s.%s" % (self.ds, method))
        with open(base + ".csv", "w", newline="") as f:
            f.write("quantity,key,value\n")
            for q, k, v in rows:
                f.write("%s,%s,%s\n" % (q, k, "%.17g" % float(v)))
        with open(base + ".how", "w") as f:
            f.write(self.prefix + how + "\n")


# ------------------------------------------------------------------ main
def run_dataset(data_dir, outdir, spec):
    ds = spec["name"]
    names, keys, x, dirs = read_dataset(data_dir, spec)
    n, J = x.shape
    if all(d[0] == "+" for d in dirs):
        dtext = "all +"
    else:
        dtext = "; ".join("%s %s" % (nm, raw) for nm, raw in zip(names, raw_dirs(data_dir, spec, names)))
    prefix = "data %s (%d rows x %d indicators%s), directions %s; " % (
        (spec["file"].replace("../../", "tests/") if spec["file"].startswith("../../")
         else "tests/oracle/data/" + spec["file"]), n, J,
        "; missing cells filled with the column mean over all rows" if spec["impute"] == "mean"
        else "", dtext)
    out = Out(outdir, ds, prefix)

    if spec["impute"] == "mean":
        rows = []
        for j in range(J):
            miss = np.isnan(x[:, j])
            m = x[~miss, j].mean()
            rows.append(("filled_count", names[j], miss.sum()))
            for i in np.flatnonzero(miss):
                rows.append(("filled", "%s:%s" % (keys[i], names[j]), m))
            x[miss, j] = m
        out.write("impute-mean", "mean of the present cells of each column over all rows "
                  "(pooled); quantity filled = value put in the cell REGION:YEAR:INDICATOR",
                  rows)
    assert not np.isnan(x).any()

    # ---- normalizations
    nspec = spec["normalizations"]
    if nspec != "none":
        methods = [("zscore", dict(ddof=1)), ("zscore-ddof0", dict(ddof=0)),
                   ("minmax", {}), ("rank", {}), ("percentile", {}),
                   ("ratio-mean", {}), ("ratio-max", {}), ("ratio-min", {}),
                   ("vector", {})]
        if nspec == "directional":  # ratio-min divides by a 0 of a target column
            methods = [m for m in methods if m[0] != "ratio-min"]
        for mname, kw in methods:
            base = "zscore" if mname.startswith("zscore") else mname
            y = normalize(x, dirs, base, **kw)
            rows = [("y", "%s:%s" % (keys[i], names[j]), y[i, j])
                    for i in range(n) for j in range(J)]
            out.write(mname, "normalization %s over all rows%s; interval/target columns "
                      "first mapped to [0,1] benefit values; key REGION:INDICATOR"
                      % (mname, " (sd with n-%d)" % kw["ddof"] if "ddof" in kw else ""),
                      rows)

    cost = is_cost(dirs)
    y01 = normalize(x, dirs, "minmax")
    xo = oriented(x, dirs)

    # ---- weights
    sd = y01.std(axis=0, ddof=1)
    out.write("sd", "w_j = sd_j / sum sd of minmax [0,1] y (oriented)",
              [("sd", names[j], sd[j]) for j in range(J)]
              + [("weight", names[j], sd[j] / sd.sum()) for j in range(J)])

    mu = x.mean(axis=0)
    cvv = x.std(axis=0, ddof=1) / np.abs(mu)
    out.write("cv", "w_j = cv_j / sum cv, cv_j = sd_j(n-1)/|mean_j| of the raw x "
              "(no orientation, no interval/target transform)",
              [("cv", names[j], cvv[j]) for j in range(J)]
              + [("weight", names[j], cvv[j] / cvv.sum()) for j in range(J)])

    r01 = pearson(y01)
    info = sd * (1.0 - r01).sum(axis=1)
    out.write("critic", "CRITIC on minmax [0,1] y (oriented): C_j = sd_j(n-1) * sum_k (1 - r_jk), "
              "r = Pearson of y; w = C / sum C",
              [("sd", names[j], sd[j]) for j in range(J)]
              + [("info", names[j], info[j]) for j in range(J)]
              + [("weight", names[j], info[j] / info.sum()) for j in range(J)])

    e, we = entropy_weights(y01)
    out.write("entropy", "entropy weights on minmax [0,1] y (oriented), pooled over all "
              "n rows: p = y/colsum, e = -sum p ln p / ln n (0 ln 0 = 0), w = (1-e)/sum(1-e)",
              [("entropy", names[j], e[j]) for j in range(J)]
              + [("weight", names[j], we[j]) for j in range(J)])

    # ---- PCA
    R = pearson(xo)
    lam, V = eig_desc(R)
    for rule in spec["pca_factors"].split(";"):
        m = factor_count(lam, rule)
        L = V[:, :m] * np.sqrt(lam[:m])
        Lu = L * np.where(L.sum(axis=0) < 0, -1.0, 1.0)
        Lr = canon_factors(varimax_pairwise(L))
        fac = np.argmax(Lr ** 2, axis=1)
        sq = Lr[np.arange(J), fac] ** 2
        w = sq / sq.sum()
        rows = [("factors", "m", m)]
        rows += [("eigenvalue", str(k + 1), lam[k]) for k in range(J)]
        rows += [("share", str(k + 1), lam[k] / J) for k in range(J)]
        rows += [("cumshare", str(k + 1), lam[:k + 1].sum() / J) for k in range(J)]
        rows += [("loading_unrotated", "%s:%d" % (names[j], k + 1), Lu[j, k])
                 for j in range(J) for k in range(m)]
        rows += [("loading", "%s:%d" % (names[j], k + 1), Lr[j, k])
                 for j in range(J) for k in range(m)]
        rows += [("explained", str(k + 1), (Lr[:, k] ** 2).sum()) for k in range(m)]
        rows += [("factor", names[j], fac[j] + 1) for j in range(J)]
        rows += [("weight", names[j], w[j]) for j in range(J)]
        mname = "pca" if rule == "auto" else "pca-f%s" % rule
        out.write(mname, "pca weights: R = Pearson correlation of x oriented (cost negated, "
                  "interval/target mapped to [0,1]); eigenvalues descending; m = %s; "
                  "L = V_m sqrt(lambda); varimax with Kaiser normalization; rotated factors "
                  "sorted by decreasing sum of squared loadings and each flipped so its "
                  "loadings sum > 0; unrotated loadings flipped the same way; factor(j) = "
                  "argmax_k L_jk^2; w_j = L_j,factor(j)^2 / sum" %
                  ("handbook rule (lambda>1, extended while cumulative share < 60%%) = %d" % m
                   if rule == "auto" else "fixed %d" % m), rows)

        u = V[:, :m] * np.where(V[:, :m].sum(axis=0) < 0, -1.0, 1.0)
        c = (u * lam[:m]).sum(axis=1) / lam[:m].sum()
        wc = np.abs(c) / np.abs(c).sum()
        rows = [("factors", "m", m)]
        rows += [("eigenvalue", str(k + 1), lam[k]) for k in range(m)]
        rows += [("u", "%s:%d" % (names[j], k + 1), u[j, k])
                 for j in range(J) for k in range(m)]
        rows += [("c", names[j], c[j]) for j in range(J)]
        rows += [("weight", names[j], wc[j]) for j in range(J)]
        mname = "pca-coef" if rule == "auto" else "pca-coef-f%s" % rule
        out.write(mname, "pca-coef: same R and m as %s; u = eigenvectors each flipped so "
                  "sum_j u_jk > 0; c_j = sum_k u_jk lambda_k / sum_k<=m lambda_k; "
                  "w = |c| / sum |c|" % ("pca" if rule == "auto" else "pca-f" + rule), rows)

    # ---- aggregation, equal weights
    w = np.full(J, 1.0 / J)
    y100 = normalize(x, dirs, "minmax", lo=1.0, hi=100.0)
    aggs = [
        ("linear", "s = sum w y", (y100 * w).sum(axis=1)),
        ("geometric", "s = prod y^w", np.prod(y100 ** w, axis=1)),
        ("harmonic", "s = 1 / sum (w / y)", 1.0 / (w / y100).sum(axis=1)),
        ("power-2", "generalized mean p = 2: s = (sum w y^2)^(1/2)",
         np.sqrt((w * y100 ** 2).sum(axis=1))),
        ("power-0.5", "generalized mean p = 0.5: s = (sum w y^0.5)^2",
         ((w * np.sqrt(y100)).sum(axis=1)) ** 2),
    ]
    for mname, formula, s in aggs:
        out.write(mname, "aggregation %s, %s, equal weights w = 1/J, on minmax y in [1,100] "
                  "(oriented)" % (mname, formula),
                  [("score", keys[i], s[i]) for i in range(n)])
    yv = normalize(x, dirs, "vector")
    dp, dm, s = topsis(yv, w, cost)
    out.write("topsis-vector", "TOPSIS, equal weights, vector normalization (not oriented; "
              "interval/target columns are benefit [0,1] values first); ideal best = max for "
              "benefit columns, min for cost columns; Euclidean distances",
              [("dplus", keys[i], dp[i]) for i in range(n)]
              + [("dminus", keys[i], dm[i]) for i in range(n)]
              + [("score", keys[i], s[i]) for i in range(n)])
    dp, dm, s = topsis(y01, w, np.zeros(J, bool))
    out.write("topsis-minmax", "TOPSIS, equal weights, minmax [0,1] normalization (oriented); "
              "ideal best = column max of w*y, worst = column min; Euclidean distances",
              [("dplus", keys[i], dp[i]) for i in range(n)]
              + [("dminus", keys[i], dm[i]) for i in range(n)]
              + [("score", keys[i], s[i]) for i in range(n)])

    # ---- audit
    S = spearman(xo)
    out.write("pearson", "Pearson correlation matrix of x oriented (cost negated, "
              "interval/target mapped to [0,1]); key A:B",
              [("r", "%s:%s" % (names[a], names[b]), R[a, b])
               for a in range(J) for b in range(J)])
    out.write("spearman", "Spearman correlation matrix (Pearson of average-tie ranks) of "
              "x oriented; key A:B",
              [("rho", "%s:%s" % (names[a], names[b]), S[a, b])
               for a in range(J) for b in range(J)])

    Q = np.linalg.inv(R)
    A = -Q / np.sqrt(np.outer(np.diag(Q), np.diag(Q)))
    off = ~np.eye(J, dtype=bool)
    r2 = np.where(off, R ** 2, 0.0)
    a2 = np.where(off, A ** 2, 0.0)
    kmo_j = r2.sum(axis=0) / (r2.sum(axis=0) + a2.sum(axis=0))
    kmo = r2.sum() / (r2.sum() + a2.sum())
    out.write("kmo", "KMO from the anti-image of R (Pearson of x oriented): "
              "a_jk = -Q_jk/sqrt(Q_jj Q_kk), Q = R^-1; sums over k != j",
              [("kmo", "overall", kmo)] + [("kmo", names[j], kmo_j[j]) for j in range(J)])

    sign, logdet = np.linalg.slogdet(R)
    assert sign > 0
    chisq = -(n - 1 - (2.0 * J + 5.0) / 6.0) * logdet
    df = J * (J - 1) / 2.0
    pval = gammaincc_int(df / 2.0, chisq / 2.0)
    out.write("bartlett", "Bartlett sphericity test on R (Pearson of x oriented), n = rows: "
              "chisq = -(n-1-(2J+5)/6) ln|R|, df = J(J-1)/2, p = upper chi-square tail",
              [("bartlett", "chisq", chisq), ("bartlett", "df", df), ("bartlett", "p", pval),
               ("bartlett", "logdet", logdet), ("bartlett", "n", n)])

    def alpha(y):
        v = y.var(axis=0, ddof=1).sum()
        t = y.sum(axis=1).var(ddof=1)
        return J / (J - 1.0) * (1.0 - v / t)
    yz = normalize(x, dirs, "zscore")
    out.write("alpha", "Cronbach alpha = J/(J-1) (1 - sum var_j / var(sum_j y_j)); key minmax "
              "= on minmax [0,1] y, zscore = on zscore y (= standardized alpha of x oriented), "
              "oriented = on x oriented",
              [("alpha", "minmax", alpha(y01)), ("alpha", "zscore", alpha(yz)),
               ("alpha", "oriented", alpha(xo))])

    rows = []
    for j in range(J):
        c = x[:, j] - x[:, j].mean()
        m2, m3, m4 = (c ** 2).mean(), (c ** 3).mean(), (c ** 4).mean()
        rows.append(("skewness", names[j], m3 / m2 ** 1.5))
        rows.append(("kurtosis", names[j], m4 / m2 ** 2 - 3.0))
    out.write("moments", "skewness g1 = m3/m2^1.5 and excess kurtosis g2 = m4/m2^2 - 3 with "
              "population moments (divide by n) of the raw x (not oriented)", rows)


def main():
    data_dir, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(data_dir, "datasets.csv"), newline="") as f:
        for spec in csv.DictReader(f):
            run_dataset(data_dir, outdir, spec)
    with open(os.path.join(outdir, "VERSION"), "w") as f:
        f.write(NUMPY_DESC + "\n")


if __name__ == "__main__":
    main()
