//! Sentence features for the classifier: lexicon frame counts plus hashed n-grams.
//!
//! CONTRACT (used by model and pipeline): [`LexiconHit`] is what the pipeline knows about
//! each lexicon match of a sentence; the model turns a sentence and its hits into features.

use crate::lexicon::voice::Voice;

/// One lexicon match in a sentence, as the features see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexiconHit<'a> {
    /// Frame of the matched entry.
    pub frame: &'a str,
    /// Who says it.
    pub voice: Voice,
    /// Whether a negator precedes it.
    pub negated: bool,
}
