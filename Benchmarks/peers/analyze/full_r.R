# The "equal-work" R peer of `candor analyze` (issue 7, "Speed"): every table Candor
# writes for datasets/demo/demo.codebook.yaml, in the idiomatic R way.
#   - data.table::fread; reverse-keying of the Edmondson items (ps1, ps3, ps5: 6 - x)
#   - reliability: psych::alpha (raw alpha, alpha if item deleted, r.drop) for
#     psych_safety, trust and each of the 10 PVQ-40 values; psych::omega for trust
#     (3 factors) and psych_safety (1 factor)
#   - EFA: psych::fa on the trust items (3 factors, minres, oblimin) and
#     psych::fa.parallel (minres, fa = "fa", 20 iterations)
#   - values: value scores MRAT-centred (respondent's mean over the 40 items, when
#     >= 80 % answered), classical MDS (cmdscale) of their correlations, sqrt(2(1 - r))
#   - scale scores (row means, NA below half the items answered, Candor's default); cor.test of trust and
#     psych_safety with left and intent_stay; psych::partial.r on tenure
#   - retention: glm(left ~ trust + psych_safety + tenure, binomial) with
#     cluster-robust SEs, sandwich::vcovCL(cluster = ~school_id, type = "HC1")
#   - aggregation by school_id (mean, SD, n; multilevel::ICC1/ICC2 on aov;
#     multilevel::rwg.j of the psych_safety items, A = 5) and by school_id x role
#   - key drivers: relative weights (Johnson 2000) of intent_stay on the two scales
# Pairwise missing data (psych's defaults) except where the method needs complete rows
# (glm, aov, rwg.j).
# usage: Rscript full_r.R FILE [THREADS]
suppressPackageStartupMessages({
  library(data.table); library(psych); library(GPArotation); library(multilevel); library(sandwich)
})
args <- commandArgs(TRUE)
file <- args[1]
threads <- if (length(args) > 1) as.integer(args[2]) else 2L
setDTthreads(threads)
set.seed(20260101)
t0 <- Sys.time()
x <- fread(file, na.strings = c("", "NA"), showProgress = FALSE)
ps <- paste0("ps", 1:7); tr <- paste0("tr", 1:12); pvq <- paste0("pvq", 1:40)
values <- list(
  self_direction = c(1, 11, 22, 34), stimulation = c(6, 15, 30), hedonism = c(10, 26, 37),
  achievement = c(4, 13, 24, 32), power = c(2, 17, 39), security = c(5, 14, 21, 31, 35),
  conformity = c(7, 16, 28, 36), tradition = c(9, 20, 25, 38), benevolence = c(12, 18, 27, 33),
  universalism = c(3, 8, 19, 23, 29, 40))
for (j in c("ps1", "ps3", "ps5")) set(x, j = j, value = 6L - x[[j]])   # range 1-5: 6 - x
ps_items <- as.data.frame(x[, ..ps]); tr_items <- as.data.frame(x[, ..tr])
pvq_items <- as.matrix(x[, ..pvq])

# Reliability
a_ps <- suppressWarnings(psych::alpha(ps_items, warnings = FALSE))
a_tr <- suppressWarnings(psych::alpha(tr_items, warnings = FALSE))
a_values <- lapply(values, function(i) suppressWarnings(psych::alpha(pvq_items[, i], warnings = FALSE)))
om_tr <- suppressWarnings(psych::omega(tr_items, nfactors = 3, fm = "minres", rotate = "oblimin", plot = FALSE))
om_ps <- suppressMessages(suppressWarnings(psych::omega(ps_items, nfactors = 1, fm = "minres", plot = FALSE)))

# EFA and parallel analysis
f3 <- suppressWarnings(psych::fa(tr_items, nfactors = 3, fm = "minres", rotate = "oblimin"))
invisible(capture.output(   # fa.parallel prints its verdict
  pa <- suppressWarnings(psych::fa.parallel(tr_items, fm = "minres", fa = "fa", n.iter = 20, plot = FALSE))))

# Mean of the answered items; NA below half the items answered, rounded up (Candor's
# default `min_items`, design.md section 4)
scale_score <- function(m) {
  s <- rowMeans(m, na.rm = TRUE)
  s[rowSums(!is.na(m)) < (ncol(m) + 1) %/% 2] <- NA
  s
}

# Values: MRAT-centred value scores and MDS of their correlations
answered <- rowSums(!is.na(pvq_items))
mrat <- ifelse(answered >= 0.8 * length(pvq), rowMeans(pvq_items, na.rm = TRUE), NA_real_)
value_scores <- sapply(values, function(i) scale_score(pvq_items[, i, drop = FALSE]) - mrat)
value_r <- cor(value_scores, use = "pairwise")
mds <- cmdscale(sqrt(2 * (1 - value_r)), k = 2, eig = TRUE)

