# Reference values for the methods of METHODS.md, computed with R's stats and
# the psych package.
#
# Usage: Rscript oracle_r.R DATA_DIR OUT_DIR
#
# Writes OUT_DIR/<dataset>.<method>.csv (quantity,key,value, 17 significant
# digits) and OUT_DIR/<dataset>.<method>.how naming the R functions used.
# Library functions are used wherever R has one: cor(), eigen(), varimax(),
# rank(), scale(), sd(), psych::KMO(), psych::cortest.bartlett(),
# psych::alpha(), pchisq(). R defaults that differ from METHODS.md are
# overridden where noted.

suppressPackageStartupMessages(library(psych))

args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]
out_dir <- args[2]
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

R_DESC <- sprintf("R %s.%s, psych %s", R.version$major, R.version$minor,
                  as.character(packageVersion("psych")))

parse_direction <- function(s) {
  s <- trimws(s)
  if (s == "+" || s == "-") return(list(kind = s))
  if (substr(s, 1, 1) == "=") return(list(kind = "=", t = as.numeric(substring(s, 2))))
  ab <- as.numeric(strsplit(substr(s, 2, nchar(s) - 1), ",")[[1]])
  list(kind = "[", a = ab[1], b = ab[2])
}

write_out <- function(ds, method, how, q, k, v) {
  base <- file.path(out_dir, paste0(ds, ".", method))
  lines <- c("quantity,key,value", paste(q, k, sprintf("%.17g", as.numeric(v)), sep = ","))
  writeLines(lines, paste0(base, ".csv"))
  writeLines(how, paste0(base, ".how"))
}

# interval / target columns -> benefit values in [0,1]; + and - unchanged
benefit_form <- function(x, dirs) {
  for (j in seq_along(dirs)) {
    d <- dirs[[j]]
    c <- x[, j]
    if (d$kind == "=") {
      dev <- abs(c - d$t)
      x[, j] <- 1 - dev / max(dev)
    } else if (d$kind == "[") {
      dist <- pmax(d$a - c, c - d$b, 0)
      x[, j] <- 1 - dist / max(d$a - min(c), max(c) - d$b)
    }
  }
  x
}

normalize <- function(x, dirs, method, ddof = 1, lo = 0, hi = 1) {
  xb <- benefit_form(x, dirs)
  cost <- vapply(dirs, function(d) d$kind == "-", logical(1))
  n <- nrow(xb)
  y <- xb
  for (j in seq_len(ncol(xb))) {
    c <- xb[, j]
    cj <- cost[j]
    y[, j] <- switch(method,
      minmax = { r <- range(c); lo + (hi - lo) * (if (cj) r[2] - c else c - r[1]) / (r[2] - r[1]) },
      # sd() divides by n-1; for ddof 0 rescale by sqrt((n-1)/n)
      zscore = { s <- sd(c) * sqrt((n - 1) / (n - ddof)); (if (cj) -1 else 1) * (c - mean(c)) / s },
      rank = rank(if (cj) -c else c, ties.method = "average"),
      percentile = (rank(if (cj) -c else c, ties.method = "average") - 1) / (n - 1),
      "ratio-mean" = if (cj) mean(c) / c else c / mean(c),
      "ratio-max" = if (cj) min(c) / c else c / max(c),
      "ratio-min" = if (cj) max(c) / c else c / min(c),
      vector = c / sqrt(sum(c^2)))
  }
  y
}

# psych::alpha prints a note on response frequencies for continuous items;
# the note is not needed here
quiet_alpha <- function(y) {
  res <- NULL
  invisible(capture.output(res <- suppressMessages(suppressWarnings(
    psych::alpha(as.data.frame(y), check.keys = FALSE, warnings = FALSE)))))
  res
}

# stats::varimax(normalize = TRUE) with eps = 1e-14 instead of the default
# 1e-5. Its stopping rule is a relative change of the criterion, which leaves
# errors of about 1e-8 in the loadings, so it is restarted from its own output
# until no loading moves by more than 1e-15 (a fixed point of the same
# algorithm; a restart applies the same Kaiser normalization again).
varimax_converged <- function(L) {
  for (i in 1:100) {
    L2 <- unclass(varimax(L, normalize = TRUE, eps = 1e-14)$loadings)
    if (max(abs(L2 - L)) < 1e-15) return(L2)
    L <- L2
  }
  stop("varimax restarts did not reach a fixed point")
}

canon_factors <- function(L) {
  L <- L[, order(-colSums(L^2)), drop = FALSE]
  sweep(L, 2, ifelse(colSums(L) < 0, -1, 1), `*`)
}

