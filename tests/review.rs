//! The review loop through the binary: analyze the example corpus → sample → read the
//! workbook back → code it for two coders → `labels import` → `agree` → `train`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};
use predicates::str::contains;

use crate::common::{repo, Workdir};

/// The example corpus analysed into `wd/rep` (with the bundled German model).
fn analyzed() -> Workdir {
    let wd = Workdir::new();
    wd.framing().arg("analyze").arg(repo().join("examples/corpus")).args(["-o", "rep", "-q"]).assert().success();
    wd
}

/// A sheet of a workbook as rows of text cells.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).expect("open workbook");
    let range = book.worksheet_range(name).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

/// A cell as text.
fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A part of the xlsx zip (e.g. `xl/worksheets/sheet1.xml`) as text.
fn xml(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut s = String::new();
    zip.by_name(part).expect("part").read_to_string(&mut s).expect("read part");
    s
}

/// The review sheet as maps of column → cell text.
fn review_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let rows = sheet(path, "review");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    rows[1..].iter().map(|r| header.iter().cloned().zip(r.iter().map(text)).collect()).collect()
}

/// The `about` sheet as key → value.
fn about(path: &Path) -> BTreeMap<String, String> {
    sheet(path, "about").iter().map(|r| (text(&r[0]), text(&r[1]))).collect()
}

