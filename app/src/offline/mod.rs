//! M24 offline drafting: the one mechanism every editor uses. Drafts per document, an
//! outbox replayed in order when the network returns, conflicts the person resolves (keep
//! mine, take theirs, keep both), and the sync indicator.
//!
//! The storage and replay live in `public/outbox.js` (IndexedDB), because the service
//! worker runs the same replay for Background Sync; this module is the client's typed
//! view of it.

pub mod texts;
mod ui;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use ui::{ConflictPanel, DraftNotice, SaveStatus, SyncIndicator};

use crate::error::AppError;

/// One queued change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: f64,
    pub doc: String,
    pub label: String,
    pub endpoint: String,
    pub fields: Vec<(String, String)>,
    /// "pending", "sending" (taken by one tab or the worker), "conflict" or "failed".
    pub state: String,
    pub created_at: f64,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
    /// With a conflict: the server's copy of the document.
    #[serde(default)]
    pub server_copy: Option<serde_json::Value>,
}

impl OutboxEntry {
    pub fn error(&self) -> Option<AppError> {
        self.error.clone().and_then(|e| serde_json::from_value(e).ok())
    }
}

/// A version kept on this device after a conflict ("keep both").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptCopy {
    pub id: f64,
    pub doc: String,
    pub label: String,
    pub endpoint: String,
    pub fields: Vec<(String, String)>,
    pub kept_at: f64,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub pending: u32,
    pub conflicts: u32,
    pub failed: u32,
}

/// What the outbox reports after a change (from this page, another tab or the worker).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct OutboxEvent {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub result: Option<serde_json::Value>,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
    #[serde(default)]
    pub choice: Option<String>,
    #[serde(default)]
    pub server_copy: Option<serde_json::Value>,
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = MewayzOutbox, js_name = onChange)]
        pub fn on_change(cb: &Closure<dyn FnMut(JsValue)>);
        #[wasm_bindgen(js_namespace = MewayzOutbox, js_name = saveDraft)]
        pub fn save_draft(doc: &str, fields: JsValue) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox, js_name = getDraft)]
        pub fn get_draft(doc: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox, js_name = clearDraft)]
        pub fn clear_draft(doc: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox, js_name = clearDraftsWithPrefix)]
        pub fn clear_drafts_with_prefix(prefix: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox)]
        pub fn enqueue(doc: &str, label: &str, endpoint: &str, fields: JsValue) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox)]
        pub fn list() -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox)]
        pub fn copies() -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox)]
        pub fn resolve(id: f64, choice: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox, js_name = deleteCopy)]
        pub fn delete_copy(id: f64) -> js_sys::Promise;
        #[wasm_bindgen(js_namespace = MewayzOutbox)]
        pub fn replay() -> js_sys::Promise;
    }

    pub fn to_js<T: serde::Serialize>(v: &T) -> JsValue {
        serde_json::to_string(v).ok().and_then(|s| js_sys::JSON::parse(&s).ok()).unwrap_or(JsValue::NULL)
    }

    pub fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue) -> Option<T> {
        let s: String = js_sys::JSON::stringify(v).ok()?.into();
        serde_json::from_str(&s).ok()
    }

    pub async fn wait(p: js_sys::Promise) -> Option<JsValue> {
        wasm_bindgen_futures::JsFuture::from(p).await.ok()
    }
}

/// The outbox as the shell sees it: counts, entries, kept copies and the latest event.
#[derive(Clone, Copy)]
pub struct Sync {
    pub summary: RwSignal<Summary>,
    pub entries: RwSignal<Vec<OutboxEntry>>,
    pub copies: RwSignal<Vec<KeptCopy>>,
    pub last_event: RwSignal<Option<OutboxEvent>>,
    /// The latest event about each document.
    pub by_doc: RwSignal<std::collections::HashMap<String, OutboxEvent>>,
}

