# Reference values for the per-analysis command tests (SubcommandTests, AnalysisCommandsTests),
# computed with R on datasets/demo/demo.csv as its codebook describes it (same scoring as
# make_demo_reference.R: Edmondson items 1, 3, 5 reversed on 1-5, scores = mean of answered
# items when at least half are answered).
#
#   Rscript Tests/CandorTests/Fixtures/make_subcommand_reference.R   (from the repository root)
#
# Writes Tests/CandorTests/Fixtures/subcommand_reference.csv (name,value; 17 significant digits):
# - spearman/kendall: cor(method = "spearman" | "kendall") on pairwise-complete scores;
# - polychoric: psych::polychoric(global = FALSE, correct = .5) of tr1..tr3 (pairwise);
# - target: psych::fa(cor(tr, use = "pairwise"), 3, fm = "minres", rotate = "none"), then
#   GPArotation::pstQ towards the 3-facet pattern (every entry specified, weight 1) —
#   loadings and factor correlations;
# - polyfa: psych::fa(polychoric(ps)$rho, 1, fm = "minres") loadings (absolute);
# - fscore: psych::factor.scores regression ("Thurstone") weights from the same pairwise R and
#   the trust oblimin solution, applied to the first complete respondents standardised by
#   item means/SDs over available values.
suppressMessages({ library(psych); library(GPArotation) })
d <- read.csv("datasets/demo/demo.csv", na.strings = c("", "NA"), stringsAsFactors = FALSE)
ps <- d[, paste0("ps", 1:7)]
for (i in c(1, 3, 5)) ps[[i]] <- 6 - ps[[i]]
tr <- d[, paste0("tr", 1:12)]
score <- function(x, min) { m <- rowMeans(x, na.rm = TRUE); m[rowSums(!is.na(x)) < min] <- NA; m }
d$psych_safety <- score(ps, 4)
d$trust <- score(tr, 6)
out <- list()
put <- function(name, value) out[[name]] <<- value

for (m in c("spearman", "kendall")) {
  for (p in list(c("trust", "psych_safety"), c("trust", "intent_stay"), c("psych_safety", "intent_stay"))) {
    ok <- complete.cases(d[[p[1]]], d[[p[2]]])
    put(sprintf("%s.%s.%s.r", m, p[1], p[2]), cor(d[[p[1]]][ok], d[[p[2]]][ok], method = m))
    put(sprintf("%s.%s.%s.n", m, p[1], p[2]), sum(ok))
  }
}

pc <- polychoric(tr[, 1:3], global = FALSE, correct = 0.5)$rho
put("polychoric.tr1.tr2", pc[1, 2]); put("polychoric.tr1.tr3", pc[1, 3]); put("polychoric.tr2.tr3", pc[2, 3])

r <- cor(tr, use = "pairwise")
f0 <- fa(r, nfactors = 3, fm = "minres", rotate = "none", n.obs = 1877)
target <- matrix(0, 12, 3); target[1:4, 1] <- 1; target[5:8, 2] <- 1; target[9:12, 3] <- 1
rot <- pstQ(unclass(f0$loadings), W = matrix(1, 12, 3), Target = target, normalize = FALSE, eps = 1e-6, maxit = 10000)
for (i in 1:12) for (j in 1:3) put(sprintf("target.loading.%d.%d", i, j), rot$loadings[i, j])
for (i in 1:3) for (j in 1:3) put(sprintf("target.phi.%d.%d", i, j), rot$Phi[i, j])

f <- fa(r, nfactors = 3, fm = "minres", rotate = "oblimin", n.obs = 1877)
w <- solve(r, f$loadings %*% f$Phi)          # regression (Thurstone) weights, psych factor.scores
mu <- colMeans(tr, na.rm = TRUE); sdv <- apply(tr, 2, sd, na.rm = TRUE)
complete <- which(complete.cases(tr))[1:5]
for (k in seq_along(complete)) {
  z <- (as.numeric(tr[complete[k], ]) - mu) / sdv
  s <- z %*% w
  put(sprintf("fscore.%s.id", k), complete[k])
  # Scores are matched to Candor's up to the order and sign of factors: write them sorted.
  for (j in 1:3) put(sprintf("fscore.%d.%d", k, j), s[j])
  }
for (i in 1:12) for (j in 1:3) put(sprintf("fscore.loading.%d.%d", i, j), f$loadings[i, j])

# Polychoric EFA: one minres factor of the keyed psych_safety items' pairwise polychoric matrix.
pr <- polychoric(ps, global = FALSE, correct = 0.5)$rho
fp <- fa(pr, nfactors = 1, fm = "minres", rotate = "none", n.obs = 1883)
for (i in 1:7) put(sprintf("polyfa.loading.%d", i), abs(fp$loadings[i, 1]))

v <- unlist(out)
write.csv(data.frame(name = names(v), value = sprintf("%.17g", v)),
          "Tests/CandorTests/Fixtures/subcommand_reference.csv", row.names = FALSE, quote = FALSE)
