//! (in progress) Public pages.

/// (in progress) Rendered pages, per server.
#[derive(Debug, Default)]
pub struct PageCache {}
