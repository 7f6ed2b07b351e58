#!/usr/bin/python3
"""The cix benchmark harness (Python standard library only).

For each panel shape: generates the panel (cix-genpanel, seeded), measures the
machine's limits (file read, number parsing, memory bandwidth, DSYRK), then
runs, alternating the programs, the same pipeline with

  cix        the `cix` program, one command as a user runs it: `cix score --explain
             none ... --weights-out W --compare-weights pca` (reads the panel once,
             writes the scores, and the entropy and PCA weights to W)
  cix-lib    cix-bench-stages: the same work through the C API in one process,
             timed stage by stage
  pandas     bench/peers/pipeline_pandas.py (Debian's python3-pandas, numpy)
  fread      bench/peers/pipeline_fread.R  (R, data.table::fread)
  base-r     bench/peers/pipeline_base.R   (R, read.csv)

Every run's weights (entropy and PCA) must agree with those of `cix weights -w
entropy` and `cix weights -w pca` to 1e-9 (relative), and each program's first
scores file must give
the same ranks and rank changes and scores equal to 1e-9, or none of that
program's times is reported. Wall time and peak RSS are those of the
process(es), the peak measured by cix-bench-peak (bench/peak.c) so that it is
the program's own; stage times are what each program prints.

Writes OUT/results.csv (every run), OUT/summary.csv (medians), OUT/limits.csv,
OUT/chart.svg, and prints the table. See bench/README.md.
"""
import argparse
import csv
import math
import os
import platform
import statistics
import subprocess
import sys
import time

