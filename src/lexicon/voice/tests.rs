//! One test per attribution rule, with an invented sentence that motivates it (none is taken
//! from an annotated data set).

use super::*;

/// The voice and speaker of `term` (its first occurrence, or the `nth`) in `text`, read as one
/// sentence.
fn who(text: &str, term: &str) -> (Voice, Option<String>) {
    who_nth(text, term, 0)
}

fn who_nth(text: &str, term: &str, nth: usize) -> (Voice, Option<String>) {
    let quotes = Quotations::find(text);
    let ctx = Context::whole(text, &quotes, Lang::De);
    attributed(&ctx, term, nth)
}

fn attributed(ctx: &Context, term: &str, nth: usize) -> (Voice, Option<String>) {
    let start = ctx.text.match_indices(term).nth(nth).unwrap_or_else(|| panic!("{term} in {:?}", ctx.text)).0;
    let a = ctx.attribute(start..start + term.len());
    (a.voice, a.speaker.map(|r| ctx.text[r].to_string()))
}

/// `term` in the second of two sentences (the first is the sentence before).
fn who_after(first: &str, second: &str, term: &str) -> (Voice, Option<String>) {
    let text = format!("{first} {second}");
    let quotes = Quotations::find(&text);
    let ctx = Context::new(&text, &quotes, first.len() + 1..text.len(), Some(0..first.len()), Lang::De);
    let start = first.len() + 1 + second.find(term).unwrap_or_else(|| panic!("{term}"));
    let a = ctx.attribute(start..start + term.len());
    (a.voice, a.speaker.map(|r| text[r].to_string()))
}

fn en(text: &str, term: &str) -> (Voice, Option<String>) {
    let quotes = Quotations::find(text);
    let ctx = Context::whole(text, &quotes, Lang::En);
    attributed(&ctx, term, 0)
}

fn named(voice: Voice, speaker: &str) -> (Voice, Option<String>) {
    (voice, Some(speaker.to_string()))
}

const AUTHORIAL: (Voice, Option<String>) = (Voice::Authorial, None);
const SCARE: (Voice, Option<String>) = (Voice::ScareQuote, None);

// ---- quoted ------------------------------------------------------------------------------

#[test]
fn direct_speech_takes_the_speaker_after_it() {
    let s = "„Wir werden die Stadt niemals den Besatzern überlassen“, sagte der Bürgermeister.";
    assert_eq!(who(s, "Besatzern"), named(Voice::Quoted, "der Bürgermeister"));
    let s = "„Die Blockade muss enden“, so der Sprecher.";
    assert_eq!(who(s, "Blockade"), named(Voice::Quoted, "der Sprecher"));
    let s = "„Das ist eine Invasion“, heißt es in einer Erklärung des Ministeriums.";
    assert_eq!(who(s, "Invasion"), named(Voice::Quoted, "einer Erklärung des Ministeriums"));
    let s = "„Das ist ein Angriffskrieg“, erklärte Außenministerin Anna Berg (SPD) am Montag.";
    assert_eq!(who(s, "Angriffskrieg"), named(Voice::Quoted, "Außenministerin Anna Berg"));
}

#[test]
fn direct_speech_takes_the_speaker_before_a_colon() {
    let s = "Die Sprecherin der Regierung, Anna Berg, erklärte: „Die Besatzer müssen abziehen.“";
    assert_eq!(who(s, "Besatzer"), named(Voice::Quoted, "Die Sprecherin der Regierung, Anna Berg"));
    let s = "Der Verband distanziert sich: „Wir dulden keine Extremisten in unseren Reihen.“";
    assert_eq!(who(s, "Extremisten"), named(Voice::Quoted, "Der Verband"));
}

#[test]
fn a_quotation_over_several_sentences_takes_the_speaker_after_its_end() {
    let text = "„Die Lage ist ernst. Die Angreifer rücken vor“, sagte der General.";
    let quotes = Quotations::find(text);
    let first = text.find(". ").unwrap_or(0) + 1;
    let ctx = Context::new(text, &quotes, 0..first, None, Lang::De);
    let second = Context { sentence: first + 1..text.len(), previous: Some(0..first), ..ctx.clone() };
    assert_eq!(attributed(&ctx, "ernst", 0), named(Voice::Quoted, "der General"));
    assert_eq!(attributed(&second, "Angreifer", 0), named(Voice::Quoted, "der General"));
}

