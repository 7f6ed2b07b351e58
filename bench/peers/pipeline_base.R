# The benchmark pipeline in base R (read.csv), as a competent user writes it.
#
# usage: Rscript pipeline_base.R PANEL.csv COST,LIST SCORES.csv WEIGHTS.csv
#
# Read the wide panel (region,year,<indicators>), fill missing cells with the
# column mean (pooled), min-max over all rows with the cost indicators turned
# around, entropy weights, PCA weights by the OECD rule (correlation of the
# imputed x with cost columns negated, eigen, the auto factor rule, varimax
# with Kaiser normalization, w ~ squared loading on the indicator's factor),
# linear scores with the entropy weights, ranks within each year (ties min)
# and the rank change against the previous year; write the scores as
# `cix score` does (ordered by year, rank, input order).
# Prints one line: stages parse=S impute_normalize=S weights=S pca=S
# score_rank=S write=S; writes indicator,entropy,pca to WEIGHTS.csv.
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
cost_names <- strsplit(args[2], ",", fixed = TRUE)[[1]]
# the shared part, next to this script
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
source(file.path(script_dir, "pipeline_common.R"))
t <- now()

# parse
df <- read.csv(path, check.names = FALSE, encoding = "UTF-8")
t <- c(t, now())

# impute (column mean) + pooled min-max, cost indicators reversed
ind <- names(df)[-(1:2)]
X <- as.matrix(df[ind])
miss <- which(is.na(X), arr.ind = TRUE)
if (nrow(miss) > 0) X[miss] <- colMeans(X, na.rm = TRUE)[miss[, 2]]
cost <- ind %in% cost_names
mn <- apply(X, 2, min)
mx <- apply(X, 2, max)
Y <- sweep(sweep(X, 2, mn), 2, mx - mn, "/")
Y[, cost] <- sweep(-sweep(X[, cost, drop = FALSE], 2, mx[cost]), 2, (mx - mn)[cost], "/")
t <- c(t, now())

# entropy weights
n <- nrow(Y)
P <- sweep(Y, 2, colSums(Y), "/")
PL <- P * log(P)
PL[P == 0] <- 0
d <- 1 + colSums(PL) / log(n)
w <- d / sum(d)
t <- c(t, now())

# PCA weights, OECD rule
s <- ifelse(cost, -1, 1)
R <- cor(X) * outer(s, s)
ev <- eigen(R, symmetric = TRUE)
lam <- ev$values
share <- cumsum(lam) / sum(lam)
m <- max(1, sum(lam > 1))
while (m < length(lam) && share[m] < 0.60) m <- m + 1
L <- ev$vectors[, 1:m, drop = FALSE] %*% diag(sqrt(lam[1:m]), m)
Lr <- if (m > 1) varimax_rot(L) else L
sq <- Lr^2
w_pca <- sq[cbind(seq_along(ind), max.col(sq, ties.method = "first"))]
w_pca <- w_pca / sum(w_pca)
t <- c(t, now())

# linear scores, ranks within each year, rank change
score <- drop(Y %*% w)
rk <- ave(-score, df$year, FUN = function(v) rank(v, ties.method = "min"))
years <- sort(unique(df$year))
yi <- match(df$year, years)
prev <- rk[match(paste(df$region, yi - 1L), paste(df$region, yi))]
t <- c(t, now())

# write, ordered as `cix score`: year, rank, input order
o <- order(df$year, rk, seq_len(n))
out <- data.frame(region = df$region[o], year = df$year[o], score = sprintf("%.17g", score[o]),
                  rank = rk[o], rank_change = (prev - rk)[o])
write.csv(out, args[3], row.names = FALSE, quote = FALSE, na = "")
t <- c(t, now())

write.csv(data.frame(indicator = ind, entropy = sprintf("%.17g", w), pca = sprintf("%.17g", w_pca)),
          args[4], row.names = FALSE, quote = FALSE)
dt <- diff(t)
cat(sprintf("stages parse=%.6f impute_normalize=%.6f weights=%.6f pca=%.6f score_rank=%.6f write=%.6f factors=%d\n",
            dt[1], dt[2], dt[3], dt[4], dt[5], dt[6], m))
