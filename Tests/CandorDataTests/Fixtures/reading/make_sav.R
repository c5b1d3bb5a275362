# Writes survey.sav (run once; committed). R haven writes .sav through ReadStat.
# Dictionary as in shared/domain.md §5.6: id numeric; team string; ps1 numeric with
# value labels and user-missing -99.
library(haven)
setwd(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
ps1 <- labelled_spss(c(2, -99, 5, 2.5), labels = c("Strongly disagree" = 1, "Neutral" = 4,
                     "Strongly agree" = 7, "Not answered" = -99), na_values = -99,
                     label = "Mistakes held against you")
df <- data.frame(id = c(1001, 1002, 1003, 1004), team = c("Maths", "Maths", "Science", ""))
df$ps1 <- ps1
df$id[4] <- NA
write_sav(df, "survey.sav")