# Stages of the table. "compute" is impute + normalize + weights + score and
# rank: cix runs them fused in cix_compute (keep_normalized = 0), so the peers'
# three stages are added up for it; results.csv keeps the peers' parts.
STAGES = ["parse", "compute", "pca", "write"]
PARTS = ["impute_normalize", "weights", "score_rank"]
TOOLS = ["cix", "cix-lib", "pandas", "fread", "base-r"]
PEERS = ["pandas", "fread", "base-r"]
SHAPES = {
    "small": (9, 10, 12),
    "medium": (3000, 20, 50),
    "large": (100000, 10, 100),
}
REL_TOL = 1e-9
# cix-bench-peak in the build tree (set in main)
PEAK = None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_proc(argv, stdout_path=None):
    """Runs argv under cix-bench-peak; returns (wall seconds, peak RSS KiB, rc,
    stdout text). The peak is the command's own (see bench/peak.c): wait4 on
    a process started from here would also count the harness's memory."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
    t0 = time.perf_counter()
    p = subprocess.Popen([PEAK] + argv, stdout=out, stderr=subprocess.PIPE)
    # read pipes before waiting so a full pipe cannot block the child
    so = b"" if stdout_path else p.stdout.read()
    se = p.stderr.read()
    _, status, _ = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    lines = se.decode(errors="replace").rstrip("\n").split("\n")
    rss = 0
    if lines and lines[-1].startswith("peak_rss_kib "):
        rss = int(lines.pop().split()[1])
    if p.returncode != 0 or rss == 0:
        log("command failed (%d): %s\n%s" % (p.returncode, " ".join(argv),
                                             "\n".join(lines)[-2000:]))
        if p.returncode == 0:
            p.returncode = 127
    return wall, rss, p.returncode, so.decode(errors="replace")


def kv_line(text, first):
    for line in text.splitlines():
        if line.startswith(first):
            return dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
    return None


def read_weights(path):
    """column -> {indicator -> weight} from a weights CSV (# lines skipped):
    indicator,entropy,pca of the peers and of `cix score --weights-out
    --compare-weights pca`, indicator,weight of `cix weights`."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    head = rows[0]
    out = {h: {} for h in head[1:]}
    for r in rows[1:]:
        for h, x in zip(head[1:], r[1:]):
            out[h][r[0]] = float(x)
    return out


def read_cli_weights(path):
    """indicator -> weight from the output of `cix weights`."""
    return read_weights(path)["weight"]


def rel_diff(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def check_weights(path, ref_e, ref_p):
    """Largest relative difference of the entropy and PCA weights in path
    (columns entropy and pca) from the references; inf when a column or an
    indicator is missing."""
    w = read_weights(path)
    if "entropy" not in w or "pca" not in w:
        return math.inf
    worst = 0.0
    for col, ref in (("entropy", ref_e), ("pca", ref_p)):
        if set(w[col]) != set(ref):
            return math.inf
        for k, x in w[col].items():
            worst = max(worst, rel_diff(x, ref[k]))
    return worst


def read_scores(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    return rows[0], rows[1:]


def check_scores(path, ref_rows):
    """None if path holds the reference rows (ranks, rank changes exact,
    scores to REL_TOL, same order), else a message."""
    head, rows = read_scores(path)
    if head[:5] != ["region", "year", "score", "rank", "rank_change"]:
        return "header %s" % head
    if len(rows) != len(ref_rows):
        return "%d rows, expected %d" % (len(rows), len(ref_rows))
    for i, (r, q) in enumerate(zip(rows, ref_rows)):
        if r[0] != q[0] or int(r[1]) != int(q[1]):
            return "row %d: %s %s, expected %s %s" % (i + 1, r[0], r[1], q[0], q[1])
        if float(r[3]) != float(q[3]):
            return "row %d: rank %s, expected %s" % (i + 1, r[3], q[3])
        if (r[4] == "") != (q[4] == "") or (r[4] != "" and float(r[4]) != float(q[4])):
            return "row %d: rank change '%s', expected '%s'" % (i + 1, r[4], q[4])
        if rel_diff(float(r[2]), float(q[2])) > REL_TOL:
            return "row %d: score %s, expected %s" % (i + 1, r[2], q[2])
    return None


def versions(args):
    v = {}
    py = "/usr/bin/python3"
    r = subprocess.run([py, "-c", "import pandas, numpy; print(pandas.__version__, numpy.__version__)"],
                       capture_output=True, text=True)
    v["pandas"], v["numpy"] = (r.stdout.split() + ["?", "?"])[:2]
    r = subprocess.run(["Rscript", "-e", 'cat(paste(R.version$major, R.version$minor, sep="."),'
                        ' as.character(packageVersion("data.table")))'], capture_output=True, text=True)
    v["R"], v["data.table"] = (r.stdout.split() + ["?", "?"])[:2]
    r = subprocess.run([args.cix, "--version"], capture_output=True, text=True)
    v["cix"] = r.stdout.split("\n")[0].replace("cix ", "")
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    v["cpu"] = "%s, %d cores" % (model, os.cpu_count())
    try:
        with open("/proc/meminfo") as f:
            v["memory"] = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576)
    except OSError:
        v["memory"] = "?"
    v["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    v["kernel"] = platform.release()
    return v


class Shape:
    def __init__(self, name, dims, args):
        self.name, self.dims = name, dims
        r, t, m = dims
        self.csv = os.path.join(args.data, "%s-%d-%d-%d-p%s.csv" % (name, r, t, m, args.missing))
        self.cost = self.csv[:-4] + ".cost"
        self.rows, self.ind = r * t, m


def generate(shape, args):
    if os.path.exists(shape.csv) and os.path.exists(shape.cost):
        return
    r, t, m = shape.dims
    log("generating %s panel: %d regions x %d years x %d indicators" % (shape.name, r, t, m))
    subprocess.run([args.genpanel, "-r", str(r), "-t", str(t), "-m", str(m), "-s", "1",
                    "-p", args.missing, "-o", shape.csv, "-C", shape.cost], check=True)


def limits(shape, args, membw):
    """Per-stage lower bounds in seconds for this shape, and the raw figures."""
    lim = {}
    _, _, _, out = run_proc([args.limits, "read", shape.csv])
    rd = kv_line(out, "limit=read")
    _, _, _, out = run_proc([args.limits, "parse", shape.csv])
    pa = kv_line(out, "limit=parse")
    _, _, _, out = run_proc([args.limits, "syrk", str(shape.rows), str(shape.ind)])
    sy = kv_line(out, "limit=syrk")
    # not in the bound: what the first write of panel-sized new memory costs
    _, _, _, out = run_proc([args.limits, "fresh", str(max(1, shape.rows * shape.ind * 8 >> 20))])
    fr = kv_line(out, "limit=fresh")
    read_bw = float(rd["gb_per_s"]) * 1e9
    bw2 = float(membw["read2_gb_per_s"]) * 1e9
    fields = int(pa["fields"])
    ns = min(float(pa["strtod_ns"]), float(pa["cix_parse_ns"]))
    cores = min(2, os.cpu_count() or 1)
    panel_bytes = shape.rows * shape.ind * 8
    one_pass = panel_bytes / bw2
    out_bytes = shape.rows * 40
    lim["parse"] = int(rd["bytes"]) / read_bw + fields * ns * 1e-9 / cores
    # impute + normalize (read x, write y), weights, score + rank: one pass each
    lim["compute"] = 4 * one_pass
    lim["pca"] = float(sy["seconds"]) + one_pass
    lim["write"] = out_bytes / read_bw
    lim["total"] = sum(lim[s] for s in STAGES)
    raw = {
        "file_bytes": int(rd["bytes"]), "read_gb_per_s": float(rd["gb_per_s"]),
        "fields": fields, "strtod_ns": float(pa["strtod_ns"]),
        "cix_parse_ns": float(pa["cix_parse_ns"]), "parse_agree": pa["agree"],
        "membw1_gb_per_s": float(membw["read1_gb_per_s"]),
        "membw2_gb_per_s": float(membw["read2_gb_per_s"]),
        "syrk_s": float(sy["seconds"]), "syrk_gflop_per_s": float(sy["gflop_per_s"]),
        "fresh_bytes": int(fr["bytes"]), "fresh_first_s": float(fr["first_s"]),
        "fresh_again_s": float(fr["again_s"]),
    }
    return lim, raw


def tool_commands(tool, shape, args, outdir):
    cost = open(shape.cost).read().strip()
    sc = os.path.join(outdir, "%s.%s.scores.csv" % (shape.name, tool))
    wt = os.path.join(outdir, "%s.%s.weights.csv" % (shape.name, tool))
    if tool == "cix":
        # one command: the panel is read once for the scores, the entropy
        # weights of the run and the PCA weights (columns entropy,pca of wt)
        return [[args.cix, "score", "-q", "--explain", "none", "--impute", "mean", "-n", "minmax",
                 "-w", "entropy", "--cost", cost, "-a", "linear", "--ties", "min", "-o", sc,
                 "--weights-out", wt, "--compare-weights", "pca", shape.csv]], sc, wt
    if tool == "cix-lib":
        return [[args.stages, "-c", cost, "-o", sc, "-W", wt, shape.csv]], sc, wt
    if tool == "pandas":
        return [["/usr/bin/python3", os.path.join(args.src, "bench/peers/pipeline_pandas.py"),
                 shape.csv, cost, sc, wt]], sc, wt
    script = "pipeline_fread.R" if tool == "fread" else "pipeline_base.R"
    return [["Rscript", os.path.join(args.src, "bench/peers", script), shape.csv, cost, sc, wt]], sc, wt


def bench_shape(shape, args, membw, outdir, results):
    generate(shape, args)
    lim, raw = limits(shape, args, membw)
    cost = open(shape.cost).read().strip()
    # reference weights: `cix weights`, one method at a time
    ref_e_path = os.path.join(outdir, "%s.ref-entropy.csv" % shape.name)
    ref_p_path = os.path.join(outdir, "%s.ref-pca.csv" % shape.name)
    for w, path in (("entropy", ref_e_path), ("pca", ref_p_path)):
        run_proc([args.cix, "weights", "-q", "-w", w, "--impute", "mean", "--cost", cost,
                  "-o", path, shape.csv])
    ref_e, ref_p = read_cli_weights(ref_e_path), read_cli_weights(ref_p_path)
    ref_rows = None

    runs = args.runs_for(shape.name)
    status = {t: "ok" for t in args.tools}
    worst = {t: 0.0 for t in args.tools}
    nrun = {t: 0 for t in args.tools}
    rows = []
    order = list(args.tools)
    for rep in range(max(runs.values())):
        for tool in order:
            if rep >= runs[tool] or status[tool] != "ok":
                continue
            cmds, sc, wt = tool_commands(tool, shape, args, outdir)
            wall, rss, stages, ok = 0.0, 0, {}, True
            for c in cmds:
                w, r, rc, out = run_proc(c)
                wall += w
                rss = max(rss, r)
                ok = ok and rc == 0
                st = kv_line(out, "stages")
                if st:
                    stages = st
            if not ok:
                status[tool] = "failed"
                continue
            # verification (the cix program's weights are those of cix weights
            # bit for bit: its largest difference is 0)
            d = check_weights(wt, ref_e, ref_p)
            worst[tool] = max(worst[tool], d)
            if d > REL_TOL:
                status[tool] = "weights differ by %.3g" % d
            if rep == 0 or nrun[tool] == 0:
                if ref_rows is None and tool == "cix":
                    ref_rows = read_scores(sc)[1]
                if ref_rows is not None:
                    msg = check_scores(sc, ref_rows)
                    if msg:
                        status[tool] = "scores differ: " + msg
            nrun[tool] += 1
            row = {"shape": shape.name, "tool": tool, "run": rep + 1, "wall_s": wall,
                   "peak_rss_kib": rss}
            for s in PARTS:
                row[s] = float(stages[s]) if s in stages else ""
            if "compute" not in stages and all(s in stages for s in PARTS):
                stages["compute"] = sum(float(stages[s]) for s in PARTS)
            for s in STAGES:
                row[s] = float(stages[s]) if s in stages else ""
            rows.append(row)
            log("  %-6s run %d %-7s %8.3f s %8.1f MiB %s" % (shape.name, rep + 1, tool, wall,
                                                          rss / 1024, status[tool]))
        order = order[1:] + order[:1]  # alternate: another program starts each round
    results.extend(rows)
    # medians of the verified programs
    summ = {}
    for tool in args.tools:
        rs = [r for r in rows if r["tool"] == tool]
        if not rs:
            continue
        s = {"runs": len(rs), "status": status[tool], "max_rel_weight_diff": worst[tool],
             "wall_s": statistics.median(r["wall_s"] for r in rs),
             "peak_rss_kib": max(r["peak_rss_kib"] for r in rs)}
        for st in STAGES:
            v = [r[st] for r in rs if r[st] != ""]
            s[st] = statistics.median(v) if v else None
        summ[tool] = s
    return summ, lim, raw


def fmt_t(x):
    if x is None:
        return "-"
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if x >= 1:
        return "%.2f" % x
    if x >= 0.01:
        return "%.3f" % x
    if x >= 0.001:
        return "%.4f" % x
    return "%.6f" % x


def fmt_r(x):
    if x is None or not math.isfinite(x):
        return "-"
    return "%.1fx" % x if x < 100 else "%.0fx" % x


def table(shape, summ, lim, raw):
    """The table of one shape; programs that failed verification are left out."""
    runs_line = "runs: " + ", ".join("%s %d (%s, weights within %.1g)" % (t, s["runs"], s["status"],
                                                                       s["max_rel_weight_diff"])
                                     for t, s in summ.items())
    summ = {t: s for t, s in summ.items() if s["status"] == "ok"}
    lines = []
    r, t, m = shape.dims
    panel_mib = shape.rows * shape.ind * 8 / 1048576
    lines.append("")
    lines.append("%s panel: %d x %d x %d (%s rows, %d indicators), CSV %.1f MB, panel in doubles %.1f MiB"
                 % (shape.name, r, t, m, format(shape.rows, ","), m, raw["file_bytes"] / 1e6, panel_mib))
    lines.append("limits measured in this run: file read %.2f GB/s; parse %.1f ns/number (strtod), "
                 "%.1f (cix_parse_double); memory read %.1f / %.1f GB/s (1 / 2 threads); "
                 "DSYRK %d x %d %.4f s (%.1f GFLOP/s)"
                 % (raw["read_gb_per_s"], raw["strtod_ns"], raw["cix_parse_ns"], raw["membw1_gb_per_s"],
                    raw["membw2_gb_per_s"], shape.rows, m, raw["syrk_s"], raw["syrk_gflop_per_s"]))
    lines.append("not in the bound: writing %.1f MiB of memory new to the process took %.3f s the first "
                 "time, %.3f s again (page faults and zeroing; the panel pays the first)"
                 % (raw["fresh_bytes"] / 1048576, raw["fresh_first_s"], raw["fresh_again_s"]))
    peers = [p for p in PEERS if p in summ]
    hdr = ["stage (median s)", "cix-lib", "limit", "/limit"] + peers + ["%s/cix" % p for p in peers]
    body = []
    lib = summ.get("cix-lib")
    for st in STAGES:
        c = lib[st] if lib else None
        row = [st, fmt_t(c), fmt_t(lim[st]), fmt_r(c / lim[st]) if c is not None and lim[st] > 0 else "-"]
        row += [fmt_t(summ[p][st]) for p in peers]
        row += [fmt_r(summ[p][st] / c) if c and summ[p][st] is not None else "-" for p in peers]
        body.append(row)
    for label, key in (("end to end, cix-lib", "cix-lib"), ("end to end, cix program", "cix")):
        if key not in summ:
            continue
        c = summ[key]["wall_s"]
        row = [label, fmt_t(c), fmt_t(lim["total"]), fmt_r(c / lim["total"])]
        row += [fmt_t(summ[p]["wall_s"]) for p in peers]
        row += [fmt_r(summ[p]["wall_s"] / c) for p in peers]
        body.append(row)
    for label, key in (("peak RSS MiB, cix-lib", "cix-lib"), ("peak RSS MiB, cix program", "cix")):
        if key not in summ:
            continue
        c = summ[key]["peak_rss_kib"] / 1024
        row = [label, "%.0f" % c, "", "%.2fx" % (c / panel_mib) if panel_mib >= 1 else "-"]
        row += ["%.0f" % (summ[p]["peak_rss_kib"] / 1024) for p in peers]
        row += [fmt_r(summ[p]["peak_rss_kib"] / 1024 / c) for p in peers]
        body.append(row)
    widths = [max(len(x[i]) for x in [hdr] + body) for i in range(len(hdr))]
    fmt = lambda row: "  ".join((c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]))
                                for i, c in enumerate(row))
    lines.append(fmt(hdr))
    lines += [fmt(b) for b in body]
    lines.append(runs_line)
    lines.append("(/limit = cix-lib stage time over the machine's bound for it; the RSS /limit column "
                 "is peak RSS over the panel's size in doubles; PEER/cix = peer over cix, the cix "
                 "program for the end-to-end line of the program and cix-lib elsewhere)")
    return lines


def svg_chart(path, shapes, allsumm):
    colors = {"cix": "#1b7837", "cix-lib": "#5aae61", "pandas": "#2166ac", "fread": "#b2182b",
              "base-r": "#ef8a62"}
    bar_h, gap, left, width = 16, 4, 110, 520
    blocks, y = [], 30
    for sh in shapes:
        summ = allsumm.get(sh.name, {})
        tools = [t for t in TOOLS if t in summ and summ[t]["status"] == "ok"]
        if not tools:
            continue
        vmax = max(summ[t]["wall_s"] for t in tools)
        blocks.append('<text x="10" y="%d" font-weight="bold">%s %dx%dx%d</text>'
                      % (y, sh.name, *sh.dims))
        y += 8
        for t in tools:
            v = summ[t]["wall_s"]
            w = max(1.0, width * v / vmax)
            blocks.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + 12, t))
            blocks.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                          % (left, y, w, bar_h, colors.get(t, "#888")))
            blocks.append('<text x="%.1f" y="%d">%s s</text>' % (left + w + 4, y + 12, fmt_t(v)))
            y += bar_h + gap
        y += 22
    h = y
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (left + width + 90, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="16" font-size="13">End-to-end wall time, median (each shape on its own '
           'scale; shorter is better)</text>'] + blocks + ["</svg>"]
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    global PEAK
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="the Release build tree")
    ap.add_argument("--src", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--data", required=True, help="where the generated panels go")
    ap.add_argument("--out", required=True, help="where results.csv, summary.csv, chart.svg go")
    ap.add_argument("--shapes", default="small,medium,large")
    ap.add_argument("--runs", type=int, default=5, help="runs of each program (median reported)")
    ap.add_argument("--large-runs", type=int, default=5, help="runs on the large panel")
    ap.add_argument("--base-r-large-runs", type=int, default=5,
                    help="runs of base R on the large panel (about 4 minutes each)")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--missing", default="0.01", help="share of missing cells")
    ap.add_argument("--large", default="100000,10,100", help="the large shape R,T,M")
    ap.add_argument("--quick", action="store_true",
                    help="3 runs, small and medium shapes only (a check that everything works)")
    args = ap.parse_args()
    if args.quick:
        args.runs = min(args.runs, 3)
        if args.shapes == "small,medium,large":
            args.shapes = "small,medium"
    SHAPES["large"] = tuple(int(x) for x in args.large.split(","))
    args.tools = [t for t in args.tools.split(",") if t]
    args.cix = os.path.join(args.build, "cix")
    args.genpanel = os.path.join(args.build, "bench", "cix-genpanel")
    args.stages = os.path.join(args.build, "bench", "cix-bench-stages")
    args.limits = os.path.join(args.build, "bench", "cix-bench-limits")
    PEAK = os.path.join(args.build, "bench", "cix-bench-peak")

    def runs_for(name):
        n = args.large_runs if name == "large" else args.runs
        return {t: (min(n, args.base_r_large_runs) if (name == "large" and t == "base-r") else n)
                for t in args.tools}
    args.runs_for = runs_for
    os.makedirs(args.data, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    ver = versions(args)
    log("machine: %s, %s; OPENBLAS_CORETYPE=%s" % (ver["cpu"], ver["memory"], ver["OPENBLAS_CORETYPE"]))
    _, _, _, out = run_proc([args.limits, "membw", "1024"])
    membw = kv_line(out, "limit=membw")

    shapes = [Shape(n, SHAPES[n], args) for n in args.shapes.split(",") if n]
    results, allsumm, lines, lim_rows = [], {}, [], []
    for sh in shapes:
        log("%s panel %dx%dx%d: runs %s" % (sh.name, *sh.dims, args.runs_for(sh.name)))
        summ, lim, raw = bench_shape(sh, args, membw, args.out, results)
        allsumm[sh.name] = summ
        lines += table(sh, summ, lim, raw)
        lim_rows.append(dict(shape=sh.name, **raw, **{"bound_" + k: v for k, v in lim.items()}))
        print("\n".join(table(sh, summ, lim, raw)), flush=True)

    head = ("versions: cix %s; pandas %s, numpy %s (/usr/bin/python3 %s); R %s, data.table %s; %s, %s; "
            "OPENBLAS_CORETYPE=%s" % (ver["cix"], ver["pandas"], ver["numpy"], platform.python_version(),
                                      ver["R"], ver["data.table"], ver["cpu"], ver["memory"],
                                      ver["OPENBLAS_CORETYPE"]))
    print("\n" + head)
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, ["shape", "tool", "run", "wall_s", "peak_rss_kib"] + STAGES + PARTS)
        wr.writeheader()
        wr.writerows(results)
    with open(os.path.join(args.out, "summary.csv"), "w", newline="") as f:
        keys = ["shape", "tool", "runs", "status", "max_rel_weight_diff", "wall_s", "peak_rss_kib"] + STAGES
        wr = csv.DictWriter(f, keys)
        wr.writeheader()
        for sh, summ in allsumm.items():
            for tool, s in summ.items():
                wr.writerow(dict(shape=sh, tool=tool, **s))
    if lim_rows:
        with open(os.path.join(args.out, "limits.csv"), "w", newline="") as f:
            wr = csv.DictWriter(f, list(lim_rows[0].keys()))
            wr.writeheader()
            wr.writerows(lim_rows)
    with open(os.path.join(args.out, "table.txt"), "w") as f:
        f.write("\n".join(lines + ["", head]) + "\n")
    svg_chart(os.path.join(args.out, "chart.svg"), shapes, allsumm)
    bad = [(sh, t, s["status"]) for sh, summ in allsumm.items() for t, s in summ.items() if s["status"] != "ok"]
    for sh, t, st in bad:
        print("NOT VERIFIED: %s on %s: %s (its times are not comparable)" % (t, sh, st))
    print("results in %s (results.csv, summary.csv, limits.csv, table.txt, chart.svg)" % args.out)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
