//! Reusable reactive behaviour: document title, and later polling, visibility and embedding.

pub mod title;

pub use title::use_document_title;
