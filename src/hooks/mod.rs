//! Reusable reactive behaviour: document title and live (polled) data.

pub mod live;
pub mod title;
pub mod url_state;

pub use live::{Live, poll_every};
pub use title::use_document_title;
pub use url_state::{UrlState, use_url_state};
