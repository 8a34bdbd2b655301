//! The app shell: top bar, navigation (bottom on phones, side on desktop), theme, the
//! 404 page, and the shared loading and error views every page uses.

mod forms;
mod theme;
mod widgets;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

pub use theme::{Theme, ThemeToggle};
pub use forms::{action_error, format_time, Field, FormError};
pub use widgets::{keep_tab_inside, ErrorNote, FieldMessage, Loading};

use crate::accounts::api::SignOut;
use crate::accounts::ui::{provide_auth, use_auth, AccountPage, ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage};
use crate::status::ui::{HomePage, StatusPage};
use crate::workspaces::ui::{provide_workspaces, use_workspaces, AuditPage, InvitationPage, SettingsPage, SetupPage, TeamPage};

#[component]
pub fn App() -> impl IntoView {
    theme::provide_theme();
    crate::pwa::provide_pwa();
    crate::offline::provide_sync();
    provide_auth();
    provide_workspaces();
    crate::notifications::ui::provide_centre();
    let ws = use_workspaces();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <header class="topbar">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"M"</span>
                    <span class="brand-name">"Mewayz"</span>
                </A>
                <div class="topbar-actions">
                    <crate::offline::SyncIndicator/>
                    <crate::notifications::ui::Bell/>
                    <ThemeToggle/>
                    <UserMenu/>
                </div>
            </header>
            <crate::pwa::UpdateBanner/>
            <div class="frame">
                <nav class="mainnav" aria-label="Main">
                    <ul>
                        <NavItem href="/" label="Home" icon=Icon::Home/>
                        {move || ws.current.get().is_some().then(|| view! {
                            <NavItem href="/bio" label="Bio" icon=Icon::Page section=true/>
                            <NavItem href="/links" label="Links" icon=Icon::Link/>
                            <NavItem href="/workspace/team" label="Team" icon=Icon::Team/>
                            <NavItem href="/workspace/settings" label="Settings" icon=Icon::Settings/>
                        })}
                        {move || use_auth().user.get().is_some().then(|| view! { <NavItem href="/account" label="Account" icon=Icon::User/> })}
                        {move || use_auth()
                            .user
                            .get()
                            .is_some_and(|u| matches!(u.role, crate::accounts::PlatformRole::Admin | crate::accounts::PlatformRole::SuperAdmin))
                            .then(|| view! { <NavItem href="/admin/billing" label="Admin" icon=Icon::Shield/> })}
                        // In a workspace the phone's bar is full: Status stays on wider screens.
                        <NavItem href="/status" label="Status" icon=Icon::Pulse wide_only=Signal::derive(move || ws.current.get().is_some())/>
                    </ul>
                </nav>
                <main id="main" tabindex="-1">
                    <ErrorBoundary fallback=|errors| {
                        view! {
                            <section class="page">
                                <h1>"Something went wrong"</h1>
                                <ul class="error-list">
                                    {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
                                </ul>
                                <p><a href="/">"Back to the start"</a></p>
                            </section>
                        }
                    }>
                        <Routes fallback=|| view! { <NotFound/> }>
                            <Route path=path!("/") view=HomePage/>
                            <Route path=path!("/status") view=StatusPage/>
                            <Route path=path!("/signup") view=SignUpPage/>
                            <Route path=path!("/login") view=SignInPage/>
                            <Route path=path!("/verify-email") view=VerifyEmailPage/>
                            <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                            <Route path=path!("/reset-password") view=ResetPasswordPage/>
                            <Route path=path!("/account") view=AccountPage/>
                            <Route path=path!("/setup") view=SetupPage/>
                            <Route path=path!("/invite") view=InvitationPage/>
                            <Route path=path!("/workspace/team") view=TeamPage/>
                            <Route path=path!("/workspace/settings") view=SettingsPage/>
                            <Route path=path!("/workspace/audit") view=AuditPage/>
                            <Route path=path!("/notifications") view=crate::notifications::ui::NotificationsPage/>
                            <Route path=path!("/bio") view=crate::bio::ui::BioPagesPage/>
                            <Route path=path!("/bio/:id") view=crate::bio::ui::BuilderPage/>
                            <Route path=path!("/media") view=crate::media::ui::MediaPage/>
                            <Route path=path!("/links") view=crate::shortlinks::ui::LinksPage/>
                            <Route path=path!("/billing") view=crate::billing::ui::BillingPage/>
                            <Route path=path!("/admin/billing") view=crate::billing::ui::AdminBillingPage/>
                        </Routes>
                    </ErrorBoundary>
                </main>
            </div>
        </Router>
    }
}

#[derive(Clone, Copy)]
enum Icon {
    Home,
    Page,
    Link,
    Pulse,
    User,
    Team,
    Settings,
    Shield,
}

fn icon_path(icon: Icon) -> &'static str {
    match icon {
        Icon::Home => "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z",
        Icon::Page => "M8 3h8a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM9.5 8h5M9.5 12h5M9.5 16h5",
        Icon::Link => "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
        Icon::Pulse => "M2 12h4l3-8 6 16 3-8h4",
        Icon::User => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9a8 8 0 0 1 16 0",
        Icon::Team => "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20a6.5 6.5 0 0 1 13 0M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.2a6.5 6.5 0 0 1 3.5 5.8",
        Icon::Shield => "M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5zM9 12l2 2 4-4",
        Icon::Settings => "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-2.9 1.2V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-2.9-1.2l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1A1.7 1.7 0 0 0 3 15H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.2-2.9l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1A1.7 1.7 0 0 0 10 4.1V4a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 2.9 1.2l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0 1.2 2.9h.1a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
    }
}

#[component]
fn NavItem(
    href: &'static str,
    label: &'static str,
    icon: Icon,
    /// Also marked current on the pages below it (`/bio/…` for `/bio`).
    #[prop(optional)]
    section: bool,
    /// Left out of the phone's bottom bar, where there is room for six.
    #[prop(optional, into)]
    wide_only: Signal<bool>,
) -> impl IntoView {
    view! {
        <li class:nav-wide-only=wide_only>
            <A href=href exact=!section>
                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d=icon_path(icon)></path>
                </svg>
                <span class="nav-label">{label}</span>
            </A>
        </li>
    }
}

/// Sign in / create account, or the signed-in person's name and a sign-out button.
#[component]
fn UserMenu() -> impl IntoView {
    let auth = use_auth();
    let sign_out = ServerAction::<SignOut>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if matches!(sign_out.value().get(), Some(Ok(()))) {
            auth.user.set(None);
            navigate("/login", Default::default());
        }
    });
    move || match auth.user.get() {
        Some(u) => view! {
            <A href="/account" attr:class="user-name">{u.name.clone()}</A>
            <button type="button" class="button secondary compact" on:click=move |_| { sign_out.dispatch(SignOut {}); }>
                "Sign out"
            </button>
        }
        .into_any(),
        None if auth.ready.get() => view! { <A href="/login" attr:class="button compact">"Sign in"</A> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page narrow" aria-labelledby="nf-title">
            <p class="eyebrow">"Error 404"</p>
            <h1 id="nf-title">"This page does not exist"</h1>
            <p class="muted">"The address may be mistyped, or the page may have moved."</p>
            <p><A href="/" attr:class="button">"Go to the start"</A></p>
        </section>
    }
}
