//! Small text helpers shared by several stages.

use std::borrow::Cow;

/// Collapses every run of Unicode whitespace (line breaks included) to one ASCII space
/// and trims both ends. Borrows when nothing changes, which is the common case. One
/// implementation with the per-document path: the marks of `s` decide (see
/// [`WhitespaceMarks::collapse`]).
pub fn collapse_whitespace(s: &str) -> Cow<'_, str> {
    WhitespaceMarks::find(s).collapse(s, 0..s.len())
}

/// The offsets of whitespace other than single ASCII spaces in `s`, each search's in order
/// but not merged: ASCII whitespace other than the space, the second space of each pair of
/// spaces, and multi-byte whitespace characters. A handful of SIMD searches (memchr) over
/// the whole text instead of one decision per byte; the lead bytes C2 and E2 also start
/// common punctuation (« » – „ “ …), so their hits are looked at. Lazy: asking for the first
/// mark runs the searches only until one is found.
fn whitespace_marks(s: &str) -> impl Iterator<Item = usize> + '_ {
    static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    let bytes = s.as_bytes();
    let multi_byte_space = |at: &usize| whitespace_at(s, *at).0;
    memchr::memchr3_iter(b'\n', b'\t', b'\r', bytes)
        .chain(memchr::memchr2_iter(0x0b, 0x0c, bytes))
        // Non-overlapping pairs suffice: a span holding two spaces of a longer run without
        // its marked one starts or ends with a space.
        .chain(DOUBLE_SPACE.find_iter(bytes).map(|i| i + 1))
        .chain(memchr::memchr3_iter(0xc2, 0xe2, 0xe1, bytes).filter(multi_byte_space))
        .chain(memchr::memchr_iter(0xe3, bytes).filter(multi_byte_space))
}

/// Where a text has whitespace other than single ASCII spaces (see `whitespace_marks`),
/// sorted. Found once per document with long SIMD searches, it tells whether a sentence is
/// collapsed already without scanning the sentence: short scans were mostly start-up cost.
#[derive(Debug, Clone, Default)]
pub struct WhitespaceMarks {
    marks: Vec<usize>,
}

impl WhitespaceMarks {
    /// The marks of `text`.
    pub fn find(text: &str) -> WhitespaceMarks {
        // Wrapped news text has a line break every 60-80 bytes: room for those up front.
        let mut marks = Vec::with_capacity(text.len() / 64);
        // `for_each` folds each search on its own; `collect` would step through the chain.
        whitespace_marks(text).for_each(|m| marks.push(m));
        marks.sort_unstable();
        WhitespaceMarks { marks }
    }

    /// Whether `text[span]` is collapsed already (`collapse_whitespace` would borrow it);
    /// `text` is the text the marks were found in.
    fn is_collapsed(&self, text: &str, span: std::ops::Range<usize>) -> bool {
        let bytes = text.as_bytes();
        if span.is_empty() {
            return true;
        }
        if bytes[span.start] == b' ' || bytes[span.end - 1] == b' ' {
            return false;
        }
        let first = self.marks.partition_point(|&m| m < span.start);
        self.marks.get(first).is_none_or(|&m| m >= span.end)
    }

