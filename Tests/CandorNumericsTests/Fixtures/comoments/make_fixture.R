# Generates the co-moment fixture once; CI never runs R.
#   cd Tests/CandorNumericsTests/Fixtures/comoments && Rscript make_fixture.R
# data.csv: 300 rows, six Likert items (1-5, about 8 % missing) and one continuous
# column (large offset, about 5 % missing). Expected values from R's cov/cor with
# use = "pairwise.complete.obs" and on na.omit(x), written with 17 significant digits.
set.seed(20261127)
n <- 300
f <- rnorm(n)
likert <- sapply(1:6, function(j) {
  z <- 0.6 * f + rnorm(n)
  as.integer(cut(z, breaks = c(-Inf, -1.2, -0.4, 0.4, 1.2, Inf)))
})
colnames(likert) <- paste0("q", 1:6)
cont <- 1e6 + 50 * f + rnorm(n, sd = 20) + runif(n)
x <- cbind(likert, score = cont)
for (j in 1:6) x[sample(n, round(0.08 * n)), j] <- NA
x[sample(n, round(0.05 * n)), 7] <- NA
storage.mode(x) <- "double"

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
write_matrix <- function(m, file) {
  out <- apply(m, c(1, 2), fmt)
  write.table(out, file, sep = ",", quote = FALSE, row.names = FALSE, col.names = FALSE)
}
write_vector <- function(v, file) writeLines(fmt(v), file)

write.table(apply(x, c(1, 2), fmt), "data.csv", sep = ",", quote = FALSE, row.names = FALSE,
            col.names = colnames(x))

# Pairwise (R: each pair's own complete rows and means).
write_matrix(cov(x, use = "pairwise.complete.obs"), "pairwise_cov.csv")
write_matrix(suppressWarnings(cor(x, use = "pairwise.complete.obs")), "pairwise_cor.csv")
present <- !is.na(x)
write_matrix(crossprod(present) + 0, "pairwise_n.csv")
write_vector(colMeans(x, na.rm = TRUE), "pairwise_means.csv")
write_vector(apply(x, 2, sd, na.rm = TRUE), "pairwise_sds.csv")

# Listwise (complete cases).
y <- na.omit(x)
write_matrix(cov(y), "listwise_cov.csv")
write_matrix(cor(y), "listwise_cor.csv")
write_vector(colMeans(y), "listwise_means.csv")
write_vector(apply(y, 2, sd), "listwise_sds.csv")
writeLines(as.character(nrow(y)), "listwise_n.csv")
