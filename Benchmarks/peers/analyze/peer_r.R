# The R peer of `candor analyze` (issue 7, "Speed"): data.table::fread, reverse-keying
# of the Edmondson items, psych::alpha on the Edmondson and trust items, psych::fa on
# the trust items (3 factors, minres, oblimin), and cor.test of the scale scores with
# the outcomes. Pairwise missing data throughout (psych's defaults).
# usage: Rscript peer_r.R FILE [THREADS]
suppressPackageStartupMessages({ library(data.table); library(psych); library(GPArotation) })
args <- commandArgs(TRUE)
file <- args[1]
threads <- if (length(args) > 1) as.integer(args[2]) else 2L
setDTthreads(threads)
t0 <- Sys.time()
x <- fread(file, na.strings = c("", "NA"), showProgress = FALSE)
ps <- paste0("ps", 1:7); tr <- paste0("tr", 1:12)
for (j in c("ps1", "ps3", "ps5")) set(x, j = j, value = 6L - x[[j]])   # range 1-5: 6 - x
ps_items <- as.data.frame(x[, ..ps]); tr_items <- as.data.frame(x[, ..tr])
a_ps <- suppressWarnings(psych::alpha(ps_items, warnings = FALSE))
a_tr <- suppressWarnings(psych::alpha(tr_items, warnings = FALSE))
f3 <- suppressWarnings(psych::fa(tr_items, nfactors = 3, fm = "minres", rotate = "oblimin"))
score_ps <- rowMeans(ps_items, na.rm = TRUE); score_tr <- rowMeans(tr_items, na.rm = TRUE)
left <- ifelse(is.na(x$status_next_year), NA_real_, as.numeric(x$status_next_year %in% c("leaver", "mover")))
tests <- list(
  cor.test(score_tr, left), cor.test(score_ps, left),
  cor.test(score_tr, x$intent_stay), cor.test(score_ps, x$intent_stay))
secs <- as.numeric(Sys.time() - t0, units = "secs")
cat(sprintf("rows=%d seconds=%.3f\n", nrow(x), secs))
cat(sprintf("alpha_psych_safety=%.17g\n", a_ps$total$raw_alpha))
cat(sprintf("alpha_trust=%.17g\n", a_tr$total$raw_alpha))
cat(sprintf("r_trust_left=%.6f r_trust_intent=%.6f\n", tests[[1]]$estimate, tests[[3]]$estimate))
