//! The dashboard: the current workspace, arranged by its goals. It shows only modules that
//! exist; each module adds its card to [`MODULES`] when it ships.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::{pending_invitation_path, use_workspaces, NoWorkspace, WorkspaceBar};
use crate::shell::{ErrorNote, Loading};
use crate::workspaces::api::get_workspace;
use crate::workspaces::{label_of, Action, WorkspaceDetail, WorkspaceRole, GOALS};

/// A module's card on the dashboard.
pub struct DashboardModule {
    /// The permission-table module that must allow viewing.
    pub module: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub href: &'static str,
    /// The goals this module serves; empty for "every goal". Cards for the chosen goals
    /// come first.
    pub goals: &'static [&'static str],
}

pub const MODULES: &[DashboardModule] = &[
    DashboardModule { module: "bio", title: "Link-in-bio", description: "One page for all your links, with a builder, themes and analytics.", href: "/bio", goals: &["link_in_bio", "social_growth"] },
    DashboardModule { module: "links", title: "Short links", description: "Short addresses that redirect anywhere, with click counts.", href: "/links", goals: &["link_in_bio", "social_growth"] },
    DashboardModule { module: "media", title: "Media library", description: "Images for your pages, resized for every screen.", href: "/media", goals: &[] },
    DashboardModule { module: "billing", title: "Plan and billing", description: "Your plan, usage against its limits, invoices and upgrades.", href: "/billing", goals: &[] },
    DashboardModule { module: "team", title: "Team", description: "Members, roles and invitations.", href: "/workspace/team", goals: &[] },
    DashboardModule { module: "settings", title: "Settings", description: "Name, address, logo, brand colour, time zone and currency.", href: "/workspace/settings", goals: &[] },
    DashboardModule { module: "audit", title: "Audit log", description: "Who changed what in this workspace, and when.", href: "/workspace/audit", goals: &[] },
];

/// Orders the cards: those serving a chosen goal first, then the ones for every goal.
pub fn arrange(goals: &[String]) -> Vec<&'static DashboardModule> {
    let mut cards: Vec<&DashboardModule> = MODULES.iter().collect();
    let score = |m: &DashboardModule| {
        if m.goals.is_empty() {
            1
        } else if m.goals.iter().any(|g| goals.iter().any(|c| c == g)) {
            0
        } else {
            2
        }
    };
    cards.sort_by_key(|m| score(m));
    cards
}

/// The signed-in home: routes to the wizard or a pending invitation when needed, else shows
/// the dashboard of the current workspace.
#[component]
pub fn Dashboard() -> impl IntoView {
    let ws = use_workspaces();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if !ws.ready.get() {
            return;
        }
        if let Some(path) = pending_invitation_path() {
            navigate(&path, Default::default());
            return;
        }
        if ws.list.get().is_empty() && ws.error.get().is_none() {
            navigate("/setup", Default::default());
            return;
        }
        if let Some(w) = ws.current_summary() {
            if !w.setup_done && w.role == WorkspaceRole::Owner {
                navigate("/setup", Default::default());
            }
        }
    });
    let detail = LocalResource::new(move || {
        let id = ws.current.get();
        async move {
            match id {
                Some(id) => get_workspace(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        {move || ws.error.get().map(|e| view! { <ErrorNote error=e/> })}
        <Show when=move || ws.ready.get() fallback=|| view! { <Loading/> }>
            <WorkspaceBar/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(d)) => view! { <Overview detail=d/> }.into_any(),
                        Ok(None) => view! { <NoWorkspace/> }.into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}

#[component]
fn Overview(detail: WorkspaceDetail) -> impl IntoView {
    let ws = use_workspaces();
    let admin = detail.role >= WorkspaceRole::Admin;
    let checklist = vec![
        ("Choose your goals", !detail.setup.goals.is_empty(), "/setup"),
        ("Invite your team", detail.member_count > 1, "/workspace/team"),
        ("Add your logo", detail.logo_url.is_some(), "/workspace/settings"),
    ];
    let open_items = checklist.iter().filter(|(_, done, _)| !done).count();
    let cards = arrange(&detail.setup.goals);
    view! {
        <section class="page" aria-labelledby="dash-title">
            <div class="ws-head">
                {detail.logo_url.clone().map(|src| view! { <img class="ws-logo" src=src alt="" width="48" height="48"/> })}
                <div>
                    <h1 id="dash-title">{detail.name.clone()}</h1>
                    <p class="muted">{format!("{} plan · you are {} · {} member{}", detail.plan_name, detail.role.label().to_lowercase(), detail.member_count, if detail.member_count == 1 { "" } else { "s" })}</p>
                </div>
            </div>
            {(!detail.setup.goals.is_empty()).then(|| view! {
                <div>
                    <h2 class="small-title">"Your goals"</h2>
                    <ul class="chips" aria-label="Your goals">
                        {detail.setup.goals.iter().map(|g| view! { <li>{label_of(GOALS, g)}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {(admin && open_items > 0).then(|| view! {
                <section class="card" aria-labelledby="start-title">
                    <h2 id="start-title">"Getting started"</h2>
                    <ul class="checklist">
                        {checklist.into_iter().map(|(label, done, href)| view! {
                            <li class:done=done>
                                <span class="check" aria-hidden="true">{if done { "✓" } else { "○" }}</span>
                                {if done {
                                    view! { <span>{label}<span class="sr-only">" (done)"</span></span> }.into_any()
                                } else {
                                    view! { <A href=href>{label}</A> }.into_any()
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <section aria-labelledby="modules-title">
                <h2 id="modules-title" class="small-title">"In this workspace"</h2>
                <ul class="module-grid">
                    {move || cards.clone().into_iter().filter(|m| ws.can(m.module, Action::View)).map(|m| view! {
                        <li class="card module-card">
                            <h3><A href=m.href>{m.title}</A></h3>
                            <p class="muted">{m.description}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_link_to_existing_pages_and_only_registered_modules() {
        let table = crate::workspaces::permission_table();
        for m in MODULES {
            assert!(table.iter().any(|r| r.module == m.module), "{} has no row in the permission table", m.module);
            assert!(m.href.starts_with('/'));
        }
        assert_eq!(arrange(&["link_in_bio".into()]).len(), MODULES.len());
    }
}
