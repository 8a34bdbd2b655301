//! Account pages: sign-up, sign-in (with the second step and Google), e-mail verification,
//! password reset, and the account page (profile, password, two-factor, sessions, log).

mod account;
mod recover;
mod sign_in;
mod sign_up;

use leptos::prelude::*;

pub use account::AccountPage;
pub use recover::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage};
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;

use super::api::current_user;
use super::SessionUser;

/// Who is signed in on this device, shared by every page.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: RwSignal<Option<SessionUser>>,
    /// False until the first answer from the server.
    pub ready: RwSignal<bool>,
}

impl Auth {
    pub fn refresh(self) {
        leptos::task::spawn_local(async move {
            if let Ok(u) = current_user().await {
                self.user.set(u);
            }
            self.ready.set(true);
        });
    }
}

pub fn provide_auth() -> Auth {
    let auth = Auth { user: RwSignal::new(None), ready: RwSignal::new(false) };
    auth.refresh();
    provide_context(auth);
    auth
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
