# Shared by pipeline_base.R and pipeline_fread.R (sourced): the parts of the
# benchmark pipeline that do not depend on how the panel is read.

# Varimax with Kaiser normalization: the SVD iteration of stats::varimax, run
# until the rotation itself stops moving, as METHODS.md asks (stats::varimax
# stops on a small relative change of the criterion, which leaves the loadings
# off by about the square root of its eps).
varimax_rot <- function(L, tol = 1e-13, maxit = 5000) {
  h <- sqrt(rowSums(L^2))
  A <- L / h
  p <- nrow(A)
  R <- diag(ncol(A))
  for (i in seq_len(maxit)) {
    B <- A %*% R
    s <- svd(crossprod(A, B^3 - B %*% diag(colSums(B^2)) / p))
    R_new <- s$u %*% t(s$v)
    moved <- max(abs(R_new - R))
    R <- R_new
    if (moved < tol) break
  }
  (A %*% R) * h
}
now <- function() proc.time()[["elapsed"]]
