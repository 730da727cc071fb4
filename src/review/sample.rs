//! Drawing sentences of a report for review.
