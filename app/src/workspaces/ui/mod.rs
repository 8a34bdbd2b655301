//! Pages of M02 and M03: the dashboard, the setup wizard, workspace settings, the team,
//! the audit log and the invitation page, plus the workspace switcher.

mod audit;
mod dashboard;
mod invite;
mod settings;
mod setup;
mod team;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

use crate::workspaces::RoleText;
use leptos_router::hooks::use_navigate;

pub use audit::{AuditPage, AuditRoute};
pub use dashboard::Dashboard;
pub use invite::{InvitationPage, InvitationRoute};
pub use settings::{SettingsPage, SettingsRoute};
pub use setup::{SetupPage, SetupRoute};
pub use team::{TeamPage, TeamRoute};

use super::api::list_workspaces;
use super::texts::WorkspacesTexts;
use super::{Action, WorkspaceRole, WorkspaceSummary};
use crate::accounts::ui::use_auth;
use crate::error::AppError;

/// The workspace used last on this device.
const CURRENT_KEY: &str = "mewayz.workspace";
/// An invitation opened before signing in, to come back to afterwards.
const PENDING_INVITE_KEY: &str = "mewayz.pending_invitation";

/// The signed-in person's workspaces and the one in use, shared by every page.
#[derive(Clone, Copy)]
pub struct Workspaces {
    pub list: RwSignal<Vec<WorkspaceSummary>>,
    pub current: RwSignal<Option<String>>,
    /// False until the list has been loaded for the signed-in person.
    pub ready: RwSignal<bool>,
    pub error: RwSignal<Option<AppError>>,
    /// Who the list belongs to (the signed-in person's id), for the copy kept offline.
    pub person: RwSignal<String>,
}

impl Workspaces {
    /// Reloads the list, keeping the current workspace when it is still there.
    pub fn refresh(self) {
        leptos::task::spawn_local(self.reload());
    }

    /// Reloads the list; resolves once it is in place (navigate only after that, so the
    /// next page does not act on the old list).
    pub async fn reload(self) {
        let person = self.person.get_untracked();
        match crate::offline::read_through(&person, "workspaces", list_workspaces()).await {
            Ok(list) => {
                self.list.set(list);
                self.error.set(None);
                self.pick();
            }
            Err(e) => self.error.set(Some(e)),
        }
        self.ready.set(true);
    }

    /// Reloads the list, then goes to `path`.
    pub fn reload_then_go(self, path: &'static str) {
        let navigate = use_navigate();
        leptos::task::spawn_local(async move {
            self.reload().await;
            navigate(path, Default::default());
        });
    }

    fn pick(self) {
        let list = self.list.get_untracked();
        let current = self.current.get_untracked();
        if current.as_ref().is_some_and(|c| list.iter().any(|w| &w.id == c)) {
            return;
        }
        let remembered: Option<String> = LocalStorage::get(CURRENT_KEY).ok();
        let choice = remembered.filter(|r| list.iter().any(|w| &w.id == r)).or_else(|| list.first().map(|w| w.id.clone()));
        self.current.set(choice);
    }

    /// Switches to `id` and remembers it on this device.
    pub fn select(self, id: String) {
        let _ = LocalStorage::set(CURRENT_KEY, &id);
        self.current.set(Some(id));
    }

    pub fn current_summary(self) -> Option<WorkspaceSummary> {
        let id = self.current.get()?;
        self.list.get().into_iter().find(|w| w.id == id)
    }

    /// Whether the caller's role in the current workspace allows `action` in `module`.
    /// Only for showing or hiding controls: the server decides.
    pub fn can(self, module: &str, action: Action) -> bool {
        self.current_summary().is_some_and(|w| crate::REGISTRY.allows(w.role, module, action))
    }

    pub fn role(self) -> Option<WorkspaceRole> {
        self.current_summary().map(|w| w.role)
    }
}

