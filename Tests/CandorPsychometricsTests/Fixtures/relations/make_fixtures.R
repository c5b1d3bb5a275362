# Reference values for the relations tests (correlations, logistic regression,
# relative weights, aggregation). Run once from this folder:
#   Rscript make_fixtures.R
# Writes data.csv (the seeded data), worked.csv (domain.md §1.6) and expected.csv
# (name,value with 17 significant digits). Tests read the committed files only.
suppressMessages({ library(psych); library(multilevel); library(sandwich) })
set.seed(20261127)

n <- 600; J <- 24
sizes <- as.integer(table(factor(sample(1:J, n, replace = TRUE, prob = runif(J, 0.3, 1)), levels = 1:J)))
school <- rep(0:(J - 1), sizes)
u <- rnorm(J, 0, 0.5)[school + 1]
# five 1-5 items per respondent, shared by school effect
latent <- u + rnorm(n)
items <- sapply(1:5, function(j) pmin(5, pmax(1, round(3 + 0.9 * latent + rnorm(n, 0, 0.8)))))
trust <- rowMeans(items)
safety <- round(3 + 0.6 * latent + rnorm(n, 0, 0.7), 1)
tenure <- sample(0:20, n, replace = TRUE)
intent <- 0.5 * trust + 0.3 * safety - 0.02 * tenure + rnorm(n)
left <- rbinom(n, 1, plogis(-0.5 - 0.6 * (trust - 3) - 0.3 * (safety - 3) + 0.03 * tenure))
trust_na <- trust; trust_na[sample(n, 30)] <- NA
safety_na <- safety; safety_na[sample(n, 25)] <- NA
d <- data.frame(school, item1 = items[, 1], item2 = items[, 2], item3 = items[, 3], item4 = items[, 4],
                item5 = items[, 5], trust, safety, tenure, intent, left, trust_na, safety_na)
dout <- as.data.frame(lapply(d, function(col) ifelse(is.na(col), "NA", sprintf("%.17g", col))))
write.csv(dout, "data.csv", row.names = FALSE, quote = FALSE)

out <- list()
put <- function(name, value) { value <- unname(as.vector(value)); for (i in seq_along(value)) out[[length(out) + 1]] <<- data.frame(name = if (length(value) > 1) paste0(name, "[", i - 1, "]") else name, value = sprintf("%.17g", value[i])) }

# 1. Pearson (cor.test) on pairwise-complete trust_na, safety_na
ct <- cor.test(d$trust_na, d$safety_na)
put("pearson.r", ct$estimate); put("pearson.t", ct$statistic); put("pearson.p", ct$p.value)
put("pearson.ci", ct$conf.int); put("pearson.n", sum(complete.cases(d$trust_na, d$safety_na)))
# a weak pair for a p-value away from 0
ct2 <- cor.test(d$tenure, d$intent)
put("pearson2.r", ct2$estimate); put("pearson2.p", ct2$p.value); put("pearson2.ci", ct2$conf.int)
# point-biserial
cpb <- cor.test(d$trust_na, d$left)
put("pb.r", cpb$estimate); put("pb.p", cpb$p.value); put("pb.ci", cpb$conf.int)

# 2. psych::corr.test table with Holm; BH from p.adjust on the same raw p
vars <- c("trust_na", "safety_na", "tenure", "intent", "left")
tab <- corr.test(d[, vars], adjust = "holm")
rawp <- c(); k <- 0
for (i in 1:(length(vars) - 1)) for (j in (i + 1):length(vars)) {
  put(sprintf("table.r[%d,%d]", i - 1, j - 1), tab$r[i, j]); put(sprintf("table.n[%d,%d]", i - 1, j - 1), tab$n[i, j])
  put(sprintf("table.t[%d,%d]", i - 1, j - 1), tab$t[i, j]); put(sprintf("table.p[%d,%d]", i - 1, j - 1), tab$p[j, i])
  put(sprintf("table.pHolm[%d,%d]", i - 1, j - 1), tab$p[i, j])
  put(sprintf("table.ciLower[%d,%d]", i - 1, j - 1), tab$ci$lower[k + 1]); put(sprintf("table.ciUpper[%d,%d]", i - 1, j - 1), tab$ci$upper[k + 1])
  rawp <- c(rawp, tab$p[j, i]); k <- k + 1
}
bh <- p.adjust(rawp, "BH"); holm <- p.adjust(rawp, "holm"); k <- 0
for (i in 1:(length(vars) - 1)) for (j in (i + 1):length(vars)) { k <- k + 1
  put(sprintf("table.pBH[%d,%d]", i - 1, j - 1), bh[k]); put(sprintf("table.pHolmR[%d,%d]", i - 1, j - 1), holm[k]) }
