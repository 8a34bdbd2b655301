//! The builder of one page: status and publishing, undo/redo, the tabs, the conflict
//! choices and the live phone preview. Someone who may not change the page (a viewer, or a
//! page that is read-only on the plan) gets the same tabs showing the page as text to
//! read, with no editing control.

use leptos::prelude::*;

use super::blocks::BuildTab;
use super::editor::{follow_outbox, now_ms, Editor};
use super::panels::{DesignTab, PageDangerZone, SettingsTab, SignupsTab};
use super::readonly::{ReadOnlyBlocks, ReadOnlyDesign, ReadOnlySettings};
use crate::bio::api::publish_bio_page;
use crate::bio::render::{render_page, RenderOptions};
use crate::bio::texts::BioTexts;
use crate::bio::{BioContent, BioPage};
use crate::error::AppError;
use crate::i18n::fill;
use crate::offline::{use_sync, KeptCopy, OutboxEntry};
use crate::pwa::use_pwa;
use crate::shell::ErrorNote;

const TABS: &[&str] = &["build", "design", "settings", "analytics", "signups"];

/// A tab's name. The first one builds the page, or lists its blocks for someone who reads.
fn tab_label(key: &str, editable: bool) -> &'static str {
    let t = BioTexts::now();
    match key {
        "build" if editable => t.tab_build,
        "build" => t.tab_blocks,
        "design" => t.tab_design,
        "settings" => t.tab_settings,
        "analytics" => t.tab_analytics,
        _ => t.tab_signups,
    }
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