# Scale scores, outcomes, correlations
x[, psych_safety := scale_score(ps_items)]
x[, trust := scale_score(tr_items)]
x[, left := ifelse(is.na(status_next_year), NA_real_, as.numeric(status_next_year %in% c("leaver", "mover")))]
tests <- list(
  cor.test(x$trust, x$left), cor.test(x$psych_safety, x$left),
  cor.test(x$trust, x$intent_stay), cor.test(x$psych_safety, x$intent_stay))
partials <- psych::partial.r(as.data.frame(x[, .(trust, psych_safety, left, intent_stay, tenure)]),
                             c("trust", "psych_safety", "left", "intent_stay"), "tenure")

# Retention: logistic regression with cluster-robust (CR1) standard errors
fit <- glm(left ~ trust + psych_safety + tenure, family = binomial, data = x)
vc <- sandwich::vcovCL(fit, cluster = ~school_id, type = "HC1")
coefs <- cbind(estimate = coef(fit), se = sqrt(diag(vc)))

# Aggregation by school and by school x role
by_school <- x[, .(ps_mean = mean(psych_safety, na.rm = TRUE), ps_sd = sd(psych_safety, na.rm = TRUE),
                   ps_n = sum(!is.na(psych_safety)), tr_mean = mean(trust, na.rm = TRUE),
                   tr_sd = sd(trust, na.rm = TRUE), tr_n = sum(!is.na(trust))), by = school_id]
aov_ps <- aov(psych_safety ~ as.factor(school_id), data = x)
aov_tr <- aov(trust ~ as.factor(school_id), data = x)
icc <- c(icc1_ps = ICC1(aov_ps), icc2_ps = ICC2(aov_ps), icc1_tr = ICC1(aov_tr), icc2_tr = ICC2(aov_tr))
rwg <- rwg.j(ps_items, x$school_id, ranvar = (5^2 - 1) / 12)
by_school_role <- x[, .(ps_mean = mean(psych_safety, na.rm = TRUE), ps_n = sum(!is.na(psych_safety))),
                    by = .(school_id, role)]

# Key drivers: relative weights (Johnson 2000)
r_all <- cor(x[, .(intent_stay, psych_safety, trust)], use = "pairwise")
rxx <- r_all[-1, -1]; rxy <- r_all[-1, 1]
e <- eigen(rxx, symmetric = TRUE)
lambda <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
beta <- solve(lambda, rxy)
raw_weights <- drop(lambda^2 %*% beta^2)
names(raw_weights) <- c("psych_safety", "trust")

secs <- as.numeric(Sys.time() - t0, units = "secs")
cat(sprintf("rows=%d seconds=%.3f\n", nrow(x), secs))
cat(sprintf("alpha_psych_safety=%.17g\n", a_ps$total$raw_alpha))
cat(sprintf("alpha_trust=%.17g\n", a_tr$total$raw_alpha))
cat(sprintf("r_trust_left=%.6f r_trust_intent=%.6f\n", tests[[1]]$estimate, tests[[3]]$estimate))
cat(sprintf("alpha_benevolence=%.17g\n", a_values$benevolence$total$raw_alpha))
cat(sprintf("alpha_values=%s\n", paste(sprintf("%.12f", sapply(a_values, function(a) a$total$raw_alpha)), collapse = ",")))
cat(sprintf("alpha_if_deleted_ps1=%.12f r_drop_ps1=%.12f\n", a_ps$alpha.drop["ps1", "raw_alpha"], a_ps$item.stats["ps1", "r.drop"]))
cat(sprintf("omega_trust_total=%.6f omega_trust_h=%.6f omega_psych_safety_total=%.6f\n",
            om_tr$omega.tot, om_tr$omega_h, om_ps$omega.tot))
cat(sprintf("fa_trust_h2_tr1=%.6f parallel_factors=%d\n", f3$communality[["tr1"]], pa$nfact))
cat(sprintf("value_self_direction_mean=%.12f mds_eig1=%.10f\n", mean(value_scores[, "self_direction"], na.rm = TRUE), mds$eig[1]))
cat(sprintf("partial_trust_left=%.10f partial_trust_intent=%.10f\n", partials["trust", "left"], partials["trust", "intent_stay"]))
cat(sprintf("glm_trust=%.12f se_trust=%.12f n=%d\n", coefs["trust", "estimate"], coefs["trust", "se"], nobs(fit)))
cat(sprintf("icc1_trust=%.12f icc2_trust=%.12f icc1_psych_safety=%.12f\n", icc[["icc1_tr"]], icc[["icc2_tr"]], icc[["icc1_ps"]]))
cat(sprintf("rwgj_mean=%.12f school_role_groups=%d school_S0111_trust_mean=%.12f\n",
            mean(rwg$rwg.j, na.rm = TRUE), nrow(by_school_role), by_school[school_id == "S0111", tr_mean]))
cat(sprintf("rw_psych_safety=%.12f rw_trust=%.12f\n", raw_weights[["psych_safety"]], raw_weights[["trust"]]))
