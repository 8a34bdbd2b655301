//! The Build tab: the palette, the block list with drag and drop (Pointer Events, so one
//! code path serves mouse, pen and touch), the keyboard move buttons, and each block's form.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::editor::{kind_label, new_block_id, Drag, DragSource, Editor};
use super::media::MediaChooser;
use crate::bio::texts::BioTexts;
use crate::bio::{network_label, palette_label, Block, BlockKind, SocialLink, BLOCK_KINDS, SOCIAL_NETWORKS};
use crate::i18n::fill;

/// How far (px) the pointer moves before a press becomes a drag.
const DRAG_THRESHOLD: f64 = 6.0;

// ------------------------------------------------------------------ drag and drop

fn start_drag(ed: Editor, source: DragSource, ev: &leptos::ev::PointerEvent) {
    if !ed.editable || (ev.pointer_type() == "mouse" && ev.button() != 0) {
        return;
    }
    if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        let _ = el.set_pointer_capture(ev.pointer_id());
    }
    // A handle has nothing to do on press; a palette button keeps its click.
    if matches!(source, DragSource::Block(_)) {
        ev.prevent_default();
    }
    let p = (ev.client_x() as f64, ev.client_y() as f64);
    ed.drag.set(Some(Drag { source, pointer: ev.pointer_id(), start: p, pos: p, active: false, over: None, over_remove: false }));
}

fn rect_contains(el: &web_sys::Element, x: f64, y: f64, slack: f64) -> bool {
    let r = el.get_bounding_client_rect();
    r.width() > 0.0 && x >= r.left() - slack && x <= r.right() + slack && y >= r.top() - slack && y <= r.bottom() + slack
}

/// Where a drop at (x, y) would land: the number of other blocks whose middle is above y.
fn drop_index(ed: Editor, dragged: Option<&str>, x: f64, y: f64) -> Option<usize> {
    let list = ed.list_ref.get_untracked()?;
    let list: &web_sys::Element = list.as_ref();
    if !rect_contains(list, x, y, 48.0) {
        return None;
    }
    let items = list.query_selector_all("li[data-block-id]").ok()?;
    let mut idx = 0;
    for i in 0..items.length() {
        let Some(el) = items.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        if dragged.is_some_and(|d| el.get_attribute("data-block-id").as_deref() == Some(d)) {
            continue;
        }
        let r = el.get_bounding_client_rect();
        if y > r.top() + r.height() / 2.0 {
            idx += 1;
        }
    }
    Some(idx)
}

fn move_drag(ed: Editor, ev: &leptos::ev::PointerEvent) {
    let Some(mut d) = ed.drag.get_untracked() else { return };
    if d.pointer != ev.pointer_id() {
        return;
    }
    ev.prevent_default();
    let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
    d.pos = (x, y);
    if !d.active && ((x - d.start.0).powi(2) + (y - d.start.1).powi(2)).sqrt() >= DRAG_THRESHOLD {
        d.active = true;
    }
    if d.active {
        let dragged = match &d.source {
            DragSource::Block(id) => Some(id.as_str()),
            DragSource::Palette(_) => None,
        };
        d.over_remove = dragged.is_some() && ed.remove_ref.get_untracked().is_some_and(|z| rect_contains(z.as_ref(), x, y, 0.0));
        d.over = if d.over_remove { None } else { drop_index(ed, dragged, x, y) };
        // Scroll when the pointer nears the top or bottom of the window.
        if let Some(w) = web_sys::window() {
            let h = w.inner_height().ok().and_then(|v| v.as_f64()).unwrap_or(800.0);
            if y < 48.0 {
                w.scroll_by_with_x_and_y(0.0, -12.0);
            } else if y > h - 48.0 {
                w.scroll_by_with_x_and_y(0.0, 12.0);
            }
        }
    }
    ed.drag.set(Some(d));
}