impl Sync {
    /// Reads the outbox and the kept copies again.
    pub fn reload(self) {
        #[cfg(target_arch = "wasm32")]
        leptos::task::spawn_local(async move {
            if let Some(list) = js::wait(js::list()).await.and_then(|v| js::from_js::<Vec<OutboxEntry>>(&v)) {
                self.summary.set(Summary {
                    pending: list.iter().filter(|e| e.state == "pending" || e.state == "sending").count() as u32,
                    conflicts: list.iter().filter(|e| e.state == "conflict").count() as u32,
                    failed: list.iter().filter(|e| e.state == "failed").count() as u32,
                });
                self.entries.set(list);
            }
            if let Some(copies) = js::wait(js::copies()).await.and_then(|v| js::from_js::<Vec<KeptCopy>>(&v)) {
                self.copies.set(copies);
            }
        });
    }

    /// Sends what is pending now (when online).
    pub fn replay(self) {
        #[cfg(target_arch = "wasm32")]
        leptos::task::spawn_local(async move {
            let _ = js::wait(js::replay()).await;
            self.reload();
        });
    }

    /// Queues a change to `doc` (e.g. `workspace:ID`) made through `endpoint`, and sends it at
    /// once when online. What the server answers arrives as an [`OutboxEvent`].
    pub fn submit(self, doc: String, label: String, endpoint: String, fields: Vec<(String, String)>) {
        #[cfg(target_arch = "wasm32")]
        leptos::task::spawn_local(async move {
            let _ = js::wait(js::enqueue(&doc, &label, &endpoint, js::to_js(&fields))).await;
            self.reload();
            let online = web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true);
            if online {
                self.replay();
            }
        });
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (doc, label, endpoint, fields);
    }

    pub fn resolve(self, id: f64, choice: &'static str) {
        #[cfg(target_arch = "wasm32")]
        leptos::task::spawn_local(async move {
            let _ = js::wait(js::resolve(id, choice)).await;
            self.reload();
        });
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (id, choice);
    }

    pub fn delete_copy(self, id: f64) {
        #[cfg(target_arch = "wasm32")]
        leptos::task::spawn_local(async move {
            let _ = js::wait(js::delete_copy(id)).await;
            self.reload();
        });
        #[cfg(not(target_arch = "wasm32"))]
        let _ = id;
    }

    /// The latest event about `doc`.
    pub fn event_for(self, doc: String) -> Signal<Option<OutboxEvent>> {
        Signal::derive(move || self.by_doc.with(|m| m.get(&doc).cloned()))
    }

    /// The refused change to `doc`, if its last attempt was refused for bad input.
    pub fn failure_for(self, doc: String) -> Signal<Option<AppError>> {
        Signal::derive(move || self.entries.get().into_iter().find(|e| e.doc == doc && e.state == "failed").and_then(|e| e.error()))
    }

    /// Whether a change to `doc` waits to be sent.
    pub fn pending_for(self, doc: String) -> Signal<bool> {
        Signal::derive(move || self.entries.get().iter().any(|e| e.doc == doc && (e.state == "pending" || e.state == "sending")))
    }
}

pub fn provide_sync() -> Sync {
    let sync = Sync {
        summary: RwSignal::new(Summary::default()),
        entries: RwSignal::new(vec![]),
        copies: RwSignal::new(vec![]),
        last_event: RwSignal::new(None),
        by_doc: RwSignal::new(Default::default()),
    };
    provide_context(sync);
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::closure::Closure;
        let has_outbox = js_sys::Reflect::has(&js_sys::global(), &"MewayzOutbox".into()).unwrap_or(false);
        if has_outbox {
            let cb = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |v: wasm_bindgen::JsValue| {
                if let Some(ev) = js::from_js::<OutboxEvent>(&v) {
                    if let Some(doc) = ev.doc.clone() {
                        sync.by_doc.update(|m| {
                            m.insert(doc, ev.clone());
                        });
                    }
                    sync.last_event.set(Some(ev));
                }
                sync.reload();
            });
            js::on_change(&cb);
            cb.forget();
            // Whatever is left from last time goes out now, and whenever the network returns.
            sync.replay();
            let _ = window_event_listener(leptos::ev::online, move |_| sync.replay());
        }
    }
    sync
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}

