use leptos::prelude::*;

use super::texts::StatusTexts;
use super::{get_status, SystemStatus};
use crate::accounts::ui::use_auth;
use crate::i18n::fill;
use crate::shell::{ErrorNote, Loading};
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let t = StatusTexts::now();
    move || match auth.user.get() {
        Some(_) => view! { <crate::workspaces::ui::Dashboard/> }.into_any(),
        None => view! {
            <section class="page" aria-labelledby="home-title">
                <h1 id="home-title">{t.home_title}</h1>
                <p class="lead">{t.home_lead}</p>
                <p class="muted">{t.home_offline}</p>
                {move || auth.ready.get().then(|| view! {
                    <p class="row">
                        <A href="/signup" attr:class="button">{t.home_sign_up}</A>
                        <A href="/login" attr:class="button secondary">{t.home_sign_in}</A>
                    </p>
                })}
            </section>
        }
        .into_any(),
    }
}

fn uptime(t: &StatusTexts, secs: u64) -> String {
    match secs {
        0..=59 => fill(t.uptime_seconds, &[("n", &secs)]),
        60..=3599 => fill(t.uptime_minutes, &[("n", &(secs / 60))]),
        3600..=86_399 => fill(t.uptime_hours, &[("h", &(secs / 3600)), ("min", &((secs % 3600) / 60))]),
        _ => fill(t.uptime_days, &[("n", &(secs / 86_400))]),
    }
}

#[component]
fn StatusTable(s: SystemStatus) -> impl IntoView {
    let t = StatusTexts::now();
    let (db_text, db_class) = if s.database_ready { (t.db_ready, "badge ok") } else { (t.db_down, "badge bad") };
    view! {
        <dl class="facts">
            <div>
                <dt>{t.server}</dt>
                <dd><span class="badge ok">{t.reachable}</span></dd>
            </div>
            <div>
                <dt>{t.database}</dt>
                <dd><span class=db_class data-testid="db-state">{db_text}</span></dd>
            </div>
            <div>
                <dt>{t.version}</dt>
                <dd>{s.version}</dd>
            </div>
            <div>
                <dt>{t.up_for}</dt>
                <dd>{uptime(t, s.uptime_secs)}</dd>
            </div>
        </dl>
    }
}

#[component]
pub fn StatusPage() -> impl IntoView {
    let status = LocalResource::new(get_status);
    let t = StatusTexts::now();
    view! {
        <section class="page" aria-labelledby="status-title">
            <h1 id="status-title">{t.title}</h1>
            <p class="muted">{t.intro}</p>
            <div class="card">
                <Transition fallback=move || view! { <Loading label=t.checking/> }>
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
                    {t.check_again}
                </button>
            </p>
        </section>
    }
}

crate::lazy_page!(StatusRoute, status_page, StatusPage);
