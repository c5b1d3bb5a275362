# Writes demo-spss.sav (run once; committed): the first 300 respondents of datasets/demo/demo.csv as
# an SPSS system file through R haven (ReadStat). Items are numeric with value labels; a blank
# item answer becomes the user-missing code -99 ("No answer"), which readers must treat as
# missing. Ids, district, school, role and status stay string variables.
library(haven)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
demo <- read.csv(file.path(here, "..", "demo", "demo.csv"), colClasses = "character")[1:300, ]
agree5 <- c("Strongly disagree" = 1, "Disagree" = 2, "Neither agree nor disagree" = 3, "Agree" = 4,
            "Strongly agree" = 5, "No answer" = -99)
agree4 <- c("Strongly disagree" = 1, "Disagree" = 2, "Agree" = 3, "Strongly agree" = 4, "No answer" = -99)
item <- function(x, labels, label) {
  v <- ifelse(x == "", -99, as.numeric(x))
  labelled_spss(v, labels = labels, na_values = -99, label = label)
}
out <- data.frame(respondent_id = demo$respondent_id, district = demo$district,
                  school_id = demo$school_id, role = demo$role,
                  tenure = ifelse(demo$tenure == "", NA, as.numeric(demo$tenure)))
for (k in 1:7) out[[paste0("ps", k)]] <- item(demo[[paste0("ps", k)]], agree5, paste("Team climate - item", k))
for (k in 1:12) out[[paste0("tr", k)]] <- item(demo[[paste0("tr", k)]], agree4, paste("Trust in colleagues - item", k))
out$intent_stay <- ifelse(demo$intent_stay == "", NA, as.numeric(demo$intent_stay))
out$status_next_year <- demo$status_next_year
write_sav(out, file.path(here, "demo-spss.sav"))
