//! The dashboard: the current workspace, arranged by its goals. It shows the cards of the
//! registered modules ([`crate::REGISTRY`]); each module adds its card in its descriptor.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::{pending_invitation_path, use_workspaces, NoWorkspace, WorkspaceBar};
use crate::i18n::fill;
use crate::platform::Card;
use crate::shell::{ErrorNote, Loading};
use crate::workspaces::api::{get_workspace, getting_started};
use crate::workspaces::texts::WorkspacesTexts;
use crate::workspaces::{goal_label, Action, RoleText, StartChecklist, WorkspaceDetail, WorkspaceRole};

/// What a "Getting started" step says, in the current language.
pub fn step_label(key: &str) -> &'static str {
    let t = WorkspacesTexts::now();
    match key {
        "goals" => t.step_goals,
        "bio_page" => t.step_bio_page,
        "bio_publish" => t.step_bio_publish,
        "short_link" => t.step_short_link,
        "media" => t.step_media,
        "team" => t.step_team,
        _ => t.step_logo,
    }
}

/// Orders the cards: those serving a chosen goal first, then the ones for every goal.
pub fn arrange(goals: &[String]) -> Vec<Card> {
    let mut cards = crate::REGISTRY.cards();
    let score = |m: &Card| {
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
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let members = if detail.member_count == 1 { t.dash_member_one.to_string() } else { fill(t.dash_member_many, &[("n", &detail.member_count)]) };
    let summary = fill(t.dash_summary, &[("plan", &detail.plan_name), ("role", &detail.role.label().to_lowercase()), ("members", &members)]);
    let id = detail.id.clone();
    let steps = LocalResource::new(move || getting_started(id.clone()));
    let cards = arrange(&detail.setup.goals);
    view! {
        <section class="page" aria-labelledby="dash-title">
            <div class="ws-head">
                {detail.logo_url.clone().map(|src| view! { <img class="ws-logo" src=src alt="" width="48" height="48"/> })}
                <div>
                    <h1 id="dash-title">{detail.name.clone()}</h1>
                    <p class="muted">{summary}</p>
                </div>
            </div>
            {(!detail.setup.goals.is_empty()).then(|| view! {
                <div>
                    <h2 class="small-title">{t.dash_goals}</h2>
                    <ul class="chips" aria-label=t.dash_goals>
                        {detail.setup.goals.iter().map(|g| view! { <li>{goal_label(g)}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match steps.await {
                        Ok(list) => view! { <StartChecklistCard list=list/> }.into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <section aria-labelledby="modules-title">
                <h2 id="modules-title" class="small-title">{t.dash_modules}</h2>
                <ul class="module-grid">
                    {move || cards.clone().into_iter().filter(|m| ws.can(m.area, Action::View)).map(|m| {
                        let (title, text) = ((m.title)(), (m.text)());
                        view! {
                            <li class="card module-card">
                                <h3><A href=m.href>{title}</A></h3>
                                <p class="muted">{text}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

/// The steps of the chosen goals, done or not; hidden once every step is done. Goals that
/// Mewayz cannot serve yet are named plainly instead of getting a step.
#[component]
fn StartChecklistCard(list: StartChecklist) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let open_items = list.steps.iter().filter(|s| !s.done).count();
    if open_items == 0 {
        return ().into_any();
    }
    let goals_only = list.steps.iter().all(|s| s.key == "goals" || s.key == "team" || s.key == "logo");
    let not_yet = (!list.not_yet.is_empty()).then(|| {
        let names = list.not_yet.iter().map(|g| goal_label(g)).collect::<Vec<_>>().join(", ");
        // Only goals Mewayz does not serve yet: say so, then offer what there is.
        let text = if goals_only { t.start_none_yet } else { t.start_not_yet };
        fill(text, &[("goals", &names)])
    });
    view! {
        <section class="card" aria-labelledby="start-title">
            <h2 id="start-title">{t.start_title}</h2>
            {not_yet.map(|text| view! { <p class="muted" data-testid="start-not-yet">{text}</p> })}
            <ul class="checklist">
                {list.steps.into_iter().map(|s| {
                    let label = step_label(&s.key);
                    view! {
                        <li class:done=s.done>
                            <span class="check" aria-hidden="true">{if s.done { "✓" } else { "○" }}</span>
                            {if s.done {
                                view! { <span>{label}<span class="sr-only">{t.start_done}</span></span> }.into_any()
                            } else {
                                view! { <A href=s.href>{label}</A> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_link_to_existing_pages_and_only_registered_modules() {
        let cards = crate::REGISTRY.cards();
        for m in &cards {
            assert!(crate::REGISTRY.permissions().any(|r| r.module == m.area), "{} has no row in the permission table", m.area);
            assert!(m.href.starts_with('/'));
        }
        assert!(cards.len() >= 7, "every module's card is registered: {}", cards.len());
        assert_eq!(arrange(&["link_in_bio".into()]).len(), cards.len());
        assert_eq!(arrange(&["link_in_bio".into()])[0].href, "/bio", "a chosen goal's cards come first");
    }
}
