//! The audit log: who changed what in the workspace (owners and admins).

use leptos::prelude::*;

use super::{require_signed_in, use_workspaces, NoWorkspace, WorkspaceBar};
use crate::shell::{format_time, ErrorNote, Loading};
use crate::workspaces::api::workspace_audit_log;
use crate::workspaces::texts::WorkspacesTexts;
use crate::workspaces::Action;

#[component]
pub fn AuditPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let entries = LocalResource::new(move || {
        let id = ws.current.get();
        async move {
            match id {
                Some(id) => workspace_audit_log(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <section class="page" aria-labelledby="audit-title">
            <WorkspaceBar/>
            <h1 id="audit-title">{t.audit_title}</h1>
            {move || match (ws.ready.get(), ws.current.get().is_some(), ws.can(crate::workspaces::AREA_AUDIT, Action::View)) {
                (false, _, _) => view! { <Loading/> }.into_any(),
                (true, false, _) => view! { <NoWorkspace/> }.into_any(),
                (true, true, false) => view! { <p class="muted">{t.audit_admins_only}</p> }.into_any(),
                (true, true, true) => view! {
                    <section class="card" aria-label=t.audit_list>
                        <Transition fallback=|| view! { <Loading/> }>
                            {move || Suspend::new(async move {
                                match entries.await {
                                    Ok(Some(list)) if list.is_empty() => view! { <p class="muted">{t.audit_empty}</p> }.into_any(),
                                    Ok(Some(list)) => view! {
                                        <ul class="list">
                                            {list.into_iter().map(|e| view! {
                                                <li>
                                                    <div>
                                                        <strong>{e.detail}</strong>
                                                        <p class="muted small">{format!("{} · {}", e.actor, format_time(e.at_ms))}</p>
                                                    </div>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any(),
                                    Ok(None) => view! { <NoWorkspace/> }.into_any(),
                                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                                }
                            })}
                        </Transition>
                    </section>
                }.into_any(),
            }}
        </section>
    }
}

crate::lazy_page!(AuditRoute, audit_page, AuditPage);
