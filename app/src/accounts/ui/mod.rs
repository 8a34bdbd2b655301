//! Account pages: sign-up, sign-in (with the second step and Google), e-mail verification,
//! password reset, and the account page (profile, password, two-factor, sessions, log).

mod account;
mod recover;
mod sign_in;
mod sign_up;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

pub use account::{AccountPage, AccountRoute};
pub use recover::{ForgotPasswordPage, ForgotPasswordRoute, ResetPasswordPage, ResetPasswordRoute, VerifyEmailPage, VerifyEmailRoute};
pub use sign_in::SignInPage;
pub use sign_up::{SignUpPage, SignUpRoute};

use super::api::current_user;
use super::SessionUser;

/// Who is signed in on this device, shared by every page.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: RwSignal<Option<SessionUser>>,
    /// False until the first answer from the server.
    pub ready: RwSignal<bool>,
}

/// Who was signed in on this device last, for opening the app with no network.
const KNOWN_USER_KEY: &str = "mewayz.me";

impl Auth {
    pub fn refresh(self) {
        leptos::task::spawn_local(async move {
            match current_user().await {
                Ok(u) => self.user.set(u),
                // No network: whoever was signed in here last stays signed in, so the pages
                // they had open (and their pending changes) are there after a reload. The
                // server still checks the session on every call once the network is back.
                Err(e) if e.is_network() => {
                    if let Ok(u) = LocalStorage::get::<SessionUser>(KNOWN_USER_KEY) {
                        self.user.set(Some(u));
                    }
                }
                Err(_) => {}
            }
            self.ready.set(true);
        });
    }
}

pub fn provide_auth() -> Auth {
    let auth = Auth { user: RwSignal::new(None), ready: RwSignal::new(false) };
    auth.refresh();
    provide_context(auth);
    // Keep who is signed in on this device; once nobody is, forget them and every read kept
    // for offline use.
    Effect::new(move |_| match (auth.ready.get(), auth.user.get()) {
        (_, Some(u)) => {
            let _ = LocalStorage::set(KNOWN_USER_KEY, &u);
            follow_profile_language(&u);
        }
        (true, None) => {
            LocalStorage::delete(KNOWN_USER_KEY);
            crate::offline::forget_reads();
        }
        (false, None) => {}
    });
    auth
}

/// The app speaks the signed-in person's language: when their profile's differs from the
/// one in use (another device changed it, or this browser starts in another), it switches
/// once, which keeps the choice on this device and reloads. Where the choice cannot be kept
/// (storage blocked), the app stays as it is rather than reloading again and again.
fn follow_profile_language(user: &SessionUser) {
    if crate::i18n::Lang::from_code(&user.locale).is_some_and(|l| l != crate::i18n::lang()) && can_keep_language() {
        crate::i18n::switch_to(&user.locale);
    }
}

fn can_keep_language() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten()).is_some_and(|s| {
            let probe = "mewayz.lang-probe";
            let ok = s.set_item(probe, "1").is_ok();
            let _ = s.remove_item(probe);
            ok
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
