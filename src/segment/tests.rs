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
fn runs_of_short_lines_are_lists() {
    assert_eq!(
        en("topics\nclimate policy\nenergy prices\nhousing, rents\n"),
        ["topics", "climate policy", "energy prices", "housing, rents"]
    );
    assert_eq!(
        de("Übung Perfekt\n1. Wir ___ nach Hause gegangen.\nsind\nhaben\nist\n2. Er ___ das Buch gelesen."),
        ["Übung Perfekt", "1. Wir ___ nach Hause gegangen.", "sind", "haben", "ist", "2. Er ___ das Buch gelesen."]
    );
    // Wrapped prose in a narrow column is no list.
    assert_eq!(
        de("Die Regierung will\nSteuern erhöhen und\nAusgaben senken."),
        ["Die Regierung will Steuern erhöhen und Ausgaben senken."]
    );
    assert_eq!(en("Prices rose\nsharply."), ["Prices rose sharply."]);
}

#[test]
fn separator_lines_and_a_colon_at_the_end_of_a_line() {
    assert_eq!(
        en("Here is the statement :\nThe minister resigned today.\n***\nThen came the questions."),
        ["Here is the statement :", "The minister resigned today.", "***", "Then came the questions."]
    );
    // A quotation stays with its attribution.
    assert_eq!(de("Dr. Weber sagte:\n„Wir sind vorbereitet.“"), ["Dr. Weber sagte: „Wir sind vorbereitet.“"]);
}