/// The named values of a form, in order, as the outbox sends them.
pub fn form_fields(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    #[allow(unused_mut)]
    let mut out = vec![];
    #[cfg(target_arch = "wasm32")]
    if let Ok(data) = web_sys::FormData::new_with_form(form) {
        if let Ok(Some(iter)) = js_sys::try_iter(&data) {
            for pair in iter.flatten() {
                let pair = js_sys::Array::from(&pair);
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    out.push((k, v));
                }
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = form;
    out
}

/// Puts `fields` into the form's inputs and selects (hidden inputs are left alone).
pub fn fill_form(form: &web_sys::HtmlFormElement, fields: &[(String, String)]) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        for (name, value) in fields {
            let Ok(Some(el)) = form.query_selector(&format!("[name=\"{}\"]", name.replace('"', ""))) else { continue };
            if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                if input.type_() != "hidden" {
                    input.set_value(value);
                }
            } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
                select.set_value(value);
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (form, fields);
}

/// Keeps what the person types in `form` as the draft of `doc`, and restores a saved draft
/// into it once. Returns a signal that is true when a draft was restored.
pub fn keep_draft(form: NodeRef<leptos::html::Form>, doc: String) -> Signal<bool> {
    let restored = RwSignal::new(false);
    #[cfg(target_arch = "wasm32")]
    {
        let d = doc.clone();
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let Some(el) = form.get() else { return false };
            let d = d.clone();
            leptos::task::spawn_local(async move {
                if let Some(fields) = js::wait(js::get_draft(&d)).await.and_then(|v| js::from_js::<Option<Vec<(String, String)>>>(&v)).flatten() {
                    fill_form(&el, &fields);
                    restored.set(true);
                }
            });
            true
        });
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let Some(el) = form.get() else { return false };
            let d = doc.clone();
            let target = el.clone();
            let handler = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let fields = form_fields(&target);
                let _ = js::save_draft(&d, js::to_js(&fields));
            });
            use wasm_bindgen::JsCast;
            let _ = el.add_event_listener_with_callback("input", handler.as_ref().unchecked_ref());
            let _ = el.add_event_listener_with_callback("change", handler.as_ref().unchecked_ref());
            handler.forget();
            true
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (form, doc);
    restored.into()
}

/// Keeps `fields` as the draft of `doc` on this device (for editors that hold their state
/// in signals rather than in a form).
pub fn save_draft_fields(doc: &str, fields: &[(String, String)]) {
    #[cfg(target_arch = "wasm32")]
    let _ = js::save_draft(doc, js::to_js(&fields));
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (doc, fields);
}

/// The draft of `doc` kept on this device, if any.
pub async fn load_draft_fields(doc: &str) -> Option<Vec<(String, String)>> {
    #[cfg(target_arch = "wasm32")]
    {
        js::wait(js::get_draft(doc)).await.and_then(|v| js::from_js::<Option<Vec<(String, String)>>>(&v)).flatten()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = doc;
        None
    }
}

/// Forgets the draft of `doc` (after the person threw it away).
pub fn discard_draft(doc: &str) {
    #[cfg(target_arch = "wasm32")]
    let _ = js::clear_draft(doc);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = doc;
}

/// Where reads kept for offline use live, next to the drafts: `read:{person}:{key}`.
const READ_PREFIX: &str = "read:";

fn read_doc(person: &str, key: &str) -> String {
    format!("{READ_PREFIX}{person}:{key}")
}

/// `fetch`, or, when the server cannot be reached at all, the answer kept on this device for
/// `person` under `key` (by [`keep_read`]), so a page that was open before opens again after
/// a reload with no signal. Any other error (forbidden, not found…) is returned as is. Keeps
/// nothing itself: for pages that keep every version they show.
pub async fn read_or_kept<T, F>(person: &str, key: &str, fetch: F) -> Result<T, AppError>
where
    T: serde::de::DeserializeOwned,
    F: std::future::Future<Output = Result<T, AppError>>,
{
    match fetch.await {
        Err(e) if e.is_network() => {
            let kept = load_draft_fields(&read_doc(person, key))
                .await
                .and_then(|f| f.into_iter().find(|(k, _)| k == "json"))
                .and_then(|(_, j)| serde_json::from_str(&j).ok());
            kept.ok_or(e)
        }
        other => other,
    }
}

/// [`read_or_kept`], keeping each answer from the server for the next time.
pub async fn read_through<T, F>(person: &str, key: &str, fetch: F) -> Result<T, AppError>
where
    T: Serialize + serde::de::DeserializeOwned,
    F: std::future::Future<Output = Result<T, AppError>>,
{
    read_or_kept(person, key, async {
        let v = fetch.await?;
        keep_read(person, key, &v);
        Ok(v)
    })
    .await
}

