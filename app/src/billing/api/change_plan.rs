use leptos::prelude::*;

#[allow(unused_imports)]
use crate::billing::*;
use crate::error::AppError;

/// Changes the plan of a workspace (owner only): between paid plans the Stripe subscription is updated with proration; to Free the subscription is cancelled at the end of its period. A lower plan is refused when the workspace uses more than it allows, with a message listing each excess, e.g. "Team members: 4 of 2; Link-in-bio pages: 3 of 1". A paid plan without a subscription needs Checkout (start_checkout) instead.
#[server(prefix = "/api", endpoint = "change_plan")]
pub async fn change_plan(workspace: String, plan: String, interval: String) -> Result<BillingOverview, AppError> {
    let ctx = crate::platform::require_member(&workspace).await?;
    crate::billing::domain::change_plan(&ctx, plan, interval).await
}
