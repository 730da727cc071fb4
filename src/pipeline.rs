//! Parallel orchestration of the stages over a corpus.