    /// [`collapse_whitespace`] of `text[span]`, decided by the marks: borrowed exactly when
    /// the span is collapsed already, and not scanned again when it is not.
    pub fn collapse<'a>(&self, text: &'a str, span: std::ops::Range<usize>) -> Cow<'a, str> {
        if self.is_collapsed(text, span.clone()) {
            Cow::Borrowed(&text[span])
        } else {
            Cow::Owned(self.collapse_at_marks(text, span))
        }
    }

    /// [`collapse_whitespace`] of `text[span]`, a part of a sentence whose own collapse
    /// borrowed (was already collapsed) when `sentence_collapsed`: such a part has no
    /// whitespace but single spaces, so trimming its ends is all there is to do; otherwise
    /// the marks decide, without a scan of the part. Matches take their surface and
    /// contexts from their sentence this way.
    pub fn collapse_part<'a>(
        &self,
        text: &'a str,
        span: std::ops::Range<usize>,
        sentence_collapsed: bool,
    ) -> Cow<'a, str> {
        if sentence_collapsed {
            Cow::Borrowed(text[span].trim_matches(' '))
        } else {
            self.collapse(text, span)
        }
    }

    /// The collapse of `text[span]` built from the marks: the stretches between them have
    /// only single spaces, so each is copied whole, and only the whitespace run at each
    /// mark is stepped through.
    fn collapse_at_marks(&self, text: &str, span: std::ops::Range<usize>) -> String {
        let (bytes, within) = (text.as_bytes(), &text[..span.end]);
        let first = self.marks.partition_point(|&m| m < span.start);
        let mut out = String::with_capacity(span.len());
        let mut i = skip_whitespace(within, span.start);
        for &mark in self.marks[first..].iter().take_while(|&&m| m < span.end) {
            // Marks inside a run already skipped are passed over. Any other mark lies after
            // `i`, which starts a non-space character, so `mark - 1` is still in the stretch.
            if mark < i {
                continue;
            }
            let run_start = if bytes[mark - 1] == b' ' { mark - 1 } else { mark };
            out.push_str(&text[i..run_start]);
            i = skip_whitespace(within, mark);
            if i < span.end {
                out.push(' ');
            }
        }
        // The last stretch may end in one space (two would have been marked).
        let tail = &text[i..span.end];
        out.push_str(tail.strip_suffix(' ').unwrap_or(tail));
        out
    }
}

/// Whether a whitespace character starts at byte `i`, and the length of the character.
#[inline]
fn whitespace_at(s: &str, i: usize) -> (bool, usize) {
    let b = s.as_bytes()[i];
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => (true, 1),
        0x00..=0x7f => (false, 1),
        0xc2 | 0xe1 | 0xe2 | 0xe3 => match s[i..].chars().next() {
            Some(c) => (c.is_whitespace(), c.len_utf8()),
            None => (false, 1),
        },
        // Other lead bytes never start whitespace; continuation bytes are skipped one by one.
        _ => (false, 1),
    }
}

/// The first offset from `i` that does not start whitespace (`s.len()` when none).
fn skip_whitespace(s: &str, i: usize) -> usize {
    first_where_whitespace_is(s, i, false)
}

/// The first character boundary from `i` where starting whitespace is `wanted`.
fn first_where_whitespace_is(s: &str, mut i: usize, wanted: bool) -> usize {
    while i < s.len() {
        let (is_space, len) = whitespace_at(s, i);
        if is_space == wanted {
            return i;
        }
        i += len;
    }
    s.len()
}