pub fn provide_workspaces() {
    let auth = use_auth();
    let ws = Workspaces {
        list: RwSignal::new(vec![]),
        current: RwSignal::new(None),
        ready: RwSignal::new(false),
        error: RwSignal::new(None),
        person: RwSignal::new(String::new()),
    };
    provide_context(ws);
    // Follow who is signed in: load their workspaces, or forget them on sign-out.
    Effect::new(move |prev: Option<Option<String>>| {
        let who = auth.user.get().map(|u| u.id);
        if prev.as_ref() != Some(&who) {
            match &who {
                Some(id) => {
                    ws.person.set(id.clone());
                    ws.ready.set(false);
                    ws.refresh();
                }
                None => {
                    ws.list.set(vec![]);
                    ws.current.set(None);
                    ws.ready.set(auth.ready.get_untracked());
                }
            }
        }
        who
    });
}

pub fn use_workspaces() -> Workspaces {
    expect_context::<Workspaces>()
}

pub fn remember_pending_invitation(token: &str) {
    let _ = LocalStorage::set(PENDING_INVITE_KEY, token);
}

pub fn forget_pending_invitation() {
    LocalStorage::delete(PENDING_INVITE_KEY);
}

/// The invitation page to return to after signing in, if one was opened signed out.
pub fn pending_invitation_path() -> Option<String> {
    let token: String = LocalStorage::get(PENDING_INVITE_KEY).ok()?;
    (!token.is_empty()).then(|| format!("/invite?token={token}"))
}

/// The workspace switcher: a labelled select with every workspace and "New workspace".
///
/// A closed native select cuts its text at its edge, mid-word, and cannot wrap; so the
/// current workspace is drawn by a face under the select, which wraps a long name onto a
/// second line. The real select lies on top, transparent: it takes the taps, the keyboard
/// and the screen reader exactly as before.
#[component]
pub fn WorkspaceBar() -> impl IntoView {
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let navigate = use_navigate();
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value == "__new" {
            navigate("/setup?new=1", Default::default());
        } else {
            ws.select(value);
        }
    };
    view! {
        <div class="wsbar">
            <label for="ws-switch">{t.bar_label}</label>
            <div class="ws-select">
                <span class="ws-select-face" aria-hidden="true" data-testid="ws-current">
                    {move || match ws.current_summary() {
                        Some(w) => view! {
                            <span class="ws-select-name">{w.name}</span>
                            " "
                            <span class="ws-select-role">{format!("({})", w.role.label())}</span>
                        }.into_any(),
                        None => view! { <span class="ws-select-name">{t.bar_new}</span> }.into_any(),
                    }}
                </span>
                <select id="ws-switch" on:change=on_change prop:value=move || ws.current.get().unwrap_or_default()>
                    {move || ws.list.get().into_iter().map(|w| {
                        let selected = ws.current.get().as_deref() == Some(w.id.as_str());
                        let text = crate::i18n::fill(t.bar_option, &[("name", &w.name), ("role", &w.role.label())]);
                        view! { <option value=w.id.clone() selected=selected>{text}</option> }
                    }).collect_view()}
                    <option value="__new">{t.bar_new}</option>
                </select>
            </div>
        </div>
        // A seat beyond the plan's seat limit: the server lets this member only look.
        {move || ws.current_summary().and_then(|w| w.view_only_reason).map(|why| view! {
            <div class="notice notice-warn ws-view-only" role="note" data-testid="ws-view-only">
                <p><span class="badge read-only">{t.bar_view_only}</span></p>
                <p>{why}</p>
            </div>
        })}
    }
}

/// Sends signed-out visitors to the sign-in page. Returns true while someone is signed in.
pub fn require_signed_in() -> Signal<bool> {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.ready.get() && auth.user.get().is_none() {
            navigate("/login", Default::default());
        }
    });
    Signal::derive(move || auth.user.get().is_some())
}

/// The shared "no workspace yet" view.
#[component]
fn NoWorkspace() -> impl IntoView {
    let t = WorkspacesTexts::now();
    view! {
        <div class="card">
            <p>{t.none_yet}</p>
            <p><a class="button" href="/setup?new=1">{t.none_create}</a></p>
        </div>
    }
}
