//! Decoding: file bytes to NFC-normalized text. A byte-order mark decides first, then
//! UTF-8, then UTF-8 with a few stray bytes replaced, then the encoding chardetng guesses.
//! Every way text enters the crate (a corpus file, an input file, standard input, a JSONL
//! line) goes through here, so this is the one place that knows about encodings.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Why bytes could not be decoded as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// NUL bytes without a UTF-16 byte-order mark: not a text file.
    #[error("binary file: NUL byte at offset {0} and no UTF-16 byte-order mark")]
    Binary(usize),
    /// The bytes are not valid in the detected encoding.
    #[error("undecodable: invalid byte sequences for {0}")]
    Undecodable(&'static str),
}

impl DecodeError {
    /// The `kind` written to `errors.csv`.
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::Binary(_) => "binary",
            DecodeError::Undecodable(_) => "undecodable",
        }
    }
}

/// Decoded text and the encoding it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// NFC-normalized text, without a byte-order mark.
    pub text: String,
    /// Encoding name.
    pub encoding: &'static str,
    /// Byte offsets of invalid UTF-8 sequences replaced by U+FFFD (see [`decode`]).
    pub repaired_at: Vec<u64>,
}

impl Decoded {
    fn clean(text: String, encoding: &'static str) -> Decoded {
        Decoded { text: nfc(text), encoding, repaired_at: Vec::new() }
    }
}

/// Decodes file bytes: a byte-order mark decides first (UTF-8, UTF-16 LE/BE), else valid
/// UTF-8, else UTF-8 with a few invalid bytes (see `is_mostly_utf8`: they become U+FFFD
/// and their offsets are kept in [`Decoded::repaired_at`]), else the encoding guessed by
/// chardetng. The result is NFC-normalized.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(DecodeError::Undecodable(encoding.name()));
        }
        return Ok(Decoded::clean(text.into_owned(), encoding.name()));
    }
    if let Some(at) = memchr_nul(bytes) {
        return Err(DecodeError::Binary(at));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Decoded::clean(s.to_owned(), "UTF-8"));
    }
    if is_mostly_utf8(bytes) {
        return Ok(repair_utf8(bytes));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = detector.guess(None, true);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::Undecodable(encoding.name()));
    }
    Ok(Decoded::clean(text.into_owned(), encoding.name()))
}

/// Whether bytes that are not valid UTF-8 are still UTF-8 text with a few stray bytes: at
/// least as many valid multi-byte characters as invalid sequences. A legacy-encoded file
/// (windows-1252, ISO-8859-x) has its umlauts as single bytes, which are never valid UTF-8,
/// and almost never a valid multi-byte sequence; a UTF-8 article with one stray
/// windows-1252 byte has dozens. Guessing the encoding of the latter turned every umlaut
/// into mojibake and lost its lexicon hits.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte > 0 && multibyte >= invalid
}

/// UTF-8 with every invalid sequence replaced by U+FFFD, and where they were.
fn repair_utf8(bytes: &[u8]) -> Decoded {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut repaired_at = Vec::new();
    let mut at = 0u64;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        at += chunk.valid().len() as u64;
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            repaired_at.push(at);
            at += chunk.invalid().len() as u64;
        }
    }
    Decoded { text: nfc(text), encoding: "UTF-8", repaired_at }
}

/// Like [`decode`], but takes the buffer. A large file's buffer becomes the text when it is
/// valid UTF-8 (the common case), so it is held in memory once.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if encoding_rs::Encoding::for_bom(&bytes).is_some() || memchr_nul(&bytes).is_some() {
        return decode(&bytes);
    }
    if bytes.len() <= COPIED_TEXT_MAX_BYTES {
        // encoding_rs checks German text about twice as fast as std (whose word-at-a-time
        // path rarely gets going between umlauts); copying the checked text costs less
        // than that saves.
        return match encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(&bytes) {
            Some(text) => Ok(Decoded::clean(text.into_owned(), "UTF-8")),
            None => decode(&bytes),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded::clean(text, "UTF-8")),
        Err(err) => decode(err.as_bytes()),
    }
}