/// The largest character boundary of `s` at or before `at` (`s.len()` when `at` is past the
/// end): where a byte window over text may be cut.
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Replaces `buf` with `s` lower-cased character by character (ASCII in one pass); unlike
/// `str::to_lowercase`, a capital sigma is always σ, never the word-final ς.
///
/// Runs of ASCII are copied whole and lower-cased in place; of the other characters, those
/// of Latin-1 (ä, Ö, É: most of German and French) are mapped by their fixed offset, and
/// only the rest go through the Unicode tables.
pub fn lowercase_into(s: &str, buf: &mut String) {
    buf.clear();
    let mut rest = s;
    loop {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let from = buf.len();
        buf.push_str(&rest[..ascii]);
        buf[from..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else { break };
        match latin1_lowercase(c) {
            Some(lower) => buf.push(lower),
            None => buf.extend(c.to_lowercase()),
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// The lower case of a Latin-1 character (below U+0100), which is always one character: the
/// capitals A–Z and À–Þ (but not the sign ×) are 0x20 below their small letters, and every
/// other Latin-1 character is its own lower case. `None` above Latin-1.
fn latin1_lowercase(c: char) -> Option<char> {
    match u32::from(c) {
        code @ (0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE) => char::from_u32(code + 0x20),
        0..=0xFF => Some(c),
        _ => None,
    }
}

/// Number of whitespace-separated tokens, the unit of `n_tokens` in the reports.
pub fn count_tokens(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Number of tokens of a text already passed through [`collapse_whitespace`]: its single
/// spaces plus one, without a second scan for whitespace.
pub fn count_collapsed_tokens(collapsed: &str) -> usize {
    if collapsed.is_empty() {
        0
    } else {
        count_byte(collapsed.as_bytes(), b' ') + 1
    }
}

/// Occurrences of `needle` in `bytes`. Counts in 8-bit lanes over 32-byte chunks, which the
/// compiler turns into wide vector compares (a plain `filter().count()` widens every lane to
/// 64 bits and handles 4 bytes per step).
fn count_byte(bytes: &[u8], needle: u8) -> usize {
    let mut chunks = bytes.chunks_exact(32);
    let mut n = 0;
    for chunk in &mut chunks {
        n += usize::from(chunk.iter().map(|&b| u8::from(b == needle)).sum::<u8>());
    }
    n + chunks.remainder().iter().filter(|&&b| b == needle).count()
}

/// Number of characters of the UTF-8 `bytes`: the bytes that do not continue a character.
/// Sentences are short, so this counts eight bytes at a time in a `u64` (SWAR) and reads
/// the last partial word whole, where the standard library's setup and byte loops dominate.
pub fn count_chars(bytes: &[u8]) -> usize {
    const LOW: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // A continuation byte is 10xxxxxx: its top bit is set and the bit below (shifted up into
    // the top bit's place, within the byte) is not. Gives 1 in the low bit of such lanes.
    let continuation_lanes = |word: u64| (word & !(word << 1) & HIGH) >> 7;
    let word_at = |eight: &[u8]| u64::from_le_bytes(eight.try_into().unwrap_or_default());
    if bytes.len() < 8 {
        return bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    }
    let mut continuation = 0;
    let whole = bytes.len() / 8 * 8;
    // 31 words give at most 31 per lane: the multiply's top byte sums all eight exactly.
    for block in bytes[..whole].chunks(8 * 31) {
        let lanes: u64 = block.chunks_exact(8).map(|w| continuation_lanes(word_at(w))).sum();
        continuation += (lanes.wrapping_mul(LOW) >> 56) as usize;
    }
    let rest = bytes.len() - whole;
    if rest > 0 {
        // The last eight bytes, without the ones counted already (the low, earlier ones).
        let tail = word_at(&bytes[bytes.len() - 8..]) >> (8 * (8 - rest));
        continuation += (continuation_lanes(tail).wrapping_mul(LOW) >> 56) as usize;
    }
    bytes.len() - continuation
}

/// The number of bytes from `from` on that fall in one of the inclusive ASCII `ranges`
/// (each `lo..=hi` below 0x80). Words are a few bytes long, so a byte-by-byte loop
/// mispredicts its exit at nearly every one; this tests eight bytes at a time in a `u64`
/// (SWAR), exact per byte: with the top bit of every byte cleared, no subtraction borrows
/// across bytes, and bytes from 0x80 on are in no range. Inlined, so the ranges fold into
/// constants.
#[inline(always)]
pub fn ascii_run(bytes: &[u8], from: usize, ranges: &[(u8, u8)]) -> usize {
    let in_ranges = |b: u8| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&b));
    run_where(bytes, from, |word| ascii_in_ranges(word, ranges), in_ranges)
}

/// The number of bytes from `from` on for which `is_in` holds, eight at a time: `lanes`
/// must mark (by the top bit of each byte lane) exactly the bytes of a word for which
/// `is_in` holds; the last partial word goes byte by byte.
#[inline(always)]
pub fn run_where(bytes: &[u8], from: usize, lanes: impl Fn(u64) -> u64, is_in: impl Fn(u8) -> bool) -> usize {
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let outside = !lanes(word) & HIGH;
        if outside != 0 {
            return i + (outside.trailing_zeros() / 8) as usize - from;
        }
        i += 8;
    }
    i + bytes[i..].iter().position(|&b| !is_in(b)).unwrap_or(bytes.len() - i) - from
}

/// The bytes of `word` that are ASCII and in one of the inclusive `ranges` (each below
/// 0x80), marked by the top bit of their byte lane. Exact in every lane: with the top bit
/// of every byte cleared, no subtraction borrows across bytes.
#[inline(always)]
pub fn ascii_in_ranges(word: u64, ranges: &[(u8, u8)]) -> u64 {
    const LOW: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let x = word & !HIGH;
    let mut inside = 0;
    for &(lo, hi) in ranges {
        // The top bit of each byte: set where `lo <= byte & 0x7f <= hi`.
        inside |= ((x | HIGH) - LOW * u64::from(lo)) & (((LOW * u64::from(hi)) | HIGH) - x);
    }
    inside & !word & HIGH
}

/// `word` with its ASCII capitals lower-cased, eight bytes at once: a capital's lane gets
/// 0x20, which is its top-bit mark shifted down by two.
#[inline(always)]
pub fn ascii_lowercase_word(word: u64) -> u64 {
    word | (ascii_in_ranges(word, &[(b'A', b'Z')]) >> 2)
}

/// `char::is_alphanumeric`, with the common non-ASCII characters of news text decided by
/// range: the Latin-1 letters (à–ÿ but × and ÷) and the General Punctuation block („ “ –,
/// thin spaces), which holds no letter or digit. Word boundaries ask it at every hit.
pub fn is_alphanumeric(c: char) -> bool {
    match c {
        '\u{C0}'..='\u{FF}' => c != '×' && c != '÷',
        '\u{2000}'..='\u{206F}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// A byte table with `true` at the bytes of the inclusive ASCII `ranges` (as
/// [`ascii_run`] takes them): for the loops that classify one byte at a time.
pub const fn ascii_set(ranges: &[(u8, u8)]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut r = 0;
    while r < ranges.len() {
        let (mut b, hi) = ranges[r];
        while b <= hi {
            table[b as usize] = true;
            b += 1;
        }
        r += 1;
    }
    table
}

/// [`ascii_run`] ranges: ASCII letters.
pub const ASCII_LETTERS: &[(u8, u8)] = &[(b'a', b'z'), (b'A', b'Z')];
/// [`ascii_run`] ranges: ASCII letters and digits.
pub const ASCII_ALPHANUMERICS: &[(u8, u8)] = &[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9')];

/// A byte lookup table with `true` at each of `bytes`: the scanners' "stop here" sets.
pub const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// FNV-1a, 64 bit: stable across machines and releases (shard assignment depends on it) and,
/// for the short words of the built-in word lists, several times cheaper per lookup than the
/// standard SipHash; those keys are the program's own, so hash flooding is no concern.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// The FNV-1a hash of `bytes`.
    pub fn hash(bytes: &[u8]) -> u64 {
        let mut h = Fnv1a::default();
        std::hash::Hasher::write(&mut h, bytes);
        h.0
    }
}

impl std::hash::Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A hash set of words using [`Fnv1a`].
pub type WordSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<Fnv1a>>;
/// A hash map keyed by words using [`Fnv1a`].
pub type WordMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv1a>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_line_breaks_and_runs() {
        assert_eq!(collapse_whitespace("  Am 25.\n  November\t\twar es. "), "Am 25. November war es.");
    }

    #[test]
    fn borrows_clean_text() {
        assert!(matches!(collapse_whitespace("Schon sauber."), Cow::Borrowed(_)));
    }

    #[test]
    fn collapses_unicode_spaces_and_keeps_other_multibyte_text() {
        assert_eq!(collapse_whitespace("a\u{a0}\u{2009}b „c“ – ü"), "a b „c“ – ü");
        assert!(matches!(collapse_whitespace("„Größe“ – über"), Cow::Borrowed(_)));
        assert_eq!(collapse_whitespace(" "), "");
        assert_eq!(collapse_whitespace(""), "");
        assert_eq!(collapse_whitespace("x\u{3000}"), "x");
    }

    #[test]
    fn collapsed_token_count_equals_whitespace_count() {
        for s in ["", "eins", " Die  Besatzer\nzogen ab. ", "a\u{a0}b"] {
            assert_eq!(count_collapsed_tokens(&collapse_whitespace(s)), count_tokens(s), "{s:?}");
        }
    }

    #[test]
    fn counts_bytes_across_chunks() {
        let s = "a b".repeat(40); // 120 bytes: three 32-byte chunks and a remainder
        assert_eq!(count_byte(s.as_bytes(), b' '), 40);
        assert_eq!(count_byte(b"", b' '), 0);
        assert_eq!(count_byte(&[b' '; 64], b' '), 64);
    }

    #[test]
    fn long_texts_take_the_chunked_path() {
        let clean = "Die Besatzer zogen am 25. November ab, sagte ein Sprecher „heute“.".repeat(3);
        assert!(matches!(collapse_whitespace(&clean), Cow::Borrowed(_)));
        // A double space at a chunk border (bytes 31 and 32), and one inside a chunk.
        let border = format!("{}  y{}", "x".repeat(31), "z".repeat(40));
        assert_eq!(collapse_whitespace(&border), format!("{} y{}", "x".repeat(31), "z".repeat(40)));
        let inner = format!("{}a  b{}", "x".repeat(10), "z".repeat(40));
        assert_eq!(collapse_whitespace(&inner), format!("{}a b{}", "x".repeat(10), "z".repeat(40)));
        let trailing = format!("{} ", "x".repeat(63));
        assert_eq!(collapse_whitespace(&trailing), "x".repeat(63));
    }

    proptest::proptest! {
        /// The reference is the standard library's Unicode whitespace splitting; the long
        /// alternatives cross the 32-byte chunks of the fast path.
        #[test]
        fn collapse_equals_split_whitespace_join(
            s in "[ a\t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}ä„“–…€\u{1c}-\u{1f}]{0,40}|[ aä]{0,100}|(a[ \n]?){0,80}|(ab ){0,40}  x"
        ) {
            let reference = s.split_whitespace().collect::<Vec<_>>().join(" ");
            let collapsed = collapse_whitespace(&s);
            proptest::prop_assert_eq!(&collapsed, &reference);
            proptest::prop_assert_eq!(matches!(collapsed, Cow::Borrowed(_)), reference == s);
        }
    }

    proptest::proptest! {
        /// The reference is the standard library's decoding; the texts cross the 32-byte
        /// chunks with characters of one to four bytes.
        #[test]
        fn char_counts_equal_the_decoded_characters(s in "[aä€𝄞 ]{0,80}|[a-z.]{0,70}|[ß]{0,300}") {
            proptest::prop_assert_eq!(count_chars(s.as_bytes()), s.chars().count());
        }
    }

    proptest::proptest! {
        /// Any slice of an already collapsed text collapses to its trimmed self.
        #[test]
        fn a_part_of_a_collapsed_text_needs_only_trimming(
            words in proptest::collection::vec("[a-zä„“–,.]{1,6}", 1..12),
            cut in (0usize..80, 0usize..80),
        ) {
            let whole = words.join(" ");
            proptest::prop_assert!(matches!(collapse_whitespace(&whole), Cow::Borrowed(_)));
            let bounds: Vec<usize> = whole.char_indices().map(|(i, _)| i).chain([whole.len()]).collect();
            let (a, b) = (bounds[cut.0 % bounds.len()], bounds[cut.1 % bounds.len()]);
            let part = &whole[a.min(b)..a.max(b)];
            let marks = WhitespaceMarks::find(&whole);
            proptest::prop_assert_eq!(marks.collapse_part(&whole, a.min(b)..a.max(b), true), collapse_whitespace(part));
        }
    }

    proptest::proptest! {
        /// The marks decide every span of a text as whitespace splitting of the span does.
        #[test]
        fn marks_decide_spans_like_the_scan(
            text in "[ a\t\n\u{a0}\u{2009}\u{3000}ä„“–]{0,40}|(ab ?){0,30} {2,4}(c ?){0,20}",
            cuts in proptest::collection::vec((0usize..120, 0usize..120), 1..8),
        ) {
            let marks = WhitespaceMarks::find(&text);
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            for (a, b) in cuts {
                let (a, b) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
                let span = a.min(b)..a.max(b);
                // The reference: the standard library's Unicode whitespace splitting.
                let reference = text[span.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
                let by_marks = marks.collapse(&text, span.clone());
                let unchanged = reference == text[span.clone()];
                proptest::prop_assert_eq!(marks.is_collapsed(&text, span.clone()), unchanged, "{:?}", span);
                proptest::prop_assert_eq!(matches!(by_marks, Cow::Borrowed(_)), unchanged, "{:?}", span);
                proptest::prop_assert_eq!(by_marks, reference, "{:?}", span);
            }
        }
    }

    #[test]
    fn floor_char_boundary_steps_back_to_a_character_start() {
        let s = "aä„b"; // a: 0, ä: 1..3, „: 3..6, b: 6
        let floors: Vec<usize> = (0..=8).map(|i| floor_char_boundary(s, i)).collect();
        assert_eq!(floors, [0, 1, 1, 3, 3, 3, 6, 7, 7]);
    }

    proptest::proptest! {
        /// The eight-at-a-time run length equals the byte-by-byte one, from any start; the
        /// bytes include both ends of each range, their neighbours and non-ASCII bytes
        /// (0xC1, 0xDA, 0xFA and 0xB0 are range bytes with the top bit set).
        #[test]
        fn ascii_runs_are_measured_like_a_plain_scan(
            bytes in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'z', b'A', b'Z', b'0', b'9', b'_', b'`', b'{', b'@', b'[', b'/', b':', b'^',
                b' ', 0x7F, 0x80, 0xC1, 0xC3, 0xE1, 0xFF, 0xDA, 0xFA, 0xB0, b'm', b'm', b'm', b'm',
            ]), 0..40),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            for ranges in [ASCII_LETTERS, ASCII_ALPHANUMERICS, &[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9'), (b'_', b'_')]] {
                let inside = |b: &u8| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(b));
                let plain = bytes[from..].iter().position(|b| !inside(b)).unwrap_or(bytes.len() - from);
                proptest::prop_assert_eq!(ascii_run(&bytes, from, ranges), plain, "{:?}", ranges);
            }
        }
    }

    proptest::proptest! {
        /// Lower-casing eight bytes at once equals `to_ascii_lowercase` per byte; 0xC1 and
        /// 0xDA are capitals with the top bit set, which must stay as they are.
        #[test]
        fn words_lowercase_like_each_byte(bytes in proptest::array::uniform8(proptest::sample::select(vec![
            b'A', b'Z', b'@', b'[', b'a', b'z', b'`', b'{', 0xC1, 0xDA, 0xC3, 0x9C, 0x00, 0x7F, 0xFF, b'M',
        ]))) {
            let lowered = ascii_lowercase_word(u64::from_le_bytes(bytes)).to_le_bytes();
            proptest::prop_assert_eq!(lowered, bytes.map(|b| b.to_ascii_lowercase()));
        }
    }

    #[test]
    fn alphanumerics_are_the_standard_ones() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn latin1_lower_case_is_the_unicode_one() {
        for code in 0..0x100u32 {
            let c = char::from_u32(code).expect("Latin-1 is all valid");
            let unicode: Vec<char> = c.to_lowercase().collect();
            assert_eq!(latin1_lowercase(c).map(|l| vec![l]), Some(unicode), "U+{code:04X}");
        }
        assert_eq!(latin1_lowercase('Ā'), None);
    }

    #[test]
    fn lowercases_runs_of_ascii_and_other_characters() {
        let mut buf = String::from("old");
        for (s, want) in [
            ("", ""),
            ("Besatzungsmacht", "besatzungsmacht"),
            ("BESATZUNGSMÄCHTE", "besatzungsmächte"),
            ("Ärger", "ärger"),
            ("GROSSE Straße", "grosse straße"),
            ("ÀÞ×ÿ", "àþ×ÿ"),
            ("ΣΟΦΊΑ Ωμέγα", "σοφία ωμέγα"),
            ("İstanbul", "i\u{307}stanbul"),
            ("КИЕВ-Kyjiw", "киев-kyjiw"),
        ] {
            lowercase_into(s, &mut buf);
            assert_eq!(buf, want, "{s:?}");
        }
    }

    proptest::proptest! {
        /// Against the standard library, character by character (which is what the function
        /// promises: no final-sigma rule).
        #[test]
        fn lowercase_equals_the_per_character_mapping(s in "[a-zA-Z äöüÄÖÜßẞ×÷ÀÞ-ÿĀ-ſΣσΑ-ωА-яİ\u{300}]{0,30}") {
            let mut buf = String::new();
            lowercase_into(&s, &mut buf);
            let reference: String = s.chars().flat_map(char::to_lowercase).collect();
            proptest::prop_assert_eq!(buf, reference);
        }
    }

    #[test]
    fn counts_whitespace_tokens() {
        assert_eq!(count_tokens("Die Besatzer  zogen\nab."), 4);
    }
}
