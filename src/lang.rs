//! Supported text languages.

use std::fmt;

/// Language of a corpus: selects abbreviation lists, negators and the bundled lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// German (the default: the project's first language).
    #[default]
    De,
    /// English.
    En,
}

impl Lang {
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Lang {
    /// The language rules for an identified language code, if framing has them.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// How many bytes from the start of a document language identification reads: enough for a
/// sure answer on news text (a few sentences), and the cost stays the same for a 60 MB file.
pub const IDENTIFY_BYTES: usize = 2_000;

/// The language a document is written in, as identified from its first
/// [`IDENTIFY_BYTES`] bytes (whatlang's trigram profiles): `"de"`, `"en"`, another
/// language's ISO 639-3 code (`"fra"`, `"rus"`), or `""` when the text is too short or
/// too mixed for a reliable answer.
pub fn identify(text: &str) -> &'static str {
    let mut end = text.len().min(IDENTIFY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match whatlang::detect(&text[..end]) {
        Some(info) if info.is_reliable() => match info.lang() {
            whatlang::Lang::Deu => "de",
            whatlang::Lang::Eng => "en",
            other => other.code(),
        },
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_paragraphs_are_identified() {
        let de = "Die Regierung in Berlin hat am Dienstag neue Hilfen für die Ukraine beschlossen. \
                  Der Kanzler sagte, man werde das Land so lange unterstützen, wie es nötig sei.";
        let en = "The government in Washington announced new aid for Ukraine on Tuesday. The \
                  president said the country would be supported for as long as it takes.";
        let fr = "Le gouvernement a annoncé mardi une nouvelle aide pour l'Ukraine. Le président \
                  a déclaré que le pays serait soutenu aussi longtemps qu'il le faudra.";
        assert_eq!((identify(de), identify(en), identify(fr)), ("de", "en", "fra"));
        assert_eq!(Lang::from_code(identify(en)), Some(Lang::En));
    }

    #[test]
    fn too_little_text_is_not_guessed() {
        assert_eq!(identify(""), "");
        assert_eq!(identify("OK"), "");
    }

    #[test]
    fn only_the_start_is_read_and_never_split_inside_a_character() {
        // An umlaut straddling the cut must not panic.
        let text = format!("{}ä{}", "a".repeat(IDENTIFY_BYTES - 1), "b".repeat(100));
        let _ = identify(&text);
    }
}
