# Reference values for the wave-over-wave statistics (Sources/CandorPsychometrics/Waves).
# Run once from this folder: Rscript make_fixtures.R  (R 4.x, base stats only).
# Writes welch.csv, paired.csv, prop.csv, feldt.csv, table.csv with 17 significant digits.
# Direction everywhere: change = wave 2 ("to") minus wave 1 ("from").
set.seed(20261127)
f17 <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_table <- function(df, file) {
  out <- as.data.frame(lapply(df, function(col) if (is.numeric(col)) f17(col) else col),
                       stringsAsFactors = FALSE)
  write.csv(out, file, row.names = FALSE, quote = FALSE)
}
# A scale score: mean of k items on a 1..7 Likert scale (so values are multiples of 1/k).
likert_scores <- function(n, mu, sd, k = 7) {
  latent <- rnorm(n, mu, sd)
  items <- sapply(seq_len(k), function(i) pmin(7, pmax(1, round(latent + rnorm(n, 0, 1)))))
  rowMeans(matrix(items, nrow = n))
}

# 1. Welch t-test from the sufficient statistics of each wave: t.test(to, from, var.equal = FALSE).
welch_specs <- list(c(3, 4, 4.0, 4.2, 1.0, 0.5), c(12, 9, 4.5, 4.9, 1.0, 1.6), c(40, 55, 5.0, 5.0, 1.0, 1.0),
                    c(150, 130, 4.8, 5.1, 1.2, 0.8), c(500, 480, 4.4, 4.5, 1.0, 1.0),
                    c(2000, 2100, 3.0, 5.5, 0.8, 0.8), c(25, 400, 5.2, 4.6, 0.9, 1.1), c(7, 6, 4.1, 4.0, 0.6, 1.3))
welch <- do.call(rbind, lapply(seq_along(welch_specs), function(i) {
  s <- welch_specs[[i]]
  from <- likert_scores(s[1], s[3], s[5]); to <- likert_scores(s[2], s[4], s[6])
  tt <- t.test(to, from, var.equal = FALSE)
  data.frame(case = i, n1 = length(from), mean1 = mean(from), var1 = var(from),
             n2 = length(to), mean2 = mean(to), var2 = var(to),
             change = unname(tt$estimate[1] - tt$estimate[2]), t = unname(tt$statistic),
             df = unname(tt$parameter), lo = tt$conf.int[1], hi = tt$conf.int[2], p = tt$p.value)
}))
write_table(welch, "welch.csv")

# 2. Paired t-test from (n, Σd, Σd²) of d = to − from: t.test(to, from, paired = TRUE).
paired_specs <- list(c(4, 0.3), c(15, 0.1), c(60, -0.2), c(300, 0.05), c(1500, 0.6))
paired <- do.call(rbind, lapply(seq_along(paired_specs), function(i) {
  s <- paired_specs[[i]]
  from <- likert_scores(s[1], 4.5, 1.0)
  to <- pmin(7, pmax(1, round((from + s[2] + rnorm(s[1], 0, 0.5)) * 7) / 7))
  d <- to - from
  tt <- t.test(to, from, paired = TRUE)
  data.frame(case = i, n = length(d), sumD = sum(d), sumD2 = sum(d^2),
             mean1 = mean(from), mean2 = mean(to),
             change = unname(tt$estimate), t = unname(tt$statistic), df = unname(tt$parameter),
             lo = tt$conf.int[1], hi = tt$conf.int[2], p = tt$p.value)
}))
write_table(paired, "paired.csv")

# 3. Two-proportion z-test, prop.test(c(x2, x1), c(n2, n1), correct = FALSE):
#    X² = z², z = (p2 − p1)/sqrt(p̄(1 − p̄)(1/n1 + 1/n2)), p̄ = (x1 + x2)/(n1 + n2);
#    CI = (p2 − p1) ± z₀.₉₇₅·sqrt(p1(1 − p1)/n1 + p2(1 − p2)/n2), clipped to [−1, 1].
prop_specs <- list(c(3, 4, 2, 5), c(1, 10, 10, 10), c(60, 100, 60, 100), c(120, 200, 150, 210),
                   c(700, 1000, 760, 1000), c(2000, 4000, 2600, 4100), c(9, 40, 3, 35), c(14, 20, 8, 25))