#[test]
fn a_text_that_starts_mid_quotation_is_quoted() {
    let s = "Die Besatzer bleiben nicht mehr lange«, sagte der Offizier.";
    assert_eq!(who(s, "Besatzer"), named(Voice::Quoted, "der Offizier"));
}

#[test]
fn attributed_partial_quotations_are_quoted() {
    assert_eq!(
        who("Der Minister nannte die Angreifer „Terroristen“.", "Terroristen"),
        named(Voice::Quoted, "Der Minister")
    );
    let s = "Die Kanzlerin bezeichnete den Einmarsch als „Zeitenbruch“.";
    assert_eq!(who(s, "Zeitenbruch"), named(Voice::Quoted, "Die Kanzlerin"));
    assert_eq!(who("Putins „Sonderoperation“ dauert an.", "Sonderoperation"), named(Voice::Quoted, "Putin"));
    assert_eq!(who("Sie sagte, es gehe um einen „Vernichtungskrieg“.", "Vernichtungskrieg"), (Voice::Quoted, None));
    let s = "Die Milizen der „Diktatur“ hätten das Dorf angegriffen, hieß es in einer Mitteilung der Opposition.";
    assert_eq!(who(s, "Diktatur"), named(Voice::Quoted, "einer Mitteilung der Opposition"));
}

#[test]
fn a_name_for_something_given_by_wie_x_nennt_is_quoted_and_the_comment_is_authorial() {
    let s = "Die „Sonderoperation“, wie Moskau den Krieg nennt, dauere an, sagte der Sprecher.";
    assert_eq!(who(s, "Sonderoperation"), named(Voice::Quoted, "Moskau"));
    assert_eq!(who(s, "Krieg"), AUTHORIAL);
}

#[test]
fn mottos_headlines_and_transcripts_are_quoted() {
    let s = "Tausende zogen unter dem Motto „Nie wieder Krieg“ durch die Stadt.";
    assert_eq!(who(s, "Krieg"), (Voice::Quoted, None));
    assert_eq!(who("Kanzler: „Kein Diktatfrieden“", "Diktatfrieden"), named(Voice::Quoted, "Kanzler"));
    assert_eq!(who("Soldat: Lassen wir das hier nicht eskalieren.", "eskalieren"), named(Voice::Quoted, "Soldat"));
}

#[test]
fn a_short_quotation_inside_direct_speech_is_the_speakers() {
    let s = "„Das war keine ‚Befreiung‘, das war Krieg“, sagte die Zeugin.";
    assert_eq!(who(s, "Befreiung"), named(Voice::Quoted, "die Zeugin"));
}

// ---- scare quotes ------------------------------------------------------------------------

#[test]
fn short_quotation_marks_nobody_is_given_as_saying_are_scare_quotes() {
    assert_eq!(who("Die „Befreier“ zogen plündernd durch das Dorf.", "Befreier"), SCARE);
    assert_eq!(who("Sie kamen aus „humanitären“ Gründen.", "humanitären"), SCARE);
}

#[test]
fn sogenannte_before_a_term_makes_a_scare_quote_even_without_marks() {
    assert_eq!(who("Die sogenannte Friedensmission begann im Mai.", "Friedensmission"), SCARE);
    assert_eq!(who("Die so genannte Friedensmission begann im Mai.", "Friedensmission"), SCARE);
    assert_eq!(who("Die angeblichen Befreier zogen ab.", "Befreier"), SCARE);
    assert_eq!(who("Die sogenannte „Befreiung“ der Stadt", "Befreiung"), SCARE);
}

#[test]
fn stock_distancing_quotes_are_scare_quotes_even_with_a_speaker() {
    let s = "Der Gouverneur sagte, die Brücke zu den selbst ernannten „Republiken“ sei repariert.";
    assert_eq!(who(s, "Republiken"), SCARE);
}

#[test]
fn hedges_without_marks_are_not_scare_quotes() {
    assert_eq!(who("Die mutmaßlichen Terroristen wurden festgenommen.", "Terroristen"), AUTHORIAL);
    assert_eq!(who("Die selbst ernannten Volksrepubliken stimmten ab.", "Volksrepubliken"), AUTHORIAL);
}

// ---- reported ----------------------------------------------------------------------------

