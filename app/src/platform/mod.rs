//! Server-side plumbing shared by every module: configuration, the database handle,
//! the application state and the helpers that keep server fns thin.
//! Everything here is compiled only with the `ssr` feature.

pub mod config;
pub mod db;
pub mod state;

pub use config::Config;
pub use db::Db;
pub use state::{state, AppState};