prop <- do.call(rbind, lapply(seq_along(prop_specs), function(i) {
  s <- prop_specs[[i]]
  x1 <- s[1]; n1 <- s[2]; x2 <- s[3]; n2 <- s[4]
  pt <- suppressWarnings(prop.test(c(x2, x1), c(n2, n1), correct = FALSE))
  pbar <- (x1 + x2) / (n1 + n2)
  z <- (x2 / n2 - x1 / n1) / sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
  data.frame(case = i, x1 = x1, n1 = n1, x2 = x2, n2 = n2,
             change = unname(pt$estimate[1] - pt$estimate[2]), chisq = unname(pt$statistic), z = z,
             lo = pt$conf.int[1], hi = pt$conf.int[2], p = pt$p.value)
}))
write_table(prop, "prop.csv")

# 4. Feldt (1969) test for two independent alphas, by hand with pf, following the
#    convention of cocron::cocron.two.coefficients(dep = FALSE) (Diedenhofen & Musch 2016;
#    cocron is not packaged for Debian, so its rule is restated here, not called):
#    the larger alpha goes in the denominator, W = (1 − α_small)/(1 − α_large) ≥ 1,
#    W ~ F(n_large − 1, n_small − 1) (the numerator df belongs to the sample in the
#    denominator), two-sided p = 2·P(F > W), capped at 1 (cocron does not cap).
#    Equal alphas: no swap, W = (1 − α2)/(1 − α1) = 1 ~ F(n1 − 1, n2 − 1).
#    Also written: w = (1 − α1)/(1 − α2) in the wave order (from = 1, to = 2).
cronbach <- function(items) {
  k <- ncol(items); (k / (k - 1)) * (1 - sum(apply(items, 2, var)) / var(rowSums(items)))
}
sim_items <- function(n, k, loading) {
  f <- rnorm(n); sapply(seq_len(k), function(i) pmin(7, pmax(1, round(4 + loading * f + rnorm(n)))))
}
feldt_p <- function(a1, n1, a2, n2) {
  if (a2 > a1) { big <- a2; nb <- n2; small <- a1; ns <- n1 } else { big <- a1; nb <- n1; small <- a2; ns <- n2 }
  stat <- (1 - small) / (1 - big)
  min(1, 2 * pf(stat, nb - 1, ns - 1, lower.tail = FALSE))
}
feldt_specs <- list(c(30, 40, 7, 0.9, 0.9), c(200, 220, 7, 1.2, 0.7), c(12, 15, 5, 1.0, 1.0),
                    c(1000, 900, 12, 0.9, 0.6), c(80, 60, 4, 0.5, 1.5), c(500, 520, 7, 1.0, 1.0),
                    c(3000, 3000, 7, 1.4, 0.6), c(20, 300, 6, 0.8, 0.8))
feldt <- do.call(rbind, lapply(seq_along(feldt_specs), function(i) {
  s <- feldt_specs[[i]]
  a1 <- cronbach(sim_items(s[1], s[3], s[4])); a2 <- cronbach(sim_items(s[2], s[3], s[5]))
  data.frame(case = i, alpha1 = a1, n1 = s[1], alpha2 = a2, n2 = s[2], w = (1 - a1) / (1 - a2),
             p = feldt_p(a1, s[1], a2, s[2]))
}))
# Fixed edge cases: equal alphas; a near-tie where 2·P(F > W) > 1 (capped); a negative alpha.
extra <- data.frame(alpha1 = c(0.8, 0.8, 0.801, -0.2), n1 = c(50, 300, 300, 40),
                    alpha2 = c(0.8, 0.801, 0.8, 0.6), n2 = c(80, 30, 30, 45))
for (j in seq_len(nrow(extra))) {
  e <- extra[j, ]
  feldt <- rbind(feldt, data.frame(case = nrow(feldt) + 1, alpha1 = e$alpha1, n1 = e$n1, alpha2 = e$alpha2,
                                   n2 = e$n2, w = (1 - e$alpha1) / (1 - e$alpha2),
                                   p = feldt_p(e$alpha1, e$n1, e$alpha2, e$n2)))
}
# Uncapped value of the near-tie case, to show the cap is exercised.
stopifnot(2 * pf((1 - 0.8) / (1 - 0.801), 299, 29, lower.tail = FALSE) > 1)
write_table(feldt, "feldt.csv")

# 5. One table: rows 1..8 Welch (welch case i, prop case i, feldt case i), rows 9..13 paired
#    (paired case j, no favourability or alpha). BH across the table's mean-change p and,
#    separately, across its favourability p (p.adjust(method = "BH")).
table <- data.frame(row = 1:13, p = c(welch$p, paired$p),
                    pBH = p.adjust(c(welch$p, paired$p), method = "BH"),
                    favourableP = c(prop$p, rep(NA, 5)),
                    favourablePBH = p.adjust(c(prop$p, rep(NA, 5)), method = "BH"))
write_table(table, "table.csv")
