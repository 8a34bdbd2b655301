use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::SignInOutcome;
use crate::error::AppError;

/// Signs in with e-mail and password; may ask for a second factor.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<SignInOutcome, AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::sign_in(&state, &meta, email, password).await
}
