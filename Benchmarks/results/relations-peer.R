# R glm on the data of RelationsBenchmarks.swift's logistic benchmark (same
# generator, same size): time to fit and to get CR1 standard errors.
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
t_cl <- system.time(V <- vcovCL(fit, cluster = group, type = "HC1"))[["elapsed"]]
t_aov <- system.time({ a <- aov(score ~ factor(group)); s <- summary(a) })[["elapsed"]]
cat(sprintf("rows=%d glm=%.2fs vcovCL=%.2fs aov=%.2fs coef=%s\n", rows, t_glm, t_cl, t_aov,
            paste(signif(coef(fit), 6), collapse = ",")))
