use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::SignUpOutcome;
use crate::error::AppError;

/// Creates an account and e-mails a verification link. Answers the same whether or not the address already has an account.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(name: String, email: String, password: String) -> Result<SignUpOutcome, AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::sign_up(&state, &meta, name, email, password).await
}
