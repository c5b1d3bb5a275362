# psych::alpha timing for Benchmarks/results/reliability.md: one-factor 1-5 items,
# 5,000 rows, no missing data, p = 50, 100, 200, 400. psych::alpha computes
# alpha-if-deleted (and its SMCs) by default.
# Run: Rscript Benchmarks/peers/reliability_psych.R
suppressPackageStartupMessages(library(psych))
set.seed(1)
n <- 5000
for (p in c(50, 100, 200, 400)) {
  f <- rnorm(n)
  x <- sapply(seq_len(p), function(j) {
    z <- 0.6 * f + 0.8 * rnorm(n)
    cut(z, breaks = c(-Inf, qnorm(1:4 / 5), Inf), labels = FALSE)
  })
  colnames(x) <- paste0("i", seq_len(p))
  t <- system.time(a <- suppressWarnings(psych::alpha(x, warnings = FALSE)))[["elapsed"]]
  cat(sprintf("p=%d psych_alpha_s=%.3f raw_alpha=%.6f\n", p, t, a$total$raw_alpha))
}
cat(sprintf("R %s, psych %s\n", getRversion(), packageVersion("psych")))