#[test]
fn konjunktiv_and_dass_clauses_after_a_verb_of_saying_are_reported() {
    let s = "Der Gesandte betonte, der Angriff sei unprovoziert gewesen.";
    assert_eq!(who(s, "Angriff"), named(Voice::Reported, "Der Gesandte"));
    let s = "Die Regierung teilte am Abend mit, die Besatzer hätten die Stadt verlassen.";
    assert_eq!(who(s, "Besatzer"), named(Voice::Reported, "Die Regierung"));
    let s = "Die Ministerin machte deutlich, dass der Kampf gegen Terroristen weitergehe.";
    assert_eq!(who(s, "Terroristen"), named(Voice::Reported, "Die Ministerin"));
    let s = "Zuvor hatte die Armee mitgeteilt, dass die Offensive begonnen habe.";
    assert_eq!(who(s, "Offensive"), named(Voice::Reported, "die Armee"));
}

#[test]
fn a_verb_in_e_after_er_sie_es_man_is_a_konjunktiv() {
    let s = "Die Sprecherin sagte, man lehne jede Verhandlung mit den Besatzern ab.";
    assert_eq!(who(s, "Besatzern"), named(Voice::Reported, "Die Sprecherin"));
    let s = "Die Sprecherin sagte, man lehnte jede Verhandlung mit den Besatzern ab.";
    assert_eq!(who(s, "Besatzern"), AUTHORIAL, "an indicative main clause after the comma");
}

#[test]
fn zu_infinitives_and_indirect_questions_are_reported() {
    assert_eq!(
        who("Sie bot an, zwischen den Kriegsparteien zu vermitteln.", "Kriegsparteien"),
        (Voice::Reported, None)
    );
    let s = "Die Historikerin erklärt, warum die Annexion scheiterte.";
    assert_eq!(who(s, "Annexion"), named(Voice::Reported, "Die Historikerin"));
}

#[test]
fn a_content_clause_before_sagte_x_is_reported() {
    let s = "Die Besatzer hätten die Stadt verlassen, sagte ein Sprecher der Armee.";
    assert_eq!(who(s, "Besatzer"), named(Voice::Reported, "ein Sprecher der Armee"));
    let s = "Die Invasion sei gescheitert, so Präsident Peter Berg.";
    assert_eq!(who(s, "Invasion"), named(Voice::Reported, "Präsident Peter Berg"));
    let s = "Seine Partei, erklärte er, sei gegen weitere Sanktionen.";
    assert_eq!(who(s, "Sanktionen"), (Voice::Reported, None));
    // A verb after a comma with no subject after it is the main verb, not a postposed "sagte".
    assert_eq!(who("Wer von Befreiung spricht, meint oft etwas anderes.", "Befreiung"), AUTHORIAL);
}

#[test]
fn the_matrix_clause_of_a_reporting_sentence_is_authorial() {
    let s = "Nach dem Raketenangriff sagte der Bürgermeister, die Stadt sei sicher.";
    assert_eq!(who(s, "Raketenangriff"), AUTHORIAL);
    let s = "Ohne den Luftangriff zu erwähnen, erklärte das Ministerium, die Lage sei ruhig.";
    assert_eq!(who(s, "Luftangriff"), AUTHORIAL);
    let s = "Normalerweise sei der Platz voll, sagte der Wirt, der zur Zeit des Angriffs im Haus war.";
    assert_eq!(who(s, "Angriffs"), AUTHORIAL);
}

#[test]
fn the_object_of_a_speech_act_is_the_authors_description() {
    assert_eq!(who("Der Gesandte warnte vor einer Bodenoffensive.", "Bodenoffensive"), AUTHORIAL);
    assert_eq!(who("Die Zeugin erzählte von der Belagerung.", "Belagerung"), AUTHORIAL);
    assert_eq!(who("Der Papst rief zu einer Waffenruhe auf.", "Waffenruhe"), AUTHORIAL);
    assert_eq!(who("Er verurteilte den Überfall.", "Überfall"), AUTHORIAL);
    assert_eq!(who("Die Ministerin erwartet eine große Fluchtbewegung.", "Fluchtbewegung"), AUTHORIAL);
    assert_eq!(who("Der Minister nannte die Zahl der Flüchtlinge.", "Flüchtlinge"), AUTHORIAL);
}

