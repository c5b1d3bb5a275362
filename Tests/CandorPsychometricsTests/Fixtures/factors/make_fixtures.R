# Reference values for CandorPsychometricsTests/FactorAnalysis.
# R 4.x, psych 2.2.9, GPArotation 2022.10.2. Run from this folder:
#   Rscript make_fixtures.R
# Every matrix is written as a header-less CSV with 17 significant digits;
# scalars go to scalars.csv (name,value). Tests never run R.
suppressPackageStartupMessages({ library(psych); library(GPArotation) })
set.seed(20261127)
fmt <- function(x) sprintf("%.17g", x)
writeMat <- function(name, m) {
  m <- as.matrix(m)
  lines <- apply(m, 1, function(r) paste(fmt(r), collapse = ","))
  writeLines(lines, paste0(name, ".csv"))
}
scalars <- list()
put <- function(name, value) { for (i in seq_along(value)) scalars[[if (length(value) > 1) paste0(name, "[", i, "]") else name]] <<- value[i] }

# ---- 12 items, 3 correlated factors, n = 600 --------------------------------
n <- 600
L <- matrix(0, 12, 3)
L[1:4, 1] <- c(.75, .70, .65, .55); L[5:8, 2] <- c(.70, .65, .60, .50); L[9:12, 3] <- c(.72, .62, .58, .45)
L[4, 2] <- .25; L[8, 3] <- .20; L[12, 1] <- .30
Phi <- matrix(c(1, .35, .25, .35, 1, .30, .25, .30, 1), 3)
Sigma <- L %*% Phi %*% t(L); diag(Sigma) <- 1
X <- matrix(rnorm(n * 12), n) %*% chol(Sigma)
R <- cor(X)
writeMat("R12", R)
put("n12", n)

for (fm in c("minres", "ml", "pa")) {
  for (rot in c("none", "varimax", "promax", "oblimin")) {
    f <- fa(R, nfactors = 3, n.obs = n, fm = fm, rotate = rot, min.err = 1e-12, max.iter = 5000, warnings = FALSE)
    tag <- paste(fm, rot, sep = "_")
    writeMat(paste0("fa_", tag, "_loadings"), unclass(f$loadings))
    if (!is.null(f$Phi)) writeMat(paste0("fa_", tag, "_phi"), f$Phi)
    writeMat(paste0("fa_", tag, "_communality"), f$communality)
    writeMat(paste0("fa_", tag, "_vx"), f$Vaccounted[1, ])
    if (rot == "none") writeMat(paste0("fa_", tag, "_values"), f$values)
    put(paste0(tag, "_chi"), f$STATISTIC); put(paste0(tag, "_dof"), f$dof); put(paste0(tag, "_p"), f$PVAL)
    put(paste0(tag, "_rmsea"), f$RMSEA[1:3]); put(paste0(tag, "_tli"), f$TLI); put(paste0(tag, "_bic"), f$BIC)
    put(paste0(tag, "_rms"), f$rms)
  }
}
# principal axis with psych's own defaults (min.err = .001, max.iter = 50)
f <- fa(R, nfactors = 3, n.obs = n, fm = "pa", rotate = "none", warnings = FALSE)
writeMat("fa_padefault_none_loadings", unclass(f$loadings))

for (rot in c("none", "varimax")) {
  pc <- principal(R, nfactors = 3, rotate = rot, n.obs = n)
  writeMat(paste0("pc_", rot, "_loadings"), unclass(pc$loadings))
}
writeMat("pc_values", principal(R, nfactors = 3, rotate = "none")$values)

# GPArotation on psych's unrotated minres loadings
U <- unclass(fa(R, nfactors = 3, n.obs = n, fm = "minres", rotate = "none", warnings = FALSE)$loadings)
writeMat("rot_input", U)
g <- geominQ(U); writeMat("rot_geominQ_loadings", g$loadings); writeMat("rot_geominQ_phi", g$Phi)
o <- oblimin(U); writeMat("rot_oblimin_loadings", o$loadings); writeMat("rot_oblimin_phi", o$Phi)
Tgt <- matrix(NA, 12, 3); Tgt[1:4, 1] <- NA; Tgt[5:12, 1] <- 0; Tgt[c(1:4, 9:12), 2] <- 0; Tgt[1:8, 3] <- 0
Tgt[c(1, 5, 9), ] <- NA
writeMat("rot_target_pattern", ifelse(is.na(Tgt), NaN, Tgt))
W <- ifelse(is.na(Tgt), 0, 1); B <- ifelse(is.na(Tgt), 0, Tgt)
tq <- targetQ(U, Target = Tgt); writeMat("rot_targetQ_loadings", tq$loadings); writeMat("rot_targetQ_phi", tq$Phi)
pq <- pstQ(U, W = W, Target = B); writeMat("rot_pstQ_loadings", pq$loadings); writeMat("rot_pstQ_phi", pq$Phi)
pt <- pstT(U, W = W, Target = B); writeMat("rot_pstT_loadings", pt$loadings)
vm <- varimax(U); writeMat("rot_varimax_loadings", unclass(vm$loadings))

