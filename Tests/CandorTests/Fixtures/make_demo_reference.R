# Reference values for the pipeline tests, computed with R on datasets/demo/demo.csv
# exactly as its codebook (datasets/demo/demo.codebook.yaml) describes the data:
# Edmondson items 1, 3, 5 reversed on 1-5 (6 - x), scores = mean of answered items when
# at least half (rounded up) are answered, left = status_next_year in {leaver, mover}.
#
#   Rscript Tests/CandorTests/Fixtures/make_demo_reference.R   (from the repository root)
#
# Writes Tests/CandorTests/Fixtures/demo_reference.csv (name,value; 17 significant digits).
suppressMessages({ library(psych); library(multilevel); library(sandwich) })
d <- read.csv("datasets/demo/demo.csv", na.strings = c("", "NA"), stringsAsFactors = FALSE)
ps <- d[, paste0("ps", 1:7)]
for (i in c(1, 3, 5)) ps[[i]] <- 6 - ps[[i]]
tr <- d[, paste0("tr", 1:12)]
score <- function(x, min) { m <- rowMeans(x, na.rm = TRUE); m[rowSums(!is.na(x)) < min] <- NA; m }
d$psych_safety <- score(ps, 4)
d$trust <- score(tr, 6)
d$left <- ifelse(is.na(d$status_next_year), NA, as.numeric(d$status_next_year %in% c("leaver", "mover")))
out <- list()
put <- function(name, value) out[[name]] <<- value

a <- alpha(ps, warnings = FALSE)
put("alpha.psych_safety.raw", a$total$raw_alpha)
put("alpha.psych_safety.std", a$total$std.alpha)
put("alpha.psych_safety.g6", a$total$`G6(smc)`)
a <- alpha(tr, warnings = FALSE)
put("alpha.trust.raw", a$total$raw_alpha)
put("alpha.trust.std", a$total$std.alpha)

ct <- cor.test(d$trust, d$left)
put("cor.trust.left.r", unname(ct$estimate)); put("cor.trust.left.p", ct$p.value)
put("cor.trust.left.n", sum(complete.cases(d$trust, d$left)))
ct <- cor.test(d$psych_safety, d$intent_stay)
put("cor.psych_safety.intent_stay.r", unname(ct$estimate)); put("cor.psych_safety.intent_stay.p", ct$p.value)
put("cor.psych_safety.intent_stay.lo", ct$conf.int[1]); put("cor.psych_safety.intent_stay.hi", ct$conf.int[2])

s <- d[!is.na(d$psych_safety), ]
fit <- aov(psych_safety ~ factor(school_id), data = s)
put("icc1.psych_safety.school_id", ICC1(fit)); put("icc2.psych_safety.school_id", ICC2(fit))
put("groups.psych_safety.school_id", length(unique(s$school_id)))
g <- s[s$school_id == "S0001", "psych_safety"]
put("mean.psych_safety.S0001", mean(g)); put("n.psych_safety.S0001", length(g))

m <- glm(left ~ trust + psych_safety + tenure, family = binomial, data = d)
v <- vcovCL(m, cluster = ~school_id, type = "HC1")
cf <- coef(m)
put("glm.n", nobs(m))
for (k in c("trust", "psych_safety", "tenure")) {
  put(paste0("glm.", k, ".or"), exp(cf[[k]]))
  se <- sqrt(v[k, k]); z <- cf[[k]] / se
  put(paste0("glm.", k, ".p"), 2 * pnorm(-abs(z)))
}
# Factor analysis of the trust items (pairwise correlations, N = smallest pairwise n as
# Candor's convention; psych is given that n explicitly).
rt <- cor(tr, use = "pairwise")
pn <- crossprod(!is.na(as.matrix(tr))); nmin <- min(pn)
f <- fa(rt, nfactors = 3, n.obs = nmin, fm = "minres", rotate = "oblimin", min.err = 1e-12, max.iter = 5000)
for (i in 1:12) put(paste0("fa.trust.h2.", i), f$communality[[i]])
put("fa.trust.chi", f$STATISTIC); put("fa.trust.rmsea", f$RMSEA[[1]]); put("fa.trust.tli", f$TLI)
put("fa.trust.n", nmin)
o <- omega(rt, nfactors = 3, fm = "minres", rotate = "oblimin", flip = FALSE, plot = FALSE)
put("omega.trust.total", o$omega.tot); put("omega.trust.h", o$omega_h)
f1 <- fa(rt, nfactors = 1, fm = "minres")
l <- f1$loadings[, 1]
put("omega.trust.onefactor", sum(l)^2 / (sum(l)^2 + sum(1 - l^2)))

res <- data.frame(name = names(out), value = sprintf("%.17g", unlist(out)))
write.csv(res, "Tests/CandorTests/Fixtures/demo_reference.csv", row.names = FALSE, quote = FALSE)