fn end_drag(ed: Editor, ev: &leptos::ev::PointerEvent, cancelled: bool) {
    let Some(d) = ed.drag.get_untracked() else { return };
    if d.pointer != ev.pointer_id() {
        return;
    }
    ed.drag.set(None);
    if !d.active {
        return;
    }
    if matches!(d.source, DragSource::Palette(_)) {
        ed.suppress_click.set_value(true);
    }
    if cancelled {
        return;
    }
    match (d.source, d.over, d.over_remove) {
        (DragSource::Block(id), _, true) => remove_block(ed, &id),
        (DragSource::Block(id), Some(to), false) => {
            let label = ed.label_of(&id);
            ed.edit("", |c| {
                if let Some(from) = c.blocks.iter().position(|b| b.id == id) {
                    let b = c.blocks.remove(from);
                    let to = to.min(c.blocks.len());
                    c.blocks.insert(to, b);
                }
            });
            let (pos, n) = (ed.index_of(&id).unwrap_or(0) + 1, ed.content.with_untracked(|c| c.blocks.len()));
            ed.announce.set(fill(BioTexts::now().announce_moved, &[("label", &label), ("pos", &pos), ("n", &n)]));
        }
        (DragSource::Palette(kind), Some(to), _) => add_block(ed, kind, Some(to)),
        _ => {}
    }
}

pub fn add_block(ed: Editor, kind: &str, at: Option<usize>) {
    let Some(k) = BlockKind::new_of(kind) else { return };
    let id = new_block_id();
    let block = Block { id: id.clone(), kind: k };
    ed.edit("", |c| {
        let at = at.unwrap_or(c.blocks.len()).min(c.blocks.len());
        c.blocks.insert(at, block);
    });
    ed.open.set(Some(id.clone()));
    let (pos, n) = (ed.index_of(&id).unwrap_or(0) + 1, ed.content.with_untracked(|c| c.blocks.len()));
    ed.announce.set(fill(BioTexts::now().announce_added, &[("kind", &kind_label(kind)), ("pos", &pos), ("n", &n)]));
}

fn remove_block(ed: Editor, id: &str) {
    let label = ed.label_of(id);
    ed.edit("", |c| c.blocks.retain(|b| b.id != id));
    ed.announce.set(fill(BioTexts::now().announce_removed, &[("label", &label)]));
}

fn move_by(ed: Editor, id: &str, delta: i64) {
    let label = ed.label_of(id);
    ed.edit("", |c| {
        if let Some(from) = c.blocks.iter().position(|b| b.id == id) {
            let to = from as i64 + delta;
            if to >= 0 && (to as usize) < c.blocks.len() {
                c.blocks.swap(from, to as usize);
            }
        }
    });
    let (pos, n) = (ed.index_of(id).unwrap_or(0) + 1, ed.content.with_untracked(|c| c.blocks.len()));
    ed.announce.set(fill(BioTexts::now().announce_moved, &[("label", &label), ("pos", &pos), ("n", &n)]));
    // The moved item was taken out of the page and put back, which drops the focus: put it
    // back on the same button (or the other one when this end of the list was reached).
    let (same, other) = if delta < 0 { ("up", "down") } else { ("down", "up") };
    let (first, second) = (format!("bio-move-{same}-{id}"), format!("bio-move-{other}-{id}"));
    request_animation_frame(move || {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        for target in [first, second] {
            if let Some(el) = doc.get_element_by_id(&target).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                if !el.has_attribute("disabled") {
                    let _ = el.focus();
                    return;
                }
            }
        }
    });
}

// ------------------------------------------------------------------ the tab

/// A label whose lines break only between words, never inside one ("sign-up" stays whole
/// on a narrow phone): each word is kept on one line. One span holds them all, so a flex
/// container (a button) keeps the spaces between them.
pub fn unbroken_words(text: &'static str) -> impl IntoView {
    let words = text.split(' ').enumerate().map(|(i, word)| view! { {(i > 0).then_some(" ")}<span class="bio-word">{word}</span> }).collect_view();
    view! { <span>{words}</span> }
}

