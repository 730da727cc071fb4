//! Writing review workbooks with rust_xlsxwriter: the coding sheet (matched terms bold and
//! coloured by voice inside the sentence, a drop-down on `label`), the codebook and the
//! facts of the draw. Every text goes in as a string cell, so nothing a newspaper prints
//! (`=== Stimmen ===`, `+++ Eilmeldung +++`, `=HYPERLINK(…)`) ever becomes a formula.

use rust_xlsxwriter::{Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};

use super::sample::{Hit, ReviewRow, Sample};
use super::{columns as c, ReviewError, ABOUT_SHEET, CODEBOOK_SHEET, REVIEW_SHEET};

/// Excel's limit on the characters of a cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// A label and how to code it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookEntry {
    /// The label.
    pub label: String,
    /// What it means.
    pub description: String,
}

/// What the `about` sheet says: key and value pairs, in order.
pub type About = Vec<(String, String)>;

/// The header of a review sheet: with the model's columns when the sample has them, with
/// `coder` in per-coder sheets.
pub fn review_header(with_model: bool, with_coder: bool) -> Vec<&'static str> {
    let mut h = vec![
        c::REVIEW_ID,
        c::DOC_ID,
        c::SENTENCE_ID,
        c::SOURCE,
        c::DATE,
        c::PREVIOUS,
        c::TEXT,
        c::NEXT,
        c::TERMS,
        c::FRAMES,
        c::VOICES,
    ];
    if with_model {
        h.extend([c::LABEL_PREDICTED, c::CONFIDENCE]);
    }
    h.extend([c::LABEL, c::COMMENT]);
    if with_coder {
        h.push(c::CODER);
    }
    h.push(c::TEXT_CHECK);
    h
}

/// The cells of a review row as text, in [`review_header`] order (for CSV sheets).
pub fn review_cells(row: &ReviewRow, with_model: bool, coder: Option<&str>) -> Vec<String> {
    let mut cells = vec![
        row.review_id.clone(),
        row.doc_id.clone(),
        row.sentence_id.to_string(),
        row.source.clone(),
        row.date.clone(),
        row.previous.clone(),
        row.text.clone(),
        row.next.clone(),
        row.terms.clone(),
        row.frames.clone(),
        row.voices(),
    ];
    if with_model {
        match &row.predicted {
            Some((l, p)) => cells.extend([l.clone(), format!("{p:.4}")]),
            None => cells.extend([String::new(), String::new()]),
        }
    }
    cells.extend([String::new(), String::new()]);
    if let Some(coder) = coder {
        cells.push(coder.to_string());
    }
    cells.push(row.check.clone());
    cells
}

/// Colour of a match by voice: the author's own words stand out most.
fn voice_color(voice: &str) -> Color {
    match voice {
        "authorial" => Color::RGB(0xC0_0000),
        "quoted" => Color::RGB(0x1F_4E9A),
        "reported" => Color::RGB(0x6A_3D9A),
        "scare_quote" => Color::RGB(0xC5_6A00),
        _ => Color::Black,
    }
}

/// The sentence cut into runs: plain text and the matched surfaces (found left to right in
/// the text), each match with its voice.
pub fn runs<'a>(text: &'a str, hits: &[Hit]) -> Vec<(&'a str, Option<String>)> {
    let mut out = Vec::new();
    let mut at = 0;
    for hit in hits {
        if hit.surface.is_empty() {
            continue;
        }
        if let Some(pos) = text[at..].find(hit.surface.as_str()) {
            let start = at + pos;
            let end = start + hit.surface.len();
            if start > at {
                out.push((&text[at..start], None));
            }
            out.push((&text[start..end], Some(hit.voice.clone())));
            at = end;
        }
    }
    if at < text.len() {
        out.push((&text[at..], None));
    }
    out
}

/// The formats of a sentence cell: its own, and one per voice for the matched terms.
#[derive(Debug, Clone)]
pub struct RunFormats {
    plain: Format,
    voices: Vec<(&'static str, Format)>,
}

impl RunFormats {
    /// Matches bold and coloured by voice on top of `base`.
    pub fn new(base: &Format) -> RunFormats {
        let voices = ["authorial", "quoted", "reported", "scare_quote", ""]
            .into_iter()
            .map(|v| (v, base.clone().set_bold().set_font_color(voice_color(v))))
            .collect();
        RunFormats { plain: base.clone(), voices }
    }