# p.adjust with ties and NA
pv <- c(0.01, 0.04, 0.04, 0.2, NA, 0.003, 0.5, 0.03)
put("padj.holm", p.adjust(pv, "holm")); put("padj.bh", p.adjust(pv, "BH"))

# 3. rank correlations with ties (pairwise)
put("spearman.r", cor(d$trust_na, d$safety_na, method = "spearman", use = "pairwise.complete.obs"))
put("kendall.r", cor(d$trust_na, d$safety_na, method = "kendall", use = "pairwise.complete.obs"))
put("kendall2.r", cor(d$tenure, d$item1, method = "kendall"))
put("spearman2.r", cor(d$tenure, d$item1, method = "spearman"))

for (m in c("spearman", "kendall")) {
  ps <- corr.test(d[, c("trust_na", "safety_na", "tenure")], method = m, adjust = "holm")
  put(paste0(m, ".psych.r"), ps$r[1, 2]); put(paste0(m, ".psych.p"), ps$p[2, 1]); put(paste0(m, ".psych.pHolm"), ps$p[1, 2])
  put(paste0(m, ".psych.ci"), c(ps$ci$lower[1], ps$ci$upper[1])); put(paste0(m, ".psych.r13"), ps$r[1, 3])
}

# 4. partial r of trust and intent given tenure and safety (complete cases), ppcor-style
cc <- complete.cases(d[, c("trust_na", "intent", "tenure", "safety_na")])
R <- cor(d[cc, c("trust_na", "intent", "tenure", "safety_na")]); P <- solve(R)
pr <- -P[1, 2] / sqrt(P[1, 1] * P[2, 2]); np <- sum(cc); kk <- 2
tp <- pr * sqrt((np - 2 - kk) / (1 - pr^2))
put("partial.r", pr); put("partial.n", np); put("partial.t", tp); put("partial.p", 2 * pt(-abs(tp), np - 2 - kk))
put("partial.ci", tanh(atanh(pr) + c(-1, 1) * qnorm(0.975) / sqrt(np - 3 - kk)))

# 5. logistic regression, tightly converged, model and CR1 SEs
# glm's SEs use the IRLS weights of the iteration *before* its last update;
# restarting at the converged coefficients makes them the weights at the MLE.
fit0 <- glm(left ~ trust + safety + tenure, family = binomial, data = d,
            control = glm.control(epsilon = 1e-14, maxit = 100))
fit <- glm(left ~ trust + safety + tenure, family = binomial, data = d, start = coef(fit0),
           control = glm.control(epsilon = 1e-14, maxit = 100))
put("glm.defaultSE", summary(glm(left ~ trust + safety + tenure, family = binomial, data = d))$coefficients[, 2])
s <- summary(fit)$coefficients
put("glm.coef", s[, 1]); put("glm.se", s[, 2]); put("glm.z", s[, 3]); put("glm.p", s[, 4])
put("glm.deviance", fit$deviance); put("glm.nullDeviance", fit$null.deviance)
put("glm.ciLower", exp(s[, 1] - qnorm(0.975) * s[, 2])); put("glm.ciUpper", exp(s[, 1] + qnorm(0.975) * s[, 2]))
fitz <- glm(left ~ scale(trust) + scale(safety) + scale(tenure), family = binomial, data = d,
            control = glm.control(epsilon = 1e-14, maxit = 100))