#[component]
pub fn BuildTab(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    let ids = move || ed.content.with(|c| c.blocks.iter().map(|b| b.id.clone()).collect::<Vec<_>>());
    let dragging_block = move || ed.drag.with(|d| d.as_ref().is_some_and(|d| d.active && matches!(d.source, DragSource::Block(_))));
    // Where the drop marker goes: before a block (by id), or at the end (None).
    let marker = Memo::new(move |_| {
        let d = ed.drag.get()?;
        if !d.active {
            return None;
        }
        let over = d.over?;
        let dragged = match &d.source {
            DragSource::Block(id) => Some(id.clone()),
            DragSource::Palette(_) => None,
        };
        let others: Vec<String> = ed.content.with(|c| c.blocks.iter().filter(|b| Some(&b.id) != dragged.as_ref()).map(|b| b.id.clone()).collect());
        Some(others.get(over).cloned())
    });
    view! {
        <section class="bio-palette" aria-labelledby="palette-title">
            <h2 id="palette-title" class="small-title">{t.palette_title}</h2>
            <p class="hint" id="palette-hint">{t.palette_hint}</p>
            <div class="bio-palette-grid">
                {BLOCK_KINDS.iter().map(|kind| {
                    let kind: &'static str = kind;
                    view! {
                        <button type="button" class="button secondary compact bio-palette-item"
                            data-kind=kind
                            aria-describedby="palette-hint"
                            on:pointerdown=move |ev| start_drag(ed, DragSource::Palette(kind), &ev)
                            on:pointermove=move |ev| move_drag(ed, &ev)
                            on:pointerup=move |ev| end_drag(ed, &ev, false)
                            on:pointercancel=move |ev| end_drag(ed, &ev, true)
                            on:click=move |_| {
                                if ed.suppress_click.get_value() {
                                    ed.suppress_click.set_value(false);
                                } else {
                                    add_block(ed, kind, None);
                                }
                            }
                        >{unbroken_words(palette_label(kind))}</button>
                    }
                }).collect_view()}
            </div>
        </section>
        <section class="bio-blocks-section" aria-labelledby="blocks-title">
            <h2 id="blocks-title" class="small-title">{t.blocks_title}</h2>
            <ol class="bio-blocks" node_ref=ed.list_ref aria-labelledby="blocks-title"
                class:drop-end=move || marker.get() == Some(None)
                class:is-empty=move || ids().is_empty()>
                <For each=ids key=|id| id.clone() let:id>
                    <BlockItem ed=ed id=id marker=marker/>
                </For>
            </ol>
            {move || ids().is_empty().then(|| view! {
                <p class="muted bio-empty">{t.blocks_empty}</p>
            })}
            <div class="bio-remove-zone" node_ref=ed.remove_ref class:shown=dragging_block
                class:over=move || ed.drag.with(|d| d.as_ref().is_some_and(|d| d.over_remove))
                aria-hidden="true">
                {t.remove_zone}
            </div>
        </section>
        // The block or palette item under the pointer while dragging.
        {move || ed.drag.get().filter(|d| d.active).map(|d| {
            let text = match &d.source {
                DragSource::Block(id) => ed.label_of(id),
                DragSource::Palette(k) => kind_label(k).to_string(),
            };
            view! {
                <div class="bio-ghost" aria-hidden="true" style=format!("transform: translate({}px, {}px)", d.pos.0 + 8.0, d.pos.1 + 8.0)>{text}</div>
            }
        })}
    }
}

