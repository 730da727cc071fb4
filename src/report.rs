//! Report rows: one serde struct per output file is the column contract.
