# Reliability fixtures: seeded data sets and psych::alpha reference values.
#
# Run once from this folder:  Rscript make_fixtures.R
# Writes <set>.csv (data, NA = missing) and expected.csv (long format:
# set,mode,stat,item,value with 17 significant digits). R psych 2.2.9.
#
# psych::alpha(x) uses cov(x, use = "pairwise") (partial match of
# "pairwise.complete.obs"); listwise is psych::alpha(na.omit(x)).
# psych uses nrow(x) as N for Feldt (alpha.ci) and for ase = sqrt(Q/N);
# Candor uses the smallest pairwise n of the scale's items (listwise: the
# complete cases). The "candor" rows below recompute those with that N.
suppressPackageStartupMessages(library(psych))
stopifnot(as.character(packageVersion("psych")) == "2.2.9")

f17 <- function(x) sprintf("%.17g", x)
out <- list()
emit <- function(set, mode, stat, item, value) {
  out[[length(out) + 1]] <<- data.frame(set = set, mode = mode, stat = stat,
                                        item = item, value = f17(value))
}

one_factor <- function(n, loadings, levels, seed, miss = 0.05) {
  set.seed(seed)
  f <- rnorm(n)
  k <- length(loadings)
  x <- sapply(seq_len(k), function(j) {
    z <- loadings[j] * f + sqrt(1 - loadings[j]^2) * rnorm(n)
    cut(z, breaks = c(-Inf, qnorm(seq_len(levels - 1) / levels), Inf), labels = FALSE)
  })
  if (miss > 0) x[matrix(runif(n * k) < miss, n, k)] <- NA
  colnames(x) <- paste0("i", seq_len(k))
  as.data.frame(x)
}

pairwise_nmin <- function(x) {
  ok <- !is.na(as.matrix(x)) * 1
  min(crossprod(ok))
}

record <- function(set, x, mode) {
  xx <- if (mode == "listwise") na.omit(x) else x
  a <- suppressWarnings(psych::alpha(xx, warnings = FALSE))
  keep <- rownames(a$item.stats)
  nsub <- nrow(xx)
  nmin <- pairwise_nmin(xx[, keep, drop = FALSE])
  emit(set, mode, "nsub", "", nsub)
  emit(set, mode, "nmin", "", nmin)
  emit(set, mode, "k", "", a$nvar)
  tot <- a$total
  for (s in colnames(tot)) emit(set, mode, s, "", tot[[s]])
  emit(set, mode, "var.r", "", a$var.r)
  emit(set, mode, "feldt.lower", "", a$feldt$lower.ci)
  emit(set, mode, "feldt.upper", "", a$feldt$upper.ci)
  # Candor's N: smallest pairwise n (listwise: complete cases).
  C <- cov(xx[, keep, drop = FALSE], use = "pairwise")
  k <- ncol(C)
  Q <- (2 * k^2 / ((k - 1)^2 * (sum(C)^3))) *
    (sum(C) * (tr(C %*% C) + (tr(C))^2) - 2 * (tr(C) * sum(C %*% C)))
  fc <- alpha.ci(tot$raw_alpha, nmin, k)
  emit(set, mode, "candor.feldt.lower", "", fc$lower.ci)
  emit(set, mode, "candor.feldt.upper", "", fc$upper.ci)
  emit(set, mode, "candor.ase", "", sqrt(Q / nmin))
  emit(set, mode, "psych.ase.check", "", sqrt(Q / nsub))
  # raw.r from the covariance alone (what CoMoments determine): equals psych's
  # raw.r when there is no missing data.
  rawr.cov <- colSums(C) / sqrt(diag(C) * sum(C))
  for (it in keep) {
    st <- a$item.stats[it, ]
    for (s in colnames(st)) emit(set, mode, paste0("item.", s), it, st[[s]])
    emit(set, mode, "item.raw.r.cov", it, rawr.cov[[it]])
    dr <- a$alpha.drop[it, ]
    for (s in colnames(dr)) emit(set, mode, paste0("drop.", s), it, dr[[s]])
    if (k > 2) {
      # alpha se of the item-deleted scale with Candor's N (pairwise n of the rest)
      Ci <- C[-match(it, keep), -match(it, keep)]
      ki <- ncol(Ci)
      Qi <- (2 * ki^2 / ((ki - 1)^2 * (sum(Ci)^3))) *
        (sum(Ci) * (tr(Ci %*% Ci) + (tr(Ci))^2) - 2 * (tr(Ci) * sum(Ci %*% Ci)))
      emit(set, mode, "candor.drop.ase", it, sqrt(Qi / pairwise_nmin(xx[, setdiff(keep, it), drop = FALSE])))
    }
  }
  # first principal component loadings (sign as psych::principal)
  p1 <- principal(xx[, keep, drop = FALSE], scores = FALSE)
  for (it in keep) emit(set, mode, "pc1", it, p1$loadings[it, 1])
  # prorated mean score (psych's total) for each row
  invisible(a)
}

write_set <- function(name, x) write.csv(x, paste0(name, ".csv"), row.names = FALSE, na = "")

