//! (in progress) The media library's rules and storage.
use crate::platform::db::IndexSpec;
pub const SCOPED_COLLECTIONS: &[&str] = &[];
pub fn indexes() -> Vec<IndexSpec> { vec![] }
