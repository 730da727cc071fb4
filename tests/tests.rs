//! The integration tests: one binary (one link, not one per file, as ripgrep and xsv do),
//! a module per command, each driving the real `framing` binary in a temporary folder.

mod common;

mod analyze;
mod compare;
mod compat;
mod evaluate;
mod jsonl;
mod lexicon;
mod pipeline;
mod predict;
mod review;
mod safety;
mod segment;
mod train;