run_dataset <- function(spec) {
  ds <- spec$name
  nid <- as.integer(spec$id_columns)
  raw <- read.csv(file.path(data_dir, spec$file), check.names = FALSE,
                  stringsAsFactors = FALSE, na.strings = "")
  keys <- do.call(paste, c(raw[seq_len(nid)], sep = ":"))
  x <- as.matrix(raw[, -seq_len(nid)])
  storage.mode(x) <- "double"
  nm <- colnames(x)
  dtab <- read.csv(file.path(data_dir, spec$directions), stringsAsFactors = FALSE)
  dirs <- lapply(nm, function(v) parse_direction(dtab$direction[dtab$indicator == v]))
  cost <- vapply(dirs, function(d) d$kind == "-", logical(1))
  n <- nrow(x); J <- ncol(x)

  if (spec$impute == "mean") {
    q <- character(); k <- character(); v <- numeric()
    for (j in seq_len(J)) {
      miss <- is.na(x[, j])
      m <- mean(x[, j], na.rm = TRUE)
      q <- c(q, "filled_count", rep("filled", sum(miss)))
      k <- c(k, nm[j], if (any(miss)) paste0(keys[miss], ":", nm[j]))
      v <- c(v, sum(miss), rep(m, sum(miss)))
      x[miss, j] <- m
    }
    write_out(ds, "impute-mean", "mean(x, na.rm = TRUE) per column over all rows", q, k, v)
  }
  stopifnot(!anyNA(x))

  if (spec$normalizations != "none") {
    ms <- c("zscore", "zscore-ddof0", "minmax", "rank", "percentile", "ratio-mean",
            "ratio-max", "ratio-min", "vector")
    if (spec$normalizations == "directional") ms <- setdiff(ms, "ratio-min")
    for (m in ms) {
      y <- if (m == "zscore-ddof0") normalize(x, dirs, "zscore", ddof = 0) else normalize(x, dirs, m)
      kk <- as.vector(t(outer(keys, nm, paste, sep = ":")))
      write_out(ds, m, switch(m,
        zscore = "(x - mean(x)) / sd(x) (sd divides by n-1)",
        "zscore-ddof0" = "(x - mean(x)) / (sd(x) * sqrt((n-1)/n)) (population sd)",
        rank = "rank(x, ties.method = 'average') (on -x for cost)",
        percentile = "(rank(x, ties.method = 'average') - 1)/(n - 1)",
        paste("formula of METHODS.md §2 with range(), mean(), sum()")),
        "y", kk, as.vector(t(y)))
    }
  }

  y01 <- normalize(x, dirs, "minmax")
  xo <- benefit_form(x, dirs)
  xo[, cost] <- -xo[, cost]

  # weights
  s <- apply(y01, 2, sd)
  write_out(ds, "sd", "apply(y, 2, sd) on minmax y",
            c(rep("sd", J), rep("weight", J)), c(nm, nm), c(s, s / sum(s)))
  cv <- apply(x, 2, sd) / abs(colMeans(x))
  write_out(ds, "cv", "apply(x, 2, sd) / abs(colMeans(x)) on raw x",
            c(rep("cv", J), rep("weight", J)), c(nm, nm), c(cv, cv / sum(cv)))
  info <- s * colSums(1 - cor(y01))
  write_out(ds, "critic", "apply(y, 2, sd) * colSums(1 - cor(y)) on minmax y",
            c(rep("sd", J), rep("info", J), rep("weight", J)), c(nm, nm, nm),
            c(s, info, info / sum(info)))
  p <- sweep(y01, 2, colSums(y01), `/`)
  e <- -colSums(ifelse(p > 0, p * log(p), 0)) / log(n)
  write_out(ds, "entropy", "p = sweep(y, 2, colSums(y), '/'); e = -colSums(p log p)/log(n)",
            c(rep("entropy", J), rep("weight", J)), c(nm, nm), c(e, (1 - e) / sum(1 - e)))

  # PCA
  R <- cor(xo)
  ev <- eigen(R, symmetric = TRUE)
  lam <- ev$values
  V <- ev$vectors
  for (rule in strsplit(spec$pca_factors, ";")[[1]]) {
    if (rule == "auto") {
      m <- sum(lam > 1)
      cs <- cumsum(lam) / sum(lam)
      while (m < J && (m == 0 || cs[m] < 0.60)) m <- m + 1
    } else m <- as.integer(rule)
    L <- V[, 1:m, drop = FALSE] %*% diag(sqrt(lam[1:m]), m)
    Lu <- sweep(L, 2, ifelse(colSums(L) < 0, -1, 1), `*`)
    Lr <- if (m >= 2) varimax_converged(L) else L
    Lr <- canon_factors(Lr)
    fac <- apply(Lr^2, 1, which.max)
    sq <- Lr[cbind(seq_len(J), fac)]^2
    jk <- as.vector(t(outer(nm, seq_len(m), paste, sep = ":")))
    q <- c("factors", rep(c("eigenvalue", "share", "cumshare"), each = J),
           rep("loading_unrotated", J * m), rep("loading", J * m), rep("explained", m),
           rep("factor", J), rep("weight", J))
    k <- c("m", rep(as.character(seq_len(J)), 3), jk, jk, as.character(seq_len(m)), nm, nm)
    v <- c(m, lam, lam / J, cumsum(lam) / J, as.vector(t(Lu)), as.vector(t(Lr)),
           colSums(Lr^2), fac, sq / sum(sq))
    write_out(ds, if (rule == "auto") "pca" else paste0("pca-f", rule),
              "cor(); eigen(symmetric = TRUE); stats::varimax(L, normalize = TRUE, eps = 1e-14) (default eps 1e-5 overridden), restarted from its own output until no loading moves by more than 1e-15",
              q, k, v)

    U <- V[, 1:m, drop = FALSE]
    U <- sweep(U, 2, ifelse(colSums(U) < 0, -1, 1), `*`)
    cc <- as.vector(U %*% lam[1:m]) / sum(lam[1:m])
    write_out(ds, if (rule == "auto") "pca-coef" else paste0("pca-coef-f", rule),
              "cor(); eigen(symmetric = TRUE)$vectors",
              c("factors", rep("eigenvalue", m), rep("u", J * m), rep("c", J), rep("weight", J)),
              c("m", as.character(seq_len(m)), jk, nm, nm),
              c(m, lam[1:m], as.vector(t(U)), cc, abs(cc) / sum(abs(cc))))
  }

  # aggregation, equal weights, minmax [1,100]
  y100 <- normalize(x, dirs, "minmax", lo = 1, hi = 100)
  aggs <- list(linear = rowMeans(y100),
               geometric = exp(rowMeans(log(y100))),
               harmonic = 1 / rowMeans(1 / y100),
               "power-2" = sqrt(rowMeans(y100^2)),
               "power-0.5" = rowMeans(sqrt(y100))^2)
  for (a in names(aggs))
    write_out(ds, a, "rowMeans() of the transformed minmax [1,100] y", rep("score", n), keys, aggs[[a]])

  topsis <- function(y, costcols) {
    v <- y / J
    best <- ifelse(costcols, apply(v, 2, min), apply(v, 2, max))
    worst <- ifelse(costcols, apply(v, 2, max), apply(v, 2, min))
    dp <- sqrt(rowSums(sweep(v, 2, best)^2))
    dm <- sqrt(rowSums(sweep(v, 2, worst)^2))
    c(dp, dm, dm / (dp + dm))
  }
  qk <- rep(c("dplus", "dminus", "score"), each = n)
  write_out(ds, "topsis-vector", "sweep(), rowSums() on vector-normalized y",
            qk, rep(keys, 3), topsis(normalize(x, dirs, "vector"), cost))
  write_out(ds, "topsis-minmax", "sweep(), rowSums() on minmax y",
            qk, rep(keys, 3), topsis(y01, rep(FALSE, J)))

  # audit
  ab <- as.vector(t(outer(nm, nm, paste, sep = ":")))
  write_out(ds, "pearson", "cor(x, method = 'pearson')", rep("r", J * J), ab, as.vector(t(R)))
  write_out(ds, "spearman", "cor(x, method = 'spearman')", rep("rho", J * J), ab,
            as.vector(t(cor(xo, method = "spearman"))))
  km <- psych::KMO(R)
  write_out(ds, "kmo", "psych::KMO(cor(x))", rep("kmo", J + 1), c("overall", nm),
            c(km$MSA, km$MSAi))
  bt <- psych::cortest.bartlett(R, n = n)
  ld <- as.numeric(determinant(R, logarithm = TRUE)$modulus)
  write_out(ds, "bartlett",
            "psych::cortest.bartlett(cor(x), n = nrow(x)) (p from pchisq(lower.tail = FALSE)); logdet from determinant()",
            rep("bartlett", 5), c("chisq", "df", "p", "logdet", "n"),
            c(bt$chisq, bt$df, bt$p.value, ld, n))
  palpha <- function(y) {
    # check.keys = FALSE: items are already oriented and must not be reversed
    quiet_alpha(y)$total$raw_alpha
  }
  yz <- normalize(x, dirs, "zscore")
  std_alpha <- quiet_alpha(xo)$total$std.alpha
  stopifnot(abs(std_alpha - palpha(yz)) <= 1e-12 * abs(std_alpha))
  write_out(ds, "alpha", "psych::alpha(y, check.keys = FALSE)$total$raw_alpha",
            rep("alpha", 3), c("minmax", "zscore", "oriented"),
            c(palpha(y01), palpha(yz), palpha(xo)))

  q <- character(); k <- character(); v <- numeric()
  for (j in seq_len(J)) {
    z <- x[, j] - mean(x[, j])
    m2 <- mean(z^2); m3 <- mean(z^3); m4 <- mean(z^4)
    q <- c(q, "skewness", "kurtosis"); k <- c(k, nm[j], nm[j])
    v <- c(v, m3 / m2^1.5, m4 / m2^2 - 3)
  }
  write_out(ds, "moments", "mean() of centred powers", q, k, v)
}

specs <- read.csv(file.path(data_dir, "datasets.csv"), stringsAsFactors = FALSE,
                  colClasses = "character")
for (i in seq_len(nrow(specs))) run_dataset(as.list(specs[i, ]))
writeLines(R_DESC, file.path(out_dir, "VERSION"))