#[component]
pub fn Builder(ed: Editor, restored: bool) -> impl IntoView {
    let t = BioTexts::now();
    let sync = use_sync();
    let pwa = use_pwa();
    follow_outbox(ed);
    let doc = ed.doc();
    let tab = RwSignal::new("build");
    let show_preview = RwSignal::new(false);

    // Undo and redo from the keyboard, anywhere in the builder.
    if ed.editable {
        let handle = window_event_listener(leptos::ev::keydown, move |e: leptos::ev::KeyboardEvent| {
            if !(e.ctrl_key() || e.meta_key()) || e.alt_key() {
                return;
            }
            let k = e.key().to_lowercase();
            if k == "z" && !e.shift_key() {
                e.prevent_default();
                ed.undo();
            } else if (k == "z" && e.shift_key()) || k == "y" {
                e.prevent_default();
                ed.redo();
            }
        });
        on_cleanup(move || handle.remove());
    }
    // A change still waiting for its pause is sent when leaving the builder.
    on_cleanup(move || ed.flush());

    // ---- save status
    let d1 = doc.clone();
    let pending = sync.pending_for(doc.clone());
    let failure = sync.failure_for(doc.clone());
    let conflict = Memo::new(move |_| sync.entries.get().into_iter().find(|e| e.doc == d1 && e.state == "conflict"));
    let status = move || {
        if conflict.get().is_some() {
            ("bad", t.save_conflict)
        } else if failure.get().is_some() {
            ("bad", t.save_failed)
        } else if (pending.get() || ed.waiting.get() || ed.in_flight.get()) && !pwa.online.get() {
            ("warn", t.save_offline)
        } else if pending.get() || ed.waiting.get() || ed.in_flight.get() {
            ("warn", t.save_saving)
        } else {
            ("ok", t.save_saved)
        }
    };

    // ---- publishing: wait for the pending save, then publish that version
    let publishing = RwSignal::new(false);
    let publish_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let published_now = RwSignal::new(false);
    // "Published." is about the version that was published: the next change ends it.
    Effect::new(move |seen: Option<()>| {
        ed.content.track();
        if seen.is_some() {
            published_now.set(false);
        }
    });
    Effect::new(move |_| {
        if !publishing.get() {
            return;
        }
        if conflict.get().is_some() || failure.get().is_some() {
            publishing.set(false);
            publish_error.set(Some(AppError::Validation { message: t.publish_save_first.into(), fields: vec![] }));
            return;
        }
        if ed.waiting.get() || ed.in_flight.get() || pending.get() {
            return;
        }
        publishing.set(false);
        let version = ed.base_version.get_untracked();
        leptos::task::spawn_local(async move {
            match publish_bio_page(ed.workspace(), ed.id(), version).await {
                Ok(p) => {
                    ed.apply_server(p, false);
                    published_now.set(true);
                }
                Err(AppError::Validation { message, fields }) => {
                    ed.publish_errors.set(fields.clone());
                    publish_error.set(Some(AppError::Validation { message, fields }));
                }
                Err(e) => publish_error.set(Some(e)),
            }
        });
    });
    let publish = move |_| {
        publish_error.set(None);
        published_now.set(false);
        // Whatever was said about the last undo or move is not news any more.
        ed.announce.set(String::new());
        let errors = ed.content.with_untracked(|c| crate::bio::check_content(c, true));
        if !errors.is_empty() {
            ed.publish_errors.set(errors.clone());
            // Open the first block that needs attention.
            if let Some(i) = errors.iter().find_map(|e| e.field.strip_prefix("blocks.").and_then(|r| r.split('.').next()).and_then(|n| n.parse::<usize>().ok()))
            {
                tab.set("build");
                ed.open.set(ed.content.with_untracked(|c| c.blocks.get(i).map(|b| b.id.clone())));
            } else if errors.iter().any(|e| e.field.starts_with("theme.")) {
                tab.set("design");
            } else {
                tab.set("settings");
            }
            publish_error.set(Some(AppError::Validation { message: t.publish_finish_fields.into(), fields: vec![] }));
            return;
        }
        if !pwa.online.get_untracked() {
            publish_error.set(Some(AppError::Network { detail: String::new() }));
            return;
        }
        ed.flush();
        publishing.set(true);
    };

    let is_published = move || ed.page.with(|p| p.published.is_some());
    let unpublished_changes = move || ed.page.with(|p| p.published.as_ref().is_some_and(|pub_| ed.content.with(|c| c != pub_)));
    let handle = move || ed.page.with(|p| p.handle.clone());
    let public_url = move || format!("{}/{}", origin(), handle());

    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let i = TABS.iter().position(|k| *k == tab.get_untracked()).unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (i + 1) % TABS.len(),
            "ArrowLeft" => (i + TABS.len() - 1) % TABS.len(),
            "Home" => 0,
            "End" => TABS.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        tab.set(TABS[next]);
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("bio-tab-{}", TABS[next]))) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };

    let doc2 = doc.clone();
    view! {
        <div class="bio-head">
            <p class="bio-back"><a href="/bio">{t.back_all}</a></p>
            <h1 id="bio-title">{move || format!("@{}", handle())}</h1>
            <div class="row bio-status">
                {move || if is_published() {
                    view! { <span class="badge ok">{t.badge_published}</span> }.into_any()
                } else {
                    view! { <span class="badge">{t.badge_not_published}</span> }.into_any()
                }}
                {move || unpublished_changes().then(|| view! { <span class="badge warn">{t.badge_unpublished_changes}</span> })}
                {ed.editable.then(|| view! {
                    <span class=move || format!("bio-save {}", status().0) role="status" aria-live="polite" data-testid="bio-save-status">{move || status().1}</span>
                })}
            </div>
            {move || is_published().then(|| view! {
                <p class="bio-links">
                    <a href=public_url target="_blank" rel="noopener">{public_url}</a>
                    " · "
                    <a href=move || format!("/{}/qr.svg", handle()) target="_blank" rel="noopener">{t.view_qr}</a>
                </p>
            })}
            {match (ed.page.with_untracked(|p| p.read_only.clone()), ed.role_can_edit) {
                (Some(why), _) => view! {
                    <div class="notice notice-warn" role="note" data-testid="bio-read-only">
                        <p><span class="badge read-only">{t.badge_read_only}</span></p>
                        <p>{why}</p>
                        <p>{if ed.page.with_untracked(|p| p.published.is_some()) { t.ro_plan_published } else { t.ro_plan_unpublished }}
                            " "<a href="/billing">{t.see_billing}</a></p>
                    </div>
                }.into_any(),
                (None, false) => view! {
                    <div class="notice" role="note" data-testid="bio-read-only">
                        <p><span class="badge read-only">{t.ro_viewer_title}</span></p>
                        <p>{t.ro_viewer_note}</p>
                    </div>
                }.into_any(),
                (None, true) => ().into_any(),
            }}
            {restored.then(|| view! { <p class="notice" role="status">{t.restored_notice}</p> })}
            <div class="row bio-actions">
                {ed.editable.then(|| view! {
                    <button type="button" class="button secondary compact" on:click=move |_| ed.undo() disabled=move || !ed.can_undo.get() aria-keyshortcuts="Control+Z Meta+Z">{t.undo}</button>
                    <button type="button" class="button secondary compact" on:click=move |_| ed.redo() disabled=move || !ed.can_redo.get() aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z">{t.redo}</button>
                    <button type="button" class="button" on:click=publish disabled=move || publishing.get()>
                        {move || if publishing.get() { t.publishing } else { t.publish }}
                    </button>
                })}
                <button type="button" class="button secondary compact bio-preview-toggle" aria-pressed=move || show_preview.get().to_string()
                    aria-controls="bio-preview" on:click=move |_| show_preview.update(|v| *v = !*v)>{t.preview}</button>
            </div>
            {move || published_now.get().then(|| view! { <p class="notice" role="status">{t.published_notice}</p> })}
            {move || publish_error.get().map(|e| view! { <ErrorNote error=e/> })}
            <p class="sr-only" aria-live="polite">{move || ed.announce.get()}</p>
        </div>
        <BioConflict ed=ed doc=doc2/>
        <div class="bio-layout" class:show-preview=move || show_preview.get()>
            <div class="bio-editor">
                <div class="bio-tabs" role="tablist" aria-label=t.tabs_label on:keydown=on_tab_key>
                    {TABS.iter().map(|key| {
                        let key: &'static str = key;
                        view! {
                            <button type="button" role="tab" id=format!("bio-tab-{key}") aria-controls="bio-tabpanel"
                                aria-selected=move || (tab.get() == key).to_string()
                                tabindex=move || if tab.get() == key { "0" } else { "-1" }
                                on:click=move |_| tab.set(key)>{tab_label(key, ed.editable)}</button>
                        }
                    }).collect_view()}
                </div>
                <div class="bio-tabpanel" id="bio-tabpanel" role="tabpanel" aria-labelledby=move || format!("bio-tab-{}", tab.get())>
                    {if ed.editable {
                        view! {
                            <div class="bio-fieldset">
                                {move || match tab.get() {
                                    "build" => view! { <BuildTab ed=ed/> }.into_any(),
                                    "design" => design_tab(ed).into_any(),
                                    "settings" => settings_tab(ed).into_any(),
                                    _ => ().into_any(),
                                }}
                            </div>
                        }.into_any()
                    } else {
                        // Nothing to edit: the page as text to read.
                        view! {
                            <div class="bio-fieldset">
                                {move || match tab.get() {
                                    "build" => view! { <ReadOnlyBlocks ed=ed/> }.into_any(),
                                    "design" => read_only_design(ed).into_any(),
                                    "settings" => read_only_settings(ed).into_any(),
                                    _ => ().into_any(),
                                }}
                            </div>
                        }.into_any()
                    }}
                    // A page that is read-only on the plan can still be taken offline or
                    // deleted, to get back within the limit.
                    {move || (tab.get() == "settings" && ed.role_can_edit).then(|| danger_zone(ed))}
                    {move || match tab.get() {
                        "analytics" => stats_tab(ed.workspace(), ed.id()).into_any(),
                        "signups" => signups_tab(ed.workspace(), ed.id()).into_any(),
                        _ => ().into_any(),
                    }}
                </div>
            </div>
            <aside class="bio-preview" id="bio-preview" aria-labelledby="bio-preview-title">
                <h2 id="bio-preview-title" class="small-title">{t.live_preview}</h2>
                <div class="bio-phone">
                    {preview(ed)}
                </div>
            </aside>
        </div>
    }
}

