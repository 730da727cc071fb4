//! Who says a term: the author, a quoted source, or the author with scare quotes; and
//! whether a negator stands before it.

use std::ops::Range;

use crate::Lang;

/// Who uses a matched term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// Outside any quotation.
    Authorial,
    /// Inside a quotation of more than three words.
    Quoted,
    /// Inside a quotation of at most three words: the author distancing from the term.
    ScareQuote,
}

impl Voice {
    /// Name written to reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
            Voice::ScareQuote => "scare_quote",
        }
    }
}

/// The quotations of one document, found once and queried per match.
#[derive(Debug, Clone, Default)]
pub struct Quotations {
    /// Byte spans of the quoted content (inside the marks), sorted, non-overlapping.
    pub spans: Vec<Range<usize>>,
}

impl Quotations {
    /// Finds the quotations in `text` („…“, "…", »…«, «…», '…').
    pub fn find(text: &str) -> Quotations {
        let _ = text;
        Quotations::default() // STUB
    }

    /// The voice of a match at byte span `span` of the same text.
    pub fn voice(&self, text: &str, span: Range<usize>) -> Voice {
        let _ = (text, span);
        Voice::Authorial // STUB
    }
}

/// True when a negator of `lang` stands within three words before byte `at` of `sentence`,
/// in the same clause.
pub fn is_negated(sentence: &str, at: usize, lang: Lang) -> bool {
    let _ = (sentence, at, lang);
    false // STUB
}
