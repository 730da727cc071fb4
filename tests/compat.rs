//! Compatibility promises pinned by reference values (see docs/compatibility.md): which
//! documents `--shard K/N` puts in which part. A change here splits an existing corpus
//! differently, so parts made by two builds would no longer merge into one report.

use framing::pipeline::Shard;

use crate::common::Workdir;

/// `doc_id`s with the shard they fall in of 3 and of 8 (1-based), computed apart from the
/// code from the definition (FNV-1a 64 of the UTF-8 `doc_id`, modulo N, plus 1):
///
/// ```text
/// python3 -c 'import sys; h=0xcbf29ce484222325
/// for b in sys.argv[1].encode(): h=((h^b)*0x100000001b3)%2**64
/// print(h%3+1, h%8+1)' 'zeit/ärger/straße.txt'
/// ```
const SHARDS: [(&str, u32, u32); 8] = [
    ("a.txt", 3, 3),
    ("news/2024/kommentar.txt", 1, 5),
    ("über.txt", 1, 2),
    ("zeit/ärger/straße.txt", 2, 4),
    // A file name with the byte E4, which is not UTF-8: its doc_id spells the byte.
    ("globe/caf\\xE4.txt", 3, 1),
    // A file name with a backslash, doubled in its doc_id.
    ("a\\\\b.txt", 2, 5),
    ("x/y/z.md", 3, 6),
    ("Ölpreis.txt", 2, 8),
];

/// The shards of `count` that hold `doc_id`: exactly one.
fn shard_of(doc_id: &str, count: u32) -> Vec<u32> {
    (1..=count).filter(|&index| Shard { index, count }.contains(doc_id)).collect()
}

#[test]
fn shard_membership_matches_the_reference_values() {
    for (doc_id, of_3, of_8) in SHARDS {
        assert_eq!(shard_of(doc_id, 3), [of_3], "{doc_id} of 3");
        assert_eq!(shard_of(doc_id, 8), [of_8], "{doc_id} of 8");
    }
}

/// End to end: files of those names land in the parts the reference values say, so the
/// doc_id spelling (escapes included) is pinned as well as the hash.
#[cfg(unix)]
#[test]
fn analyze_shards_put_each_file_in_its_reference_part() {
    use std::os::unix::ffi::OsStrExt;
    let wd = Workdir::new();
    for (doc_id, _, _) in SHARDS {
        // The file name behind each doc_id: `\xE4` is the byte, `\\` one backslash.
        let name = doc_id.replace("\\xE4", "\u{0}").replace("\\\\", "\\");
        let bytes: Vec<u8> = name.bytes().map(|b| if b == 0 { 0xE4 } else { b }).collect();
        let path = wd.path().join("corp").join(std::ffi::OsStr::from_bytes(&bytes));
        std::fs::create_dir_all(path.parent().unwrap_or(wd.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, "Ein Satz.").unwrap_or_else(|e| panic!("{e}"));
    }
    for k in 1..=3u32 {
        let out = format!("part{k}");
        wd.framing()
            .args(["analyze", "corp", "-q", "--no-model", "-o", &out, "--shard", &format!("{k}/3")])
            .assert()
            .success();
        let rows = wd.read_csv(&format!("{out}/documents.csv"));
        let mut got: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        got.sort_unstable();
        let mut expected: Vec<&str> = SHARDS.iter().filter(|s| s.1 == k).map(|s| s.0).collect();
        expected.sort_unstable();
        assert_eq!(got, expected, "shard {k}/3");
    }
}
