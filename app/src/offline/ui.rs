//! The sync indicator, the conflict panel and the restored-draft notice.

use leptos::prelude::*;

use super::{use_sync, KeptCopy, OutboxEntry};
use crate::pwa::use_pwa;

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Always visible in the top bar: offline, N changes pending, synced, or conflict.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let sync = use_sync();
    let pwa = use_pwa();
    // (class, full text, short text for narrow screens)
    let state = move || {
        let s = sync.summary.get();
        let online = pwa.online.get();
        if s.conflicts > 0 {
            ("bad", plural(s.conflicts, "conflict", "conflicts"), plural(s.conflicts, "conflict", "conflicts"))
        } else if s.failed > 0 {
            ("bad", plural(s.failed, "change refused", "changes refused"), "Refused".to_string())
        } else if !online && s.pending > 0 {
            ("warn", format!("Offline · {} pending", plural(s.pending, "change", "changes")), format!("Offline · {}", s.pending))
        } else if !online {
            ("warn", "Offline".to_string(), "Offline".to_string())
        } else if s.pending > 0 {
            ("warn", format!("{} pending", plural(s.pending, "change", "changes")), format!("{} pending", s.pending))
        } else {
            ("ok", "Synced".to_string(), "Synced".to_string())
        }
    };
    view! {
        <span class=move || format!("sync-pill {}", state().0) role="status" aria-live="polite" data-testid="sync-status">
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-long">{move || state().1}</span>
            // Drawn by CSS from the attribute, so the page's text holds one wording only.
            <span class="sync-short" aria-hidden="true" data-short=move || state().2></span>
        </span>
    }
}

/// Says that unsent edits from this device were put back into the form.
#[component]
pub fn DraftNotice(restored: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || restored.get()>
            <p class="notice" role="status">"Your unsaved changes on this device were restored. Save to send them."</p>
        </Show>
    }
}

fn value_of(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// For a document with a conflict: both versions side by side, and the three choices.
/// Kept copies of the document are listed below it, each recoverable.
#[component]
pub fn ConflictPanel(
    doc: String,
    /// The fields to compare: (form name, label).
    fields: &'static [(&'static str, &'static str)],
    /// Called with the server's copy when the person takes it (or keeps both).
    on_theirs: Callback<serde_json::Value>,
    /// Sends a kept copy again as the newest change.
    on_restore: Callback<KeptCopy>,
) -> impl IntoView {
    let sync = use_sync();
    let d1 = doc.clone();
    let conflict = move || sync.entries.get().into_iter().find(|e| e.doc == d1 && e.state == "conflict");
    let d2 = doc.clone();
    let copies = move || sync.copies.get().into_iter().filter(|c| c.doc == d2).collect::<Vec<_>>();
    view! {
        {move || conflict().map(|e: OutboxEntry| {
            let server = e.server_copy.clone().unwrap_or(serde_json::Value::Null);
            let (s1, s2) = (server.clone(), server.clone());
            let id = e.id;
            view! {
                <section class="card conflict" aria-labelledby="conflict-title" role="alert">
                    <h2 id="conflict-title">"Changed in two places"</h2>
                    <p>{format!("While this device was offline, {} was also changed somewhere else. Nothing is lost: choose what to keep.", e.label.to_lowercase())}</p>
                    <table class="compare">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Your version"</th><th scope="col">"Saved elsewhere"</th></tr></thead>
                        <tbody>
                            {fields.iter().map(|(key, label)| {
                                let mine = e.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
                                let theirs = value_of(&server, key);
                                let differs = mine != theirs;
                                view! { <tr class:differs=differs><th scope="row">{*label}</th><td>{mine}</td><td>{theirs}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="row">
                        <button type="button" class="button" on:click=move |_| sync.resolve(id, "mine")>"Keep mine"</button>
                        <button type="button" class="button secondary" on:click=move |_| { sync.resolve(id, "theirs"); on_theirs.run(s1.clone()); }>"Take theirs"</button>
                        <button type="button" class="button secondary" on:click=move |_| { sync.resolve(id, "both"); on_theirs.run(s2.clone()); }>"Keep both"</button>
                    </div>
                    <p class="hint">"“Keep both” saves theirs here and keeps yours as a copy on this device, listed below, to use or copy from later."</p>
                </section>
            }
        })}
        {move || {
            let list = copies();
            (!list.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="copies-title">
                    <h2 id="copies-title">"Kept copies"</h2>
                    <ul class="list">
                        {list.into_iter().map(|c| {
                            let id = c.id;
                            let summary = fields.iter()
                                .filter_map(|(key, label)| c.fields.iter().find(|(k, _)| k == key).map(|(_, v)| format!("{label}: {v}")))
                                .collect::<Vec<_>>()
                                .join(" · ");
                            let restore = c.clone();
                            view! {
                                <li>
                                    <div>
                                        <strong>{format!("Your version from {}", crate::shell::format_time(c.kept_at as i64))}</strong>
                                        <p class="muted small">{summary}</p>
                                    </div>
                                    <div class="row">
                                        <button type="button" class="button secondary compact" on:click=move |_| { on_restore.run(restore.clone()); sync.delete_copy(id); }>"Use this version"</button>
                                        <button type="button" class="button secondary compact" on:click=move |_| sync.delete_copy(id)>"Delete copy"</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}

/// "Sending…", "Saved on this device…" or "Saved.", next to an editor's save button.
#[component]
pub fn SaveStatus(pending: Signal<bool>, saved: Signal<bool>) -> impl IntoView {
    let pwa = use_pwa();
    view! {
        <span role="status" class="muted">
            {move || if pending.get() {
                Some(if pwa.online.get() { "Sending…" } else { "Saved on this device. It will be sent when you are back online." })
            } else if saved.get() {
                Some("Saved.")
            } else {
                None
            }}
        </span>
    }
}