    fn voice(&self, voice: &str) -> &Format {
        self.voices.iter().find(|(v, _)| *v == voice).map_or(&self.voices[4].1, |(_, f)| f)
    }
}

/// Writes a sentence as a string cell, its matched terms as bold runs coloured by voice
/// (rich text) when there are any.
pub fn write_highlighted(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    text: &str,
    hits: &[Hit],
    formats: &RunFormats,
) -> Result<(), ReviewError> {
    let runs = runs(text, hits);
    if runs.len() > 1 && runs.iter().any(|(_, v)| v.is_some()) {
        let parts: Vec<(&Format, &str)> =
            runs.iter().map(|(s, v)| (v.as_deref().map_or(&formats.plain, |v| formats.voice(v)), *s)).collect();
        ws.write_rich_string_with_format(r, c, &parts, &formats.plain)?;
    } else if runs.len() == 1 && runs[0].1.is_some() {
        // The whole sentence is the match: one bold cell (a rich string needs two runs).
        ws.write_string_with_format(r, c, text, formats.voice(runs[0].1.as_deref().unwrap_or("")))?;
    } else {
        ws.write_string_with_format(r, c, text, &formats.plain)?;
    }
    Ok(())
}

/// Cuts text to Excel's cell limit (at a character boundary).
pub fn fit(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A workbook with a fixed creation date, so the same sample gives the same bytes.
pub fn deterministic_workbook() -> Result<Workbook, ReviewError> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date).set_author("framing"));
    Ok(wb)
}

/// The header row's format.
pub fn header_format() -> Format {
    Format::new().set_bold().set_background_color(Color::RGB(0xD9_D9D9)).set_border_bottom(FormatBorder::Thin)
}

/// Writes a header row, freezes it and puts an autofilter over `rows` data rows.
pub fn header_row(ws: &mut Worksheet, header: &[&str], rows: u32) -> Result<(), ReviewError> {
    let f = header_format();
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &f)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !header.is_empty() {
        ws.autofilter(0, 0, rows, (header.len() - 1) as u16)?;
    }
    Ok(())
}

/// The review workbook of one sheet: rows, allowed labels, codebook and about facts.
pub fn review_workbook(
    rows: &[ReviewRow],
    coder: Option<&str>,
    with_model: bool,
    codebook: &[CodebookEntry],
    about: &About,
) -> Result<Vec<u8>, ReviewError> {
    let mut wb = deterministic_workbook()?;
    let header = review_header(with_model, coder.is_some());
    let ws = wb.add_worksheet();
    ws.set_name(REVIEW_SHEET)?;
    header_row(ws, &header, rows.len() as u32)?;
    let wrap = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    let context = wrap.clone().set_font_color(Color::RGB(0x59_5959));
    let plain = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    let predicted = plain.clone().set_background_color(Color::RGB(0xEE_EEEE)).set_font_color(Color::RGB(0x59_5959));
    let coder_cell = plain.clone().set_background_color(Color::RGB(0xFF_F2CC)).set_border(FormatBorder::Thin);
    let conf = predicted.clone().set_num_format("0.000");
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or(0) as u16;
    let widths: [(&str, f64); 16] = [
        (c::REVIEW_ID, 14.0),
        (c::DOC_ID, 22.0),
        (c::SENTENCE_ID, 8.0),
        (c::SOURCE, 12.0),
        (c::DATE, 11.0),
        (c::PREVIOUS, 36.0),
        (c::TEXT, 70.0),
        (c::NEXT, 36.0),
        (c::TERMS, 16.0),
        (c::FRAMES, 14.0),
        (c::VOICES, 12.0),
        (c::LABEL_PREDICTED, 14.0),
        (c::CONFIDENCE, 10.0),
        (c::LABEL, 16.0),
        (c::COMMENT, 30.0),
        (c::CODER, 10.0),
    ];
    for (name, w) in widths {
        if header.contains(&name) {
            ws.set_column_width(col(name), w)?;
        }
    }
    ws.set_column_hidden(col(c::TEXT_CHECK))?;
    // Printed (or converted to PDF) the sheet is one page wide, as a coder reads it.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    let run_formats = RunFormats::new(&wrap);
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        // Spreadsheets do not grow rows of wrapped text written by a program: the height
        // is set from the longest wrapped cell (about 65 characters a line in `text`, 33 in
        // the context columns), so no sentence is hidden behind the next row.
        let lines = |s: &str, per_line: usize| s.chars().count().div_ceil(per_line);
        let n_lines = lines(&row.text, 65).max(lines(&row.previous, 33)).max(lines(&row.next, 33)).clamp(1, 27);
        ws.set_row_height(r, 15.0 * n_lines as f64)?;
        ws.write_string_with_format(r, col(c::REVIEW_ID), &row.review_id, &plain)?;
        ws.write_string_with_format(r, col(c::DOC_ID), fit(&row.doc_id), &plain)?;
        ws.write_number_with_format(r, col(c::SENTENCE_ID), row.sentence_id as f64, &plain)?;
        ws.write_string_with_format(r, col(c::SOURCE), fit(&row.source), &plain)?;
        ws.write_string_with_format(r, col(c::DATE), fit(&row.date), &plain)?;
        ws.write_string_with_format(r, col(c::PREVIOUS), fit(&row.previous), &context)?;
        write_highlighted(ws, r, col(c::TEXT), fit(&row.text), &row.hits, &run_formats)?;
        ws.write_string_with_format(r, col(c::NEXT), fit(&row.next), &context)?;
        ws.write_string_with_format(r, col(c::TERMS), fit(&row.terms), &wrap)?;
        ws.write_string_with_format(r, col(c::FRAMES), fit(&row.frames), &wrap)?;
        ws.write_string_with_format(r, col(c::VOICES), row.voices(), &wrap)?;
        if with_model {
            if let Some((l, p)) = &row.predicted {
                ws.write_string_with_format(r, col(c::LABEL_PREDICTED), l, &predicted)?;
                if p.is_finite() {
                    ws.write_number_with_format(r, col(c::CONFIDENCE), *p, &conf)?;
                }
            }
        }
        ws.write_blank(r, col(c::LABEL), &coder_cell)?;
        ws.write_blank(r, col(c::COMMENT), &coder_cell)?;
        if let Some(coder) = coder {
            ws.write_string_with_format(r, col(c::CODER), coder, &plain)?;
        }
        ws.write_string(r, col(c::TEXT_CHECK), &row.check)?;
    }
    if !rows.is_empty() && !codebook.is_empty() {
        let labels: Vec<&str> = codebook.iter().map(|e| e.label.as_str()).collect();
        let dv = DataValidation::new()
            .allow_list_strings(&labels)?
            .set_input_title("label")?
            .set_input_message("Choose a label from the list (see the codebook sheet); leave empty if not coded.")?
            .set_error_title("unknown label")?
            .set_error_message("Choose one of the labels in the list (see the codebook sheet).")?;
        ws.add_data_validation(1, col(c::LABEL), rows.len() as u32, col(c::LABEL), &dv)?;
    }
    codebook_sheet(&mut wb, codebook)?;
    about_sheet(&mut wb, about)?;
    Ok(wb.save_to_buffer()?)
}

