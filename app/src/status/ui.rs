use leptos::prelude::*;

use super::{get_status, SystemStatus};
use crate::accounts::ui::use_auth;
use crate::shell::{ErrorNote, Loading};
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    move || match auth.user.get() {
        Some(_) => view! { <crate::workspaces::ui::Dashboard/> }.into_any(),
        None => view! {
            <section class="page" aria-labelledby="home-title">
                <h1 id="home-title">"Welcome to Mewayz"</h1>
                <p class="lead">
                    "One workspace for your link-in-bio page, website, forms, contacts, e-mail, bookings, "
                    "invoices, store, courses and community."
                </p>
                <p class="muted">
                    "Mewayz works on your phone and keeps working without a connection."
                </p>
                {move || auth.ready.get().then(|| view! {
                    <p class="row">
                        <A href="/signup" attr:class="button">"Create your account"</A>
                        <A href="/login" attr:class="button secondary">"Sign in"</A>
                    </p>
                })}
            </section>
        }.into_any(),
    }
}

fn uptime(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min", secs / 60),
        3600..=86_399 => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
        _ => format!("{} days", secs / 86_400),
    }
}

#[component]
fn StatusTable(s: SystemStatus) -> impl IntoView {
    let (db_text, db_class) = if s.database_ready { ("Ready", "badge ok") } else { ("Not reachable", "badge bad") };
    view! {
        <dl class="facts">
            <div>
                <dt>"Server"</dt>
                <dd><span class="badge ok">"Reachable"</span></dd>
            </div>
            <div>
                <dt>"Database"</dt>
                <dd><span class=db_class data-testid="db-state">{db_text}</span></dd>
            </div>
            <div>
                <dt>"Version"</dt>
                <dd>{s.version}</dd>
            </div>
            <div>
                <dt>"Up for"</dt>
                <dd>{uptime(s.uptime_secs)}</dd>
            </div>
        </dl>
    }
}

#[component]
pub fn StatusPage() -> impl IntoView {
    let status = LocalResource::new(get_status);
    view! {
        <section class="page" aria-labelledby="status-title">
            <h1 id="status-title">"System status"</h1>
            <p class="muted">"Checked live against this server and its database."</p>
            <div class="card">
                <Transition fallback=|| view! { <Loading label="Checking the server…"/> }>
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(s) => view! { <StatusTable s=s/> }.into_any(),
                            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <p>
                <button type="button" class="button secondary" on:click=move |_| status.refetch()>
                    "Check again"
                </button>
            </p>
        </section>
    }
}
