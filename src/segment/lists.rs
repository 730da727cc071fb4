//! List markers: bullets and enumerators ("1.", "a)", "(iv)") that open a sentence of their
//! own, and the next item of an inline list ("1) The first 2) The second").

use super::rules::{is_bullet, is_roman, next_word};
use super::wordlists::WordLists;
use crate::text::floor_char_boundary;
use crate::Lang;

/// Whether `s` starts with a list marker followed by whitespace: a bullet ("• ", "- ", "⁃"),
/// or an enumerator: 1-3 digits, a roman numeral or one letter, optionally in brackets, closed
/// by ".", ")", ".)" or "]" ("1.", "1.)", "a)", "(iv)", "[z]"). A letter with a bare period
/// counts only before a capitalised word of two or more letters ("a. The first", not "z. B.").
///
/// Asked at every sentence start, which mostly opens a plain word: that case is decided
/// without the call (and the register saving) of the full check.
pub(crate) fn is_list_marker(s: &str) -> bool {
    !opens_plain_word(s.as_bytes()) && may_open_list_marker(s.as_bytes()) && is_list_marker_in_full(s)
}

/// False only where [`is_list_marker`] is: every bullet (and the en dash) starts with the
/// byte E2 (but is no quotation mark), and an enumerator's closer (`.`, `)`, `]`) follows
/// within its first seven bytes (a bracket, then at most five roman digits, three digits or
/// one letter of up to four bytes). Turns away "96 Menschen" and „Zitate“ without the full
/// check.
pub(super) fn may_open_list_marker(bytes: &[u8]) -> bool {
    match bytes.first() {
        None => false,
        // Not the quotation marks U+2018–U+201F („Zitate“), which share the lead byte.
        Some(0xE2) => !matches!(bytes.get(1..3), Some([0x80, 0x98..=0x9F])),
        Some(b'-' | b'*') => true,
        Some(_) => bytes.iter().take(8).any(|&b| matches!(b, b'.' | b')' | b']')),
    }
}

/// [`is_list_marker`] of a text that does not open a plain word.
#[inline(never)]
fn is_list_marker_in_full(s: &str) -> bool {
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return false;
    };
    if matches!(first, '•' | '◦' | '▪' | '‣' | '⁃' | '●' | '○' | '■' | '□' | '►' | '➢') {
        return true;
    }
    if matches!(first, '-' | '*' | '–') {
        return s[first.len_utf8()..].starts_with([' ', '\t']);
    }
    let body = s.strip_prefix(['(', '[']).unwrap_or(s);
    let bracketed = body.len() < s.len();
    let Some(core_len) = enumerator_core_len(body) else {
        return false;
    };
    let core = &body[..core_len];
    let is_number = (1..=3).contains(&core.len()) && core.bytes().all(|b| b.is_ascii_digit());
    let is_letter = core.chars().count() == 1 && core.chars().all(char::is_alphabetic);
    if !(is_number || is_letter || is_roman(core)) {
        return false;
    }
    let rest = &body[core_len..];
    let (closer_len, bare_period) = if rest.starts_with(".)") {
        (2, false)
    } else if rest.starts_with([')', ']']) {
        (1, false)
    } else if rest.starts_with('.') && !bracketed {
        (1, true)
    } else {
        return false;
    };
    let after = &rest[closer_len..];
    if !after.starts_with(char::is_whitespace) {
        return false;
    }
    if bare_period && !is_number {
        let word = after.trim_start();
        let len = word.find(|c: char| !c.is_alphabetic()).unwrap_or(word.len());
        return word.starts_with(char::is_uppercase) && word[..len].chars().count() >= 2;
    }
    true
}

/// Whether `bytes` open with two ASCII letters that cannot begin a roman numeral (the only
/// enumerator of two or more letters): "Die", "Mit", "Zeit" are no list markers.
fn opens_plain_word(bytes: &[u8]) -> bool {
    let [a, b, ..] = *bytes else {
        return false;
    };
    let roman = |set: &[u8]| set.contains(&a) && set.contains(&b);
    a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && !roman(b"IVXLCDM") && !roman(b"ivxlcdm")
}

/// The length of the alphanumeric run that opens `body`, or `None` when it has six or more
/// characters: enumerators have at most five, so an ordinary word is rejected after six.
/// ASCII letters and digits are read as bytes, the rest by characters.
fn enumerator_core_len(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let ascii = bytes.iter().take(6).take_while(|b| b.is_ascii_alphanumeric()).count();
    if ascii == 6 {
        return None;
    }
    if bytes.get(ascii).is_none_or(u8::is_ascii) {
        return Some(ascii);
    }
    for (n, (i, c)) in body[ascii..].char_indices().enumerate() {
        if !c.is_alphanumeric() {
            return Some(ascii + i);
        }
        if ascii + n == 5 {
            return None;
        }
    }
    Some(body.len())
}

/// How far ahead (bytes) the next item of an inline list is looked for: list items are short.
const ITEM_WINDOW: usize = 400;