/// The `codebook` sheet: label, description, how to code.
fn codebook_sheet(wb: &mut Workbook, codebook: &[CodebookEntry]) -> Result<(), ReviewError> {
    let ws = wb.add_worksheet();
    ws.set_name(CODEBOOK_SHEET)?;
    header_row(ws, &["label", "description"], codebook.len() as u32)?;
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 80)?;
    let wrap = Format::new().set_text_wrap();
    for (i, e) in codebook.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, &e.label)?;
        ws.write_string_with_format(i as u32 + 1, 1, &e.description, &wrap)?;
    }
    let note = codebook.len() as u32 + 3;
    let how = [
        "Read the sentence in the `text` column (with `previous` and `next` for context) and \
         choose one label in the `label` column from the drop-down list.",
        "Leave `label` empty for a sentence you cannot code; it counts as not coded. Do not edit `text`: \
         a label on an edited sentence is refused on import.",
        "Matched lexicon terms are bold: red in the author's voice, blue in quotations, purple in reported \
         speech, orange in scare quotes. `label_predicted` is the model's guess; do not let it decide for you.",
    ];
    ws.write_string_with_format(note, 0, "how to code", &Format::new().set_bold())?;
    for (i, line) in how.iter().enumerate() {
        // Two lines each at this width; rows of wrapped text do not grow by themselves.
        ws.set_row_height(note + i as u32, 30)?;
        ws.write_string_with_format(note + i as u32, 1, *line, &wrap)?;
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The `about` sheet: the facts of the draw or export.
pub fn about_sheet(wb: &mut Workbook, about: &About) -> Result<(), ReviewError> {
    let ws = wb.add_worksheet();
    ws.set_name(ABOUT_SHEET)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 90)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    for (i, (k, v)) in about.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, fit(k), &bold)?;
        ws.write_string_with_format(i as u32, 1, fit(v), &wrap)?;
    }
    Ok(())
}

/// The `about` lines of a sample: per group, available and drawn.
pub fn group_lines(sample: &Sample) -> About {
    sample
        .groups
        .iter()
        .map(|g| (format!("group {}", g.group), format!("{} available, {} drawn", g.available, g.drawn)))
        .collect()
}
