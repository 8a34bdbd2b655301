//! The app shell: top bar, navigation (bottom on phones, side on desktop), theme, the
//! 404 page, and the shared loading and error views every page uses.

mod theme;
mod widgets;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

pub use theme::{Theme, ThemeToggle};
pub use widgets::{ErrorNote, FieldMessage, Loading};

use crate::status::ui::{HomePage, StatusPage};

#[component]
pub fn App() -> impl IntoView {
    theme::provide_theme();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <header class="topbar">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"M"</span>
                    <span class="brand-name">"Mewayz"</span>
                </A>
                <div class="topbar-actions">
                    <ThemeToggle/>
                </div>
            </header>
            <div class="frame">
                <nav class="mainnav" aria-label="Main">
                    <ul>
                        <NavItem href="/" label="Home" icon=Icon::Home/>
                        <NavItem href="/status" label="Status" icon=Icon::Pulse/>
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
    Pulse,
}

fn icon_path(icon: Icon) -> &'static str {
    match icon {
        Icon::Home => "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z",
        Icon::Pulse => "M2 12h4l3-8 6 16 3-8h4",
    }
}

#[component]
fn NavItem(href: &'static str, label: &'static str, icon: Icon) -> impl IntoView {
    view! {
        <li>
            <A href=href exact=true>
                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d=icon_path(icon)></path>
                </svg>
                <span class="nav-label">{label}</span>
            </A>
        </li>
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
