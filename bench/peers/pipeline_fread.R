# The benchmark pipeline in R with data.table (fread, fwrite), as a competent
# user writes it: the same steps as pipeline_base.R (see there), column by
# column where data.table makes that natural, on every core (setDTthreads(0)).
#
# usage: Rscript pipeline_fread.R PANEL.csv COST,LIST SCORES.csv WEIGHTS.csv
# Prints one line: stages parse=S impute_normalize=S weights=S pca=S
# score_rank=S write=S; writes indicator,entropy,pca to WEIGHTS.csv.
suppressPackageStartupMessages(library(data.table))
setDTthreads(0)
args <- commandArgs(trailingOnly = TRUE)
cost_names <- strsplit(args[2], ",", fixed = TRUE)[[1]]
# the shared part, next to this script
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
source(file.path(script_dir, "pipeline_common.R"))
t <- now()

# parse
dt <- fread(args[1], encoding = "UTF-8")
t <- c(t, now())

# impute (column mean) + pooled min-max, cost indicators reversed
ind <- names(dt)[-(1:2)]
for (j in ind) {
  v <- dt[[j]]
  if (!is.double(v)) set(dt, j = j, value = v <- as.double(v))
  miss <- which(is.na(v))
  if (length(miss)) set(dt, i = miss, j = j, value = mean(v, na.rm = TRUE))
}
cost <- ind %in% cost_names
Y <- lapply(seq_along(ind), function(k) {
  x <- dt[[ind[k]]]
  mn <- min(x)
  mx <- max(x)
  if (cost[k]) (mx - x) / (mx - mn) else (x - mn) / (mx - mn)
})
t <- c(t, now())

# entropy weights
n <- nrow(dt)
d <- vapply(Y, function(y) {
  p <- y / sum(y)
  pl <- p * log(p)
  pl[p == 0] <- 0
  1 + sum(pl) / log(n)
}, 0)
w <- d / sum(d)
t <- c(t, now())

# PCA weights, OECD rule
s <- ifelse(cost, -1, 1)
R <- cor(as.matrix(dt[, ..ind])) * outer(s, s)
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
out <- dt[, .(region, year)]
out[, score := Reduce(`+`, Map(`*`, Y, w))]
out[, rank := frank(-score, ties.method = "min"), by = year]
years <- sort(unique(out$year))
out[, yi := match(year, years)]
prev <- out[, .(region, yi = yi + 1L, prev = rank)]
out[prev, rank_change := i.prev - rank, on = .(region, yi)]
t <- c(t, now())

# write, ordered as `cix score`: year, rank, input order
out[, row := .I]
setorder(out, year, rank, row)
fwrite(out[, .(region, year, score, rank, rank_change)], args[3])
t <- c(t, now())

fwrite(data.table(indicator = ind, entropy = sprintf("%.17g", w), pca = sprintf("%.17g", w_pca)),
       args[4], quote = FALSE)
dt_ <- diff(t)
cat(sprintf("stages parse=%.6f impute_normalize=%.6f weights=%.6f pca=%.6f score_rank=%.6f write=%.6f factors=%d\n",
            dt_[1], dt_[2], dt_[3], dt_[4], dt_[5], dt_[6], m))
