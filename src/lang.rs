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
pub const IDENTIFY_BYTES: usize = 1_000;

/// The language a document is written in, as identified from its first
/// [`IDENTIFY_BYTES`] bytes: `"de"`, `"en"`, another language's ISO 639-3 code (`"fra"`,
/// `"rus"`), or `""` when the text is too short or too mixed for a reliable answer.
///
/// A first look counts frequent German and English function words; when one language has
/// at least eight and the other at most an eighth of that, that is the answer. Only the
/// rest (other languages, short or mixed texts) goes to whatlang's trigram profiles.
/// Measured reason for not asking whatlang first (issue 19): on every document of a 5 MB
/// German corpus it took 1,300 million instructions (callgrind), more than the whole rest of
/// the analysis (800 million); 65–150 µs per 300–2,000 bytes. The first look costs 14
/// million there (1.7 %) and decided all 947 documents.
pub fn identify(text: &str) -> &'static str {
    let mut end = text.len().min(IDENTIFY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    if let Some(code) = first_look(sample) {
        return code;
    }
    match whatlang::detect(sample) {
        Some(info) if info.is_reliable() => match info.lang() {
            whatlang::Lang::Deu => "de",
            whatlang::Lang::Eng => "en",
            other => other.code(),
        },
        _ => "",
    }
}

/// `de` or `en` when the function words leave no doubt, else `None`. Stops once 16 of one
/// language's words outnumber the other's eightfold.
fn first_look(sample: &str) -> Option<&'static str> {
    let (mut de, mut en) = (0usize, 0usize);
    let mut buf = [0u8; 6];
    // Split at ASCII bytes that are not letters or digits; the bytes of other characters
    // ("ü") stay inside their word.
    for word in sample.as_bytes().split(|&b| SEPARATOR[usize::from(b)]) {
        // The markers are two to six bytes ("für", `f\xc3\xbcr`, is four); ASCII case folding
        // is enough.
        if !(2..=6).contains(&word.len()) {
            continue;
        }
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word);
        lower.make_ascii_lowercase();
        match &*lower {
            // Frequent German words that are rare in English text…
            b"der" | b"die" | b"und" | b"das" | b"ist" | b"nicht" | b"mit" | b"von" | b"den" | b"des" | b"dem"
            | b"ein" | b"eine" | b"auf" | b"sich" | b"f\xc3\xbcr" => de += 1,
            // …and the reverse.
            b"the" | b"and" | b"of" | b"to" | b"is" | b"that" | b"with" | b"for" | b"on" | b"was" | b"are" | b"by"
            | b"this" | b"from" => en += 1,
            _ => continue,
        }
        if de.max(en) >= 16 && de.min(en) * 8 <= de.max(en) {
            break;
        }
    }
    match (de, en) {
        (d, e) if d >= 8 && e * 8 <= d => Some("de"),
        (d, e) if e >= 8 && d * 8 <= e => Some("en"),
        _ => None,
    }
}

/// The bytes [`first_look`] splits words at: ASCII bytes that are not letters or digits
/// (the bytes of other characters, "ü", stay inside their word). A table: one load per
/// byte where the test took four operations.
const SEPARATOR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x80 {
        table[b] = !(b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

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
    fn the_first_look_decides_clear_cases_and_leaves_the_rest_to_whatlang() {
        let de = "Der Minister sagte, die Lage sei ernst und die Armee habe sich aus dem Ort \
                  zurückgezogen. Die Regierung will das nicht als Niederlage sehen, sondern als \
                  eine Atempause für die Truppen von der Front.";
        assert_eq!(first_look(de), Some("de"));
        let en = "The minister said that the situation was serious and that the army had withdrawn \
                  from the town. The government does not see this as a defeat but as a pause for \
                  the troops on the front, according to a statement by the ministry.";
        assert_eq!(first_look(en), Some("en"));
        // French has neither language's function words: whatlang decides.
        let fr = "Le gouvernement a annoncé mardi une nouvelle aide pour l'Ukraine.";
        assert_eq!(first_look(fr), None);
    }

    #[test]
    fn the_separator_table_is_the_ascii_test() {
        for b in 0..=u8::MAX {
            assert_eq!(SEPARATOR[usize::from(b)], b < 0x80 && !b.is_ascii_alphanumeric(), "{b:#x}");
        }
    }

    #[test]
    fn too_little_text_is_not_guessed() {
        assert_eq!(identify(""), "");
        assert_eq!(identify("OK"), "");
    }

    #[test]
    fn only_the_start_is_read_and_never_split_inside_a_character() {
        // German up to the cut, an umlaut straddling it, English after it: the cut moves
        // back to the character boundary, and only the German start is read.
        let mut text = "Die Armee hat sich aus der Stadt und dem Umland zurückgezogen. ".repeat(15);
        text.push_str(&"x".repeat(IDENTIFY_BYTES - 1 - text.len()));
        text.push('ä');
        text.push_str(&" The army has withdrawn from the town and the area around it.".repeat(40));
        assert!(!text.is_char_boundary(IDENTIFY_BYTES));
        assert_eq!(identify(&text), "de");
    }
}