/// Up to this size [`decode_owned`] copies valid text instead of reusing the buffer: a
/// second copy of a news article costs nothing worth counting in memory.
const COPIED_TEXT_MAX_BYTES: usize = 1 << 20;

/// The first NUL byte. Chunks are tested with a vectorisable fold first: text has none.
fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    let chunk = bytes.chunks(32).position(|c| c.iter().fold(false, |acc, &b| acc | (b == 0)))?;
    let start = chunk * 32;
    bytes[start..].iter().position(|&b| b == 0).map(|i| start + i)
}

/// NFC-normalizes, skipping the work for text that is already NFC (nearly all news text).
fn nfc(text: String) -> String {
    if is_surely_nfc(&text) {
        return text;
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// A quick answer for the usual text: every character is below U+0300 (no combining marks
/// there; the lead bytes of all others are 0xCC and up) or in a block of [`is_plain_symbol`].
/// `false` means "ask the full quick check".
fn is_surely_nfc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks(32);
    let mut at = 0;
    for chunk in &mut chunks {
        let chunk_start = at;
        at += chunk.len();
        // One vectorisable fold per chunk; only chunks with a high lead byte are decoded.
        if !chunk.iter().fold(false, |acc, &b| acc | (b >= 0xcc)) {
            continue;
        }
        for (k, &b) in chunk.iter().enumerate() {
            if b >= 0xcc {
                // 0xCC and up are lead bytes, never continuation bytes: a character starts here.
                match text[chunk_start + k..].chars().next() {
                    Some(c) if is_plain_symbol(c) => {}
                    _ => return false,
                }
            }
        }
    }
    true
}

/// Characters of the General Punctuation block (dashes, „quotes“, …, thin spaces) and the
/// Currency Symbols block (€): NFC as they stand and never combining. U+2000 and U+2001
/// (en/em quad) are excluded: NFC maps them to U+2002 and U+2003.
fn is_plain_symbol(c: char) -> bool {
    matches!(c, '\u{2002}'..='\u{206F}' | '\u{20A0}'..='\u{20C0}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_symbols_are_nfc_and_not_combining() {
        // The reference is the Unicode data of the unicode-normalization crate.
        for c in ('\u{2000}'..='\u{20CF}').filter(|&c| is_plain_symbol(c)) {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(unicode_normalization::char::canonical_combining_class(c), 0, "{c:?}");
            assert!(!unicode_normalization::char::is_combining_mark(c), "{c:?}");
        }
        assert!(!is_plain_symbol('\u{2000}') && !is_plain_symbol('\u{2001}'));
    }

    #[test]
    fn quick_nfc_path_decides_like_the_full_check() {
        let texts = [
            "Die Besatzer „zogen“ ab – 5 € … ok",
            "Caf\u{e9} und Cafe\u{301}",            // a combining acute accent
            "\u{2000}Quad",                         // NFC changes U+2000
            "Ελληνικά und кириллица",               // ordinary letters above U+0300
            &format!("{}e\u{301}", "x".repeat(40)), // the mark in a later chunk
        ];
        for t in texts {
            let full = is_nfc_quick(t.chars()) == IsNormalized::Yes;
            assert!(!is_surely_nfc(t) || full, "{t:?}");
            assert_eq!(nfc(t.to_string()), t.nfc().collect::<String>(), "{t:?}");
        }
        assert!(is_surely_nfc("Die Besatzer „zogen“ ab – 5 € … ok"));
    }

    proptest::proptest! {
        /// The fast path never changes the result of normalisation.
        #[test]
        fn nfc_equals_full_normalisation(s in "[a-zäé \u{300}\u{301}\u{2000}-\u{2030}\u{20ac}Ωк]{0,80}") {
            proptest::prop_assert_eq!(nfc(s.clone()), s.nfc().collect::<String>());
        }
    }

    #[test]
    fn finds_the_first_nul_in_any_chunk() {
        assert_eq!(memchr_nul(b"abc"), None);
        assert_eq!(memchr_nul(b""), None);
        let mut long = vec![b'x'; 100];
        long[70] = 0;
        long[90] = 0;
        assert_eq!(memchr_nul(&long), Some(70));
        assert_eq!(memchr_nul(&[0]), Some(0));
    }

    #[test]
    fn utf8_passes_through() {
        let d = decode("Die Befreiung".as_bytes()).unwrap();
        assert_eq!(d, Decoded { text: "Die Befreiung".into(), encoding: "UTF-8", repaired_at: vec![] });
    }

    #[test]
    fn utf8_bom_is_removed() {
        let d = decode(b"\xEF\xBB\xBFDie").unwrap();
        assert_eq!(d.text, "Die");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("Größe".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("Größe".encode_utf16().flat_map(|u| u.to_be_bytes())).collect();
        assert_eq!(decode(&le).unwrap(), Decoded { text: "Größe".into(), encoding: "UTF-16LE", repaired_at: vec![] });
        assert_eq!(decode(&be).unwrap(), Decoded { text: "Größe".into(), encoding: "UTF-16BE", repaired_at: vec![] });
    }

    #[test]
    fn latin1_is_detected() {
        // "Die Besatzungsmacht übernahm die Kontrolle über die Straße." in windows-1252.
        let bytes = b"Die Besatzungsmacht \xFCbernahm die Kontrolle \xFCber die Stra\xDFe. Gr\xFC\xDFe aus M\xFCnchen.";
        let d = decode(bytes).unwrap();
        assert_eq!(d.text, "Die Besatzungsmacht übernahm die Kontrolle über die Straße. Grüße aus München.");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn owned_buffers_decode_like_borrowed_ones_on_both_sides_of_the_copy_limit() {
        let latin1: &[u8] = b"Die Besatzungsmacht \xFCbernahm die Kontrolle \xFCber die Stra\xDFe. ";
        let utf8 = "Die Besatzungsmacht übernahm die Kontrolle über die Straße. ";
        for repeat in [1, COPIED_TEXT_MAX_BYTES / latin1.len() + 1] {
            let (latin1, utf8) = (latin1.repeat(repeat), utf8.repeat(repeat));
            let decoded = decode_owned(utf8.clone().into_bytes()).unwrap();
            assert_eq!(decoded, Decoded { text: utf8.clone(), encoding: "UTF-8", repaired_at: vec![] });
            let decoded = decode_owned(latin1).unwrap();
            assert_eq!(decoded, Decoded { text: utf8, encoding: "windows-1252", repaired_at: vec![] });
        }
        let composed = decode_owned("Cafe\u{301}".as_bytes().to_vec()).unwrap();
        assert_eq!(composed.text, "Caf\u{e9}");
    }

    #[test]
    fn a_stray_windows_1252_byte_in_utf8_text_is_replaced_not_guessed() {
        // One windows-1252 "ä" (0xE4) in an otherwise UTF-8 sentence: guessing the encoding
        // turned "Völkermord" into "VÃ¶lkermord".
        let bytes = b"Der V\xC3\xB6lkermord an den Armeniern, sagte der Sprecher, sei \xE4hnlich gewesen.";
        let d = decode(bytes).unwrap();
        assert_eq!(d.text, "Der Völkermord an den Armeniern, sagte der Sprecher, sei \u{FFFD}hnlich gewesen.");
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.repaired_at, [58]);
        assert_eq!(bytes[58], 0xE4);
        // Every invalid byte of a run is a sequence of its own, with its own offset.
        let d = decode_owned(b"\xC3\xBCber Stra\xC3\x9Fe \xFF\xFE und \xC3\xA4 \x80".to_vec()).unwrap();
        assert_eq!(d.text, "über Straße \u{FFFD}\u{FFFD} und ä \u{FFFD}");
        assert_eq!(d.repaired_at, [14, 15, 24]);
        // More invalid sequences than valid multi-byte characters: not UTF-8 at all.
        assert_eq!(decode(b"\xC3\xBCber \xFF\xFE und \x80").unwrap().encoding, "windows-1252");
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00"), Err(DecodeError::Binary(4)));
    }

    #[test]
    fn decomposed_text_is_composed() {
        // "u" + combining diaeresis becomes "ü".
        assert_eq!(decode("Bu\u{308}ro".as_bytes()).unwrap().text, "Büro");
    }
}
