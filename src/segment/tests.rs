//! One test per rule, each with the real example that motivated it.

use super::*;

fn de(text: &str) -> Vec<String> {
    sentences(Lang::De, text)
}

fn en(text: &str) -> Vec<String> {
    sentences(Lang::En, text)
}

fn sentences(lang: Lang, text: &str) -> Vec<String> {
    Segmenter::new(lang)
        .split(text)
        .into_iter()
        .map(|r| crate::text::collapse_whitespace(&text[r]).into_owned())
        .collect()
}

#[test]
fn splits_plain_sentences() {
    assert_eq!(
        de("Die Information steht auf Seite 12. Dort kannst du nachlesen."),
        ["Die Information steht auf Seite 12.", "Dort kannst du nachlesen."]
    );
}

#[test]
fn keeps_ordinals_before_months_and_nouns() {
    assert_eq!(
        de("Was sind die Konsequenzen der Abstimmung vom 12. Juni?"),
        ["Was sind die Konsequenzen der Abstimmung vom 12. Juni?"]
    );
    assert_eq!(
        de("Er kam am 25. November. Der 2. Weltkrieg war vorbei."),
        ["Er kam am 25. November.", "Der 2. Weltkrieg war vorbei."]
    );
    assert_eq!(
        de("Sie spielen in der 3. Liga. Im 3. Quartal stieg der Umsatz."),
        ["Sie spielen in der 3. Liga.", "Im 3. Quartal stieg der Umsatz."]
    );
    assert_eq!(de("Der 21. Jahrestag wurde gefeiert."), ["Der 21. Jahrestag wurde gefeiert."]);
}

#[test]
fn a_year_before_a_capitalised_word_ends_the_sentence() {
    assert_eq!(de("Er starb im Jahr 1990. Die Familie trauerte."), ["Er starb im Jahr 1990.", "Die Familie trauerte."]);
}

#[test]
fn numbered_list_items_keep_their_number() {
    assert_eq!(
        de("• 1. Planen Sie frühzeitig! \n• 2. Essen Sie gesund!"),
        ["• 1. Planen Sie frühzeitig!", "• 2. Essen Sie gesund!"]
    );
}

#[test]
fn keeps_german_abbreviations() {
    assert_eq!(
        de("Es gibt jedoch einige Vorsichtsmaßnahmen, die Du ergreifen kannst, z. B. ist es sehr empfehlenswert."),
        ["Es gibt jedoch einige Vorsichtsmaßnahmen, die Du ergreifen kannst, z. B. ist es sehr empfehlenswert."]
    );
    assert_eq!(
        de("Dr. Müller und Prof. Schmidt kamen. Sie sprachen ca. 3 Std. lang."),
        ["Dr. Müller und Prof. Schmidt kamen.", "Sie sprachen ca. 3 Std. lang."]
    );
    assert_eq!(
        de("Das kostet 3 Mio. Euro, vgl. Abs. 2 bzw. Nr. 4."),
        ["Das kostet 3 Mio. Euro, vgl. Abs. 2 bzw. Nr. 4."]
    );
    assert_eq!(de("Vgl. Kapitel 3. Dort steht es."), ["Vgl. Kapitel 3.", "Dort steht es."]);
}

#[test]
fn usw_ends_a_sentence_only_before_a_sentence_opener() {
    assert_eq!(
        de("Er kaufte Äpfel, Birnen usw. Danach ging er heim."),
        ["Er kaufte Äpfel, Birnen usw.", "Danach ging er heim."]
    );
    assert_eq!(de("Äpfel, Birnen usw. Obst ist gesund."), ["Äpfel, Birnen usw. Obst ist gesund."]);
}

#[test]
fn keeps_initials() {
    assert_eq!(
        de("J. R. R. Tolkien schrieb es. Angela M. sagte nichts."),
        ["J. R. R. Tolkien schrieb es.", "Angela M. sagte nichts."]
    );
}

#[test]
fn keeps_decimals_times_dates_urls_and_mail() {
    assert_eq!(
        de("Es sind 3,5 Prozent. Um 14.30 Uhr am 25.11.2020 kam er."),
        ["Es sind 3,5 Prozent.", "Um 14.30 Uhr am 25.11.2020 kam er."]
    );
    assert_eq!(
        de("Siehe www.taz.de und https://x.org/a.b oder info@zeit.de. Danke."),
        ["Siehe www.taz.de und https://x.org/a.b oder info@zeit.de.", "Danke."]
    );
}

#[test]
fn ellipsis_decides_by_the_next_word() {
    assert_eq!(de("Er sagte … und ging. Und dann... kam er."), ["Er sagte … und ging.", "Und dann... kam er."]);
    assert_eq!(de("Und dann... Nichts mehr."), ["Und dann...", "Nichts mehr."]);
}

#[test]
fn closing_quotes_and_brackets_stay_with_the_sentence() {
    assert_eq!(de("Er hat ihn nie „betreten“. Dann ging er."), ["Er hat ihn nie „betreten“.", "Dann ging er."]);
    assert_eq!(de("Er hat ihn nie „betreten.“ Dann ging er."), ["Er hat ihn nie „betreten.“", "Dann ging er."]);
    assert_eq!(
        de("Es war kalt. (So der Sprecher.) Dann ging er."),
        ["Es war kalt.", "(So der Sprecher.)", "Dann ging er."]
    );
}

#[test]
fn quoted_speech_golden_rule() {
    assert_eq!(
        de("„Ich habe heute keine Zeit“, sagte die Frau und flüsterte leise: „Und auch keine Lust.“ Wir haben 1.000.000 Euro."),
        [
            "„Ich habe heute keine Zeit“, sagte die Frau und flüsterte leise: „Und auch keine Lust.“",
            "Wir haben 1.000.000 Euro."
        ]
    );
}

#[test]
fn blank_lines_and_headlines() {
    assert_eq!(
        de("Neue Regeln für Radler\n\nDie Stadt plant\nneue Wege. Sie kosten Geld."),
        ["Neue Regeln für Radler", "Die Stadt plant neue Wege.", "Sie kosten Geld."]
    );
    assert_eq!(de("# Verkehr\nDie Stadt plant neue Wege."), ["# Verkehr", "Die Stadt plant neue Wege."]);
}

#[test]
fn english_abbreviations_and_numbers() {
    assert_eq!(
        en("Mr. Smith and Mrs. Jones met Dr. Brown. They talked."),
        ["Mr. Smith and Mrs. Jones met Dr. Brown.", "They talked."]
    );
    assert_eq!(
        en("He lives in the U.S. He works at No. 5 Main St. at 5 p.m. every day."),
        ["He lives in the U.S.", "He works at No. 5 Main St. at 5 p.m. every day."]
    );
    assert_eq!(
        en("The rate rose 3.5 percent, e.g. in March. The U.S. Army agreed."),
        ["The rate rose 3.5 percent, e.g. in March.", "The U.S. Army agreed."]
    );
    assert_eq!(en("He was born on the 5. They came later."), ["He was born on the 5.", "They came later."]);
}

#[test]
fn no_punctuation_is_one_sentence() {
    assert_eq!(de("  kein Satzende hier  "), ["kein Satzende hier"]);
    assert!(de("   \n\n  ").is_empty());
}