# diagnostics
k <- KMO(R); put("kmo", k$MSA); writeMat("kmo_items", k$MSAi)
b <- cortest.bartlett(R, n = n); put("bartlett_chi", b$chisq); put("bartlett_df", b$df); put("bartlett_p", b$p.value)
writeMat("eigen_R12", eigen(R)$values)
writeMat("parallel_observed_fa", fa(R, nfactors = 1, rotate = "none", fm = "minres", warnings = FALSE)$values)

# ---- Heywood case: item 1 has population communality 1 ---------------------
Lh <- matrix(c(1, .8, .7, .6, .5, .5, 0, 0, 0, .2, .5, .6), 6)
Sh <- Lh %*% t(Lh); diag(Sh) <- 1
Xh <- matrix(rnorm(300 * 6), 300) %*% chol(Sh + diag(1e-9, 6))
Rh <- cor(Xh)
writeMat("Rheywood", Rh)
fh <- fa(Rh, nfactors = 2, n.obs = 300, fm = "minres", rotate = "none", warnings = FALSE)
writeMat("heywood_communality", fh$communality)

# ---- 9 items for omega: general + 3 group factors, n = 800 ------------------
G <- c(.6, .55, .5, .6, .55, .5, .6, .55, .5)
S <- matrix(0, 9, 3); S[1:3, 1] <- c(.4, .35, .3); S[4:6, 2] <- c(.45, .4, .3); S[7:9, 3] <- c(.35, .4, .45)
S9 <- cbind(G, S) %*% t(cbind(G, S)); diag(S9) <- 1
X9 <- matrix(rnorm(800 * 9), 800) %*% chol(S9)
R9 <- cor(X9)
writeMat("R9", R9)
om <- omega(R9, nfactors = 3, fm = "minres", rotate = "oblimin", flip = FALSE, plot = FALSE, n.obs = 800)
put("omega_h", om$omega_h); put("omega_tot", om$omega.tot)
writeMat("omega_group", om$omega.group$group[-1])
f1 <- fa(R9, nfactors = 1, fm = "minres", warnings = FALSE)
lam <- f1$loadings[, 1]; psi <- 1 - f1$communality
put("omega_onefactor", sum(lam)^2 / (sum(lam)^2 + sum(psi)))

# ---- polychoric: 5 ordinal items, 5 categories, n = 500 ---------------------
Lp <- c(.8, .7, .6, .5, .3); Sp <- Lp %o% Lp; diag(Sp) <- 1
Z <- matrix(rnorm(500 * 5), 500) %*% chol(Sp)
cuts <- list(c(-1.5, -.5, .3, 1.2), c(-1, 0, .8, 2.2), c(-2, -1, 0, 1), c(-.8, -.2, .5, 1.1), c(-1.8, -.6, .6, 2.4))
O <- sapply(1:5, function(j) findInterval(Z[, j], cuts[[j]]) + 1)
write.table(O, "ordinal.csv", sep = ",", row.names = FALSE, col.names = FALSE)
pc <- polychoric(O, correct = .5, global = FALSE, smooth = FALSE)
writeMat("polychoric_rho", pc$rho)

# ---- values circle: 10 values on a circumplex, n = 1000 ---------------------
ang <- (0:9) * 2 * pi / 10
ang[7:8] <- ang[7:8] + c(.05, -.05)  # conformity / tradition close
C10 <- outer(ang, ang, function(a, b) .15 + .55 * cos(a - b)); diag(C10) <- 1
X10 <- matrix(rnorm(1000 * 10), 1000) %*% chol(C10)
R10 <- cor(X10)
writeMat("R10", R10)
D <- sqrt(2 * (1 - R10))
md <- cmdscale(D, k = 2, eig = TRUE)
writeMat("mds_points", md$points)
dh <- as.matrix(dist(md$points))
put("mds_stress1", sqrt(sum((D - dh)^2) / sum(D^2)))

# ---- factor score weights on R12 (minres, oblimin) -----------------------
for (sc in c("regression", "Bartlett", "tenBerge")) {
  f <- fa(R, nfactors = 3, n.obs = n, fm = "minres", rotate = "oblimin", scores = sc, warnings = FALSE)
  writeMat(paste0("scores_", sc, "_weights"), f$weights)
  if (sc == "regression") writeMat("scores_loadings", unclass(f$loadings))
}

writeLines(c("name,value", paste(names(scalars), fmt(unlist(scalars)), sep = ",")), "scalars.csv")
