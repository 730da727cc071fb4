//! Arbitrary bytes as a `--meta` CSV file: `corpus::MetaTable::load` (csv reader, header
//! check, trimming, `parse_date`, duplicate ids). Errors are fine, panics are not. A table
//! that loads is queried (`get`, `unknown_ids`) and applied to a document with
//! `document_from_text`, the way `analyze --meta` merges it.
//!
//! Invariant: every id `unknown_ids` lists is in the table, and its row's date parses.

#![no_main]

mod common;

use framing::corpus::{document_from_text, parse_date, MetaTable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::write_temp("meta_csv", "csv", data);
    let Ok(table) = MetaTable::load(&path) else { return };
    let ids = table.unknown_ids(|_| false);
    for id in &ids {
        let meta = table.get(id).expect("unknown_ids lists ids of the table");
        assert!(meta.date.is_empty() || parse_date(&meta.date).is_some(), "accepted bad date {:?}", meta.date);
        let doc = document_from_text(id, "date 2024-01-02\n\nText.".into(), "UTF-8", 0, Some(&table));
        assert_eq!(doc.meta.title, meta.title, "the table's title wins");
        let date = if meta.date.is_empty() { "2024-01-02" } else { meta.date.as_str() };
        assert_eq!(doc.meta.date, date, "the table's date wins over the text's");
    }
    assert!(table.unknown_ids(|_| true).is_empty());
});
