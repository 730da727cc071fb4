//! Small text helpers shared by several stages.

use std::borrow::Cow;

/// Collapses every run of Unicode whitespace (line breaks included) to one ASCII space
/// and trims both ends. Borrows when nothing changes, which is the common case.
pub fn collapse_whitespace(s: &str) -> Cow<'_, str> {
    let trimmed = s.trim();
    let needs_work = trimmed.len() != s.len() || {
        let mut prev_space = false;
        trimmed.chars().any(|c| {
            let bad = c.is_whitespace() && (c != ' ' || prev_space);
            prev_space = c.is_whitespace();
            bad
        })
    };
    if !needs_work {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut in_space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    Cow::Owned(out)
}

/// Number of whitespace-separated tokens, the unit of `n_tokens` in the reports.
pub fn count_tokens(s: &str) -> usize {
    s.split_whitespace().count()
}

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
    fn counts_whitespace_tokens() {
        assert_eq!(count_tokens("Die Besatzer  zogen\nab."), 4);
    }
}
