#!/usr/bin/env python3
"""Writes the reader's fixture corpus (run once; outputs are committed).

Dialect files follow the fake layouts of shared/domain.md §5; malformed files each hold one
defect whose exact error message Tests/CandorDataTests/Reading/ReaderErrorTests.swift asserts.
The .sav fixture is written by make_sav.R (R haven 2.x, which uses ReadStat's writer).
"""
import zipfile, os
os.chdir(os.path.dirname(os.path.abspath(__file__)))

def w(name, data):
    with open(name, "wb") as f: f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

QUALTRICS = '''StartDate,EndDate,Status,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,Team,PS_1,PS_2,PS_3,Comment
Start Date,End Date,Response Type,Progress,Duration (in seconds),Finished,Recorded Date,Response ID,Team,"Team climate - Mistakes held against you, often",Team climate - Can raise problems,Team climate - Rejected for being different,Anything else?
"{""ImportId"":""startDate"",""timeZone"":""Europe/Berlin""}","{""ImportId"":""endDate"",""timeZone"":""Europe/Berlin""}","{""ImportId"":""status""}","{""ImportId"":""progress""}","{""ImportId"":""duration""}","{""ImportId"":""finished""}","{""ImportId"":""recordedDate"",""timeZone"":""Europe/Berlin""}","{""ImportId"":""_recordId""}","{""ImportId"":""Team""}","{""ImportId"":""QID4_1""}","{""ImportId"":""QID4_2""}","{""ImportId"":""QID4_3""}","{""ImportId"":""QID9_TEXT""}"
2024-03-04 09:12:44,2024-03-04 09:19:02,0,100,378,1,2024-03-04 09:19:03,R_1aB2cD3eF4gH5iJ,Maths,2,6,2,"Good team,
but ""busy"""
2024-03-04 10:01:10,2024-03-04 10:03:55,0,100,165,1,2024-03-04 10:03:56,R_9zY8xW7vU6tS5rQ,Maths,-99,5,,
'''
w("qualtrics.csv", QUALTRICS)
w("qualtrics.tsv", QUALTRICS.replace(",", "\t").replace('Team climate - Mistakes held against you\t often', 'Team climate - Mistakes held against you, often').replace('Good team\t', 'Good team,'))
w("qualtrics_legacy.csv", '''V1,V2,V3,V4,Q1_1,Q1_2
ResponseID,ResponseSet,StartDate,Finished,Mistakes held against you,Can raise problems
R_abc,Default Response Set,2016-05-01 10:00:00,1,3,4
R_def,Default Response Set,2016-05-01 11:00:00,1,5,2
''')
w("surveymonkey.csv", '''Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,Which school?,Team climate,,Why do you stay?
,,,,,,,,,Response,Mistakes held against you,Can raise problems,Open-Ended Response
114500000001,412300001,03/04/2024 09:12:44 AM,03/04/2024 09:19:02 AM,203.0.113.5,,,,,Northside Elementary,Disagree,Agree,My colleagues
''')
w("google_forms.csv", '''Timestamp,Email address,Which team are you on?,Team climate [Mistakes held against you],Team climate [Can raise problems],Which supports help? (tick all)
3/4/2024 9:12:44,t.one@example.org,Science,Disagree,Agree,"Mentoring, Planning time"
''')
w("microsoft_forms.csv", '''ID,Start time,Completion time,Email,Name,Team,Mistakes held against you,Can raise problems,Supports used
1,3/4/24 9:12:44,3/4/24 9:19:02,anonymous,,Science,Disagree,Agree,Mentoring;Planning time;
''')
GERMAN = "Teilnehmer;Team;PS1;PS2;Mittelwert;Datum\r\n1001;Mathematik;2;6;5,43;04.03.2024 09:12\r\n1002;Mathematik;3;6;5,71;04.03.2024 09:19\r\n"
w("german_bom_semicolon.csv", b"\xef\xbb\xbf" + GERMAN.encode())
w("sep_line.csv", "sep=;\r\n" + GERMAN)
TABS = "id\tteam\tps1\tscore\n7\tK\u00fcche\t4\t3,5\n8\tB\u00fcro\t2\t,5\n"
w("utf16le_bom.txt", b"\xff\xfe" + TABS.encode("utf-16-le"))
w("utf16be_bom.txt", b"\xfe\xff" + TABS.encode("utf-16-be"))
w("windows1252.csv", "id,team,comment\n1,K\u00fcche,\u201cgood\u201d \u20ac5\n".encode("cp1252"))
w("crlf_quoted.csv", 'id,ps1,comment\r\n1,4,"line one\r\nline two"\r\n2,5,plain\r\n3,,"x,y"\r\n')

# Malformed corpus: one defect each.
w("malformed/ragged_more.csv", "id,ps1,ps2\n1,4,5\n2,3,4,5\n")
w("malformed/ragged_fewer.csv", "id,ps1,ps2\n1,4,5\n2,3\n")
w("malformed/unterminated_quote.csv", 'id,ps1,comment\n1,4,"fine"\n2,5,"never closed\n3,2,x\n')
w("malformed/stray_quote.csv", 'id,ps1,ps2\n1,4,5\n2,4"5,3\n')
w("malformed/text_after_quote.csv", 'id,ps1,ps2\n1,"4"x,5\n')
w("malformed/duplicate_header.csv", "id,ps1,ps1\n1,2,3\n")
w("malformed/empty_header.csv", "id,ps1,\n1,2,3\n")
w("malformed/empty.csv", b"")
w("malformed/bom_only.csv", b"\xef\xbb\xbf")
w("malformed/utf16_without_bom.csv", "id,ps1\n1,4\n".encode("utf-16-le"))
w("malformed/invalid_utf8.csv", "id,ps1,comment\n1,4,ok\n2,5,Caf".encode() + b"\xe9" + b" au lait\n")

# A tiny .xlsx written by hand: shared strings, an inline string, a sparse row, a
# boolean, a date-formatted number, a second sheet.
def xlsx(name):
    ct = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'''
    rels = '''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'''
    wb = '''<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Responses" sheetId="1" r:id="rId7"/><sheet name="Notes" sheetId="2" r:id="rId8"/></sheets></workbook>'''
    wbrels = '''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>'''
    sst = '''<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>ID</t></si><si><t>Start time</t></si><si><t>Completion time</t></si><si><t>Team</t></si><si><r><t>Mistakes </t></r><r><t xml:space="preserve">held &amp; against</t></r></si><si><t>Science</t></si></sst>'''
    styles = '''<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="m/d/yy\\ h:mm;@"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>'''
    s1 = '''<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="inlineStr"><is><t>Consent</t></is></c></row>
<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="1"><v>45355.383842592593</v></c><c r="C2" s="2"><v>45355</v></c><c r="D2" t="s"><v>5</v></c><c r="E2"><v>4</v></c><c r="F2" t="b"><v>1</v></c></row>
<row r="4"><c r="A4"><v>2</v></c><c r="E4"><v>2.5</v></c></row>
</sheetData></worksheet>'''
    s2 = '''<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>note</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>hello</t></is></c></row></sheetData></worksheet>'''
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct); z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb); z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/sharedStrings.xml", sst); z.writestr("xl/styles.xml", styles)
        z.writestr("xl/worksheets/sheet1.xml", s1); z.writestr("xl/worksheets/sheet2.xml", s2)
xlsx("msforms.xlsx")