#[test]
fn english_title_lines() {
    assert_eq!(
        en("Community Garden Award\n(Bronze Plaque - Photo To Follow)\nThe jury will visit every garden in May."),
        ["Community Garden Award", "(Bronze Plaque - Photo To Follow)", "The jury will visit every garden in May."]
    );
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
fn quantifiers_and_conjunctions_open_sentences_after_abbreviations() {
    assert_eq!(
        en("The tour ended in the U.S. Thousands came to every show. Sales rose at Acme Inc. Although costs grew."),
        [
            "The tour ended in the U.S.",
            "Thousands came to every show.",
            "Sales rose at Acme Inc.",
            "Although costs grew."
        ]
    );
}

#[test]
fn no_punctuation_is_one_sentence() {
    assert_eq!(de("  kein Satzende hier  "), ["kein Satzende hier"]);
    assert!(de("   \n\n  ").is_empty());
}

#[test]
fn titles_degrees_and_hyphenated_abbreviations() {
    assert_eq!(de("Wir trafen Dr. med. Meyer in der Stadt."), ["Wir trafen Dr. med. Meyer in der Stadt."]);
    assert_eq!(
        de("Informationen bei Walter Haury, Doninikus-Zimmermann-Str. 9, 88299 Leutkirch."),
        ["Informationen bei Walter Haury, Doninikus-Zimmermann-Str. 9, 88299 Leutkirch."]
    );
    assert_eq!(
        de("Sie trafen sich im Hl. Cäcilien-Konservatorium."),
        ["Sie trafen sich im Hl. Cäcilien-Konservatorium."]
    );
}

#[test]
fn ordinal_before_compound_nouns_roman_numerals_and_ranges() {
    assert_eq!(
        de("Ihr traditionell begangenes 60. Jubiläumsjahr war 1992."),
        ["Ihr traditionell begangenes 60. Jubiläumsjahr war 1992."]
    );
    assert_eq!(de("Auf drei Schiffen des III. Geschwaders"), ["Auf drei Schiffen des III. Geschwaders"]);
    assert_eq!(
        de("Tongefäße aus dem 1. -3. Jahrhundert nach Christus."),
        ["Tongefäße aus dem 1. -3. Jahrhundert nach Christus."]
    );
}

#[test]
fn usw_before_a_question_word() {
    assert_eq!(
        de("Wir könnten wandern, schwimmen, Fahrrad fahren, usw. Worauf hättest du denn Lust?"),
        ["Wir könnten wandern, schwimmen, Fahrrad fahren, usw.", "Worauf hättest du denn Lust?"]
    );
}

#[test]
fn footnotes_and_emoji_stay_with_their_sentence() {
    assert_eq!(
        de("Die Nominierungen müssen erfolgen.[6] Es gilt das Datum des Poststempels."),
        ["Die Nominierungen müssen erfolgen.[6]", "Es gilt das Datum des Poststempels."]
    );
    assert_eq!(
        en("Kahneman popularised it (type 2).10 This model relates to doctors."),
        ["Kahneman popularised it (type 2).10", "This model relates to doctors."]
    );
    assert_eq!(de("Großartig! 👍🥰 Weiter so!"), ["Großartig! 👍🥰", "Weiter so!"]);
}

#[test]
fn bullet_lines_and_list_items() {
    assert_eq!(
        de("• einige Sorten Weichkäse\n• rohes oder nicht ganz durchgebratenes Fleisch"),
        ["• einige Sorten Weichkäse", "• rohes oder nicht ganz durchgebratenes Fleisch"]
    );
    assert_eq!(en("1.) The first item 2.) The second item"), ["1.) The first item", "2.) The second item"]);
    assert_eq!(
        en("a) The first item b) The second item c) The third list item"),
        ["a) The first item", "b) The second item", "c) The third list item"]
    );
    assert_eq!(en("• 9. The first item • 10. The second item"), ["• 9. The first item", "• 10. The second item"]);
    assert_eq!(en("1. This goes first. 2. And here thereafter."), ["1. This goes first.", "2. And here thereafter."]);
    assert_eq!(en("I. This goes first. II. And here thereafter."), ["I. This goes first.", "II. And here thereafter."]);
    // Lower-case letter items inline, the last one ended by the line break.
    assert_eq!(
        en("Bring three things. a. a tent b. a map c. some water\nThe bus leaves at noon."),
        ["Bring three things.", "a. a tent", "b. a map", "c. some water", "The bus leaves at noon."]
    );
    // German "1. FC Köln … 2. Liga" is no list.
    assert_eq!(de("1. FC Köln spielt in der 2. Liga."), ["1. FC Köln spielt in der 2. Liga."]);
}

#[test]
fn spaced_ellipses_are_one_mark() {
    assert_eq!(
        en("Indicate the end of the sentence with a period . . . . Next sentence."),
        ["Indicate the end of the sentence with a period . . . .", "Next sentence."]
    );
    assert_eq!(
        en("It was weakened . . . was that of combining words."),
        ["It was weakened . . . was that of combining words."]
    );
}

#[test]
fn typeset_omissions_three_periods_inside_four_at_the_end() {
    // Three spaced periods mark an omission inside the sentence, even before "I".
    assert_eq!(en("She paused . . . I waited for her."), ["She paused . . . I waited for her."]);
    // A period glued to the word, then an omission: the omission opens the next sentence.
    assert_eq!(
        en("The report was short. . . . Nobody read it. . . ."),
        ["The report was short.", ". . . Nobody read it. . . ."]
    );
}

#[test]
fn english_single_letters_time_suffixes_and_numbers() {
    assert_eq!(
        en("We make a good team, you and I. Did you see Albert I. Jones yesterday?"),
        ["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"]
    );
    assert_eq!(
        en("He left at 6 P.M. Travelers who didn't get the warning at 5 P.M. left later."),
        ["He left at 6 P.M.", "Travelers who didn't get the warning at 5 P.M. left later."]
    );
    assert_eq!(
        en("I will be paid Rs. 16720 in total. This is no. A13 here."),
        ["I will be paid Rs. 16720 in total.", "This is no. A13 here."]
    );
    assert_eq!(
        en("The symbol for minute or minutes is min. The fact that an hour has 60 minutes."),
        ["The symbol for minute or minutes is min.", "The fact that an hour has 60 minutes."]
    );
    assert_eq!(
        en("They closed the deal with Pitt, Briggs & Co. (“Company A”) at noon."),
        ["They closed the deal with Pitt, Briggs & Co. (“Company A”) at noon."]
    );
}

#[test]
fn middle_initials_are_not_page_abbreviations() {
    // "p. 12" is a page, but an upper-case single letter is an initial.
    assert_eq!(
        en("The analyst Colin P. Clarke said the group was weak. See p. 12 for more."),
        ["The analyst Colin P. Clarke said the group was weak.", "See p. 12 for more."]
    );
}

#[test]
fn clock_times_before_weekdays_zones_and_at_the_sentence_start() {
    assert_eq!(
        en("The council votes at 6 p.m. Friday in the town hall. Polls close at 8 p.m. Eastern on Tuesday."),
        ["The council votes at 6 p.m. Friday in the town hall.", "Polls close at 8 p.m. Eastern on Tuesday."]
    );
    assert_eq!(
        en("At 7 a.m. Mrs. Jones opened the shop. She closed it at 9 P.M. Mr. Jones counted the money."),
        ["At 7 a.m. Mrs. Jones opened the shop.", "She closed it at 9 P.M.", "Mr. Jones counted the money."]
    );
}

#[test]
fn a_bullet_glued_to_the_item_number() {
    assert_eq!(en("⁃3. Pack the tent ⁃4. Check the map"), ["⁃3. Pack the tent", "⁃4. Check the map"]);
}

#[test]
fn no_sentence_opens_with_a_comma_or_a_closing_bracket() {
    // Elided index lists in mathematical prose: "{x 1 , . . . , x n }".
    assert_eq!(
        en("Let Y = {y 1 , . . . , y m } be the set of nodes. It is finite."),
        ["Let Y = {y 1 , . . . , y m } be the set of nodes.", "It is finite."]
    );
}

#[test]
fn several_footnote_numbers_after_a_sentence() {
    assert_eq!(
        en("Patients often expect antibiotics for a cold.4 5 Doctors rarely agree."),
        ["Patients often expect antibiotics for a cold.4 5", "Doctors rarely agree."]
    );
    // Not ascending: the second number opens the next sentence.
    assert_eq!(
        en("The trial was abandoned.7 3 people had withdrawn."),
        ["The trial was abandoned.7", "3 people had withdrawn."]
    );
}

#[test]
fn speech_broken_off_with_a_dash() {
    assert_eq!(
        en("\"If you would only listen--\" The door slammed behind her. \"Wait--\" he said."),
        ["\"If you would only listen--\"", "The door slammed behind her.", "\"Wait--\" he said."]
    );
    assert_eq!(de("„Ich wollte nur—“ Dann fiel die Tür zu."), ["„Ich wollte nur—“", "Dann fiel die Tür zu."]);
    assert_eq!(de("„Die Bahn—“ Streiks trafen sie oft."), ["„Die Bahn—“ Streiks trafen sie oft."]);
}

#[test]
fn names_written_with_an_exclamation_mark() {
    assert_eq!(
        en("The study ran at Yahoo! Labs in 2008. She later left Yahoo! It was time."),
        ["The study ran at Yahoo! Labs in 2008.", "She later left Yahoo!", "It was time."]
    );
}

#[test]
fn a_bracketed_number_before_lower_case_is_no_list_item() {
    assert_eq!(en("This is xyzw. (45) in there. Ok."), ["This is xyzw. (45) in there.", "Ok."]);
}

#[test]
fn punctuation_inside_square_brackets() {
    assert_eq!(en("[3:  10:15]  [4:  ready? 10:20] Go on."), ["[3: 10:15] [4: ready? 10:20] Go on."]);
}

#[test]
fn full_width_marks_end_sentences_without_a_space() {
    assert_eq!(
        en("The plant closed．Workers were told on Monday！Who decided？ It cost ３．５ million．"),
        ["The plant closed．", "Workers were told on Monday！", "Who decided？", "It cost ３．５ million．"]
    );
}

#[test]
fn dashes_after_exclamations() {
    assert_eq!(
        en("Mix it, put it in the oven, and -- voila! -- you have cake."),
        ["Mix it, put it in the oven, and -- voila! -- you have cake."]
    );
    assert_eq!(
        en("What do you see? - Posted like silent sentinels, stand men."),
        ["What do you see?", "- Posted like silent sentinels, stand men."]
    );
}

#[test]
fn short_parentheses_stay_whole() {
    assert_eq!(
        en("(Oh. Again!) Syntok even handles bible quotes!"),
        ["(Oh. Again!)", "Syntok even handles bible quotes!"]
    );
    assert_eq!(
        en("This is (Proc. ABC with Abs. Reg. Compliance) not here."),
        ["This is (Proc. ABC with Abs. Reg. Compliance) not here."]
    );
}

#[test]
fn a_bracketed_remark_between_sentences_stands_alone() {
    assert_eq!(
        en("Is that in the psalms? (Ps. 23:4) Yes, it is."),
        ["Is that in the psalms?", "(Ps. 23:4)", "Yes, it is."]
    );
    // Enumerators and bracketed numbers open their sentence.
    assert_eq!(en("What now? (B) Second steps here."), ["What now?", "(B) Second steps here."]);
    assert_eq!(
        en("It was upheld on appeal. (2004) This ruling stands."),
        ["It was upheld on appeal.", "(2004) This ruling stands."]
    );
}

#[test]
fn brackets_holding_two_full_sentences_are_split() {
    assert_eq!(
        en("The vote passed. (Two members of the board abstained. Both had declared an interest.)"),
        ["The vote passed.", "(Two members of the board abstained.", "Both had declared an interest.)"]
    );
}

#[test]
fn glued_sentences_split_but_domains_do_not() {
    assert_eq!(
        en("Hello world.Today is Tuesday.Mr. Smith went to the store and bought 1,000.That is a lot."),
        ["Hello world.", "Today is Tuesday.", "Mr. Smith went to the store and bought 1,000.", "That is a lot."]
    );
    assert_eq!(de("Mehr auf www.Spiegel.de und im Heft."), ["Mehr auf www.Spiegel.de und im Heft."]);
}

#[test]
fn glued_word_longer_than_a_token_with_an_umlaut_at_the_cut_does_not_panic() {
    // The word after "welt." is 64 bytes up to the middle of "ü" (bytes 63..65): the look at
    // the glued word must stop at a character boundary. It is capitalised and plain, so the
    // sentence ends at the period, as in "world.Today".
    let word = format!("A{}ürde", "b".repeat(62));
    let text = format!("Die welt.{word} kam.");
    assert_eq!(de(&text), ["Die welt.".to_string(), format!("{word} kam.")]);
}

#[test]
fn english_quoted_speech_stays_whole() {
    assert_eq!(
        en("\"Dinah'll miss me very much to-night, I should think!\" (Dinah was the cat.) \"I hope they'll remember her saucer of milk at tea-time. Dinah, my dear, I wish you were down here with me!\""),
        [
            "\"Dinah'll miss me very much to-night, I should think!\"",
            "(Dinah was the cat.)",
            "\"I hope they'll remember her saucer of milk at tea-time. Dinah, my dear, I wish you were down here with me!\""
        ]
    );
    // An unclosed quote does not swallow the paragraph.
    assert_eq!(en("He said \"wait. Then it rained."), ["He said \"wait.", "Then it rained."]);
}

#[test]
fn english_single_quoted_passages_stay_whole() {
    assert_eq!(
        en("'Careful!' said the guide, 'the path is steep here! Nobody runs. Keep to the rope!' Then we climbed."),
        ["'Careful!' said the guide, 'the path is steep here! Nobody runs. Keep to the rope!'", "Then we climbed."]
    );
    assert_eq!(
        en("The chronicle says ‘the bridge fell in the monk’s garden. It was rebuilt in stone’ (Smith 2004). Later reports differ."),
        ["The chronicle says ‘the bridge fell in the monk’s garden. It was rebuilt in stone’ (Smith 2004).", "Later reports differ."]
    );
    // Apostrophes are no quotation marks.
    assert_eq!(
        en("They'll come. The players' union agreed. It's over."),
        ["They'll come.", "The players' union agreed.", "It's over."]
    );
}

#[test]
fn a_bracketed_relative_clause_comments_on_the_sentence_before() {
    assert_eq!(
        en("'I shall never fall again!' she cried. (Which was hardly likely.) Then she slept."),
        ["'I shall never fall again!' she cried. (Which was hardly likely.)", "Then she slept."]
    );
    assert_eq!(
        en("There were two doors. (Which one was locked?) Nobody knew."),
        ["There were two doors.", "(Which one was locked?)", "Nobody knew."]
    );
}

#[test]
fn segmenter_is_shared_across_threads() {
    // The pipeline shares one Segmenter across rayon workers; this fails to compile otherwise.
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Segmenter>();
    let seg = Segmenter::new(Lang::De);
    let spans = std::thread::scope(|s| s.spawn(|| seg.split("Es regnet. Dann schien die Sonne.")).join());
    assert_eq!(spans.ok(), Some(vec![0..10, 11..33]));
}

#[test]
fn german_quoted_speech_stays_whole() {
    assert_eq!(
        de("„Mehr Menschen nehmen Kredite auf … Während das Leihen gerade leicht zu bewältigen sein mag, könnte eine plötzliche Änderung der Umstände zu Schuldenproblemen führen.“ Dann ging er."),
        [
            "„Mehr Menschen nehmen Kredite auf … Während das Leihen gerade leicht zu bewältigen sein mag, könnte eine plötzliche Änderung der Umstände zu Schuldenproblemen führen.“",
            "Dann ging er."
        ]
    );
}

// ---- fast paths against their naive references --------------------------------------------

mod naive {
    //! The straightforward versions of rules that the segmenter now computes faster; the
    //! properties below check that both agree on random German-ish text.

    use crate::Lang;

    /// `enclosures::inside_double_quotes` as first written: re-scans the sentence prefix for
    /// quotation marks at every candidate.
    pub fn inside_double_quotes(
        text: &str,
        sent_start: usize,
        at: usize,
        punct_end: usize,
        boundary: usize,
        lang: Lang,
    ) -> bool {
        if at - sent_start > 400 {
            return false;
        }
        let (open_mark, close_mark) = match lang {
            Lang::En => ('“', '”'),
            Lang::De => ('„', '“'),
        };
        let before = &text[sent_start..at];
        let has_straight = before.as_bytes().contains(&b'"');
        if !has_straight && !before.contains(open_mark) {
            return false;
        }
        let straight = if has_straight { before.bytes().filter(|&b| b == b'"').count() } else { 0 };
        let curly_open = before.matches(open_mark).count();
        let curly_close = before.matches(close_mark).count();
        let closing_here = &text[punct_end..boundary];
        if closing_here.contains(['"', close_mark]) {
            return false;
        }
        let open_straight = straight % 2 == 1;
        let open_curly = curly_open > curly_close;
        if !open_straight && !open_curly {
            return false;
        }
        let mut end = (boundary + 400).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let ahead = &text[boundary..end];
        let close = ahead.find(|c| (open_straight && c == '"') || (open_curly && c == close_mark));
        close.is_some_and(|i| !ahead[..i].contains("\n\n"))
    }
    /// `enclosures::inside_short_parens` as first written: looks for `(` in the 150 bytes before
    /// every candidate.
    pub fn inside_short_parens(text: &str, sent_start: usize, at: usize, punct_end: usize, boundary: usize) -> bool {
        let bytes = text.as_bytes();
        let floor = sent_start.max(at.saturating_sub(150));
        if !bytes[floor..at].contains(&b'(') {
            return false;
        }
        let (mut depth, mut open) = (0usize, 0usize);
        for &b in bytes[floor..at].iter().rev() {
            match b {
                b')' => depth += 1,
                b'(' if depth == 0 => open += 1,
                b'(' => depth -= 1,
                _ => {}
            }
        }
        let closed_here = bytes[punct_end..boundary].iter().filter(|&&b| b == b')').count();
        if open <= closed_here {
            return false;
        }
        let mut need = open - closed_here;
        let mut nested = 0usize;
        for &b in &bytes[boundary..(boundary + 150).min(text.len())] {
            match b {
                b'(' => nested += 1,
                b')' if nested > 0 => nested -= 1,
                b')' => {
                    need -= 1;
                    if need == 0 {
                        return true;
                    }
                }
                b'\n' => return false,
                _ => {}
            }
        }
        false
    }

    /// The start of the token before a period as `rules::token_before` first found it: by
    /// characters, backwards from `end` to `floor`.
    pub fn token_start(text: &str, floor: usize, end: usize) -> usize {
        let mut start = end;
        for (i, c) in text[floor..end].char_indices().rev() {
            if c.is_whitespace() {
                break;
            }
            start = floor + i;
        }
        start
    }

    /// The first character and word of `rules::next_word` as first written: by characters,
    /// after openers and a leading dash.
    pub fn next_word(text: &str, at: usize) -> (char, &str) {
        let rest = &text[at..];
        let mut word_start = rest.len();
        let mut first = ' ';
        let mut dashed = false;
        for (i, c) in rest.char_indices() {
            if super::rules::is_opener(c) || (dashed && c == ' ') {
                continue;
            }
            if matches!(c, '-' | '–' | '—') && i < 8 {
                dashed = true;
                continue;
            }
            first = c;
            word_start = i;
            break;
        }
        let tail = &rest[word_start..];
        let word_len = tail.char_indices().find(|&(_, c)| !c.is_alphabetic()).map_or(tail.len(), |(i, _)| i);
        (first, &tail[..word_len])
    }

    /// `skip_space` as first written: by characters, counting line breaks.
    pub fn skip_space(text: &str, at: usize) -> (usize, usize) {
        let mut newlines = 0;
        for (i, c) in text[at..].char_indices() {
            if c == '\n' {
                newlines += 1;
            } else if !c.is_whitespace() {
                return (at + i, newlines);
            }
        }
        (text.len(), newlines)
    }

    /// The first offset from `at` whose character `keep` rejects, by characters.
    pub fn skip_while(text: &str, at: usize, keep: impl Fn(char) -> bool) -> usize {
        text[at..].char_indices().find(|&(_, c)| !keep(c)).map_or(text.len(), |(i, _)| at + i)
    }

    /// `lists::is_list_marker` as first written: reads the enumerator by characters.
    pub fn is_list_marker(s: &str) -> bool {
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
        let mut core_len = body.len();
        for (n, (i, c)) in body.char_indices().enumerate() {
            if !c.is_alphanumeric() {
                core_len = i;
                break;
            }
            if n == 5 {
                return false;
            }
        }
        let core = &body[..core_len];
        let is_number = (1..=3).contains(&core.len()) && core.bytes().all(|b| b.is_ascii_digit());
        let is_letter = core.chars().count() == 1 && core.chars().all(char::is_alphabetic);
        let is_roman = (1..=5).contains(&core.len())
            && (core.bytes().all(|b| b"IVXLCDM".contains(&b)) || core.bytes().all(|b| b"ivxlcdm".contains(&b)));
        if !(is_number || is_letter || is_roman) {
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

    /// `NextWord::has_digit` as first written: a digit in the first 64 bytes of the first
    /// whitespace-separated token.
    pub fn has_digit(rest: &str) -> bool {
        let token_len = rest.find(char::is_whitespace).unwrap_or(rest.len()).min(64);
        rest.as_bytes()[..token_len].iter().any(u8::is_ascii_digit)
    }
}

/// Random text built from words, numbers, abbreviations, list markers, quotation marks,
/// brackets, terminal punctuation and all kinds of whitespace.
fn german_ish() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let part = prop_oneof![
        4 => "[a-zA-ZäöüÄÖÜß]{1,9}",
        1 => "[a-zäöü]{60,70}",
        1 => "[0-9]{1,4}",
        4 => proptest::sample::select(vec![
            ".", ".", "!", "?", "…", "...", ". . .", ",", ":", "„", "“", "”", "\"", "\"", "'", "‚", "‘", "»", "«",
            "(", ")", "[", "]", "[1]", "\n", "\n\n", "\t", "\u{a0}", "\u{2009}", "# ", "👍", "-", "–", "•", "*",
            "1.", "1.)", "2)", "a)", "b.", "(iv)", "II.", "z. B.", "z.B.", "Dr.", "usw.", "Nr.", "U.S.", "Mio.",
            "J.", "3.", "21.", "25.11.", "1990.", "November", "Liga", "Quartal", "der", "Der", "im", "Die", "The",
            "Und", "He", "A13", "www.taz.de", "(a)", "[z]", "iii.", "Ä.", "ǅ)", "Ⅻ.", "٣)", "\u{2028}", "\u{85}", "\u{3000}",
            "\u{1680}", "\u{b}", "\u{202f}", "—", "◦", "‣", "👍\u{FE0F}", "😀\u{200D}😀", "☀", "»", "›", "’", "}",
        ])
        .prop_map(str::to_string),
    ];
    let sep = proptest::sample::select(vec![" ", " ", " ", "", "\n"]);
    proptest::collection::vec((part, sep), 0..120)
        .prop_map(|parts| parts.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    #[test]
    fn bracket_and_quote_tracking_equals_the_prefix_rescan(
        text in german_ish(),
        moves in proptest::collection::vec(0usize..4, 64),
    ) {
        // Visit the candidates in text order, as the scanner does, starting a new sentence
        // after some of them.
        for lang in [Lang::De, Lang::En] {
            let mut marks = enclosures::Marks::new(lang);
            let mut sent_start = 0;
            let candidates: Vec<usize> = text
                .char_indices()
                .filter(|&(_, c)| matches!(c, '.' | '!' | '?' | '…'))
                .map(|(i, _)| i)
                .collect();
            let mut noted_to = 0;
            for (n, &at) in candidates.iter().enumerate() {
                // The scanner notes every mark before a candidate as it passes it.
                marks.pass(text.as_bytes(), noted_to, at);
                noted_to = at;
                let punct_end = at + text[at..].chars().next().map_or(1, char::len_utf8);
                let boundary = skip_closers(&text, punct_end);
                let fast = enclosures::inside_short_parens(&text, sent_start, at, punct_end, boundary, &mut marks);
                let slow = naive::inside_short_parens(&text, sent_start, at, punct_end, boundary);
                proptest::prop_assert_eq!(fast, slow, "parens at {} from {} in {:?}", at, sent_start, text);
                let fast = enclosures::inside_double_quotes(&text, sent_start, at, punct_end, boundary, &mut marks);
                let slow = naive::inside_double_quotes(&text, sent_start, at, punct_end, boundary, lang);
                proptest::prop_assert_eq!(fast, slow, "at {} from {} in {:?}", at, sent_start, text);
                // Single quotes counted on from the last candidate, and afresh.
                let fast = enclosures::inside_single_quotes(&text, lang, sent_start, at, punct_end, boundary, &mut marks);
                let mut fresh = enclosures::Marks::new(lang);
                let slow = enclosures::inside_single_quotes(&text, lang, sent_start, at, punct_end, boundary, &mut fresh);
                proptest::prop_assert_eq!(fast, slow, "single at {} from {} in {:?}", at, sent_start, text);
                if moves[n % moves.len()] == 0 {
                    sent_start = boundary;
                }
            }
        }
    }

    #[test]
    fn next_words_list_markers_and_digits_read_fast_as_by_characters(text in german_ish()) {
        for (i, _) in text.char_indices() {
            let rest = &text[i..];
            proptest::prop_assert_eq!(lists::is_list_marker(rest), naive::is_list_marker(rest), "{:?}", rest);
            let next = rules::next_word(&text, i);
            proptest::prop_assert_eq!((next.first, next.word), naive::next_word(&text, i), "{:?}", rest);
            proptest::prop_assert_eq!(next.has_digit(), naive::has_digit(rest), "{:?}", rest);
        }
    }

    #[test]
    fn token_start_by_bytes_equals_by_characters(text in german_ish()) {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        for (k, &end) in bounds.iter().enumerate() {
            for &floor in &bounds[k.saturating_sub(20)..=k] {
                proptest::prop_assert_eq!(
                    rules::token_start(&text, floor, end),
                    naive::token_start(&text, floor, end),
                    "{:?} {}..{}", text, floor, end
                );
            }
        }
    }

    #[test]
    fn skipping_by_bytes_equals_skipping_by_characters(text in german_ish()) {
        for (i, _) in text.char_indices() {
            proptest::prop_assert_eq!(skip_space(&text, i), naive::skip_space(&text, i));
            let inline = |c: char| c != '\n' && c.is_whitespace();
            proptest::prop_assert_eq!(skip_inline_space(&text, i), naive::skip_while(&text, i, inline));
            proptest::prop_assert_eq!(skip_closers(&text, i), naive::skip_while(&text, i, rules::is_closer));
            let emoji = |c: char| is_emoji(c) || matches!(c, '\u{200D}' | '\u{FE0F}');
            proptest::prop_assert_eq!(skip_emoji(&text, i), naive::skip_while(&text, i, emoji));
        }
    }
}

proptest::proptest! {
    /// The eight-bytes-at-a-time search finds what a byte-by-byte scan finds, from any start;
    /// the bytes include the needles, their neighbours and the ones a borrow runs through.
    #[test]
    fn interesting_bytes_are_found_like_a_plain_scan(
        bytes in proptest::collection::vec(proptest::sample::select(vec![
            b'\n', b'.', b'!', b'?', 0xE2, b'(', b'"', 0xEF, 0x00, 0x01, 0x09, 0x0B, 0x20, 0x21 ^ 0x80,
            0x2D, 0x2F, 0x3E, 0x6F, 0x7F, 0x80, 0xC0, 0xDF, 0xE0, 0xE1, 0xE3, 0xEE, 0xF0, 0xF7, 0xFF,
            0x70, 0x60, b'#', b'$', 0x03, 0x1F, 0x20, b'a', b'a', b'a', b'a', b'a', b'a',
        ]), 0..80),
        from in 0usize..80,
    ) {
        let from = from.min(bytes.len());
        let interesting = |b: &u8| b"\n.!?(\"#".contains(b) || (0xE0..=0xEF).contains(b);
        let plain = bytes[from..].iter().position(interesting).map_or(bytes.len(), |p| from + p);
        proptest::prop_assert_eq!(super::next_interesting(&bytes, from), plain);
    }
}