#[test]
fn attribution_phrases_report_their_clause() {
    let s = "Laut Polizei wurden bei dem Anschlag drei Menschen verletzt.";
    assert_eq!(who(s, "Anschlag"), named(Voice::Reported, "Polizei"));
    let s = "Dem Bericht zufolge wurden Zivilisten verschleppt.";
    assert_eq!(who(s, "verschleppt"), named(Voice::Reported, "Dem Bericht"));
    let s = "Nach Angaben des Ministeriums scheiterte der Angriff.";
    assert_eq!(who(s, "Angriff"), named(Voice::Reported, "des Ministeriums"));
    let s = "Der Gasstopp ist laut von der Leyen Erpressung.";
    assert_eq!(who(s, "Erpressung"), named(Voice::Reported, "von der Leyen"));
    let s = "Die Familie floh demnach vor den Kämpfen.";
    assert_eq!(who(s, "Kämpfen"), (Voice::Reported, None));
    let s = "Die Miliz hat angeblich das Dorf geplündert und die Bewohner vertrieben.";
    assert_eq!(who(s, "vertrieben"), (Voice::Reported, None));
}

#[test]
fn a_name_in_quotation_marks_after_laut_is_the_source() {
    let s = "Laut „Spiegel“ waren die Besatzer schon abgezogen.";
    assert_eq!(who(s, "Besatzer"), named(Voice::Reported, "Spiegel"));
}

#[test]
fn in_the_passive_the_accused_is_not_the_speaker() {
    // The subject of "wurde … angeklagt" is the one charged; the charge is someone else's.
    let s = "Der Mann wurde wegen Terrorismus angeklagt.";
    assert_eq!(who(s, "Terrorismus"), (Voice::Reported, None));
    let s = "Der Mann wurde von der Staatsanwaltschaft wegen Terrorismus angeklagt.";
    assert_eq!(who(s, "Terrorismus"), named(Voice::Reported, "der Staatsanwaltschaft"));
    // Active: the subject charges.
    let s = "Die Staatsanwaltschaft hat den Mann wegen Terrorismus angeklagt.";
    assert_eq!(who(s, "Terrorismus"), named(Voice::Reported, "Die Staatsanwaltschaft"));
}

#[test]
fn wie_x_mitteilte_reports_its_sentence_but_not_the_words_naming_the_source() {
    let s = "Wie der Leiter der Militärverwaltung mitteilte, wurde die Stadt beschossen.";
    assert_eq!(who(s, "beschossen"), named(Voice::Reported, "der Leiter der Militärverwaltung"));
    assert_eq!(who(s, "Militärverwaltung"), AUTHORIAL);
    assert_eq!(who("Wie berichtet, wurde die Stadt beschossen.", "beschossen"), AUTHORIAL);
}

#[test]
fn the_noun_phrase_naming_the_source_is_authorial() {
    let s = "Die Besatzungsverwaltung meldete nach eigenen Angaben 90 Prozent Zustimmung.";
    assert_eq!(who(s, "Besatzungsverwaltung"), AUTHORIAL);
    let s = "Nach Angaben des mutmaßlichen Opfers habe ein Mann ihn bedroht.";
    assert_eq!(who(s, "Opfers"), AUTHORIAL);
}

#[test]
fn reportive_sollen_with_a_perfect_infinitive_is_reported_but_planning_sollen_is_not() {
    assert_eq!(who("Die Miliz soll Zivilisten verschleppt haben.", "verschleppt"), (Voice::Reported, None));
    let s = "Die Unterkünfte für die Flüchtlinge sollen im Mai fertig sein.";
    assert_eq!(who(s, "Flüchtlinge"), AUTHORIAL);
}

#[test]
fn an_indicative_relative_clause_inside_reported_speech_is_authorial() {
    let s = "Der Beauftragte, der die Friedensverhandlungen leitet, soll Millionen verdient haben.";
    assert_eq!(who(s, "Friedensverhandlungen"), AUTHORIAL);
    let s = "Es gebe keine Bezirke, die Flüchtlingsheime abgelehnt hätten, sagte die Senatorin.";
    assert_eq!(who(s, "Flüchtlingsheime"), named(Voice::Reported, "die Senatorin"));
}

#[test]
fn headline_attribution_reports_after_a_stance_word() {
    assert_eq!(who("Experten sicher: Embargo kommt", "Embargo"), named(Voice::Reported, "Experten"));
    assert_eq!(who("Hintergrund: Die Sanktionen wirken.", "Sanktionen"), AUTHORIAL);
    assert_eq!(who("Schutzstatus S: Bund zahlt für Geflüchtete.", "Geflüchtete"), AUTHORIAL);
    assert_eq!(who("Ganz sicher: Die Blockade endet.", "Blockade"), AUTHORIAL);
}

