//! The app shell: top bar, navigation (bottom on phones, side on desktop), theme, the
//! 404 page, and the shared loading and error views every page uses.

mod file_picker;
mod forms;
mod lazy;
pub mod routes;
pub mod texts;
mod theme;
mod widgets;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use texts::ShellTexts;

pub use file_picker::FilePicker;
pub use forms::{action_error, format_time, Field, FormError};
pub use lazy::{lazy_view, Loaded};
pub use theme::{Theme, ThemeToggle};
pub use widgets::{copy_text, keep_tab_inside, ErrorNote, FieldMessage, Loading};

use crate::accounts::api::SignOut;
use crate::accounts::ui::{provide_auth, use_auth, SignInPage};
use crate::status::ui::HomePage;
use crate::workspaces::ui::{provide_workspaces, use_workspaces};

#[component]
pub fn App() -> impl IntoView {
    theme::provide_theme();
    crate::pwa::provide_pwa();
    crate::offline::provide_sync();
    provide_auth();
    provide_workspaces();
    crate::notifications::ui::provide_centre();
    let t = ShellTexts::now();
    let auth = use_auth();
    let pwa = crate::pwa::use_pwa();
    // Only someone signed in has changes kept on this device to sync; a visitor is told only
    // that the connection is gone (signing in needs it), never "Synced".
    let show_sync = Memo::new(move |_| auth.user.get().is_some() || !pwa.online.get());
    view! {
        <Router>
            <a class="skip-link" href="#main">{t.skip_link}</a>
            <header class="topbar">
                // On phones only the mark shows, so the link is named for everyone.
                <A href="/" attr:class="brand" attr:aria-label=t.brand_home>
                    <span class="brand-mark" aria-hidden="true">"M"</span>
                    <span class="brand-name" aria-hidden="true">"Mewayz"</span>
                </A>
                <div class="topbar-actions">
                    {move || show_sync.get().then(|| view! { <crate::offline::SyncIndicator/> })}
                    <crate::notifications::ui::Bell/>
                    <ThemeToggle/>
                    <UserMenu/>
                </div>
            </header>
            <crate::pwa::UpdateBanner/>
            <div class="frame">
                <MainNav/>
                <main id="main" tabindex="-1">
                    <ErrorBoundary fallback=move |errors| {
                        view! {
                            <section class="page">
                                <h1>{t.error_title}</h1>
                                <ul class="error-list">
                                    {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
                                </ul>
                                <p><a href="/">{t.error_back}</a></p>
                            </section>
                        }
                    }>
                        // Every path here is also in routes::CLIENT_ROUTES (the server answers
                        // those with the shell); a test checks that the two lists agree.
                        <Routes fallback=|| view! { <NotFound/> }>
                            <Route path=path!("/") view=HomePage/>
                            <Route path=path!("/status") view=crate::status::ui::StatusRoute/>
                            <Route path=path!("/signup") view=crate::accounts::ui::SignUpRoute/>
                            <Route path=path!("/login") view=SignInPage/>
                            <Route path=path!("/verify-email") view=crate::accounts::ui::VerifyEmailRoute/>
                            <Route path=path!("/forgot-password") view=crate::accounts::ui::ForgotPasswordRoute/>
                            <Route path=path!("/reset-password") view=crate::accounts::ui::ResetPasswordRoute/>
                            <Route path=path!("/account") view=crate::accounts::ui::AccountRoute/>
                            <Route path=path!("/setup") view=crate::workspaces::ui::SetupRoute/>
                            <Route path=path!("/invite") view=crate::workspaces::ui::InvitationRoute/>
                            <Route path=path!("/workspace/team") view=crate::workspaces::ui::TeamRoute/>
                            <Route path=path!("/workspace/settings") view=crate::workspaces::ui::SettingsRoute/>
                            <Route path=path!("/workspace/audit") view=crate::workspaces::ui::AuditRoute/>
                            <Route path=path!("/notifications") view=crate::notifications::ui::NotificationsRoute/>
                            <Route path=path!("/bio") view=crate::bio::ui::BioPagesRoute/>
                            <Route path=path!("/bio/:id") view=crate::bio::ui::BuilderRoute/>
                            <Route path=path!("/forms") view=crate::forms::ui::FormsRoute/>
                            <Route path=path!("/forms/:id") view=crate::forms::ui::FormRoute/>
                            <Route path=path!("/media") view=crate::media::ui::MediaRoute/>
                            <Route path=path!("/links") view=crate::shortlinks::ui::LinksRoute/>
                            <Route path=path!("/billing") view=crate::billing::ui::BillingRoute/>
                            <Route path=path!("/admin/billing") view=crate::billing::ui::AdminBillingRoute/>
                        </Routes>
                    </ErrorBoundary>
                </main>
            </div>
        </Router>
    }
}

/// The home page's icon, and the "More" button's.
const HOME_ICON: &str = "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z";
const MORE_ICON: &str = "M4 6h16M4 12h16M4 18h16";

/// One page of the main navigation, in the current language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NavEntry {
    href: &'static str,
    label: &'static str,
    icon: &'static str,
    /// Also marked current on the pages below it (`/bio/…` for `/bio`).
    section: bool,
}