fitz <- glm(formula(fitz), family = binomial, data = d, start = coef(fitz), control = glm.control(epsilon = 1e-14, maxit = 100))
sz <- summary(fitz)$coefficients
put("glm.coefPerSD", sz[, 1]); put("glm.ciLowerPerSD", exp(sz[, 1] - qnorm(0.975) * sz[, 2]))
V <- vcovCL(fit, cluster = ~school, type = "HC1")
put("glm.clusterSE", sqrt(diag(V)))
zc <- coef(fit) / sqrt(diag(V)); put("glm.clusterP", 2 * pnorm(-abs(zc)))
# the same fit with missing predictors (listwise)
fit2 <- glm(left ~ trust_na + safety_na, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
fit2 <- glm(left ~ trust_na + safety_na, family = binomial, data = d, start = coef(fit2), control = glm.control(epsilon = 1e-14, maxit = 100))
put("glm2.coef", coef(fit2)); put("glm2.se", summary(fit2)$coefficients[, 2]); put("glm2.n", nobs(fit2))

# 6. relative weights (Johnson 2000) by hand from the complete-case correlation matrix
rw <- function(R) { p <- ncol(R) - 1; Rxx <- R[1:p, 1:p]; rxy <- R[1:p, p + 1]
  e <- eigen(Rxx, symmetric = TRUE); L <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  b <- solve(L, rxy); eps <- (L^2) %*% (b^2); list(w = as.vector(eps), r2 = sum(eps)) }
Rd <- cor(d[, c("trust", "safety", "tenure", "intent")])
w <- rw(Rd); put("rw.weights", w$w); put("rw.r2", w$r2)
put("rw.r2check", summary(lm(intent ~ trust + safety + tenure, data = d))$r.squared)

# 7. aggregation of trust by school: one-way ANOVA, ICC1/ICC2 (multilevel), k0 by hand
a <- aov(trust ~ as.factor(school), data = d); sa <- summary(a)[[1]]
put("anova.f", sa[1, 4]); put("anova.p", sa[1, 5]); put("anova.msb", sa[1, 3]); put("anova.msw", sa[2, 3])
put("icc1", ICC1(a)); put("icc2", ICC2(a))
nj <- table(d$school); N <- sum(nj); k0 <- (N - sum(nj^2) / N) / (J - 1)
put("icc1Adjusted", (sa[1, 3] - sa[2, 3]) / (sa[1, 3] + (k0 - 1) * sa[2, 3]))
put("statsBy.icc1", statsBy(d[, c("school", "trust", "safety")], group = "school")$ICC1[["trust"]])
rj <- rwg.j(d[, paste0("item", 1:5)], d$school, ranvar = 2)
put("rwgj", rj$rwg.j)
r1 <- rwg(d$item1, d$school, ranvar = 2); put("rwg.item1", r1$rwg)
gm <- tapply(d$trust, d$school, mean); gs <- tapply(d$trust, d$school, sd); gn <- tapply(d$trust, d$school, length)
put("group.mean", gm); put("group.sd", gs)
put("group.ciLower", gm - qt(0.975, gn - 1) * gs / sqrt(gn)); put("group.ciUpper", gm + qt(0.975, gn - 1) * gs / sqrt(gn))
gl <- tapply(d$left, d$school, mean)
put("groupRetention.r", cov.wt(cbind(gm, gl), wt = as.numeric(gn) / sum(gn), cor = TRUE)$cor[1, 2])

# 8. domain.md §1.6 worked example
wk <- read.csv(text = "team,ps1,ps2,ps3,ps4,ps5,ps6,ps7
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
write.csv(wk, "worked.csv", row.names = FALSE, quote = FALSE)
keyed <- wk[, -1]; for (v in c("ps1", "ps3", "ps5")) keyed[[v]] <- 8 - keyed[[v]]
score <- rowMeans(keyed)
aw <- aov(score ~ wk$team); sw <- summary(aw)[[1]]
put("worked.msb", sw[1, 3]); put("worked.msw", sw[2, 3]); put("worked.f", sw[1, 4]); put("worked.p", sw[1, 5])
put("worked.icc1", ICC1(aw)); put("worked.icc2", ICC2(aw))
put("worked.rwgj", rwg.j(keyed, wk$team, ranvar = 4)$rwg.j)
put("worked.mean", tapply(score, wk$team, mean))

write.csv(do.call(rbind, out), "expected.csv", row.names = FALSE, quote = FALSE)
cat("wrote", length(out), "values\n")
