# R glm on data of the same design as RelationsBenchmarks.swift (R's own RNG,
# same distributions and size): time to fit, to get CR1 SEs, and a one-way aov.
#   Rscript relations-peer.R [rows]
suppressMessages(library(sandwich))
args <- commandArgs(TRUE); rows <- if (length(args)) as.integer(args[1]) else 5e6; groups <- 20000
set.seed(20261127)
group <- sample.int(groups, rows, replace = TRUE) - 1L
effect <- runif(groups) - 0.5
items <- sapply(1:5, function(j) pmin(5, pmax(1, round(3 + 2 * effect[group + 1] + 2 * (runif(rows) - 0.5)))))
score <- rowMeans(items); tenure <- round(runif(rows) * 20)
left <- as.numeric(runif(rows) < plogis(-1.5 - 0.5 * (score - 3) + 0.02 * tenure))
t_glm <- system.time(fit <- glm(left ~ score + tenure, family = binomial))[["elapsed"]]
cat(sprintf("rows=%d glm=%.2fs iterations=%d coef=%s\n", rows, t_glm, fit$iter, paste(signif(coef(fit), 6), collapse = ",")))
t_cl <- system.time(V <- vcovCL(fit, cluster = group, type = "HC1"))[["elapsed"]]
cat(sprintf("vcovCL=%.2fs se=%s\n", t_cl, paste(signif(sqrt(diag(V)), 6), collapse = ",")))
# aov(score ~ factor(group)) needs a rows x 20000 model matrix (745 GB at 5M rows):
# the group-sums route is what R users do at this size.
suppressMessages(library(data.table))
t_agg <- system.time({
  dt <- data.table(g = group, x = score)
  s <- dt[, .(n = .N, m = mean(x), ss = sum((x - mean(x))^2)), by = g]
  N <- sum(s$n); J <- nrow(s); gm <- sum(s$n * s$m) / N
  msb <- sum(s$n * (s$m - gm)^2) / (J - 1); msw <- sum(s$ss) / (N - J)
  icc1 <- (msb - msw) / (msb + (N / J - 1) * msw)
})[["elapsed"]]
cat(sprintf("group-sums ANOVA/ICC1=%.2fs icc1=%.6f\n", t_agg, icc1))