/// The main navigation, in order, for who is signed in: home, then every module's entries
/// from the registry that this person may see. `area_open` tells whether the open workspace
/// (if any) lets this person view an area: the workspace's pages are listed only then, the
/// way the dashboard lists its cards.
fn nav_entries(t: &'static ShellTexts, signed_in: bool, platform_admin: bool, area_open: &dyn Fn(&str) -> bool) -> Vec<NavEntry> {
    use crate::platform::NavScope;
    let mut list = vec![NavEntry { href: "/", label: t.nav_home, icon: HOME_ICON, section: false }];
    for e in crate::REGISTRY.nav() {
        let shown = match e.scope {
            NavScope::Everyone => true,
            NavScope::Person => signed_in,
            NavScope::Workspace { area } => signed_in && area_open(area),
            NavScope::PlatformAdmin => platform_admin,
        };
        if shown {
            list.push(NavEntry { href: e.href, label: (e.label)(), icon: e.icon, section: e.section });
        }
    }
    list
}

/// Items the phone's bottom bar has room for at 360 px.
const PHONE_BAR_SLOTS: usize = 6;

/// How many entries the phone's bar shows itself: all of them when they fit, else one fewer
/// than it holds, the last place going to "More", which opens the rest.
fn phone_bar_count(entries: usize) -> usize {
    if entries <= PHONE_BAR_SLOTS {
        entries
    } else {
        PHONE_BAR_SLOTS - 1
    }
}

/// The main navigation: every page in the side bar on wide screens; on phones a bottom bar
/// of at most six, the rest behind "More" (a disclosure button: Escape closes it and gives
/// the focus back to the button, as does tapping elsewhere or opening a page).
#[component]
fn MainNav() -> impl IntoView {
    let t = ShellTexts::now();
    let auth = use_auth();
    let ws = use_workspaces();
    let entries = Memo::new(move |_| {
        let user = auth.user.get();
        let admin = user.as_ref().is_some_and(|u| matches!(u.role, crate::platform::PlatformRole::Admin | crate::platform::PlatformRole::SuperAdmin));
        let in_workspace = ws.current.get().is_some();
        nav_entries(t, user.is_some(), admin, &|module| in_workspace && ws.can(module, crate::platform::Action::View))
    });
    let open = RwSignal::new(false);
    let more_item = NodeRef::<leptos::html::Li>::new();
    let more_button = NodeRef::<leptos::html::Button>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let close_to_button = move || {
        open.set(false);
        if let Some(b) = more_button.get_untracked() {
            let _ = b.focus();
        }
    };
    // A tap or click anywhere outside closes it.
    let _ = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let inside = more_item.get_untracked().is_some_and(|li| {
            use wasm_bindgen::JsCast;
            ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()).is_some_and(|n| li.contains(Some(&n)))
        });
        if !inside {
            open.set(false);
        }
    });
    view! {
        <nav class="mainnav" aria-label=t.nav_main>
            <ul>
                {move || {
                    let list = entries.get();
                    let in_bar = phone_bar_count(list.len());
                    let rest: Vec<NavEntry> = list[in_bar..].to_vec();
                    let items = list.iter().enumerate().map(|(i, e)| view! { <NavItem entry=*e wide_only={i >= in_bar}/> }).collect_view();
                    let more = (!rest.is_empty()).then(|| view! {
                        <li class="nav-more" node_ref=more_item on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Escape" && open.get_untracked() {
                                ev.prevent_default();
                                close_to_button();
                            }
                        }>
                            <button
                                type="button"
                                class="nav-more-button"
                                node_ref=more_button
                                aria-expanded=move || if open.get() { "true" } else { "false" }
                                aria-controls="nav-more-sheet"
                                on:click=move |_| open.update(|o| *o = !*o)
                            >
                                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                                    <path d=MORE_ICON></path>
                                </svg>
                                <span class="nav-label">{t.nav_more}</span>
                            </button>
                            // It holds only links: opening one closes it.
                            <div id="nav-more-sheet" class="more-sheet" hidden=move || !open.get() on:click=move |_| open.set(false)>
                                <ul aria-label=t.nav_more_list>
                                    {rest.into_iter().map(|e| view! { <NavItem entry=e/> }).collect_view()}
                                </ul>
                            </div>
                        </li>
                    });
                    view! { {items} {more} }
                }}
            </ul>
        </nav>
    }
}

