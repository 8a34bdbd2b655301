//! M04 rules (being written).
use super::*;
use crate::error::AppError;
use crate::platform::Ctx;

fn todo() -> AppError { AppError::unavailable("Billing is being set up.") }
pub async fn get_billing(_ctx: &Ctx) -> Result<BillingOverview, AppError> { Err(todo()) }
pub async fn start_checkout(_ctx: &Ctx, _plan: String, _interval: String, _coupon: String) -> Result<String, AppError> { Err(todo()) }
pub async fn open_billing_portal(_ctx: &Ctx) -> Result<String, AppError> { Err(todo()) }
pub async fn change_plan(_ctx: &Ctx, _plan: String, _interval: String) -> Result<BillingOverview, AppError> { Err(todo()) }
pub async fn admin_list_plans(_ctx: &Ctx) -> Result<Vec<AdminPlan>, AppError> { Err(todo()) }
#[allow(clippy::too_many_arguments)]
pub async fn admin_save_plan(_ctx: &Ctx, _id: String, _name: String, _m: i64, _y: i64, _c: String, _l: String, _pm: String, _py: String) -> Result<Vec<AdminPlan>, AppError> { Err(todo()) }
pub async fn admin_find_workspace(_ctx: &Ctx, _q: String) -> Result<AdminWorkspaceBilling, AppError> { Err(todo()) }
pub async fn admin_set_complimentary(_ctx: &Ctx, _w: String, _p: String, _u: String) -> Result<AdminWorkspaceBilling, AppError> { Err(todo()) }
pub async fn admin_set_limit_override(_ctx: &Ctx, _w: String, _k: String, _v: String) -> Result<AdminWorkspaceBilling, AppError> { Err(todo()) }
pub async fn admin_create_coupon(_ctx: &Ctx, _c: String, _p: i64, _d: i64) -> Result<Vec<Coupon>, AppError> { Err(todo()) }
pub async fn admin_list_coupons(_ctx: &Ctx) -> Result<Vec<Coupon>, AppError> { Err(todo()) }
