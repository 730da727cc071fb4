//! Unit tests of the orchestration: contexts, shards, batching, in-order delivery.

use super::document::*;
use super::schedule::*;
use super::sink::*;
use super::*;
use crate::report::DocumentCsv;
use crate::text::WhitespaceMarks;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;

#[test]
fn contexts_are_cut_at_sixty_chars() {
    let before = "ä".repeat(70);
    assert_eq!(left_context_start(&before), 20);
    assert_eq!(left_context_start("kurz"), 0);
    let after = format!("{} Rest", "ü".repeat(60));
    assert_eq!(&after[..right_context_end(&after)], "ü".repeat(60));
    let messy = "  kurz\nund  gut. ";
    let marks = WhitespaceMarks::find(messy);
    assert_eq!(marks.collapse_part(messy, 0..right_context_end(messy), false), "kurz und gut.");
    let clean = " kurz und gut.";
    assert_eq!(WhitespaceMarks::find(clean).collapse_part(clean, 0..clean.len(), true), "kurz und gut.");
}

/// An [`InOrder`] over three files in a new temporary directory, opened for writing,
/// or (`read_only`) for reading, so that every write fails; with its ticket receiver.
fn in_order_over(read_only: bool) -> (tempfile::TempDir, InOrder<'static>, mpsc::Receiver<()>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let open = |name: &str| {
        let path = dir.path().join(name);
        let file =
            if read_only { std::fs::write(&path, b"").and_then(|()| File::open(&path)) } else { File::create(&path) };
        // No buffering to speak of: each row reaches the file (or fails) when written.
        BufWriter::with_capacity(1, file.expect("test file"))
    };
    let writers = Writers { sentences: open("s.csv"), matches: open("m.csv"), documents: open("d.csv"), unsynced: 0 };
    static EMPTY: std::sync::OnceLock<crate::lexicon::Lexicon> = std::sync::OnceLock::new();
    let lexicon = EMPTY.get_or_init(|| crate::lexicon::Lexicon { entries: Vec::new(), files: Vec::new() });
    let sink = ReportSink {
        writers,
        totals: Totals::default(),
        docs_done: 0,
        out: Path::new("out"),
        progress: &|_, _| {},
        tally: None,
        lexicon,
    };
    let (tickets_tx, tickets) = mpsc::sync_channel(64);
    (dir, InOrder::new(sink, tickets_tx), tickets)
}

fn numbered_batch(n: u64) -> Batch {
    let csv = DocumentCsv {
        sentences: format!("s{n}\n").into_bytes(),
        matches: format!("m{n}\n").into_bytes(),
        documents: Vec::new(),
    };
    Batch {
        docs: vec![(
            1,
            Ok(DocResult { n_sentences: 1, n_matches: 0, complete: true, notice: None, lang: "de", page: None }),
        )],
        csv,
        ..Batch::default()
    }
}

#[test]
fn results_delivered_in_any_order_from_many_threads_are_written_in_number_order() {
    let (dir, in_order, tickets) = in_order_over(false);
    // Four threads deliver 0..60 interleaved and from the back: most wait for an earlier one.
    std::thread::scope(|scope| {
        for t in 0..4u64 {
            let in_order = &in_order;
            scope.spawn(move || (0..15).rev().for_each(|k| in_order.deliver(k * 4 + t, numbered_batch(k * 4 + t))));
        }
    });
    let (sink, error) = in_order.finish();
    assert!(error.is_none());
    assert_eq!((sink.totals.counts.sentences, sink.docs_done), (60, 60));
    drop(sink);
    let expected: String = (0..60).map(|n| format!("s{n}\n")).collect();
    assert_eq!(std::fs::read_to_string(dir.path().join("s.csv")).expect("written"), expected);
    assert_eq!(tickets.try_iter().count(), 60, "one ticket back per result written");
}

#[test]
fn a_failed_write_stops_dispatch_and_keeps_the_first_error() {
    let (_dir, in_order, tickets) = in_order_over(true);
    in_order.deliver(1, numbered_batch(1));
    assert!(!in_order.failed.load(Ordering::Relaxed), "1 waits for 0: nothing written yet");
    in_order.deliver(0, numbered_batch(0));
    assert!(in_order.failed.load(Ordering::Relaxed));
    // Tickets still come back, so a dispatcher waiting for one wakes up and stops.
    assert_eq!(tickets.try_iter().count(), 2);
    let (_, error) = in_order.finish();
    assert!(matches!(error, Some(Error::Io { .. })), "{error:?}");
}

#[test]
fn a_panicking_batch_stops_dispatch_instead_of_leaving_it_waiting() {
    let (dir, in_order, tickets) = in_order_over(false);
    in_order.deliver_from(1, || numbered_batch(1));
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        in_order.deliver_from(0, || panic!("analysis bug"));
    }))
    .expect_err("the panic goes on");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"analysis bug"));
    assert!(in_order.failed.load(Ordering::Relaxed));
    // Nothing was written (1 still waits for 0), but the dispatcher gets a ticket to wake on.
    assert_eq!(tickets.try_iter().count(), 1);
    drop(in_order.finish());
    assert_eq!(std::fs::read_to_string(dir.path().join("s.csv")).expect("file"), "");
}

#[test]
fn shard_parsing_and_partition() {
    assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
    assert!(Shard::parse("0/8").is_err());
    assert!(Shard::parse("9/8").is_err());
    assert!(Shard::parse("2").is_err());
    // Every id lands in exactly one shard.
    let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
    for id in ["a.txt", "taz/2024/x.txt", "zeit/b.md", ""] {
        assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1, "{id}");
    }
}

#[test]
fn batches_are_bounded_and_cover_all() {
    let f = |bytes| Ok(CorpusFile { doc_id: "".into(), odd_path: None, bytes });
    let sizes = |walk: Vec<Result<CorpusFile, Skip>>| {
        FileBatches::new(walk.into_iter()).map(|b| (b.first, b.files.len(), b.skipped.len())).collect::<Vec<_>>()
    };
    // A large file alone; then 1 + 1/2 + 1/2 batch exceeds the batch, which closes; a
    // file above the batch size but not large is a batch of its own.
    let half = BATCH_BYTES / 2;
    let files = vec![f(LARGE_DOCUMENT_BYTES + 1), f(1), f(half), f(half), f(1), f(BATCH_BYTES + 1), f(1)];
    assert_eq!(sizes(files), vec![(0, 1, 0), (1, 2, 0), (3, 2, 0), (5, 1, 0), (6, 1, 0)]);
    // 150 files: 64 + 64 + 22.
    assert_eq!(BATCH_FILES, 64);
    assert_eq!(sizes((0..150).map(|_| f(1)).collect()), vec![(0, 64, 0), (64, 64, 0), (128, 22, 0)]);
    assert_eq!(sizes(vec![]), vec![]);
    // Walk errors travel with the batch they were met in, also at the very end.
    let skip = || Err(Skip { path: "x".into(), kind: "walk", message: String::new() });
    assert_eq!(
        sizes(vec![skip(), f(1), skip(), f(LARGE_DOCUMENT_BYTES + 1), skip()]),
        vec![(0, 1, 2), (1, 1, 0), (2, 0, 1)]
    );
}
