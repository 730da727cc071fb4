//! Test harness: a temporary work directory, the real binary, and CSV read-back.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary directory with helpers to create inputs and run `framing` in it.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// A fresh, empty directory.
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("create temp dir") }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), returning its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Reads a file as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.dir.path().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Reads a CSV file as rows of fields, header included.
    pub fn read_csv(&self, rel: &str) -> Vec<Vec<String>> {
        read_csv(&self.dir.path().join(rel))
    }

    /// `framing ARGS…` with this directory as working directory.
    pub fn framing(&self) -> Command {
        let mut cmd = Command::cargo_bin("framing").expect("framing binary");
        cmd.current_dir(self.dir.path());
        cmd
    }
}

/// Reads a CSV file as rows of fields, header included.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    reader.records().map(|r| r.expect("csv record").iter().map(String::from).collect()).collect()
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `../shared/` (the team's external test sets, beside the repository), or
/// `None` when it is absent: the test then returns early and says so on stderr past the
/// test harness's capture, so a local run shows every skip. With
/// `FRAMING_REQUIRE_SHARED=1` (set by `.ci/run`) a missing path fails the test instead:
/// CI must not pass by skipping.
pub fn shared(rel: &str) -> Option<PathBuf> {
    use std::io::Write;
    let path = repo().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("FRAMING_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("{} not found, and FRAMING_REQUIRE_SHARED=1 requires the shared data", path.display());
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    // Written to the stream itself: `eprintln!` output of a passing test is captured.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {} not found (the team's shared data)", path.display());
    None
}

/// A file of the team-written labeled fixture set (`tests/fixtures/labeled/`).
pub fn labeled_fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/labeled").join(name)
}

/// Trains the fixture tone model (`de-tone.csv`, no cross-validation) into `dir/tone.json`.
pub fn train_tone_model(dir: &Path) -> PathBuf {
    let model = dir.join("tone.json");
    Command::cargo_bin("framing")
        .expect("framing binary")
        .args(["train", "--folds", "0", "--data"])
        .arg(labeled_fixture("de-tone.csv"))
        .arg("--model")
        .arg(&model)
        .assert()
        .success();
    model
}
