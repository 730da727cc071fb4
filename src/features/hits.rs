//! Lexicon matches as model input: the one place where a match of the lexicon in a sentence
//! becomes what the features count (its frame, who says it, whether it is negated), for
//! `analyze`, `train`, `evaluate`, `predict` and `lexicon test` alike.

use crate::lexicon::voice::{Attribution, Context, Voice};
use crate::lexicon::{Hit, Lexicon};

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

impl<'a> LexiconHit<'a> {
    /// What the features know of `hit`, a match of `lexicon`'s matcher in the sentence of
    /// `context` (`hit.span` is relative to that sentence): the frame of its entry, its
    /// voice and whether it is negated (see [`Context`]).
    ///
    /// # Panics
    ///
    /// If `hit.entry` is not an entry of `lexicon` (a hit of another lexicon's matcher).
    pub fn of_match(lexicon: &'a Lexicon, context: &Context<'_>, hit: &Hit) -> LexiconHit<'a> {
        Self::attributed(lexicon, context, hit).0
    }

    /// [`LexiconHit::of_match`] and the match's [`Attribution`] (with its speaker), for the
    /// reports: one computation for both.
    pub fn attributed(lexicon: &'a Lexicon, context: &Context<'_>, hit: &Hit) -> (LexiconHit<'a>, Attribution) {
        let in_text = context.sentence.start + hit.span.start..context.sentence.start + hit.span.end;
        let attribution = context.attribute(in_text.clone());
        let seen = LexiconHit {
            frame: &lexicon.entries[hit.entry].frame,
            voice: attribution.voice,
            negated: context.is_negated(in_text),
        };
        (seen, attribution)
    }
}

/// A [`LexiconHit`] that owns its frame name, for training rows kept apart from their lexicon.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedHit {
    /// Frame.
    pub frame: String,
    /// Voice.
    pub voice: Voice,
    /// Negated.
    pub negated: bool,
}

impl OwnedHit {
    /// The hit in the form the features take.
    pub fn as_hit(&self) -> LexiconHit<'_> {
        LexiconHit { frame: &self.frame, voice: self.voice, negated: self.negated }
    }
}

impl From<LexiconHit<'_>> for OwnedHit {
    fn from(hit: LexiconHit<'_>) -> OwnedHit {
        OwnedHit { frame: hit.frame.to_string(), voice: hit.voice, negated: hit.negated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::voice::Quotations;
    use crate::lexicon::{Entry, Matcher};
    use crate::Lang;

    fn lexicon(pattern: &str, frame: &str) -> Lexicon {
        let entry = Entry {
            pattern: pattern.into(),
            frame: frame.into(),
            target: String::new(),
            polarity: -1,
            weight: 1.0,
            note: String::new(),
            exclusion: false,
            file: "t.csv".into(),
            line: 2,
        };
        Lexicon { entries: vec![entry], files: Vec::new() }
    }

    #[test]
    fn a_match_takes_its_voice_from_the_whole_text_and_its_negation_from_its_sentence() {
        let lexicon = lexicon("besatzer", "occupation");
        let matcher = Matcher::new(&lexicon);
        // The quotation opened in the first sentence covers the first word of the second.
        let text = "„Sie kamen als Besatzer. Keine Besatzer mehr“, sagte er. Keine Besatzer.";
        let second = text.find("Keine Besatzer mehr").unwrap_or(0);
        let third = text.rfind("Keine").unwrap_or(0);
        let sentences = [0..second - 1, second..third - 1, third..text.len()];
        let quotes = Quotations::find(text);
        let mut seen = Vec::new();
        for sentence in sentences {
            let mut hits = Vec::new();
            matcher.find_into(&text[sentence.clone()], &mut hits);
            for hit in &hits {
                seen.push(LexiconHit::of_match(
                    &lexicon,
                    &Context::new(text, &quotes, sentence.clone(), None, Lang::De),
                    hit,
                ));
            }
        }
        let hit = |voice, negated| LexiconHit { frame: "occupation", voice, negated };
        assert_eq!(seen, [hit(Voice::Quoted, false), hit(Voice::Quoted, true), hit(Voice::Authorial, true)]);
    }

    #[test]
    fn a_text_scored_alone_is_its_own_sentence_and_owned_hits_give_it_back() {
        let lexicon = lexicon("besatzer*", "occupation");
        let text = "Das sind keine „Besatzer“.";
        let mut hits = Vec::new();
        Matcher::new(&lexicon).find_into(text, &mut hits);
        let quotes = Quotations::find(text);
        let seen = LexiconHit::of_match(&lexicon, &Context::whole(text, &quotes, Lang::De), &hits[0]);
        assert_eq!(seen, LexiconHit { frame: "occupation", voice: Voice::ScareQuote, negated: true });
        let owned = OwnedHit::from(seen);
        assert_eq!(owned, OwnedHit { frame: "occupation".into(), voice: Voice::ScareQuote, negated: true });
        assert_eq!(owned.as_hit(), seen);
    }
}