#[test]
fn accusations_and_labels_of_a_named_party_are_reported() {
    let s = "Die Regierung wirft der Miliz Kriegsverbrechen vor.";
    assert_eq!(who(s, "Kriegsverbrechen"), named(Voice::Reported, "Die Regierung"));
    assert_eq!(
        who("Biden bezeichnete Putin als Kriegsverbrecher.", "Kriegsverbrecher"),
        named(Voice::Reported, "Biden")
    );
    let s = "Die Opposition spricht von einem Völkermord.";
    assert_eq!(who(s, "Völkermord"), named(Voice::Reported, "Die Opposition"));
    let s = "Für die Regierung gelten die Rebellen als Terroristen.";
    assert_eq!(who(s, "Terroristen"), named(Voice::Reported, "die Regierung"));
    let s = "Erst im Mai hatte die Armee zwei Offiziere eines Putschversuchs beschuldigt.";
    assert_eq!(who(s, "Putschversuchs"), named(Voice::Reported, "die Armee"));
    assert_eq!(who("Die Stadt gilt im Krieg als wichtig.", "Krieg"), AUTHORIAL);
}

#[test]
fn a_noun_of_saying_reports_its_content_clause() {
    let s = "Die Opposition verhängte ein Veto - verbunden mit der Forderung, die Besatzung müsse enden.";
    assert_eq!(who(s, "Besatzung"), named(Voice::Reported, "Die Opposition"));
}

#[test]
fn konjunktiv_continues_reported_speech_from_the_sentence_before() {
    let first = "Der Sprecher sagte, die Lage sei ruhig.";
    assert_eq!(who_after(first, "Die Angreifer seien abgezogen.", "Angreifer"), named(Voice::Reported, "Der Sprecher"));
    assert_eq!(who("Die Bevölkerung sei vereint gegen die Aggressoren.", "Aggressoren"), (Voice::Reported, None));
    // A Konjunktiv II alone is no reported speech: "wären notwendig gewesen" is the author's.
    assert_eq!(who("Für die Sanktionen wären 226 Stimmen notwendig gewesen.", "Sanktionen"), AUTHORIAL);
    let konjunktiv_2 = "In der Stadt gäben Hilfsorganisationen alles für Geflüchtete.";
    assert_eq!(who_after(first, konjunktiv_2, "Geflüchtete"), named(Voice::Reported, "Der Sprecher"));
}

#[test]
fn sei_es_and_the_authors_own_wir_are_not_reported_speech() {
    let s = "Experten warnten vor einer Eskalation, sei es durch Angriffe oder Sabotage.";
    assert_eq!(who(s, "Angriffe"), AUTHORIAL);
    assert_eq!(who("Damals erwarteten wir, dass der Krieg bald ende.", "Krieg"), AUTHORIAL);
}

#[test]
fn a_pronoun_speaker_is_the_name_before_it() {
    let first = "Der Außenminister sagte, die Lage sei ernst.";
    let second = "Er betonte, die Besatzer müssten abziehen.";
    assert_eq!(who_after(first, second, "Besatzer"), named(Voice::Reported, "Der Außenminister"));
    let s = "Vermutlich war Peter Meier zufrieden, als er schrieb, es seien Besatzer.";
    assert_eq!(who(s, "Besatzer"), named(Voice::Reported, "Peter Meier"));
    assert_eq!(
        who("Sie appellierten an Russland, Spannungen zu deeskalieren.", "deeskalieren"),
        (Voice::Reported, None)
    );
}

#[test]
fn plain_statements_are_authorial() {
    assert_eq!(who("Die Befreiung der Stadt begann am Morgen.", "Befreiung"), AUTHORIAL);
    let s = "Russland meldete Erfolge, die Ukraine dementierte die Einnahme.";
    assert_eq!(who(s, "Einnahme"), AUTHORIAL);
}

// ---- English -----------------------------------------------------------------------------

#[test]
fn english_reported_speech_and_quotations() {
    assert_eq!(en("The war is over, the minister said.", "war"), named(Voice::Reported, "the minister"));
    assert_eq!(
        en("The minister said that the occupation would end.", "occupation"),
        named(Voice::Reported, "The minister")
    );
    assert_eq!(en("According to the army, the invasion failed.", "invasion"), named(Voice::Reported, "the army"));
    assert_eq!(en("“The occupation must end now,” she said.", "occupation"), (Voice::Quoted, None));
    assert_eq!(en("“The occupation must end now,” said Anna Berg.", "occupation"), named(Voice::Quoted, "Anna Berg"));
    assert_eq!(en("The so-called liberation began.", "liberation"), SCARE);
    assert_eq!(en("The invasion began on Monday.", "invasion"), AUTHORIAL);
}