#[component]
fn BlockItem(ed: Editor, id: String, marker: Memo<Option<Option<String>>>) -> impl IntoView {
    let t = BioTexts::now();
    let id = StoredValue::new(id);
    let label = Memo::new(move |_| ed.content.with(|c| super::editor::block_label(c, &id.get_value())));
    let index = Memo::new(move |_| ed.index_of(&id.get_value()).unwrap_or(0));
    let count = move || ed.content.with(|c| c.blocks.len());
    let is_open = move || ed.open.get().as_deref() == Some(id.get_value().as_str());
    let kind = move || ed.block(&id.get_value()).map(|b| b.kind.kind()).unwrap_or("link");
    let has_error = move || {
        let prefix = format!("blocks.{}.", index.get());
        ed.errors.with(|e| e.iter().any(|x| x.field.starts_with(&prefix)))
    };
    let hidden_link = move || matches!(ed.block(&id.get_value()).map(|b| b.kind), Some(BlockKind::Link { enabled: false, .. }));
    let panel_id = format!("block-panel-{}", id.get_value());
    let panel_id2 = panel_id.clone();
    view! {
        <li class="bio-block" data-block-id=id.get_value()
            class:dragging=move || ed.drag.with(|d| d.as_ref().is_some_and(|d| d.active && d.source == DragSource::Block(id.get_value())))
            class:drop-before=move || marker.get() == Some(Some(id.get_value()))
            class:has-error=has_error>
            <div class="bio-block-head">
                <button type="button" class="bio-handle"
                    aria-label=move || fill(t.block_drag, &[("label", &label.get())])
                    title=t.block_drag_title
                    on:pointerdown=move |ev| start_drag(ed, DragSource::Block(id.get_value()), &ev)
                    on:pointermove=move |ev| move_drag(ed, &ev)
                    on:pointerup=move |ev| end_drag(ed, &ev, false)
                    on:pointercancel=move |ev| end_drag(ed, &ev, true)
                >
                    <span aria-hidden="true">"⠿"</span>
                </button>
                <button type="button" class="bio-block-toggle" aria-expanded=move || is_open().to_string() aria-controls=panel_id.clone()
                    on:click=move |_| ed.open.update(|o| *o = if o.as_deref() == Some(id.get_value().as_str()) { None } else { Some(id.get_value()) })>
                    <span class="bio-block-kind">{move || kind_label(kind())}</span>
                    <span class="bio-block-summary">{move || ed.block(&id.get_value()).map(|b| super::editor::block_summary(&b.kind)).unwrap_or_default()}</span>
                    {move || hidden_link().then(|| view! { <span class="badge">{t.badge_hidden}</span> })}
                    {move || has_error().then(|| view! { <span class="badge bad">{t.badge_check}</span> })}
                </button>
                <div class="bio-block-tools">
                    <button type="button" class="icon-button" id=format!("bio-move-up-{}", id.get_value()) aria-label=move || fill(t.block_move_up, &[("label", &label.get())]) disabled=move || index.get() == 0
                        on:click=move |_| move_by(ed, &id.get_value(), -1)><span aria-hidden="true">"↑"</span></button>
                    <button type="button" class="icon-button" id=format!("bio-move-down-{}", id.get_value()) aria-label=move || fill(t.block_move_down, &[("label", &label.get())]) disabled=move || { index.get() + 1 >= count() }
                        on:click=move |_| move_by(ed, &id.get_value(), 1)><span aria-hidden="true">"↓"</span></button>
                    <button type="button" class="icon-button" aria-label=move || fill(t.block_remove, &[("label", &label.get())])
                        on:click=move |_| remove_block(ed, &id.get_value())><span aria-hidden="true">"✕"</span></button>
                </div>
            </div>
            {move || is_open().then(|| view! {
                <div class="bio-block-body" id=panel_id2.clone()>
                    <BlockForm ed=ed id=id.get_value()/>
                </div>
            })}
        </li>
    }
}

// ------------------------------------------------------------------ inputs bound to a block

/// The message for a block's field (by its name after `blocks.<i>.`).
fn block_error(ed: Editor, id: &str, field: &str) -> Option<String> {
    let i = ed.index_of(id)?;
    ed.error_for(&format!("blocks.{i}.{field}"))
}

#[component]
pub fn BlockText(
    ed: Editor,
    id: String,
    field: &'static str,
    label: &'static str,
    get: fn(&BlockKind) -> String,
    set: fn(&mut BlockKind, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let input_id = format!("b-{}-{field}", id.get_value());
    let msg_id = format!("{input_id}-msg");
    let hint_id = format!("{input_id}-hint");
    let described = if hint.is_some() { format!("{hint_id} {msg_id}") } else { msg_id.clone() };
    let value = move || ed.block(&id.get_value()).map(|b| get(&b.kind)).unwrap_or_default();
    let err = move || block_error(ed, &id.get_value(), field);
    let invalid = move || if err().is_some() { "true" } else { "false" };
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let bid = id.get_value();
        ed.edit_block(&bid, &format!("{bid}.{field}"), |k| set(k, v));
    };
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            {if multiline {
                view! { <textarea id=input_id.clone() rows="4" prop:value=value on:input=on_input aria-invalid=invalid aria-describedby=described.clone() placeholder=placeholder></textarea> }.into_any()
            } else {
                view! { <input id=input_id.clone() type=kind prop:value=value on:input=on_input aria-invalid=invalid aria-describedby=described.clone() placeholder=placeholder autocomplete="off"/> }.into_any()
            }}
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <p id=msg_id class="field-error" aria-live="polite">{err}</p>
        </div>
    }
}