/// When the text at `start` (a sentence start, whitespace skipped) opens with an enumerator
/// ("1.)", "2)", "a.", "(b)"), the offset of
/// the space before the next enumerator of the same list on the same stretch of text
/// ("1) The first item 2) The second item"). German "1. FC Köln in der 2. Liga" is no list:
/// a bare-period number after an ordinal trigger or before an ordinal noun is an ordinal.
pub(crate) fn next_inline_item(text: &str, start: usize, lists: &WordLists, lang: Lang) -> Option<usize> {
    let s = &text[start..];
    if !(is_list_marker(s) || (lang == Lang::En && opens_letter_list(s))) {
        return None;
    }
    // "• 9. The first item • 10. The second item", "⁃9. … ⁃10. …": keep the bullet.
    let bullet_len = s.chars().next().filter(|&c| is_bullet(c) && !c.is_ascii()).map_or(0, char::len_utf8);
    let bullet_len = bullet_len + s[bullet_len..].len() - s[bullet_len..].trim_start_matches(' ').len();
    let (bullet, s) = s.split_at(bullet_len);
    if bullet_len > 4 {
        return None;
    }
    let opened = s.starts_with('(');
    let body = if opened { &s[1..] } else { s };
    let core_len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let core = &body[..core_len];
    let after_core = &body[core_len..];
    let suffix = [".)", ")", "."].into_iter().find(|p| after_core.starts_with(p))?;
    let mut needle = [0u8; 16];
    let mut n = 0;
    let mut put = |b: u8| {
        needle[n] = b;
        n += 1;
    };
    put(b' ');
    bullet.bytes().for_each(&mut put);
    if opened {
        put(b'(');
    }
    if core.bytes().all(|b| b.is_ascii_digit()) {
        let value: u32 = core.parse().ok()?;
        let successor = value + 1;
        for k in (0..=successor.ilog10()).rev() {
            put(b'0' + (successor / 10u32.pow(k) % 10) as u8);
        }
    } else if core.len() == 1 && core.bytes().all(|b| b.is_ascii_alphabetic() && b != b'z' && b != b'Z') {
        put(core.as_bytes()[0] + 1);
    } else {
        return None;
    }
    suffix.bytes().for_each(&mut put);
    put(b' ');
    let end = floor_char_boundary(text, start + ITEM_WINDOW);
    let hay = &text.as_bytes()[start..end];
    let pos = start + hay.windows(n).position(|w| w == &needle[..n])?;
    if lang == Lang::De && suffix == "." {
        let prev_word = text[start..pos].rsplit(char::is_whitespace).next().unwrap_or("");
        let next = next_word(text, pos + n);
        if lists.is_ordinal_trigger(prev_word) || lists.is_month(next.word) || lists.is_ordinal_noun(next.word) {
            return None;
        }
    }
    Some(pos)
}

/// Whether `s` opens with a letter item ("a. ", "B. ") whose successor ("b. ", "C. ")
/// follows within [`ITEM_WINDOW`]: "a. here it is b. another c. one more" is a list even
/// though its items start lower-case (which [`is_list_marker`] asks of a bare "a.").
pub(crate) fn opens_letter_list(s: &str) -> bool {
    let &[letter, b'.', b' ', ..] = s.as_bytes() else {
        return false;
    };
    if !letter.is_ascii_alphabetic() || matches!(letter, b'z' | b'Z') {
        return false;
    }
    let needle = [b' ', letter + 1, b'.', b' '];
    let window = &s.as_bytes()[..s.len().min(ITEM_WINDOW)];
    memchr::memmem::find(window, &needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_markers_pass_the_pre_check() {
        for marker in [
            "• x",
            "◦ x",
            "➢ x",
            "– x",
            "- x",
            "* x",
            "1. Die",
            "12) x",
            "123.) x",
            "(iv) x",
            "[z] x",
            "MMXVI. Die",
            "(Ä) x",
            "a. The",
        ] {
            assert!(is_list_marker(marker), "{marker}");
            assert!(may_open_list_marker(marker.as_bytes()), "{marker}");
        }
        for plain in ["96 Menschen", "„Wer spricht", "“x. y", "Überall", "", "1234. x"] {
            assert!(!may_open_list_marker(plain.as_bytes()) || !is_list_marker(plain), "{plain}");
        }
    }

    proptest::proptest! {
        /// The pre-check never turns away what the full check accepts.
        #[test]
        fn pre_check_keeps_every_list_marker(
            s in "[(\\[]?([0-9]{1,4}|[IVXivx]{1,6}|[a-zÄß€]{1,2}|[•◦–„\\-*])[.)\\] ]{0,3}[ \t]?[A-Za-zä]{0,6}"
        ) {
            if is_list_marker_in_full(&s) {
                proptest::prop_assert!(may_open_list_marker(s.as_bytes()), "{:?}", s);
            }
        }
    }
}