#[component]
fn NavItem(
    entry: NavEntry,
    /// Left out of the phone's bottom bar (it is behind "More" there).
    #[prop(optional)]
    wide_only: bool,
) -> impl IntoView {
    view! {
        <li class:nav-wide-only=wide_only>
            <A href=entry.href exact=!entry.section>
                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d=entry.icon></path>
                </svg>
                <span class="nav-label">{entry.label}</span>
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
    let t = ShellTexts::now();
    move || match auth.user.get() {
        Some(u) => {
            let title = crate::i18n::fill(t.your_account, &[("name", &u.name)]);
            view! {
            <A href="/account" attr:class="user-name" attr:title=title>{u.name}</A>
            // On phones only the icon shows; the name stays for screen readers.
            <button type="button" class="button secondary compact sign-out" title=t.sign_out on:click=move |_| { sign_out.dispatch(SignOut {}); }>
                <svg class="sign-out-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11"></path>
                </svg>
                <span class="sign-out-label">{t.sign_out}</span>
            </button>
            }
            .into_any()
        }
        None if auth.ready.get() => view! { <A href="/login" attr:class="button compact">{t.sign_in}</A> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let t = ShellTexts::now();
    view! {
        <section class="page narrow" aria-labelledby="nf-title">
            <p class="eyebrow">{t.nf_eyebrow}</p>
            <h1 id="nf-title">{t.nf_title}</h1>
            <p class="muted">{t.nf_body}</p>
            <p><A href="/" attr:class="button">{t.nf_go_start}</A></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(list: &[NavEntry]) -> Vec<&'static str> {
        list.iter().map(|e| e.href).collect()
    }

    #[test]
    fn the_navigation_reaches_every_page_of_an_open_workspace() {
        let t = &ShellTexts::EN;
        let owner = nav_entries(t, true, false, &|_| true);
        for page in
            ["/media", "/billing", "/notifications", "/workspace/audit", "/bio", "/links", "/workspace/team", "/workspace/settings", "/account", "/status"]
        {
            assert!(hrefs(&owner).contains(&page), "{page} is missing from {:?}", hrefs(&owner));
        }
        // A module the person may not view (an editor and the audit log) is left out.
        let editor = nav_entries(t, true, false, &|m| m != "audit");
        assert!(!hrefs(&editor).contains(&"/workspace/audit"));
        // No workspace open: only the person's own pages.
        assert_eq!(hrefs(&nav_entries(t, true, false, &|_| false)), ["/", "/notifications", "/account", "/status"]);
        assert_eq!(hrefs(&nav_entries(t, false, false, &|_| false)), ["/", "/status"]);
        assert!(hrefs(&nav_entries(t, true, true, &|_| false)).contains(&"/admin/billing"));
        // Every label is in the current language.
        #[cfg(feature = "ssr")]
        crate::i18n::sync_scope(crate::i18n::Lang::Fr, || {
            let fr = nav_entries(ShellTexts::now(), true, false, &|_| true);
            assert_eq!(fr[0].label, "Accueil");
            assert_eq!(fr[1].label, "Bio");
            assert!(fr.iter().any(|e| e.label == "Médias"));
        });
    }

    #[test]
    fn the_phone_bar_holds_six_at_most_and_more_opens_the_rest() {
        let t = &ShellTexts::EN;
        for (signed_in, admin, open) in [(false, false, false), (true, false, false), (true, true, false), (true, false, true), (true, true, true)] {
            let list = nav_entries(t, signed_in, admin, &|_| open);
            let in_bar = phone_bar_count(list.len());
            let more = usize::from(in_bar < list.len());
            assert!(in_bar + more <= PHONE_BAR_SLOTS, "{} entries: {in_bar} in the bar plus {more}", list.len());
            assert!(in_bar >= 1 && (more == 1 || in_bar == list.len()), "every entry is in the bar or behind More");
        }
        // In a workspace the bar keeps the pages used most: the workspace's own first.
        let owner = nav_entries(t, true, false, &|_| true);
        assert_eq!(hrefs(&owner[..phone_bar_count(owner.len())]), ["/", "/bio", "/links", "/workspace/team", "/workspace/settings"]);
    }
}