#[test]
fn sample_is_deterministic_stratified_and_safe() {
    let wd = analyzed();
    let args = ["sample", "../rep", "--n", "24", "--by", "source", "--seed", "5", "--out", "review.xlsx"];
    std::fs::create_dir_all(wd.path().join("a")).unwrap();
    std::fs::create_dir_all(wd.path().join("b")).unwrap();
    for d in ["a", "b"] {
        wd.framing()
            .current_dir(wd.path().join(d))
            .args(args)
            .assert()
            .success()
            .stdout(contains("seed 5"))
            .stdout(contains("globe 8/46, rundschau 8/99, tagesblatt 8/106"));
    }
    let a = std::fs::read(wd.path().join("a/review.xlsx")).unwrap();
    assert_eq!(a, std::fs::read(wd.path().join("b/review.xlsx")).unwrap(), "same inputs and seed, same bytes");
    let path = wd.path().join("a/review.xlsx");
    let header: Vec<String> = sheet(&path, "review")[0].iter().map(text).collect();
    assert_eq!(
        header,
        [
            "review_id",
            "doc_id",
            "sentence_id",
            "source",
            "date",
            "previous",
            "text",
            "next",
            "terms",
            "frames",
            "voices",
            "label_predicted",
            "confidence",
            "label",
            "comment",
            "text_check"
        ]
    );
    let rows = review_rows(&path);
    assert_eq!(rows.len(), 24);
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        *per_source.entry(r["source"].as_str()).or_default() += 1;
        assert_eq!(r["review_id"].len(), 12);
        assert!(r["label"].is_empty());
    }
    assert_eq!(per_source, BTreeMap::from([("globe", 8), ("rundschau", 8), ("tagesblatt", 8)]));
    let facts = about(&path);
    assert_eq!(facts["group globe"], "46 available, 8 drawn");
    assert_eq!(facts["seed"], "5");
    assert_eq!(facts["codebook"], "negative, neutral, positive");
    // The drop-down on `label` (column N) with the model's labels.
    let sheet1 = xml(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet1.contains(r#"<dataValidation type="list""#), "{sheet1}");
    assert!(sheet1.contains("sqref=\"N2:N25\""));
    assert!(sheet1.contains("<formula1>\"negative,neutral,positive\"</formula1>"));
    assert!(!sheet1.contains("<f>"), "no formula cell");
    let codebook: Vec<String> = sheet(&path, "codebook").iter().skip(1).take(3).map(|r| text(&r[0])).collect();
    assert_eq!(codebook, ["negative", "neutral", "positive"]);
}

#[test]
fn matched_terms_are_rich_text_runs_coloured_by_voice() {
    let wd = analyzed();
    wd.framing().args(["sample", "rep", "--n", "40", "--out", "review.xlsx"]).assert().success();
    let path = wd.path().join("review.xlsx");
    let rows = review_rows(&path);
    // Stratified by frame: only sentences with a match.
    assert!(rows.iter().all(|r| !r["terms"].is_empty() && !r["voices"].is_empty()));
    let strings = xml(&path, "xl/sharedStrings.xml");
    // A bold run in the authorial colour and one in the quoted colour.
    assert!(strings.contains(r#"<r><rPr><b/><sz val="11"/><color rgb="FFC00000"/>"#), "authorial run");
    assert!(strings.contains(r#"<r><rPr><b/><sz val="11"/><color rgb="FF1F4E9A"/>"#), "quoted run");
    // The run holds exactly the matched surface of some row.
    let first_authorial = rows
        .iter()
        .find(|r| r["voices"].split(';').next() == Some("authorial"))
        .expect("an authorial match in the sample");
    let surface = first_authorial["terms"].split(';').next().unwrap().to_string();
    assert!(strings.to_lowercase().contains(&format!("<t>{}</t>", surface.to_lowercase())), "{surface}");
}

#[test]
fn text_that_looks_like_a_formula_stays_text_in_xlsx_and_csv() {
    let wd = Workdir::new();
    wd.write(
        "news/taz/a.txt",
        "=== Stimmen zur Wahl ===\n\n+++ Eilmeldung +++\n\n- 3 Tote\n\n=HYPERLINK(\"http://x\",\"y\") Die Besatzer zogen ab.\n",
    );
    wd.framing().args(["analyze", "news", "-o", "rep", "-q"]).assert().success();
    let sentences = wd.read_csv("rep/sentences.csv");
    let texts: BTreeSet<String> = sentences[1..].iter().map(|r| r[4].clone()).collect();
    wd.framing()
        .args(["sample", "rep", "--strategy", "random", "--n", "50", "--out", "review.xlsx"])
        .assert()
        .success();
    let path = wd.path().join("review.xlsx");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let formulas = book.worksheet_formula("review").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula anywhere");
    let range = book.worksheet_range("review").unwrap();
    let cells: BTreeSet<String> = range
        .rows()
        .skip(1)
        .map(|r| r[6].clone())
        .map(|d| match d {
            Data::String(s) => s,
            other => panic!("text cell is not a string: {other:?}"),
        })
        .collect();
    assert_eq!(cells, texts);
    assert!(cells.iter().any(|t| t.starts_with("=HYPERLINK(\"http://x\",\"y\")")), "{cells:?}");
    assert!(cells.contains("+++ Eilmeldung +++"), "{cells:?}");
    // The Excel CSV: BOM, `;`, CRLF, and `'` before what would be a formula.
    wd.framing()
        .args(["sample", "rep", "--strategy", "random", "--n", "50", "--out", "review.csv", "--excel"])
        .assert()
        .success();
    let csv = std::fs::read(wd.path().join("review.csv")).unwrap();
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(csv.starts_with("review_id;doc_id;sentence_id;"));
    assert!(csv.contains("\r\n"));
    assert!(csv.contains(";'+++ Eilmeldung +++;"), "{csv}");
    assert!(csv.contains(";\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\") Die Besatzer zogen ab.\";"), "{csv}");
    // The plain report CSVs stay byte-faithful.
    assert!(wd.read("rep/sentences.csv").contains(",+++ Eilmeldung +++,"));
    // Coded in that CSV and imported, the texts lose the `'` again: labeled.csv has them as
    // the report does.
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_reader(csv.as_bytes());
    let mut rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let label = rows[0].iter().position(|h| h == "label").unwrap();
    for row in &mut rows[1..] {
        row[label] = "pro".into();
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(&mut bytes);
        for row in &rows {
            w.write_record(row).unwrap();
        }
    }
    wd.write("coded.csv", bytes);
    wd.framing()
        .args(["labels", "import", "coded.csv", "--labels", "pro,contra", "--out", "labeled.csv"])
        .assert()
        .success()
        .stdout(contains("4 items, 4 codes"));
    let labeled: BTreeSet<String> = wd.read_csv("labeled.csv")[1..].iter().map(|r| r[1].clone()).collect();
    assert_eq!(labeled, texts);
}

/// Codes the rows of a coder's sheet: `label_predicted`, except `flip` rows (by review id)
/// get `positive` if it was not, else `negative`.
fn code(rows: &[BTreeMap<String, String>], flip: &BTreeSet<String>) -> Vec<(BTreeMap<String, String>, String)> {
    rows.iter()
        .map(|r| {
            let predicted = r["label_predicted"].clone();
            let label = if flip.contains(&r["review_id"]) {
                if predicted == "positive" {
                    "negative".to_string()
                } else {
                    "positive".to_string()
                }
            } else {
                predicted
            };
            (r.clone(), label)
        })
        .collect()
}

#[test]
fn the_loop_sample_code_import_agree_train_and_a_second_round() {
    let wd = analyzed();
    wd.framing()
        .args(["sample", "rep", "--n", "40", "--by", "source", "--coders", "anna,ben", "--overlap", "0.25"])
        .args(["--out", "review.xlsx"])
        .assert()
        .success()
        .stdout(contains("review-anna.xlsx"));
    let anna = review_rows(&wd.path().join("review-anna.xlsx"));
    let ben = review_rows(&wd.path().join("review-ben.xlsx"));
    // 10 shared (25% of 40), the other 30 split: 25 rows each.
    assert_eq!((anna.len(), ben.len()), (25, 25));
    let ids = |rows: &[BTreeMap<String, String>]| rows.iter().map(|r| r["review_id"].clone()).collect::<BTreeSet<_>>();
    let shared: BTreeSet<String> = ids(&anna).intersection(&ids(&ben)).cloned().collect();
    assert_eq!(shared.len(), 10);
    assert_eq!(ids(&anna).union(&ids(&ben)).count(), 40);
    assert!(anna.iter().all(|r| r["coder"] == "anna"));
    // Each sheet is shuffled on its own: the shared rows are not in the same order.
    let order = |rows: &[BTreeMap<String, String>]| {
        rows.iter().filter(|r| shared.contains(&r["review_id"])).map(|r| r["review_id"].clone()).collect::<Vec<_>>()
    };
    assert_ne!(order(&anna), order(&ben));

    // Coding: both take the model's label; ben differs on 3 of the 10 shared items.
    let flip: BTreeSet<String> = shared.iter().take(3).cloned().collect();
    // anna's codes as a workbook (as Excel saves it), ben's as a German-Excel CSV.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("review").unwrap();
    for (c, h) in ["review_id", "text", "label", "coder", "text_check"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (r, label)) in code(&anna, &BTreeSet::new()).iter().enumerate() {
        for (c, v) in [&r["review_id"], &r["text"], label, &r["coder"], &r["text_check"]].iter().enumerate() {
            ws.write_string(i as u32 + 1, c as u16, v.as_str()).unwrap();
        }
    }
    wb.save(wd.path().join("coded-anna.xlsx")).unwrap();
    let mut csv = String::from("\u{feff}review_id;text;label;coder;text_check\r\n");
    let coded_ben = code(&ben, &flip);
    for (r, label) in &coded_ben {
        csv.push_str(&format!(
            "{};\"{}\";{};ben;{}\r\n",
            r["review_id"],
            r["text"].replace('"', "\"\""),
            label,
            r["text_check"]
        ));
    }
    wd.write("coded-ben.csv", csv);

    // Agreement on the 10 shared items: 7 agree. The labels come from the codebook sheet of
    // the sampled workbook.
    let out = wd
        .framing()
        .args(["agree", "review-anna.xlsx", "coded-anna.xlsx", "coded-ben.csv"])
        .assert()
        .success()
        .stdout(contains("2 coders (anna, ben), 10 items coded by two or more, 20 codes"))
        .stdout(contains("per label (share of a label's pairings with itself):\n  negative  "))
        .stdout(contains("\n  positive  "))
        .stdout(contains("percent agreement     0.700"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("left out, coded by fewer than two coders (30)"), "{out}");
    let agreement = wd.read_csv("agreement.csv");
    assert_eq!(agreement[0], ["measure", "label", "coder_a", "coder_b", "label_a", "label_b", "value", "n"]);
    assert_eq!(agreement[1], ["percent_agreement", "", "", "", "", "", "0.700000", "10"]);

    // Import: 40 items, 7 agreed, 3 ties to conflicts.csv, 37 rows for training.
    wd.framing()
        .args(["labels", "import", "coded-anna.xlsx", "coded-ben.csv", "--out", "labeled.csv"])
        .args(["--labels", "negative,neutral,positive"])
        .assert()
        .success()
        .stdout(contains(
            "40 items, 50 codes (0 rows not coded), 7 agreed, 0 by majority, 0 adjudicated, 3 conflicting",
        ));
    let labeled = wd.read_csv("labeled.csv");
    assert_eq!(labeled[0], ["id", "text", "label", "coders", "agreement"]);
    assert_eq!(labeled.len(), 1 + 37);
    let conflicts = wd.read_csv("conflicts.csv");
    assert_eq!(conflicts[0], ["review_id", "text", "anna", "ben", "label"]);
    assert_eq!(conflicts.len(), 1 + 3);
    let conflict_ids: BTreeSet<String> = conflicts[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(conflict_ids, flip);
    let row = labeled.iter().find(|r| shared.contains(&r[0])).expect("a shared, agreed item");
    assert_eq!((row[3].as_str(), row[4].as_str()), ("anna;ben", "1.000"));
    // Adjudicated: the conflicts decided, all 40 items.
    let mut adjudicated = String::from("review_id,text,anna,ben,label\n");
    for r in &conflicts[1..] {
        adjudicated.push_str(&format!("{},\"{}\",{},{},neutral\n", r[0], r[1].replace('"', "\"\""), r[2], r[3]));
    }
    wd.write("adjudicated.csv", adjudicated);
    // conflicts.csv itself is refused: the run would replace it.
    wd.framing()
        .args(["labels", "import", "coded-anna.xlsx", "coded-ben.csv", "--out", "labeled.csv", "--force"])
        .args(["--adjudicated", "conflicts.csv"])
        .assert()
        .code(2)
        .stderr(contains("is the conflicts.csv this run writes"));
    wd.framing()
        .args(["labels", "import", "coded-anna.xlsx", "coded-ben.csv", "--out", "labeled.csv", "--force"])
        .args(["--adjudicated", "adjudicated.csv"])
        .assert()
        .success()
        .stdout(contains("3 adjudicated, 0 conflicting"));
    assert_eq!(wd.read_csv("labeled.csv").len(), 1 + 40);
    assert_eq!(wd.read("conflicts.csv"), "review_id,text,anna,ben,label\n", "no ties left");

    // Train on the imported file as it is.
    wd.framing()
        .args(["train", "--folds", "0", "--min-df", "1", "--data", "labeled.csv", "--model", "mine.json"])
        .assert()
        .success()
        .stdout(contains("40 rows"));

    // Round two: nothing coded before is drawn again.
    wd.framing()
        .args(["sample", "rep", "--n", "40", "--strategy", "uncertain", "--out", "round2.xlsx"])
        .args(["--exclude", "review-anna.xlsx", "review-ben.xlsx"])
        .assert()
        .success()
        .stdout(contains("(40 excluded)"));
    let round2 = ids(&review_rows(&wd.path().join("round2.xlsx")));
    assert_eq!(round2.len(), 40);
    assert!(round2.is_disjoint(&ids(&anna).union(&ids(&ben)).cloned().collect()));
    // Uncertain: no sentence left behind has a smaller margin between its two most probable
    // labels than one drawn.
    let sentences = wd.read_csv("rep/sentences.csv");
    let p_cols: Vec<usize> = (0..sentences[0].len()).filter(|&i| sentences[0][i].starts_with("p_")).collect();
    let coded: BTreeSet<String> = ids(&anna).union(&ids(&ben)).cloned().collect();
    let (mut drawn, mut left): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for r in &sentences[1..] {
        let id = framing::review::review_id(&r[0], &r[1]);
        let mut p: Vec<f64> = p_cols.iter().map(|&i| r[i].parse().unwrap()).collect();
        p.sort_by(|a, b| b.total_cmp(a));
        let margin = p[0] - p[1];
        if round2.contains(&id) {
            drawn.push(margin);
        } else if !coded.contains(&id) {
            left.push(margin);
        }
    }
    assert_eq!((drawn.len(), left.len()), (40, 251 - 40 - 40));
    let worst_drawn = drawn.iter().copied().fold(f64::MIN, f64::max);
    let best_left = left.iter().copied().fold(f64::MAX, f64::min);
    assert!(worst_drawn <= best_left + 1e-9, "{worst_drawn} > {best_left}");
}

#[test]
fn import_lists_every_problem_with_file_sheet_and_row() {
    let wd = Workdir::new();
    let check = |t: &str| {
        use std::fmt::Write;
        let digest = sha256(t);
        let mut s = String::new();
        for b in &digest[..4] {
            let _ = write!(s, "{b:02x}");
        }
        s
    };
    let good = "Die Besatzer zogen ab.";
    wd.write(
        "anna.csv",
        format!(
            "review_id,text,label,coder,text_check\n\
             a1,{good},pro,anna,{c}\n\
             a2,{good},maybe,anna,{c}\n\
             a3,Die Befreier zogen ab.,pro,anna,{c}\n\
             a4,{good},,anna,{c}\n\
             a1,{good},contra,anna,{c}\n",
            c = check(good)
        ),
    );
    wd.framing()
        .args(["labels", "import", "anna.csv", "--labels", "pro,contra"])
        .assert()
        .code(2)
        .stderr(contains("anna.csv:anna:3: unknown label `maybe` (allowed: pro, contra)"))
        .stderr(contains("anna.csv:anna:4: the text was edited after sampling"))
        .stderr(contains("anna.csv:anna:6: review_id a1 coded `contra` here but `pro` by anna at anna.csv:anna:2"))
        .stderr(contains("3 problem(s) in the sheets"));
    assert!(!wd.path().join("labeled.csv").exists());
}

/// sha256 of a string, for the `text_check` column (its first 4 bytes in hex).
fn sha256(s: &str) -> Vec<u8> {
    framing::hash::sha256_hex(s.as_bytes())
        .as_bytes()
        .chunks(2)
        .map(|h| u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap())
        .collect()
}

/// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, section C: 4
/// observers, 12 units, nominal codes with missing values; alpha = 0.743 (checked with the
/// `krippendorff` Python package: 0.743421052631579). Here as four coders' sheets.
#[test]
fn agree_reproduces_krippendorffs_worked_example() {
    let wd = Workdir::new();
    let data: [(&str, [u8; 12]); 4] = [
        ("a", [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0]),
        ("b", [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3]),
        ("c", [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0]),
        ("d", [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0]),
    ];
    let mut sheets = Vec::new();
    for (coder, codes) in data {
        let mut s = String::from("review_id,text,label,coder\n");
        for (u, c) in codes.iter().enumerate() {
            let label = if *c == 0 { String::new() } else { c.to_string() };
            s.push_str(&format!("u{:02},unit {},{label},{coder}\n", u + 1, u + 1));
        }
        sheets.push(wd.write(&format!("{coder}.csv"), s));
    }
    wd.framing()
        .arg("agree")
        .args(&sheets)
        .args(["--labels", "1,2,3,4,5", "--boot", "500", "--seed", "3"])
        .assert()
        .success()
        .stdout(contains("Krippendorff's alpha  0.743  95% CI ["))
        .stdout(contains("left out, coded by fewer than two coders (1): u12"));
    let rows = wd.read_csv("agreement.csv");
    let alpha = rows.iter().find(|r| r[0] == "krippendorff_alpha_nominal").unwrap();
    assert_eq!(alpha[6], "0.743421");
    assert_eq!(alpha[7], "40");
}

#[test]
fn export_writes_numbers_as_numbers_text_as_text_and_notes_a_cut() {
    let wd = Workdir::new();
    wd.write(
        "news/taz/wahl.md",
        "---\ndate: 2024-10-15\n---\n=== Stimmen zur Wahl ===\n\n+++ Eilmeldung +++\n\n- 3 Tote\n\n=HYPERLINK(\"http://x\",\"y\")\n\nDie Besatzer zogen ab, sagen die Bürger.\n",
    );
    wd.framing().args(["analyze", "news", "-o", "rep", "-q"]).assert().success();
    let sentences = wd.read_csv("rep/sentences.csv");
    wd.framing().args(["export", "rep", "--xlsx", "report.xlsx"]).assert().success().stdout(contains("sentences 5"));
    let path = wd.path().join("report.xlsx");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["documents", "terms", "matches", "sentences", "errors", "about"]);
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name}: no formula");
    }
    let rows = sheet(&path, "sentences");
    assert_eq!(rows.len(), sentences.len());
    for (got, want) in rows[1..].iter().zip(&sentences[1..]) {
        assert_eq!(got[1], Data::Float(want[1].parse().unwrap()), "sentence_id is a number");
        assert_eq!(got[4], Data::String(want[4].clone()), "text is a string, byte for byte");
        assert_eq!(got[11], Data::Float(want[11].parse().unwrap()), "confidence is a number");
    }
    let texts: Vec<String> = rows[1..].iter().map(|r| text(&r[4])).collect();
    assert_eq!(
        texts,
        [
            "=== Stimmen zur Wahl ===",
            "+++ Eilmeldung +++",
            "- 3 Tote",
            "=HYPERLINK(\"http://x\",\"y\")",
            "Die Besatzer zogen ab, sagen die Bürger."
        ]
    );
    let documents = sheet(&path, "documents");
    assert_eq!(text(&documents[0][2]), "date");
    assert!(matches!(documents[1][2], Data::DateTime(_)), "the date is a date: {:?}", documents[1][2]);
    let n_sentences = documents[0].iter().position(|h| text(h) == "n_sentences").unwrap();
    assert_eq!(documents[1][n_sentences], Data::Float(5.0), "n_sentences");
    let facts = about(&path);
    assert_eq!(facts["sentences"], "5");
    assert!(!facts.keys().any(|k| k.starts_with("cut:")));
    // A lowered row limit cuts the sheets and says so.
    wd.framing()
        .args(["export", "rep", "--xlsx", "cut.xlsx", "--max-rows", "2"])
        .assert()
        .success()
        .stderr(contains("sheet sentences cut after 2 rows, 3 left out"));
    let cut = wd.path().join("cut.xlsx");
    assert_eq!(sheet(&cut, "sentences").len(), 3);
    let note = &about(&cut)["cut: sentences"];
    assert!(note.starts_with("3 rows left out: the sheet holds the first 2"), "{note}");
    assert!(note.ends_with(&format!("{}", Path::new("rep").join("sentences.csv").display())), "{note}");
    // Refused without --force.
    wd.framing().args(["export", "rep", "--xlsx", "report.xlsx"]).assert().code(2).stderr(contains("exists"));
}

#[test]
fn analyze_xlsx_writes_the_workbook_beside_the_csvs() {
    let wd = Workdir::new();
    wd.write("news/taz/a.txt", "+++ Eilmeldung +++\n\nDie Besatzer zogen ab.\n");
    wd.framing().args(["analyze", "news", "-o", "rep", "-q", "--xlsx"]).assert().success();
    let path = wd.path().join("rep/report.xlsx");
    let rows = sheet(&path, "sentences");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][4], Data::String("+++ Eilmeldung +++".into()));
    // The CSVs are as without --xlsx, and --force replaces a report folder holding the workbook.
    wd.framing().args(["analyze", "news", "-o", "plain", "-q"]).assert().success();
    for f in ["sentences.csv", "matches.csv", "documents.csv", "terms.csv", "errors.csv"] {
        assert_eq!(wd.read(&format!("rep/{f}")), wd.read(&format!("plain/{f}")), "{f}");
    }
    wd.framing().args(["analyze", "news", "-o", "rep", "-q", "--force"]).assert().success();
    assert!(!path.exists(), "replaced by a run without --xlsx");
}

#[test]
fn train_reads_a_csv_as_german_excel_saves_it() {
    let wd = Workdir::new();
    // windows-1252, `;`, CRLF: Excel's "CSV (Trennzeichen-getrennt)".
    let mut csv: Vec<u8> = b"id;text;label\r\n".to_vec();
    let rows = [
        ("Die Besatzer zogen ab.", "neg"),
        ("Die Befreier kamen an.", "pos"),
        ("Die Besatzer blieben im Ort.", "neg"),
        ("Die Befreier wurden begr\u{fc}\u{df}t.", "pos"),
    ];
    for (i, (t, l)) in rows.iter().enumerate() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(t);
        csv.extend_from_slice(format!("{i};").as_bytes());
        csv.extend_from_slice(&bytes);
        csv.extend_from_slice(format!(";{l}\r\n").as_bytes());
    }
    wd.write("excel.csv", &csv);
    wd.framing()
        .args(["train", "--folds", "0", "--min-df", "1", "--data", "excel.csv", "--model", "m.json"])
        .assert()
        .success()
        .stdout(contains("4 rows, 2 labels"));
    // The umlauts arrived: the model predicts from the decoded words.
    wd.framing().args(["predict", "--model", "m.json", "--data", "excel.csv", "--out", "p.csv"]).assert().success();
    assert!(wd.read("p.csv").contains("begrüßt"), "{}", wd.read("p.csv"));
}

#[test]
fn sample_by_label_month_and_term_groups_and_needs_labels_without_a_model() {
    let wd = analyzed();
    wd.framing()
        .args(["sample", "rep", "--n", "9", "--by", "label", "--out", "l.csv"])
        .assert()
        .success()
        .stdout(contains("negative 3/"))
        .stdout(contains("neutral 3/"))
        .stdout(contains("positive 3/"));
    let rows = wd.read_csv("l.csv");
    assert_eq!(rows.len(), 1 + 9);
    assert_eq!(rows[0][11], "label_predicted");
    // By month: groups are YYYY-MM of the document date, `(none)` without one.
    let out = wd.framing().args(["sample", "rep", "--n", "12", "--by", "month", "--out", "m.csv"]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("2024-10 "), "{stdout}");
    // By term: only sentences with a match.
    wd.framing().args(["sample", "rep", "--n", "30", "--by", "term", "--out", "t.csv"]).assert().success();
    assert!(wd.read_csv("t.csv")[1..].iter().all(|r| !r[8].is_empty()));
    // A report without a model needs labels, and says how to give them.
    wd.framing()
        .arg("analyze")
        .arg(repo().join("examples/corpus"))
        .args(["-o", "plain", "-q", "--no-model"])
        .assert()
        .success();
    wd.framing()
        .args(["sample", "plain", "--out", "p.xlsx"])
        .assert()
        .code(2)
        .stderr(contains("give them with --labels a,b,c or --codebook codebook.csv"));
    wd.framing()
        .args(["sample", "plain", "--strategy", "uncertain", "--labels", "a,b", "--out", "p.xlsx"])
        .assert()
        .code(2)
        .stderr(contains("--strategy uncertain needs a report made with a model"));
    wd.write("codebook.csv", "label,description\npro,for it\ncontra,against it\n");
    wd.framing().args(["sample", "plain", "--codebook", "codebook.csv", "--out", "p.xlsx"]).assert().success();
    let book = sheet(&wd.path().join("p.xlsx"), "codebook");
    assert_eq!((text(&book[1][0]), text(&book[1][1])), ("pro".to_string(), "for it".to_string()));
    let header: Vec<String> = sheet(&wd.path().join("p.xlsx"), "review")[0].iter().map(text).collect();
    assert!(header.contains(&"label".to_string()) && !header.contains(&"label_predicted".to_string()), "{header:?}");
}

/// With `--lang auto` the German model leaves the English outlet's sentences unscored:
/// `uncertain` draws only from the scored ones (46 of the 251 sentences are English).
#[test]
fn uncertain_draws_only_sentences_the_model_scored() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "rep", "-q", "--lang", "auto"]).assert().success();
    wd.framing()
        .args(["sample", "rep", "--n", "300", "--strategy", "uncertain", "--out", "u.xlsx"])
        .assert()
        .success()
        .stdout(contains("drawn/available per group: all 205/205"));
    let rows = review_rows(&wd.path().join("u.xlsx"));
    assert_eq!(rows.len(), 205);
    assert!(rows.iter().all(|r| !r["doc_id"].starts_with("globe/") && !r["label_predicted"].is_empty()));
}
