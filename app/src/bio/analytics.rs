//! (in progress) Cookie-free analytics.
use crate::bio::BioStats;
use crate::error::AppError;
use crate::platform::Ctx;
pub async fn stats(_ctx: &Ctx, _page: String, _from: String, _to: String) -> Result<BioStats, AppError> { Err(AppError::unavailable("in progress")) }

/// (in progress) Views and clicks waiting to be written, per server.
#[derive(Debug, Default)]
pub struct Buffer {}
