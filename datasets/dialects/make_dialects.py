#!/usr/bin/env python3
"""Writes the dialect demos in datasets/dialects/ from datasets/demo/demo.csv (run once; committed).

The same respondents (the first N rows of demo.csv) in the layouts of SurveyMonkey, Google
Forms, Microsoft Forms (.xlsx) and a plain .xlsx workbook, each with its codebook. The SPSS
.sav comes from make_sav.R. Deterministic: no clock, no randomness (timestamps are derived
from the row number).
"""
import csv, os, zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
N = 300
with open(os.path.join(HERE, "..", "demo", "demo.csv"), newline="") as f:
    rows = list(csv.DictReader(f))[:N]

PS = [f"ps{i}" for i in range(1, 8)]
TR = [f"tr{i}" for i in range(1, 13)]
AGREE5 = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
AGREE4 = ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]
ROLE = {"teacher": "Teacher", "assistant": "Teaching assistant", "leader": "School leader"}


def stamp(i, fmt):
    """A deterministic response time for row i (November 2026, 10 per hour)."""
    day, minute = 2 + i // 100, (i % 100) * 6
    h, m, s = 8 + minute // 60, minute % 60, (i * 7) % 60
    return fmt(day, h, m, s)


def text(value, labels):
    return "" if value == "" else labels[int(value) - 1]


def write_csv(name, header_rows, body):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        for r in header_rows: w.writerow(r)
        for r in body: w.writerow(r)


SCALES = """scales:
  - name: psych_safety
    instrument: edmondson-tps7      # keys 1, 3, 5 reversed by the instrument
    items: [ps1, ps2, ps3, ps4, ps5, ps6, ps7]
    range: [1, 5]{ps_labels}
    favourable: [4, 5]
  - name: trust                     # 12 items, 3 facets of 4
    items: [tr1, tr2, tr3, tr4, tr5, tr6, tr7, tr8, tr9, tr10, tr11, tr12]
    range: [1, 4]{tr_labels}
outcomes:
  - name: left
    column: status_next_year
    event: [{events}]
analyses:
  reliability: [psych_safety, trust]
  factors: {{scale: trust, n: 3, method: minres, rotation: oblimin}}
  correlate: {{variables: [trust, psych_safety], with: [intent_stay], covariates: [tenure]}}
  aggregate: {{by: school_id, scales: [psych_safety, trust]}}
  drivers: {{outcome: intent_stay, predictors: [psych_safety, trust]}}
"""
LABELS = """labels:
  agree5: {"Strongly disagree": 1, "Disagree": 2, "Neither agree nor disagree": 3, "Agree": 4,
           "Strongly agree": 5}
  agree4: {"Strongly disagree": 1, "Disagree": 2, "Agree": 3, "Strongly agree": 4}
"""


def codebook(name, title, fmt, aliases, id_line, events="leaver, mover", text_answers=False, extra=""):
    out = [f"# Codebook v1 for datasets/dialects/{name} ({title}; provenance in datasets/README.md).",
           "version: 1", f"format: {fmt}"]
    if aliases:
        out.append("columns:")
        for k, v in aliases: out.append(f"  {k}: {quote(v)}")
    if id_line: out.append(id_line)
    out += ["groups: [district, school_id]", "cuts: [role]", "min_group_size: 5"]
    out.append(extra + "screens:\n  duplicate_ids: error\n  straightlining: warn")
    if text_answers: out.append(LABELS.rstrip())
    out.append(SCALES.format(ps_labels="\n    labels: agree5" if text_answers else "",
                             tr_labels="\n    labels: agree4" if text_answers else "", events=events).rstrip())
    with open(os.path.join(HERE, name.rsplit(".", 1)[0] + ".codebook.yaml"), "w") as f:
        f.write("\n".join(out) + "\n")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- SurveyMonkey: 2 header rows; a matrix question's sub-headers under blank continuation cells.
top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "District", "School", "Role",
       "Years at this school"]
sub = ["", "", "", "", "Response", "Response", "Response", "Open-Ended Response"]
top += ["Team climate"] + [""] * 6 + ["Trust in colleagues"] + [""] * 11
sub += [f"Item {i}" for i in range(1, 8)] + [f"Item {i}" for i in range(1, 13)]
top += ["How likely are you to stay at this school next year? (1-5)", "Status next year"]
sub += ["Response", "Response"]
body = []
for i, r in enumerate(rows):
    us = lambda d, h, m, s: f"11/{d:02d}/2026 {(h - 1) % 12 + 1:02d}:{m:02d}:{s:02d} {'AM' if h < 12 else 'PM'}"
    body.append([str(114_820_000_000 + 37 * i), "431977012", stamp(i, us), stamp(i + 1, us), r["district"],
                 r["school_id"], ROLE[r["role"]], r["tenure"]] + [r[c] for c in PS + TR]
                + [r["intent_stay"], r["status_next_year"]])
write_csv("demo-surveymonkey.csv", [top, sub], body)
aliases = [("district", "District"), ("school_id", "School"), ("role", "Role"), ("tenure", "Years at this school")]
aliases += [(c, f"Team climate / Item {k + 1}") for k, c in enumerate(PS)]
aliases += [(c, f"Trust in colleagues / Item {k + 1}") for k, c in enumerate(TR)]
aliases += [("intent_stay", top[-2]), ("status_next_year", "Status next year")]
codebook("demo-surveymonkey.csv", "SurveyMonkey layout: 2 header rows", "surveymonkey", aliases,
         'id: "Respondent ID"')