#[component]
fn BlockForm(ed: Editor, id: String) -> impl IntoView {
    let t = BioTexts::now();
    let kind = ed.block(&id).map(|b| b.kind.kind()).unwrap_or("divider");
    match kind {
        "link" => view! { <LinkForm ed=ed id=id/> }.into_any(),
        "header" => view! {
            <BlockText ed=ed id=id field="text" label=t.field_text
                get=|k| if let BlockKind::Header { text } = k { text.clone() } else { String::new() }
                set=|k, v| if let BlockKind::Header { text } = k { *text = v }/>
        }
        .into_any(),
        "text" => view! {
            <BlockText ed=ed id=id field="text" label=t.field_text multiline=true
                hint=t.text_hint
                get=|k| if let BlockKind::Text { text } = k { text.clone() } else { String::new() }
                set=|k, v| if let BlockKind::Text { text } = k { *text = v }/>
        }
        .into_any(),
        "image" => view! { <ImageForm ed=ed id=id/> }.into_any(),
        "video" => view! {
            <BlockText ed=ed id=id field="url" label=t.field_video_url kind="url" placeholder="https://www.youtube.com/watch?v=…"
                get=|k| if let BlockKind::Video { url } = k { url.clone() } else { String::new() }
                set=|k, v| if let BlockKind::Video { url } = k { *url = v }/>
        }
        .into_any(),
        "social" => view! { <SocialForm ed=ed id=id/> }.into_any(),
        "form" => view! {
            <BlockText ed=ed id=id field="url" label=t.field_form_url kind="url" hint=t.form_hint placeholder="https://…/f/…"
                get=|k| if let BlockKind::Form { url } = k { url.clone() } else { String::new() }
                set=|k, v| if let BlockKind::Form { url } = k { *url = v }/>
        }
        .into_any(),
        "email_capture" => view! {
            <BlockText ed=ed id=id.clone() field="heading" label=t.field_heading
                get=|k| if let BlockKind::EmailCapture { heading, .. } = k { heading.clone() } else { String::new() }
                set=|k, v| if let BlockKind::EmailCapture { heading, .. } = k { *heading = v }/>
            <BlockText ed=ed id=id.clone() field="button" label=t.field_button
                get=|k| if let BlockKind::EmailCapture { button, .. } = k { button.clone() } else { String::new() }
                set=|k, v| if let BlockKind::EmailCapture { button, .. } = k { *button = v }/>
            <BlockText ed=ed id=id field="consent" label=t.field_consent multiline=true
                hint=t.consent_hint
                get=|k| if let BlockKind::EmailCapture { consent, .. } = k { consent.clone() } else { String::new() }
                set=|k, v| if let BlockKind::EmailCapture { consent, .. } = k { *consent = v }/>
        }
        .into_any(),
        _ => view! { <p class="muted">{t.divider_note}</p> }.into_any(),
    }
}

// ------------------------------------------------------------------ link

