//! The sync indicator, the conflict panel and the restored-draft notice.

use leptos::prelude::*;

use super::texts::OfflineTexts;
use super::{use_sync, KeptCopy, OutboxEntry};
use crate::i18n::fill;
use crate::pwa::use_pwa;

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        fill(many, &[("n", &n)])
    }
}

/// What the sync indicator says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyncWording {
    /// "ok", "warn" or "bad".
    pub class: &'static str,
    /// The full sentence (what screen readers hear, and the pill's text on wide screens).
    pub long: String,
    /// The narrow screens' wording, on one or two short lines; each keeps the count.
    pub short: (String, String),
}

pub(crate) fn sync_wording(t: &OfflineTexts, summary: super::Summary, online: bool) -> SyncWording {
    let s = summary;
    let w = |class, long: String, short: (String, String)| SyncWording { class, long, short };
    if s.conflicts > 0 {
        let long = plural(s.conflicts, t.sync_conflicts_one, t.sync_conflicts_many);
        w("bad", long.clone(), (long, String::new()))
    } else if s.failed > 0 {
        w(
            "bad",
            plural(s.failed, t.sync_refused_one, t.sync_refused_many),
            (plural(s.failed, t.sync_refused_short_one, t.sync_refused_short_many), String::new()),
        )
    } else if !online && s.pending > 0 {
        w(
            "warn",
            plural(s.pending, t.sync_offline_pending_one, t.sync_offline_pending_many),
            (t.sync_offline.to_string(), fill(t.sync_pending_short, &[("n", &s.pending)])),
        )
    } else if !online {
        w("warn", t.sync_offline.to_string(), (t.sync_offline.to_string(), String::new()))
    } else if s.pending > 0 {
        w("warn", plural(s.pending, t.sync_pending_one, t.sync_pending_many), (fill(t.sync_pending_short, &[("n", &s.pending)]), String::new()))
    } else {
        w("ok", t.sync_synced.to_string(), (t.sync_synced.to_string(), String::new()))
    }
}

/// In the top bar while someone is signed in: offline, N changes pending, synced, or conflict.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let sync = use_sync();
    let pwa = use_pwa();
    let t = OfflineTexts::now();
    let state = Memo::new(move |_| sync_wording(t, sync.summary.get(), pwa.online.get()));
    view! {
        <span class=move || format!("sync-pill {}", state.get().class) role="status" aria-live="polite" data-testid="sync-status" title=move || state.get().long>
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-long">{move || state.get().long}</span>
            // Drawn by CSS from the attributes (one line each), so the page's text holds one
            // wording only: the full one, which screen readers get on every screen.
            <span class="sync-short" aria-hidden="true" data-short=move || state.get().short.0 data-short2=move || state.get().short.1></span>
        </span>
    }
}

/// Says that unsent edits from this device were put back into the form.
#[component]
pub fn DraftNotice(restored: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || restored.get()>
            <p class="notice" role="status">{OfflineTexts::now().draft_restored}</p>
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
    let t = OfflineTexts::now();
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
                    <h2 id="conflict-title">{t.conflict_title}</h2>
                    <p>{fill(t.conflict_body, &[("what", &e.label.to_lowercase())])}</p>
                    <table class="compare">
                        <thead><tr><th scope="col">{t.conflict_field}</th><th scope="col">{t.conflict_yours}</th><th scope="col">{t.conflict_theirs}</th></tr></thead>
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
                        <button type="button" class="button" on:click=move |_| sync.resolve(id, "mine")>{t.conflict_keep_mine}</button>
                        <button type="button" class="button secondary" on:click=move |_| { sync.resolve(id, "theirs"); on_theirs.run(s1.clone()); }>{t.conflict_take_theirs}</button>
                        <button type="button" class="button secondary" on:click=move |_| { sync.resolve(id, "both"); on_theirs.run(s2.clone()); }>{t.conflict_keep_both}</button>
                    </div>
                    <p class="hint">{t.conflict_hint}</p>
                </section>
            }
        })}
        {move || {
            let list = copies();
            (!list.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="copies-title">
                    <h2 id="copies-title">{t.copies_title}</h2>
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
                                        <strong>{fill(t.copy_from, &[("time", &crate::shell::format_time(c.kept_at as i64))])}</strong>
                                        <p class="muted small">{summary}</p>
                                    </div>
                                    <div class="row">
                                        <button type="button" class="button secondary compact" on:click=move |_| { on_restore.run(restore.clone()); sync.delete_copy(id); }>{t.copy_use}</button>
                                        <button type="button" class="button secondary compact" on:click=move |_| sync.delete_copy(id)>{t.copy_delete}</button>
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
    let t = OfflineTexts::now();
    view! {
        <span role="status" class="muted">
            {move || if pending.get() {
                Some(if pwa.online.get() { t.save_sending } else { t.save_on_device })
            } else if saved.get() {
                Some(t.save_done)
            } else {
                None
            }}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::super::Summary;
    use super::*;

    /// At 360 px the pill has room for about ten characters a line: the short wording keeps
    /// the count and what it counts, on two lines when it needs them, in both languages.
    #[test]
    fn the_narrow_wording_keeps_the_count_and_its_meaning() {
        for t in [&OfflineTexts::EN, &OfflineTexts::FR] {
            let offline_one = sync_wording(t, Summary { pending: 1, ..Default::default() }, false);
            assert_eq!(offline_one.class, "warn");
            assert_eq!(offline_one.short.0, t.sync_offline);
            assert_eq!(offline_one.short.1, fill(t.sync_pending_short, &[("n", &1)]), "the count says what it counts");
            assert_eq!(offline_one.long, t.sync_offline_pending_one);
            let many = sync_wording(t, Summary { pending: 12, ..Default::default() }, false);
            assert!(many.long.contains("12") && many.short.1.contains("12"));
            let refused = sync_wording(t, Summary { failed: 3, ..Default::default() }, true);
            assert!(refused.short.0.contains('3'), "{refused:?}");
            for w in [offline_one, many, refused, sync_wording(t, Summary::default(), true)] {
                for line in [&w.short.0, &w.short.1] {
                    assert!(line.chars().count() <= 14, "{line:?} is too long for a phone's top bar");
                }
            }
        }
        assert_eq!(sync_wording(&OfflineTexts::EN, Summary { pending: 1, ..Default::default() }, false).long, "Offline · 1 change pending");
        assert_eq!(sync_wording(&OfflineTexts::EN, Summary::default(), true).long, "Synced");
    }
}
