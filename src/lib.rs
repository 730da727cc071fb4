//! `framing`: stance and framing analysis of news text.
//!
//! The crate is a one-way pipeline; each stage knows only its input type:
//!
//! ```text
//! corpus ─▶ segment ─▶ lexicon / features ─▶ model ─▶ report
//! ```
//!
//! - [`corpus`] walks a directory, decodes files and reads metadata into [`corpus::Document`]s.
//! - [`segment`] cuts a document's text into sentence spans.
//! - [`lexicon`] loads researcher-editable CSV lexicons and finds loaded terms, with who says them.
//! - [`features`] and [`model`] turn sentences into features and score them with a linear model
//!   (multinomial logistic regression or naive Bayes; see `model::solver` for why not linfa).
//! - [`report`] defines the CSV row structs (the column contract) and writes them.
//! - [`pipeline`] runs the stages over a corpus in parallel with rayon, in `doc_id` order.
//! - [`research`] compares groups of a report (`compare`) and draws its summary page.
//! - [`cli`] parses arguments into validated configs; only it turns errors into exit codes.

#![forbid(unsafe_code)]

pub mod cli;
pub mod corpus;
pub mod error;
pub mod features;
pub mod hash;
pub mod jsonl;
pub mod lang;
pub mod lexicon;
pub mod merge;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod research;
pub mod review;
pub mod segment;
pub mod text;

pub use error::Error;
pub use lang::Lang;
