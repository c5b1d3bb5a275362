# Reference for the paired wave test (Tests/CandorTests/WaveLinkTests.swift).
# Wave 1 = datasets/demo/demo.csv; wave 2 = its first 1,500 respondents (same ids) with ps2
# and ps4 raised by one point where below 5. Scores as the demo codebook defines them (items
# 1, 3, 5 reversed as 6 - x; mean of answered items when at least 4 of 7 are answered).
#
#   Rscript Tests/CandorTests/Fixtures/make_paired_waves_reference.R   (from the repository root)
d1 <- read.csv("datasets/demo/demo.csv", na.strings = c("", "NA"), stringsAsFactors = FALSE)
d2 <- d1[1:1500, ]
for (v in c("ps2", "ps4")) d2[[v]] <- ifelse(!is.na(d2[[v]]) & d2[[v]] < 5, d2[[v]] + 1, d2[[v]])
score <- function(d) {
  x <- d[, paste0("ps", 1:7)]
  for (i in c(1, 3, 5)) x[[i]] <- 6 - x[[i]]
  m <- rowMeans(x, na.rm = TRUE); m[rowSums(!is.na(x)) < 4] <- NA; m
}
s1 <- score(d1); s2 <- score(d2)
ok <- !is.na(s1[1:1500]) & !is.na(s2)
t <- t.test(s2[ok], s1[1:1500][ok], paired = TRUE)
out <- c(pairs = sum(ok), change = unname(t$estimate), t = unname(t$statistic), df = unname(t$parameter),
         p = t$p.value, lo = t$conf.int[1], hi = t$conf.int[2])
write.csv(data.frame(name = names(out), value = sprintf("%.17g", out)),
          "Tests/CandorTests/Fixtures/paired_waves_reference.csv", row.names = FALSE, quote = FALSE)
