//! (in progress) Custom domains.
use crate::bio::BioPage;
use crate::error::AppError;
use crate::platform::Ctx;
pub async fn add(_ctx: &Ctx, _page: String, _domain: String) -> Result<BioPage, AppError> { Err(AppError::unavailable("in progress")) }
pub async fn verify(_ctx: &Ctx, _page: String, _domain: String) -> Result<BioPage, AppError> { Err(AppError::unavailable("in progress")) }
pub async fn remove(_ctx: &Ctx, _page: String, _domain: String) -> Result<BioPage, AppError> { Err(AppError::unavailable("in progress")) }