# 1. 500 x 7, 1-5, one factor, ~5 % missing
s7 <- one_factor(500, c(.75, .7, .65, .7, .6, .55, .72), 5, 20261127)
write_set("onefactor7", s7); record("onefactor7", s7, "pairwise"); record("onefactor7", s7, "listwise")

# 2. 300 x 10, 1-7, one factor, ~5 % missing
s10 <- one_factor(300, seq(.45, .8, length.out = 10), 7, 7)
write_set("tenitem", s10); record("tenitem", s10, "pairwise"); record("tenitem", s10, "listwise")

# 3. two ranges: i1-i4 on 1-5 (i2 reverse-worded), i5-i7 on 1-7 (i6 reverse-worded).
set.seed(99)
n <- 400; f <- rnorm(n)
mk <- function(l, lev) cut(l * f + sqrt(1 - l^2) * rnorm(n),
                           breaks = c(-Inf, qnorm(seq_len(lev - 1) / lev), Inf), labels = FALSE)
raw <- data.frame(i1 = mk(.7, 5), i2 = 6 - mk(.65, 5), i3 = mk(.6, 5), i4 = mk(.7, 5),
                  i5 = mk(.7, 7), i6 = 8 - mk(.6, 7), i7 = mk(.65, 7))
raw[matrix(runif(n * 7) < 0.04, n, 7)] <- NA
write_set("mixedranges_raw", raw)
keyed <- raw; keyed$i2 <- 6 - raw$i2; keyed$i6 <- 8 - raw$i6   # keyed per item range by hand
write_set("mixedranges_keyed", keyed)
record("mixedranges_keyed", keyed, "pairwise")
record("mixedranges_keyed", keyed, "listwise")
record("mixedranges_raw", raw, "pairwise")   # unkeyed: i2, i6 correlate negatively
# psych's own keying reverses with the global min/max (1 + 7 = 8), wrong for i2 (1-5):
g <- suppressWarnings(psych::alpha(raw, keys = c("i2", "i6"), warnings = FALSE))
emit("mixedranges_psychkeys", "pairwise", "raw_alpha", "", g$total$raw_alpha)
emit("mixedranges_psychkeys", "pairwise", "mean", "", g$total$mean)
emit("mixedranges_psychkeys", "pairwise", "item.mean", "i2", g$item.stats["i2-", "mean"])
gk <- psych::alpha(keyed, warnings = FALSE)
emit("mixedranges_keyed", "pairwise", "mean.check", "", gk$total$mean)

# 4. constant item: i4 always 3
sc <- one_factor(200, c(.7, .6, .65, .6, .7), 5, 11, miss = 0.03)
sc$i4 <- 3
write_set("constant", sc); record("constant", sc, "pairwise")

# 5. two items
s2 <- one_factor(250, c(.7, .6), 5, 5, miss = 0.04)
write_set("twoitem", s2); record("twoitem", s2, "pairwise"); record("twoitem", s2, "listwise")

# 5b. a duplicated item (i8 = i1): R is singular, psych's smc uses the pseudo-inverse
sd8 <- na.omit(s7)[1:300, ]; sd8$i8 <- sd8$i1
write_set("duplicate", sd8); record("duplicate", sd8, "pairwise")

# 6. domain.md 1.6 worked example (items 1, 3, 5 reversed with 8 - x)
ex <- read.csv(text = "team,ps1,ps2,ps3,ps4,ps5,ps6,ps7
A,2,6,2,6,3,5,6
A,3,6,2,5,2,6,6
A,2,7,1,6,2,6,7
A,3,5,3,5,3,5,5
B,5,3,5,3,6,3,3
B,6,2,5,2,5,3,2
B,5,3,6,3,5,2,3
B,4,4,4,4,4,4,4
C,4,5,3,5,4,4,5
C,2,6,2,6,2,6,6
C,3,5,4,4,3,5,5
C,4,4,3,5,4,5,4")
exk <- ex[, -1]; for (v in c("ps1", "ps3", "ps5")) exk[[v]] <- 8 - exk[[v]]
write_set("worked_keyed", exk); record("worked_keyed", exk, "pairwise")
sc_ex <- rowMeans(exk)
for (i in seq_along(sc_ex)) emit("worked_keyed", "scores", "score", as.character(i), sc_ex[i])

# F quantiles behind Feldt (qf). R's qf switches to qchisq(p, df1)/df1 when
# df2 > 4e5 (an approximation, ~5e-5 relative off at df2 = 2e6), so large df2 is
# checked against mpmath instead (make_qf_mpmath.py -> qf_mpmath.csv).
for (d in list(c(11, 66), c(229, 229), c(499, 2994), c(4999, 399960), c(2, 3))) {
  for (pr in c(0.025, 0.975)) emit("qf", paste(d, collapse = "/"), as.character(pr), "", qf(pr, d[1], d[2]))
}

res <- do.call(rbind, out)
write.csv(res, "expected.csv", row.names = FALSE, quote = FALSE)
cat("wrote", nrow(res), "expected values\n")
