//! Writing review workbooks.
