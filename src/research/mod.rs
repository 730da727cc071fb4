//! The research wing: comparing groups of a report (outlets, months) with honest
//! statistics (`framing compare`) and one page to look at (`framing summarize`).
//!
//! - [`stats`]: Wilson intervals, chi-square tests, Benjamini–Hochberg, cluster-robust
//!   ratio intervals, weighted log-odds.

pub mod stats;
