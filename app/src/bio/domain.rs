//! (in progress) M05 rules.
use crate::bio::{BioPage, BioPageSummary, BioSignup};
use crate::error::AppError;
use crate::platform::Ctx;
fn wip<T>() -> Result<T, AppError> { Err(AppError::unavailable("in progress")) }
pub async fn list_pages(_ctx: &Ctx) -> Result<Vec<BioPageSummary>, AppError> { wip() }
pub async fn create_page(_ctx: &Ctx, _handle: String) -> Result<BioPage, AppError> { wip() }
pub async fn get_page(_ctx: &Ctx, _page: String) -> Result<BioPage, AppError> { wip() }
pub async fn save_draft(_ctx: &Ctx, _page: String, _content: String, _version: i64) -> Result<BioPage, AppError> { wip() }
pub async fn publish(_ctx: &Ctx, _page: String, _version: i64) -> Result<BioPage, AppError> { wip() }
pub async fn unpublish(_ctx: &Ctx, _page: String) -> Result<BioPage, AppError> { wip() }
pub async fn change_handle(_ctx: &Ctx, _page: String, _handle: String) -> Result<BioPage, AppError> { wip() }
pub async fn delete_page(_ctx: &Ctx, _page: String) -> Result<(), AppError> { wip() }
pub async fn list_signups(_ctx: &Ctx, _page: String) -> Result<Vec<BioSignup>, AppError> { wip() }