# --- Google Forms: Timestamp, full question texts, grid rows in brackets, text answers.
header = ["Timestamp", "Which district is your school in?", "Which school do you work at?",
          "What is your role?", "How many years have you worked at this school?"]
header += [f"Team climate [Item {k + 1}]" for k in range(7)] + [f"Trust in colleagues [Item {k + 1}]" for k in range(12)]
header += ["How likely are you to stay at this school next year?", "What will you be doing next school year?"]
STATUS_TEXT = {"stayer": "Staying at this school", "mover": "Moving to another school", "leaver": "Leaving teaching"}
body = []
for i, r in enumerate(rows):
    gf = lambda d, h, m, s: f"2026/11/{d:02d} {(h - 1) % 12 + 1}:{m:02d}:{s:02d} {'AM' if h < 12 else 'PM'} GMT"
    body.append([stamp(i, gf), r["district"], r["school_id"], ROLE[r["role"]], r["tenure"]]
                + [text(r[c], AGREE5) for c in PS] + [text(r[c], AGREE4) for c in TR]
                + [r["intent_stay"], STATUS_TEXT.get(r["status_next_year"], "")])
write_csv("demo-googleforms.csv", [header], body)
canon = ["district", "school_id", "role", "tenure"] + PS + TR + ["intent_stay", "status_next_year"]
codebook("demo-googleforms.csv", "Google Forms layout: Timestamp, question texts as headers, text answers",
         "google-forms", list(zip(canon, header[1:])), None,
         events=f"{quote(STATUS_TEXT['leaver'])}, {quote(STATUS_TEXT['mover'])}", text_answers=True)


# --- .xlsx writer: inline strings, numbers, optional date-styled serials.
def col_name(k):
    s = ""
    k += 1
    while k: k, rem = divmod(k - 1, 26); s = chr(65 + rem) + s
    return s


def write_xlsx(name, sheet, header, body, kinds):
    """kinds[k]: 's' text, 'n' number, 'd' date serial (style 1)."""
    def cell(ref, value, kind):
        if value == "": return ""
        if kind == "n": return f'<c r="{ref}"><v>{value}</v></c>'
        if kind == "d": return f'<c r="{ref}" s="1"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    lines = []
    for n, row in enumerate([header] + body, start=1):
        cells = "".join(cell(f"{col_name(k)}{n}", v, "s" if n == 1 else kinds[k]) for k, v in enumerate(row))
        lines.append(f'<row r="{n}">{cells}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} xmlns:r="{rel}"><sheets>'
          f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
              f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>')
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {ns}><numFmts count="1">'
              '<numFmt numFmtId="164" formatCode="m/d/yy h:mm:ss"/></numFmts>'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
    sheet_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}><sheetData>\n'
                 + "\n".join(lines) + "\n</sheetData></worksheet>")
    path = os.path.join(HERE, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", wbrels), ("xl/styles.xml", styles),
                           ("xl/worksheets/sheet1.xml", sheet_xml)]:
            info = zipfile.ZipInfo(part, date_time=(2026, 11, 27, 0, 0, 0))  # fixed: byte-identical reruns
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# --- Microsoft Forms (.xlsx): ID, Start time, Completion time, Email, Name, then the questions.
def serial(d, h, m, s):
    return f"{46326 + d + (h * 3600 + m * 60 + s) / 86400:.10f}"  # 46327 = 2026-11-01


header = ["ID", "Start time", "Completion time", "Email", "Name", "District", "School", "Role",
          "Years at this school"]
header += [f"Team climate.Item {k + 1}" for k in range(7)] + [f"Trust in colleagues.Item {k + 1}" for k in range(12)]
header += ["How likely are you to stay at this school next year?", "Status next year"]
body = [[str(i + 1), stamp(i, serial), stamp(i + 1, serial), "anonymous", "", r["district"], r["school_id"],
         ROLE[r["role"]], r["tenure"]] + [text(r[c], AGREE5) for c in PS] + [text(r[c], AGREE4) for c in TR]
        + [r["intent_stay"], r["status_next_year"]] for i, r in enumerate(rows)]
kinds = ["n", "d", "d", "s", "s", "s", "s", "s", "n"] + ["s"] * 19 + ["n", "s"]
write_xlsx("demo-msforms.xlsx", "Form1", header, body, kinds)
codebook("demo-msforms.xlsx", "Microsoft Forms export as .xlsx, text answers", "microsoft-forms",
         list(zip(canon, header[5:])), "id: ID", text_answers=True)

# --- A plain workbook (Excel "Save As .xlsx" of the demo columns).
cols = ["respondent_id", "district", "school_id", "role", "tenure"] + PS + TR + ["intent_stay", "status_next_year"]
kinds = ["s", "s", "s", "s"] + ["n"] * 21 + ["s"]
write_xlsx("demo-excel.xlsx", "Responses", cols, [[r[c] for c in cols] for r in rows], kinds)
codebook("demo-excel.xlsx", "plain layout in an .xlsx workbook", "csv", [], "id: respondent_id",
         extra="sheet: Responses\n")

# --- Codebook for demo-spss.sav (written by make_sav.R): the file's dictionary supplies the
# user-missing code -99; the codebook names no extra missing code.
codebook("demo-spss.sav", "SPSS system file from make_sav.R: value labels, user-missing -99", "spss", [],
         "id: respondent_id")
