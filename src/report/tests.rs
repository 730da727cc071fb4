//! Unit tests of the report module: number formats, headers, the CSV writer against the
//! csv crate, term tallies.

use super::csv::*;
use super::numfmt::*;
use super::terms::*;
use super::*;

/// The values the summary page takes from a run are those a reader parses from the cells:
/// checked against the standard library's parser of the written cell, over awkward values
/// (ties, thirds, negatives, beyond 2^53 millionths, zero's sign, not a number).
#[test]
fn numbers_as_read_back_equal_the_parsed_cells() {
    let values = [
        0.0,
        -0.0,
        1.0,
        -2.25,
        0.1 + 0.2,
        1.0 / 3.0,
        -2.0 / 3.0,
        0.0078125,
        2.0000005,
        1e-7,
        -1e-7,
        123_456.789_012_345,
        9.1e9,
        3e12,
        -7.123_456_5,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for x in values {
        let read: f64 = fmt_num(x).parse().expect("a number");
        assert_eq!(num_as_read(x).to_bits(), read.to_bits(), "{x} written as {}", fmt_num(x));
    }
    assert!(num_as_read(f64::NAN).is_nan());
    for p in [0.0, 1.0, 0.5, 1.0 / 3.0, 0.000_05, 0.999_95, 0.123_45, 0.876_55] {
        let read: f64 = fmt_prob(p).parse().expect("a number");
        assert_eq!(prob_as_read(p).to_bits(), read.to_bits(), "{p} written as {}", fmt_prob(p));
    }
}

#[test]
fn numbers_are_formatted_stably() {
    assert_eq!(fmt_num(1.0), "1");
    assert_eq!(fmt_num(1.5), "1.5");
    assert_eq!(fmt_num(-0.0), "0");
    assert_eq!(fmt_num(-2.25), "-2.25");
    assert_eq!(fmt_num(0.1 + 0.2), "0.3");
    assert_eq!(fmt_num(-12.0), "-12");
    assert_eq!(fmt_num(-5.2), "-5.2");
    // From the exact binary values, as Python's "%.6f" rounds them too.
    assert_eq!(fmt_num(2.0000005), "2.000001");
    assert_eq!(fmt_num(1.0000025), "1.000002");
    assert_eq!(fmt_num(0.0078125), "0.007812"); // an exact tie: to even
    assert_eq!(fmt_num(3.0 / 128.0), "0.023438");
    assert_eq!(fmt_num(0.0000015), "0.000002");
    assert_eq!(fmt_num(3e12), "3000000000000");
    assert_eq!(fmt_num(f64::NAN), "NaN");
    assert_eq!(fmt_thousandths(22.7722772), "22.772");
    assert_eq!(fmt_thousandths(0.0), "0.000");
    assert_eq!(fmt_prob(0.123456), "0.1235");
}

#[test]
fn top_surfaces_by_count_then_alphabet() {
    let mut t = TermStats::default();
    for s in ["Besatzern", "Besatzer", "besatzer", "Besatzers", "Besatzern"] {
        t.add_match(s, Voice::Authorial, false);
    }
    assert_eq!(t.top_surfaces(), "besatzer (2); besatzern (2); besatzers (1)");
}

#[test]
fn headers_follow_the_documented_order() {
    let c = Columns {
        frames: vec!["occupation".into()],
        targets: vec!["russia".into()],
        labels: vec!["neg".into(), "pos".into()],
        explain: false,
    };
    assert_eq!(
            c.sentences_header().join(","),
            "doc_id,sentence_id,char_start,char_end,text,n_tokens,n_matches,frames,terms,model,label,confidence,p_neg,p_pos"
        );
    assert_eq!(
        c.documents_header().join(","),
        "doc_id,source,date,title,encoding,lang,n_sentences,n_tokens,n_matches,n_authorial,n_quoted,n_reported,\
             n_scare_quote,matches_per_1k_tokens,frame_occupation,stance_russia,share_neg,share_pos"
    );
    assert_eq!(
        MATCHES_HEADER.join(","),
        "doc_id,sentence_id,surface,pattern,frame,target,polarity,weight,voice,speaker,negated,char_start,char_end,\
         left_context,right_context,lexicon"
    );
    assert_eq!(
        TERMS_HEADER.join(","),
        "pattern,frame,n_matches,n_docs,n_authorial,n_quoted,n_reported,n_scare_quote,n_negated,top_surfaces,lexicon"
    );
}

mod csv_row {
    use super::*;
    use proptest::prelude::*;

    /// The csv crate's writer with the report settings: the reference for [`CsvRow`].
    fn with_csv_crate(fields: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = csv_writer(&mut out);
        w.write_record(fields).expect("write");
        w.flush().expect("flush");
        drop(w);
        out
    }

    fn with_csv_row(fields: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut row = CsvRow::new(&mut out);
        for f in fields {
            row.field(f);
        }
        row.end();
        out
    }

    #[test]
    fn quotes_exactly_where_needed() {
        let fields: Vec<String> =
            ["a", "", "b,c", "sagte \"nein\"", "line\nbreak", "cr\r", "„Befreiung“", "'x'"].map(String::from).to_vec();
        let want = "a,,\"b,c\",\"sagte \"\"nein\"\"\",\"line\nbreak\",\"cr\r\",„Befreiung“,'x'\n";
        assert_eq!(String::from_utf8(with_csv_row(&fields)).expect("utf8"), want);
        assert_eq!(with_csv_crate(&fields), want.as_bytes());
    }

    #[test]
    fn integers_are_written_in_decimal() {
        let mut out = Vec::new();
        // 9 and 10: either side of the one-digit shortcut.
        CsvRow::new(&mut out).int(0).int(7).int(9).int(10).int(1234567890).int(u64::MAX).end();
        assert_eq!(out, b"0,7,9,10,1234567890,18446744073709551615\n");
    }

    #[test]
    fn probabilities_round_like_the_standard_formatter() {
        // Exact binary ties (k/32 = k·312.5 ten-thousandths) go to the even digit, the
        // extremes and tiny values are exact.
        for p in [0.0, 1.0, 0.03125, 0.09375, 0.15625, 0.5, 0.99995, 0.00005, 1e-300, 5e-324, 0.123_449_999_999] {
            assert_eq!(fmt_prob(p), format!("{p:.4}"), "{p}");
        }
        assert_eq!(fmt_prob(0.03125), "0.0312");
        assert_eq!(fmt_prob(0.09375), "0.0938");
        assert_eq!(fmt_prob(-0.5), "-0.5000");
        assert_eq!(fmt_prob(f64::NAN), "NaN");
    }

    fn match_row(entry: usize, surface: &str, voice: Voice) -> MatchRow<'_> {
        MatchRow {
            sentence_id: 1,
            surface: Cow::Borrowed(surface),
            entry,
            voice,
            speaker: Cow::Borrowed(""),
            negated: false,
            char_start: 0,
            char_end: 0,
            left_context: Cow::Borrowed(""),
            right_context: Cow::Borrowed(""),
        }
    }

    #[test]
    fn tally_counts_a_document_once_per_entry_also_over_parts() {
        let mut a = TermTally::default();
        // Document 0 in two parts, entry 2 in both: one document.
        a.add_document(0, &[match_row(2, "Besatzer", Voice::Authorial), match_row(0, "Befreiung", Voice::Quoted)]);
        a.add_document(0, &[match_row(2, "BESATZER", Voice::ScareQuote)]);
        let mut b = TermTally::default();
        b.add_document(1, &[match_row(2, "Besatzern", Voice::Authorial), match_row(2, "besatzer", Voice::Authorial)]);
        a.merge(&b);
        let s = a.get(2).expect("entry 2 matched");
        assert_eq!((s.n_matches, s.n_docs, s.n_authorial, s.n_quoted, s.n_scare_quote), (4, 2, 3, 0, 1));
        assert_eq!(s.top_surfaces(), "besatzer (3); besatzern (1)");
        assert_eq!(a.get(0).map(|s| (s.n_matches, s.n_docs, s.n_quoted)), Some((1, 1, 1)));
        assert!(a.get(1).is_none(), "entry 1 never matched");
        assert!(a.get(7).is_none(), "beyond the largest entry seen");
    }

    proptest! {
        #[test]
        fn fmt_num_equals_the_format_reference(x in -1e6f64..1e6, n in -10_000_000i64..10_000_000, nudge in -4i64..=4) {
            prop_assert_eq!(fmt_num(x), fmt_num_exact(x));
            // Near ties of the sixth decimal and exact multiples of a millionth.
            let near = n as f64 / 2e6 + nudge as f64 * f64::EPSILON;
            prop_assert_eq!(fmt_num(near), fmt_num_exact(near));
            let sum = n as f64 * 0.5 + nudge as f64 * 1.5;
            prop_assert_eq!(fmt_num(sum), fmt_num_exact(sum));
            // Exact ties of the sixth decimal: odd multiples of 2^-7 (= 7812.5 millionths).
            let tie = (2 * n + 1) as f64 / 128.0;
            prop_assert_eq!(fmt_num(tie), fmt_num_exact(tie));
        }

        #[test]
        fn int_fields_are_the_decimal_digits(v in proptest::num::u64::ANY, small in 0u64..200_000_000) {
            for x in [v, small, v % 100, 99_999_999, 100_000_000, u64::MAX] {
                let mut out = Vec::new();
                CsvRow::new(&mut out).int(x).int(x);
                prop_assert_eq!(String::from_utf8(out).unwrap(), format!("{x},{x}"));
            }
            for x in [v as i64, -(small as i64), -1, 0, 1, i64::MIN, i64::MAX] {
                let mut out = Vec::new();
                CsvRow::new(&mut out).signed(x).signed(x);
                prop_assert_eq!(String::from_utf8(out).unwrap(), format!("{x},{x}"));
            }
        }

        #[test]
        fn num_fields_are_fmt_num_fields(whole in -100_000i64..100_000, n in -10_000_000i64..10_000_000) {
            // Also tiny negatives, which round to zero and are written without a sign.
            for x in [whole as f64, n as f64 / 1e6, n as f64 / 2e6 + 0.5, -(n.abs() as f64) / 1e14, -0.0, 1e12, f64::NAN] {
                let mut direct = Vec::new();
                CsvRow::new(&mut direct).int(7).num(x);
                let mut formatted = Vec::new();
                CsvRow::new(&mut formatted).int(7).field(fmt_num_exact(x));
                prop_assert_eq!(String::from_utf8(direct).unwrap(), String::from_utf8(formatted).unwrap());
            }
        }

        #[test]
        fn fmt_thousandths_equals_format(x in 0.0f64..2000.0, n in 0u64..2_000_000) {
            prop_assert_eq!(fmt_thousandths(x), format!("{x:.3}"));
            let tie = n as f64 / 2000.0;
            prop_assert_eq!(fmt_thousandths(tie), format!("{tie:.3}"));
        }

        #[test]
        fn fmt_prob_equals_format_for_any_probability(p in 0.0f64..=1.0) {
            prop_assert_eq!(fmt_prob(p), format!("{p:.4}"));
        }

        #[test]
        fn fmt_prob_equals_format_near_ties(n in 0u64..10_000, nudge in -4i64..=4) {
            let p = f64::from_bits(((n as f64 + 0.5) / 20_000.0 * 2.0).to_bits().wrapping_add_signed(nudge)) / 2.0;
            prop_assume!((0.0..=1.0).contains(&p));
            prop_assert_eq!(fmt_prob(p), format!("{p:.4}"));
        }

        /// The surface key is the library's lower case of any surface, with the buffer reused.
        #[test]
        fn surface_keys_are_lower_case(surfaces in proptest::collection::vec("[a-zA-ZäÄßẞİΣσς ]{1,12}", 1..6)) {
            let mut stats = TermStats::default();
            let mut buf = String::from("leftover");
            for s in &surfaces {
                stats.add_match_with(s, Voice::Authorial, false, &mut buf);
            }
            let mut want = TermStats::default();
            for s in &surfaces {
                *want.surfaces.entry(s.to_lowercase()).or_default() += 1;
            }
            prop_assert_eq!(stats.surfaces, want.surfaces);
        }

        /// Byte-identical to the csv crate for any fields of two or more (one lone empty
        /// field is the crate's special case, which rows never are).
        #[test]
        fn csv_row_equals_the_csv_crate(fields in proptest::collection::vec("[a-z,\"\n\r ;„“ä]{0,12}|[a-z ä]{30,70}[a-z,\"\n\r]?[a-z ]{0,40}", 2..8)) {
            prop_assert_eq!(with_csv_row(&fields), with_csv_crate(&fields));
        }
    }
}
