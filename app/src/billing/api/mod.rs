//! The server fns of M04, one per file. Workspace fns take the workspace id first; the
//! `admin_*` fns are for platform administrators and take no workspace of the caller's.

mod get_billing;
mod start_checkout;
mod open_billing_portal;
mod change_plan;
mod admin_list_plans;
mod admin_save_plan;
mod admin_find_workspace;
mod admin_set_complimentary;
mod admin_set_limit_override;
mod admin_create_coupon;
mod admin_list_coupons;

pub use get_billing::*;
pub use start_checkout::*;
pub use open_billing_portal::*;
pub use change_plan::*;
pub use admin_list_plans::*;
pub use admin_save_plan::*;
pub use admin_find_workspace::*;
pub use admin_set_complimentary::*;
pub use admin_set_limit_override::*;
pub use admin_create_coupon::*;
pub use admin_list_coupons::*;

use crate::workspaces::api::Reach;

/// Every server fn of this module (checked against the source by the cross-workspace probe).
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("get_billing", Reach::Workspace),
    ("start_checkout", Reach::Workspace),
    ("open_billing_portal", Reach::Workspace),
    ("change_plan", Reach::Workspace),
    ("admin_list_plans", Reach::Platform),
    ("admin_save_plan", Reach::Platform),
    ("admin_find_workspace", Reach::Platform),
    ("admin_set_complimentary", Reach::Platform),
    ("admin_set_limit_override", Reach::Platform),
    ("admin_create_coupon", Reach::Platform),
    ("admin_list_coupons", Reach::Platform),
];
