//! The calls Mewayz makes to Stripe, through the async-stripe client (secret key, base URL
//! from `STRIPE_API_BASE`, Stripe-Version header, form encoding). Responses are read into
//! the small types below, holding only the fields Mewayz uses, so a field Stripe adds or
//! changes elsewhere in an object never breaks billing.

use std::collections::BTreeMap;

use miniserde::Deserialize;
use stripe_client_core::{RequestBuilder, StripeMethod};

use super::texts::BillingTexts;
use crate::error::AppError;
use crate::i18n::fill;
use crate::platform::config::StripeConfig;

pub type Form = BTreeMap<String, String>;

#[derive(Deserialize, Debug)]
pub struct Customer {
    pub id: String,
}

#[derive(Deserialize, Debug)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Option<String>,
}

#[derive(Deserialize, Debug)]
pub struct PortalSession {
    pub url: String,
}

#[derive(Deserialize, Debug)]
pub struct Price {
    pub id: String,
}

#[derive(Deserialize, Debug)]
pub struct SubscriptionItem {
    pub id: String,
    pub price: Price,
    /// Newer API versions keep the period on the item.
    pub current_period_end: Option<i64>,
}

#[derive(Deserialize, Debug)]
pub struct ItemList {
    pub data: Vec<SubscriptionItem>,
}

#[derive(Deserialize, Debug)]
pub struct Subscription {
    pub id: String,
    pub status: String,
    pub cancel_at_period_end: bool,
    /// Older API versions keep the period on the subscription.
    pub current_period_end: Option<i64>,
    pub items: ItemList,
    pub metadata: Option<BTreeMap<String, String>>,
}

impl Subscription {
    pub fn price_id(&self) -> Option<&str> {
        self.items.data.first().map(|i| i.price.id.as_str())
    }

    pub fn period_end(&self) -> Option<i64> {
        self.current_period_end.or_else(|| self.items.data.iter().filter_map(|i| i.current_period_end).max())
    }

    pub fn workspace_id(&self) -> Option<&str> {
        self.metadata.as_ref().and_then(|m| m.get("workspace_id")).map(String::as_str)
    }
}

#[derive(Deserialize, Debug)]
pub struct InvoiceObj {
    pub number: Option<String>,
    pub amount_paid: i64,
    pub amount_due: i64,
    pub currency: String,
    pub status: Option<String>,
    pub created: i64,
    pub hosted_invoice_url: Option<String>,
    pub invoice_pdf: Option<String>,
}

#[derive(Deserialize, Debug)]
pub struct InvoiceList {
    pub data: Vec<InvoiceObj>,
}

#[derive(Deserialize, Debug)]
pub struct CouponObj {
    pub id: String,
}

/// A Stripe client for this server's configuration.
pub struct Stripe {
    client: stripe::Client,
}

fn unavailable(what: &str, e: &dyn std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, what, "Stripe call failed");
    let t = BillingTexts::now();
    // `what` is the log's wording; people read it in their language.
    let said = match what {
        "create the customer" => t.stripe_create_customer,
        "start Checkout" => t.stripe_start_checkout,
        "open the billing portal" => t.stripe_open_portal,
        "read the subscription" => t.stripe_read_subscription,
        "change the subscription" => t.stripe_change_subscription,
        "list the invoices" => t.stripe_list_invoices,
        "create the coupon" => t.stripe_create_coupon,
        _ => t.stripe_start,
    };
    AppError::unavailable(fill(t.err_stripe_unreachable, &[("what", &said)]))
}

impl Stripe {
    pub fn new(config: &StripeConfig) -> Result<Stripe, AppError> {
        let client = stripe::ClientBuilder::new(config.secret_key.clone())
            .url(format!("{}/", config.api_base.trim_end_matches('/')))
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| unavailable("start", &e))?;
        Ok(Stripe { client })
    }

    async fn send<T: Deserialize>(&self, what: &str, req: RequestBuilder) -> Result<T, AppError> {
        req.customize::<T>().send(&self.client).await.map_err(|e| unavailable(what, &e))
    }

    fn post(path: &str, form: &Form) -> RequestBuilder {
        RequestBuilder::new(StripeMethod::Post, path).form(form)
    }

    pub async fn create_customer(&self, workspace_id: &str, name: &str, email: &str) -> Result<Customer, AppError> {
        let mut f = Form::new();
        f.insert("name".into(), name.into());
        f.insert("email".into(), email.into());
        f.insert("metadata[workspace_id]".into(), workspace_id.into());
        self.send("create the customer", Self::post("/customers", &f)).await
    }

    pub async fn create_checkout_session(&self, f: &Form) -> Result<CheckoutSession, AppError> {
        self.send("start Checkout", Self::post("/checkout/sessions", f)).await
    }

    pub async fn create_portal_session(&self, customer: &str, return_url: &str) -> Result<PortalSession, AppError> {
        let mut f = Form::new();
        f.insert("customer".into(), customer.into());
        f.insert("return_url".into(), return_url.into());
        self.send("open the billing portal", Self::post("/billing_portal/sessions", &f)).await
    }

    pub async fn subscription(&self, id: &str) -> Result<Subscription, AppError> {
        check_id(id)?;
        self.send("read the subscription", RequestBuilder::new(StripeMethod::Get, format!("/subscriptions/{id}"))).await
    }

    pub async fn update_subscription(&self, id: &str, f: &Form) -> Result<Subscription, AppError> {
        check_id(id)?;
        self.send("change the subscription", Self::post(&format!("/subscriptions/{id}"), f)).await
    }

    pub async fn invoices(&self, customer: &str, limit: u32) -> Result<InvoiceList, AppError> {
        let mut q = Form::new();
        q.insert("customer".into(), customer.into());
        q.insert("limit".into(), limit.to_string());
        self.send("list the invoices", RequestBuilder::new(StripeMethod::Get, "/invoices").query(&q)).await
    }

    pub async fn create_coupon(&self, code: &str, percent_off: i64, duration_months: i64) -> Result<CouponObj, AppError> {
        let mut f = Form::new();
        f.insert("id".into(), code.into());
        f.insert("name".into(), code.into());
        f.insert("percent_off".into(), percent_off.to_string());
        if duration_months > 0 {
            f.insert("duration".into(), "repeating".into());
            f.insert("duration_in_months".into(), duration_months.to_string());
        } else {
            f.insert("duration".into(), "forever".into());
        }
        self.send("create the coupon", Self::post("/coupons", &f)).await
    }
}

/// Stripe ids are word characters; anything else never reaches a URL path.
fn check_id(id: &str) -> Result<(), AppError> {
    if !id.is_empty() && id.len() < 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(AppError::unavailable(BillingTexts::now().err_stripe_id))
    }
}