/// Summarises a content for the conflict comparison.
fn describe(c: &BioContent) -> String {
    let t = BioTexts::now();
    let titles: Vec<String> = c.blocks.iter().map(|b| super::editor::block_summary(&b.kind)).filter(|s| !s.is_empty()).take(5).collect();
    let mut s = if titles.is_empty() {
        fill(t.describe_blocks, &[("n", &c.blocks.len())])
    } else {
        fill(t.describe_blocks_titled, &[("n", &c.blocks.len()), ("titles", &titles.join(", "))])
    };
    if !c.seo.title.is_empty() {
        s.push_str(&fill(t.describe_title, &[("title", &c.seo.title)]));
    }
    s
}

fn content_of(fields: &[(String, String)]) -> Option<BioContent> {
    fields.iter().find(|(k, _)| k == "content").and_then(|(_, v)| serde_json::from_str(v).ok())
}

/// Keep mine, take theirs or keep both, when the page was changed elsewhere too.
#[component]
fn BioConflict(ed: Editor, doc: String) -> impl IntoView {
    let t = BioTexts::now();
    let sync = use_sync();
    let d1 = doc.clone();
    let conflict = move || sync.entries.get().into_iter().find(|e| e.doc == d1 && e.state == "conflict");
    let d2 = doc.clone();
    let copies = move || sync.copies.get().into_iter().filter(|c| c.doc == d2).collect::<Vec<_>>();
    let take = move |server: Option<serde_json::Value>| {
        if let Some(p) = server.and_then(|v| serde_json::from_value::<BioPage>(v).ok()) {
            ed.base_version.set(p.version);
            ed.apply_server(p, true);
        }
    };
    view! {
        {move || conflict().map(|e: OutboxEntry| {
            let id = e.id;
            let mine = content_of(&e.fields).map(|c| describe(&c)).unwrap_or_default();
            let server = e.server_copy.clone();
            let theirs = server.clone().and_then(|v| serde_json::from_value::<BioPage>(v).ok()).map(|p| describe(&p.draft)).unwrap_or_default();
            let (s1, s2) = (server.clone(), server);
            view! {
                <section class="card conflict" aria-labelledby="bio-conflict-title" role="alert">
                    <h2 id="bio-conflict-title">{t.conflict_title}</h2>
                    <p>{t.conflict_lead}</p>
                    <dl class="facts">
                        <div><dt>{t.conflict_mine}</dt><dd>{mine}</dd></div>
                        <div><dt>{t.conflict_theirs}</dt><dd>{theirs}</dd></div>
                    </dl>
                    <div class="row">
                        <button type="button" class="button" on:click=move |_| sync.resolve(id, "mine")>{t.conflict_keep_mine}</button>
                        <button type="button" class="button secondary" on:click=move |_| { sync.resolve(id, "theirs"); take(s1.clone()); }>{t.conflict_take_theirs}</button>
                        <button type="button" class="button secondary" on:click=move |_| { sync.resolve(id, "both"); take(s2.clone()); }>{t.conflict_keep_both}</button>
                    </div>
                    <p class="hint">{t.conflict_hint}</p>
                </section>
            }
        })}
        {move || {
            let list = copies();
            (!list.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="bio-copies-title">
                    <h2 id="bio-copies-title">{t.copies_title}</h2>
                    <ul class="list">
                        {list.into_iter().map(|c: KeptCopy| {
                            let id = c.id;
                            let content = content_of(&c.fields);
                            let summary = content.as_ref().map(describe).unwrap_or_default();
                            view! {
                                <li>
                                    <div>
                                        <strong>{fill(t.copies_yours_from, &[("time", &crate::shell::format_time(c.kept_at as i64))])}</strong>
                                        <p class="muted small">{summary}</p>
                                    </div>
                                    <div class="row">
                                        <button type="button" class="button secondary compact" on:click=move |_| {
                                            if let Some(c) = content.clone() { ed.replace_content(c, true); }
                                            sync.delete_copy(id);
                                        }>{t.copies_use}</button>
                                        <button type="button" class="button secondary compact" on:click=move |_| sync.delete_copy(id)>{t.copies_delete}</button>
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

/// The live preview: the page as visitors will see it, rendered by the same code as the
/// public page, in a frame that runs no script.
#[component]
fn Preview(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    let html = Memo::new(move |_| {
        let h = ed.page.with(|p| p.handle.clone());
        let opts = RenderOptions { page_url: format!("{}/{}", origin(), h), handle: h, page_id: ed.id(), now_ms: now_ms() as i64, preview: true };
        ed.content.with(|c| render_page(c, &opts))
    });
    view! { <iframe title=t.preview sandbox="" srcdoc=move || html.get()></iframe> }
}

// The preview (with the page renderer) is a chunk of its own, fetched while the blocks show.
crate::lazy_view!(fn preview(ed: Editor) as bio_preview_part => view! { <Preview ed=ed/> });

// The tabs other than "Build" are chunks of their own, fetched when first opened (issue 16).
crate::lazy_view!(fn design_tab(ed: Editor) as bio_design_tab_part => view! { <DesignTab ed=ed/> });
crate::lazy_view!(fn settings_tab(ed: Editor) as bio_settings_tab_part => view! { <SettingsTab ed=ed/> });
crate::lazy_view!(fn read_only_design(ed: Editor) as bio_read_only_design_part => view! { <ReadOnlyDesign ed=ed/> });
crate::lazy_view!(fn read_only_settings(ed: Editor) as bio_read_only_settings_part => view! { <ReadOnlySettings ed=ed/> });
crate::lazy_view!(fn danger_zone(ed: Editor) as bio_danger_zone_part => view! { <PageDangerZone ed=ed/> });
crate::lazy_view!(fn stats_tab(workspace: String, page: String) as bio_stats_tab_part => view! { <crate::bio::ui_stats::StatsPanel workspace=workspace page=page/> });
crate::lazy_view!(fn signups_tab(workspace: String, page: String) as bio_signups_tab_part => view! { <SignupsTab workspace=workspace page=page/> });