/// `YYYY-MM-DDTHH:MM` in the browser's time zone → ms since the epoch (UTC).
fn local_to_ms(v: &str) -> Option<i64> {
    if v.trim().is_empty() {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(v));
        let t = d.get_time();
        (!t.is_nan()).then_some(t as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// ms since the epoch → `YYYY-MM-DDTHH:MM` in the browser's time zone.
fn ms_to_local(ms: Option<i64>) -> String {
    let Some(ms) = ms else { return String::new() };
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        format!("{:04}-{:02}-{:02}T{:02}:{:02}", d.get_full_year(), d.get_month() + 1, d.get_date(), d.get_hours(), d.get_minutes())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        ms.to_string()
    }
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

#[component]
fn LinkForm(ed: Editor, id: String) -> impl IntoView {
    let t = BioTexts::now();
    let sid = StoredValue::new(id.clone());
    let link = move || match ed.block(&sid.get_value()).map(|b| b.kind) {
        Some(BlockKind::Link { title, url, thumbnail, enabled, starts_at, ends_at, short_slug }) => {
            Some((title, url, thumbnail, enabled, starts_at, ends_at, short_slug))
        }
        _ => None,
    };
    let enabled = move || link().map(|l| l.3).unwrap_or(true);
    let sw_id = format!("b-{id}-enabled");
    let from_id = format!("b-{id}-starts_at");
    let until_id = format!("b-{id}-ends_at");
    let until_msg = format!("{until_id}-msg");
    let short_error: RwSignal<Option<String>> = RwSignal::new(None);
    let shortening = RwSignal::new(false);
    let make_short = move |_| {
        let Some(l) = link() else { return };
        if crate::bio::check_link_url("url", &l.1).is_some() {
            short_error.set(Some(t.short_needs_url.into()));
            return;
        }
        short_error.set(None);
        shortening.set(true);
        let workspace = ed.workspace();
        let url = l.1.clone();
        leptos::task::spawn_local(async move {
            match crate::shortlinks::api::create_short_link(workspace, url, String::new()).await {
                Ok(s) => {
                    let bid = sid.get_value();
                    ed.edit_block(&bid, "", |k| {
                        if let BlockKind::Link { short_slug, .. } = k {
                            *short_slug = Some(s.slug.clone());
                        }
                    });
                }
                Err(e) => short_error.set(Some(e.to_string())),
            }
            shortening.set(false);
        });
    };
    let set_time = move |which: &'static str, v: String| {
        let ms = local_to_ms(&v);
        let bid = sid.get_value();
        ed.edit_block(&bid, &format!("{bid}.{which}"), |k| {
            if let BlockKind::Link { starts_at, ends_at, .. } = k {
                if which == "starts_at" {
                    *starts_at = ms;
                } else {
                    *ends_at = ms;
                }
            }
        });
    };
    view! {
        <BlockText ed=ed id=id.clone() field="title" label=t.field_title
            get=|k| if let BlockKind::Link { title, .. } = k { title.clone() } else { String::new() }
            set=|k, v| if let BlockKind::Link { title, .. } = k { *title = v }/>
        <BlockText ed=ed id=id.clone() field="url" label=t.field_url kind="url" placeholder="https://example.com"
            hint=t.url_hint
            get=|k| if let BlockKind::Link { url, .. } = k { url.clone() } else { String::new() }
            set=|k, v| if let BlockKind::Link { url, .. } = k { *url = v }/>
        <div class="field bio-switch">
            <input type="checkbox" role="switch" id=sw_id.clone() prop:checked=enabled
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    ed.edit_block(&sid.get_value(), "", |k| if let BlockKind::Link { enabled, .. } = k { *enabled = on });
                }/>
            <label for=sw_id>{t.field_shown}</label>
        </div>
        <fieldset class="bio-fieldset-plain">
            <legend>{t.schedule}</legend>
            <p class="hint">{t.schedule_hint}</p>
            <div class="bio-two">
                <div class="field">
                    <label for=from_id.clone()>{t.show_from}</label>
                    <input type="datetime-local" id=from_id prop:value=move || ms_to_local(link().and_then(|l| l.4))
                        on:change=move |ev| set_time("starts_at", event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for=until_id.clone()>{t.show_until}</label>
                    <input type="datetime-local" id=until_id prop:value=move || ms_to_local(link().and_then(|l| l.5))
                        aria-invalid=move || if block_error(ed, &sid.get_value(), "ends_at").is_some() { "true" } else { "false" }
                        aria-describedby=until_msg.clone()
                        on:change=move |ev| set_time("ends_at", event_target_value(&ev))/>
                    <p id=until_msg class="field-error" aria-live="polite">{move || block_error(ed, &sid.get_value(), "ends_at")}</p>
                </div>
            </div>
        </fieldset>
        <MediaChooser ed=ed which="thumbnail" current=Signal::derive(move || link().and_then(|l| l.2))
            on_pick=Callback::new(move |m: Option<String>| ed.edit_block(&sid.get_value(), "", |k| if let BlockKind::Link { thumbnail, .. } = k { *thumbnail = m.clone() }))/>
        <div class="bio-short">
            {move || link().and_then(|l| l.6).map(|slug| {
                let url = crate::shortlinks::short_url(&origin(), &slug);
                view! { <p>{t.short_link}" " <a href=url.clone() target="_blank" rel="noopener">{url.clone()}</a></p> }
            })}
            <button type="button" class="button secondary compact" on:click=make_short disabled=move || shortening.get()>
                {move || if link().and_then(|l| l.6).is_some() { t.short_make_new } else { t.short_make }}
            </button>
            <p class="field-error" aria-live="polite">{move || short_error.get()}</p>
        </div>
    }
}

// ------------------------------------------------------------------ image

#[component]
fn ImageForm(ed: Editor, id: String) -> impl IntoView {
    let t = BioTexts::now();
    let sid = StoredValue::new(id.clone());
    let media = Signal::derive(move || match ed.block(&sid.get_value()).map(|b| b.kind) {
        Some(BlockKind::Image { media, .. }) if !media.is_empty() => Some(media),
        _ => None,
    });
    let media_msg = move || block_error(ed, &sid.get_value(), "media");
    view! {
        <MediaChooser ed=ed which="image" current=media
            on_pick=Callback::new(move |m: Option<String>| ed.edit_block(&sid.get_value(), "", |k| if let BlockKind::Image { media, .. } = k { *media = m.clone().unwrap_or_default() }))/>
        <p class="field-error" aria-live="polite">{media_msg}</p>
        <BlockText ed=ed id=id.clone() field="alt" label=t.field_alt hint=t.alt_hint
            get=|k| if let BlockKind::Image { alt, .. } = k { alt.clone() } else { String::new() }
            set=|k, v| if let BlockKind::Image { alt, .. } = k { *alt = v }/>
        <BlockText ed=ed id=id field="url" label=t.field_image_url kind="url" placeholder="https://example.com"
            get=|k| if let BlockKind::Image { url, .. } = k { url.clone().unwrap_or_default() } else { String::new() }
            set=|k, v| if let BlockKind::Image { url, .. } = k { *url = if v.trim().is_empty() { None } else { Some(v) } }/>
    }
}

// ------------------------------------------------------------------ social

#[component]
fn SocialForm(ed: Editor, id: String) -> impl IntoView {
    let t = BioTexts::now();
    let sid = StoredValue::new(id);
    let links = move || match ed.block(&sid.get_value()).map(|b| b.kind) {
        Some(BlockKind::Social { links }) => links,
        _ => vec![],
    };
    let update = move |f: Box<dyn FnOnce(&mut Vec<SocialLink>)>, key: String| {
        ed.edit_block(&sid.get_value(), &key, |k| {
            if let BlockKind::Social { links } = k {
                f(links)
            }
        });
    };
    let count = Memo::new(move |_| links().len());
    let count = move || count.get();
    view! {
        <fieldset class="bio-fieldset-plain">
            <legend>{t.social_links}</legend>
            <p class="field-error" aria-live="polite">{move || block_error(ed, &sid.get_value(), "links")}</p>
            {move || (0..count()).map(|j| {
                let bid = sid.get_value();
                let net_id = format!("b-{bid}-links-{j}-network");
                let url_id = format!("b-{bid}-links-{j}-url");
                let url_msg = format!("{url_id}-msg");
                let net = move || links().get(j).map(|l| l.network.clone()).unwrap_or_default();
                let url = move || links().get(j).map(|l| l.url.clone()).unwrap_or_default();
                let err = move || block_error(ed, &sid.get_value(), &format!("links.{j}.url"));
                let net_label = move || network_label(&net());
                view! {
                    <div class="bio-social-row">
                        <div class="field">
                            <label for=net_id.clone()>{fill(t.social_network_n, &[("n", &(j + 1))])}</label>
                            <select id=net_id prop:value=net on:change=move |ev| {
                                let v = event_target_value(&ev);
                                update(Box::new(move |l| if let Some(x) = l.get_mut(j) { x.network = v }), String::new());
                            }>
                                {SOCIAL_NETWORKS.iter().map(|(k, _)| view! { <option value=*k selected=move || net() == *k>{network_label(k)}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for=url_id.clone()>{fill(t.social_address_n, &[("n", &(j + 1))])}</label>
                            <input id=url_id type="url" prop:value=url placeholder="https://…" autocomplete="off"
                                aria-invalid=move || if err().is_some() { "true" } else { "false" } aria-describedby=url_msg.clone()
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    update(Box::new(move |l| if let Some(x) = l.get_mut(j) { x.url = v }), format!("social.{j}.url"));
                                }/>
                            <p id=url_msg class="field-error" aria-live="polite">{err}</p>
                        </div>
                        <button type="button" class="button secondary compact" aria-label=move || fill(t.social_remove_n, &[("network", &net_label()), ("n", &(j + 1))])
                            on:click=move |_| update(Box::new(move |l| { if j < l.len() { l.remove(j); } }), String::new())>{t.social_remove}</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="button secondary compact" disabled=move || { count() >= 12 }
                on:click=move |_| {
                    let used: Vec<String> = links().into_iter().map(|l| l.network).collect();
                    let network = SOCIAL_NETWORKS.iter().find(|n| !used.iter().any(|u| u == n.0)).map(|n| n.0).unwrap_or("website").to_string();
                    update(Box::new(move |l| l.push(SocialLink { network, url: String::new() })), String::new());
                }>{t.social_add}</button>
        </fieldset>
    }
}
