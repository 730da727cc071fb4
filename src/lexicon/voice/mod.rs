//! Who says a term: the author, a quoted source, or the author with scare quotes; and
//! whether a negator stands before it.
//!
//! Quotations are found by [`Quotations::find`] (the `quotes` module); negators and
//! clause-ending punctuation live in `src/lexicon/data/*.txt` (the `negation` module).

mod negation;
mod quotes;

use std::ops::Range;

use crate::Lang;
pub use negation::is_negated;
pub use quotes::Quotations;

/// Who uses a matched term (definitions: `../shared/data/voice/GUIDELINES.md`, section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The journalist's own words.
    Authorial,
    /// Inside quotation marks that render someone else's words.
    Quoted,
    /// Someone else's words or view without quotation marks: indirect speech, attribution
    /// phrases (laut X, X zufolge), reportive "soll … haben".
    Reported,
    /// The author distancing from the term: short quotation marks nobody is given as
    /// saying, or "sogenannte" right before it.
    ScareQuote,
}

impl Voice {
    /// Name written to reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
            Voice::Reported => "reported",
            Voice::ScareQuote => "scare_quote",
        }
    }

    /// The voice a report cell names (`None` for anything else).
    pub fn from_name(name: &str) -> Option<Voice> {
        [Voice::Authorial, Voice::Quoted, Voice::Reported, Voice::ScareQuote].into_iter().find(|v| v.as_str() == name)
    }
}

/// Whose words a matched term is: its voice and, for quoted or reported words, the speaker
/// the sentence (or the one before) names, as a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// Who uses the term.
    pub voice: Voice,
    /// The person or institution the words are attributed to, where one is named.
    pub speaker: Option<Range<usize>>,
}

/// Where a matched term stands: everything attribution and negation look at.
#[derive(Debug, Clone)]
pub struct Context<'t> {
    /// The whole document text.
    pub text: &'t str,
    /// Its quotations ([`Quotations::find`] of `text`): a quotation opened in an earlier
    /// sentence still covers a term.
    pub quotes: &'t Quotations,
    /// The term's sentence, a byte range of `text`.
    pub sentence: Range<usize>,
    /// The sentence before it, where a speaker may be named.
    pub previous: Option<Range<usize>>,
    /// Language of the rules.
    pub lang: Lang,
}

impl Context<'_> {
    /// A text scored on its own (a training row, a `predict` sentence): its own sentence.
    pub fn whole<'t>(text: &'t str, quotes: &'t Quotations, lang: Lang) -> Context<'t> {
        Context { text, quotes, sentence: 0..text.len(), previous: None, lang }
    }

    /// Who uses the term at byte range `term` of the text, and whose words they are.
    pub fn attribute(&self, term: Range<usize>) -> Attribution {
        Attribution { voice: self.quotes.voice(self.text, term), speaker: None }
    }

    /// Whether a negation denies that the term at byte range `term` of the text applies.
    pub fn is_negated(&self, term: Range<usize>) -> bool {
        is_negated(&self.text[self.sentence.clone()], term.start - self.sentence.start, self.lang)
    }
}