/// Replaces the copy kept for `person` under `key` (after a save answered with a newer copy,
/// so a reload offline starts from it and not from an older version).
pub fn keep_read<T: Serialize>(person: &str, key: &str, value: &T) {
    if person.is_empty() {
        return;
    }
    if let Ok(json) = serde_json::to_string(value) {
        save_draft_fields(&read_doc(person, key), &[("json".into(), json)]);
    }
}

/// Forgets every read kept for offline use on this device (when nobody is signed in).
pub fn forget_reads() {
    #[cfg(target_arch = "wasm32")]
    let _ = js::clear_drafts_with_prefix(READ_PREFIX);
}

/// The wiring every outbox-backed editor shares: its form, the restored draft, the refused
/// change's errors, whether a change waits, whether the last one was saved, and the
/// conflict choices. Build it with [`outbox_form`].
#[derive(Clone)]
pub struct OutboxForm {
    pub form: NodeRef<leptos::html::Form>,
    pub restored: Signal<bool>,
    pub error: Signal<Option<AppError>>,
    pub pending: Signal<bool>,
    pub saved: Signal<bool>,
    /// For [`ConflictPanel`]: the server's copy was taken.
    pub on_theirs: Callback<serde_json::Value>,
    /// For [`ConflictPanel`]: a kept copy is sent again as the newest change.
    pub on_restore: Callback<KeptCopy>,
    doc: String,
    label: &'static str,
    endpoint: &'static str,
    sync: Sync,
}

impl OutboxForm {
    pub fn doc(&self) -> String {
        self.doc.clone()
    }

    /// Queues what the form holds now (and sends it at once when online).
    pub fn submit(&self) {
        if let Some(form) = self.form.get() {
            self.sync.submit(self.doc.clone(), self.label.into(), self.endpoint.into(), form_fields(&form));
        }
    }
}

/// Sets up an editor of `doc` that saves through `endpoint`. `shown_version` is the version
/// on screen; `apply` receives a newer copy of the document (the server's answer to this
/// device's change, or the copy the person took after a conflict); `current_version` gives
/// the version a kept copy is sent over.
pub fn outbox_form<T>(
    doc: String,
    label: &'static str,
    endpoint: &'static str,
    shown_version: i64,
    version_of: fn(&T) -> i64,
    current_version: impl Fn() -> i64 + Send + std::marker::Sync + 'static,
    apply: Callback<T>,
) -> OutboxForm
where
    T: serde::de::DeserializeOwned + Send + std::marker::Sync + 'static,
{
    let sync = use_sync();
    let form = NodeRef::<leptos::html::Form>::new();
    let restored = keep_draft(form, doc.clone());
    let error = sync.failure_for(doc.clone());
    let pending = sync.pending_for(doc.clone());
    let event = sync.event_for(doc.clone());
    Effect::new(move |_| {
        let Some(ev) = event.get() else { return };
        if ev.kind != "applied" {
            return;
        }
        if let Some(copy) = ev.result.and_then(|r| serde_json::from_value::<T>(r).ok()) {
            // Only a newer copy than the one on screen (the editor is rebuilt with it).
            if version_of(&copy) > shown_version {
                apply.run(copy);
            }
        }
    });
    let saved = Signal::derive(move || !pending.get() && error.get().is_none() && event.get().is_some_and(|e| e.kind == "applied"));
    let theirs_doc = doc.clone();
    let on_theirs = Callback::new(move |copy: serde_json::Value| {
        if let Ok(copy) = serde_json::from_value::<T>(copy) {
            discard_draft(&theirs_doc);
            apply.run(copy);
        }
    });
    let restore_doc = doc.clone();
    let on_restore = Callback::new(move |copy: KeptCopy| {
        let version = current_version();
        let fields = copy.fields.into_iter().map(|(k, v)| if k == "version" { (k, version.to_string()) } else { (k, v) }).collect();
        sync.submit(restore_doc.clone(), copy.label, copy.endpoint, fields);
    });
    OutboxForm { form, restored, error, pending, saved, on_theirs, on_restore, doc, label, endpoint, sync }
}
