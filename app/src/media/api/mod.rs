//! The media library's server fns, one per file. Each takes the workspace id first.

mod delete_media;
mod list_media;
mod upload_media;

pub use delete_media::*;
pub use list_media::*;
pub use upload_media::*;

use crate::platform::Reach;

/// Every server fn of this module, for the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[("list_media", Reach::Workspace), ("upload_media", Reach::Workspace), ("delete_media", Reach::Workspace)];
