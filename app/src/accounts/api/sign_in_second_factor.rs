use leptos::prelude::*;

#[allow(unused_imports)]
use crate::accounts::SessionUser;
use crate::error::AppError;

/// Finishes a sign-in with a TOTP or recovery code.
#[server(prefix = "/api", endpoint = "sign_in_second_factor")]
pub async fn sign_in_second_factor(challenge: String, code: String) -> Result<SessionUser, AppError> {
    let state = crate::platform::state()?;
    let meta = crate::platform::RequestMeta::current(&state);
    crate::accounts::domain::sign_in_second_factor(&state, &meta, challenge, code).await
}
