//! Server-side plumbing shared by every module: configuration, the database handle,
//! the application state and the helpers that keep server fns thin.
//! Everything here is compiled only with the `ssr` feature.

pub mod compress;
pub mod config;
pub mod crypto;
pub mod ctx;
pub mod db;
pub mod flusher;
pub mod jobs;
pub mod mail;
pub mod mailer;
pub mod rate_limit;
pub mod request;
pub mod scoped;
pub mod state;

pub use config::Config;
pub use ctx::{enter_workspace, require_member, require_user, Ctx, Membership, PlatformRole};
pub use db::Db;
pub use request::RequestMeta;
pub use state::{state, AppState};
