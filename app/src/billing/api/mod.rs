//! The server fns of M04, one per file. Workspace fns take the workspace id first; the
//! `admin_*` fns are for platform administrators and take no workspace of the caller's.

mod admin_create_coupon;
mod admin_find_workspace;
mod admin_list_coupons;
mod admin_list_plans;
mod admin_save_plan;
mod admin_set_complimentary;
mod admin_set_limit_override;
mod change_plan;
mod get_billing;
mod open_billing_portal;
mod start_checkout;

pub use admin_create_coupon::*;
pub use admin_find_workspace::*;
pub use admin_list_coupons::*;
pub use admin_list_plans::*;
pub use admin_save_plan::*;
pub use admin_set_complimentary::*;
pub use admin_set_limit_override::*;
pub use change_plan::*;
pub use get_billing::*;
pub use open_billing_portal::*;
pub use start_checkout::*;

use crate::platform::Reach;

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