// ---- negation through the context --------------------------------------------------------

#[test]
fn negation_is_asked_of_the_terms_sentence() {
    let text = "Es war Krieg. Das sei keine Befreiung, sondern eine Besatzung.";
    let quotes = Quotations::find(text);
    let second = text.find("Das").unwrap_or(0);
    let ctx = Context::new(text, &quotes, second..text.len(), Some(0..13), Lang::De);
    let at = |t: &str| text.find(t).map(|i| i..i + t.len()).unwrap_or(0..0);
    assert!(ctx.is_negated(at("Befreiung")));
    assert!(!ctx.is_negated(at("Besatzung")));
}

// ---- robustness --------------------------------------------------------------------------

proptest::proptest! {
    /// Any text, any sentence split and any term span: attribution and negation answer
    /// without panicking, and a speaker is a span of the text.
    #[test]
    fn attribution_and_negation_never_panic(
        words in proptest::collection::vec(
            "sagte|so|laut|zufolge|wie|soll|haben|sei|nicht|kein|nur|sondern|ohne|zu|von|der|Die|er|Krieg|Ä|ß|„|“|”|»|«|\"|'|‚|‘|,|:|;|–|-|\\(|\\)|\\.|\n\n|Lesen Sie auch|Experten sicher|x\u{fe0f}",
            0..24,
        ),
        cuts in proptest::collection::vec(0usize..200, 4),
        lang in proptest::prop_oneof![proptest::strategy::Just(Lang::De), proptest::strategy::Just(Lang::En)],
    ) {
        let text = words.join(" ");
        let at = |i: usize| crate::text::floor_char_boundary(&text, cuts[i] % (text.len() + 1));
        let mut bounds = [at(0), at(1), at(2), at(3)];
        bounds.sort_unstable();
        let [prev_start, sentence_start, term_start, term_end] = bounds;
        let quotes = Quotations::find(&text);
        let ctx = Context::new(&text, &quotes, sentence_start..text.len(), Some(prev_start..sentence_start), lang);
        let a = ctx.attribute(term_start..term_end);
        if let Some(s) = a.speaker {
            proptest::prop_assert!(s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start));
        }
        ctx.is_negated(term_start..term_end);
        is_negated(&text, term_start..term_end, lang);
    }

    /// One context serving a document's sentences in turn, keeping what it read for earlier
    /// matches, attributes every match and answers its negation as a fresh context per match
    /// does.
    #[test]
    fn a_context_reused_across_sentences_answers_as_fresh_ones(
        words in proptest::collection::vec(
            "sagte|so|laut|zufolge|wie|soll|haben|sei|nicht|kein|er|man|lehne|Die|der|Minister|Krieg|Besatzer|„|“|,|:|\\.",
            1..40,
        ),
        cuts in proptest::collection::vec(0usize..300, 0..5),
        terms in proptest::collection::vec((0usize..300, 1usize..12), 1..8),
    ) {
        let text = words.join(" ");
        let at = |i: usize| crate::text::floor_char_boundary(&text, i % (text.len() + 1));
        let mut bounds: Vec<usize> = cuts.iter().map(|&c| at(c)).chain([0, text.len()]).collect();
        bounds.sort_unstable();
        bounds.dedup();
        let sentences: Vec<Range<usize>> = bounds.windows(2).map(|w| w[0]..w[1]).collect();
        let quotes = Quotations::find(&text);
        let mut shared = Context::new(&text, &quotes, 0..0, None, Lang::De);
        for (k, sentence) in sentences.iter().enumerate() {
            let previous = k.checked_sub(1).map(|p| sentences[p].clone());
            shared.sentence = sentence.clone();
            shared.previous = previous.clone();
            let fresh = Context::new(&text, &quotes, sentence.clone(), previous, Lang::De);
            for &(start, len) in &terms {
                let start = at(sentence.start + start % (sentence.len() + 1)).min(sentence.end);
                let end = at(start + len).clamp(start, sentence.end);
                proptest::prop_assert_eq!(shared.attribute(start..end), fresh.attribute(start..end));
                // Negation's first look reads the shared context's kept sentences too.
                proptest::prop_assert_eq!(shared.is_negated(start..end), fresh.is_negated(start..end));
            }
        }
    }
}
