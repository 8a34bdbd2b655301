//! The builder's state: the content on screen, undo and redo over snapshots of it, the
//! debounced save through the offline outbox, the draft kept on this device, and the drag
//! in progress.

use leptos::prelude::*;

use crate::bio::texts::BioTexts;
use crate::bio::{BioContent, BioPage, Block, BlockKind};
use crate::error::FieldError;
use crate::i18n::fill;
use crate::offline::use_sync;

/// How many snapshots undo keeps.
const HISTORY_CAP: usize = 100;
/// How long after the last change a save is sent.
const SAVE_DELAY_MS: u64 = 800;

/// What is being dragged.
#[derive(Clone, Debug, PartialEq)]
pub enum DragSource {
    /// A block already on the page, by id.
    Block(String),
    /// A new block of this kind, from the palette.
    Palette(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub source: DragSource,
    pub pointer: i32,
    pub start: (f64, f64),
    pub pos: (f64, f64),
    /// False until the pointer moved far enough to be a drag rather than a click.
    pub active: bool,
    /// Where it would land, counted in the list without the dragged block.
    pub over: Option<usize>,
    pub over_remove: bool,
}

pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// A fresh block id (letters and digits, unique enough for one page).
pub fn new_block_id() -> String {
    #[cfg(target_arch = "wasm32")]
    let r = (js_sys::Math::random() * 1e9) as u64;
    #[cfg(not(target_arch = "wasm32"))]
    let r = 7u64;
    format!("b{}{}", to36(now_ms() as u64), to36(r))
}

fn to36(mut n: u64) -> String {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(D[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub fn kind_label(kind: &str) -> &'static str {
    crate::bio::kind_label(kind)
}

/// A short text that tells blocks apart: the link title, the header, the heading…
pub fn block_summary(kind: &BlockKind) -> String {
    let s = match kind {
        BlockKind::Link { title, .. } => title.clone(),
        BlockKind::Header { text } => text.clone(),
        BlockKind::Text { text } => text.lines().next().unwrap_or("").to_string(),
        BlockKind::Image { alt, .. } => alt.clone(),
        BlockKind::Video { .. } => String::new(),
        BlockKind::Social { .. } => String::new(),
        BlockKind::EmailCapture { heading, .. } => heading.clone(),
        BlockKind::Form { url } => crate::bio::form_slug(url).unwrap_or_default(),
        BlockKind::Divider => String::new(),
    };
    let s = s.trim();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The name a block goes by in buttons ("Drag Link button: Shop", "Remove Divider 3").
pub fn block_label(content: &BioContent, id: &str) -> String {
    let t = BioTexts::now();
    let Some((i, b)) = content.blocks.iter().enumerate().find(|(_, b)| b.id == id) else { return t.block_word.into() };
    let kind = kind_label(b.kind.kind());
    let summary = block_summary(&b.kind);
    if summary.is_empty() {
        fill(t.block_label_numbered, &[("kind", &kind), ("n", &(i + 1))])
    } else {
        fill(t.block_label_named, &[("kind", &kind), ("summary", &summary)])
    }
}

#[derive(Clone, Copy)]
pub struct Editor {
    pub workspace: StoredValue<String>,
    pub page_id: StoredValue<String>,
    /// The server's latest copy (handle, published state, domains).
    pub page: RwSignal<BioPage>,
    /// What the person sees and edits.
    pub content: RwSignal<BioContent>,
    /// The version the next save builds on.
    pub base_version: RwSignal<i64>,
    undo_stack: StoredValue<Vec<BioContent>>,
    redo_stack: StoredValue<Vec<BioContent>>,
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
    last_key: StoredValue<Option<(String, f64)>>,
    /// Errors the server sent back (a refused save or publish).
    pub server_errors: RwSignal<Vec<FieldError>>,
    /// Errors found when trying to publish (complete blocks needed).
    pub publish_errors: RwSignal<Vec<FieldError>>,
    /// Every error to show now, by field name.
    pub errors: Memo<Vec<FieldError>>,
    /// The expanded block.
    pub open: RwSignal<Option<String>>,
    pub drag: RwSignal<Option<Drag>>,
    /// A drag just ended on a palette button: swallow the click that follows.
    pub suppress_click: StoredValue<bool>,
    seq: StoredValue<u64>,
    /// A change waits for the debounce before it is sent.
    pub waiting: RwSignal<bool>,
    /// A save was handed to the outbox and no answer has come yet.
    pub in_flight: RwSignal<bool>,
    pub editable: bool,
    /// The caller's role may edit bio pages (even when this page is read-only on the plan,
    /// it can then still be taken offline or deleted).
    pub role_can_edit: bool,
    /// Said to screen readers after moves and removals.
    pub announce: RwSignal<String>,
    pub list_ref: NodeRef<leptos::html::Ol>,
    pub remove_ref: NodeRef<leptos::html::Div>,
    /// Taken from the context when the editor is made: saves are sent from timers and
    /// event handlers, where there is no reactive owner to ask.
    sync: Option<crate::offline::Sync>,
}

impl Editor {
    pub fn new(workspace: String, page: BioPage, content: BioContent, editable: bool) -> Self {
        let content = RwSignal::new(content);
        let server_errors = RwSignal::new(Vec::<FieldError>::new());
        let publish_errors = RwSignal::new(Vec::<FieldError>::new());
        let errors = Memo::new(move |_| {
            let mut e = content.with(|c| crate::bio::check_content(c, false));
            for extra in server_errors.get().into_iter().chain(publish_errors.get()) {
                if !e.iter().any(|x| x.field == extra.field) {
                    e.push(extra);
                }
            }
            e
        });
        Editor {
            workspace: StoredValue::new(workspace),
            page_id: StoredValue::new(page.id.clone()),
            base_version: RwSignal::new(page.version),
            page: RwSignal::new(page),
            content,
            undo_stack: StoredValue::new(vec![]),
            redo_stack: StoredValue::new(vec![]),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            last_key: StoredValue::new(None),
            server_errors,
            publish_errors,
            errors,
            open: RwSignal::new(None),
            drag: RwSignal::new(None),
            suppress_click: StoredValue::new(false),
            seq: StoredValue::new(0),
            waiting: RwSignal::new(false),
            in_flight: RwSignal::new(false),
            editable,
            role_can_edit: editable,
            announce: RwSignal::new(String::new()),
            list_ref: NodeRef::new(),
            remove_ref: NodeRef::new(),
            sync: use_context::<crate::offline::Sync>(),
        }
    }

    pub fn workspace(&self) -> String {
        self.workspace.get_value()
    }

    pub fn id(&self) -> String {
        self.page_id.get_value()
    }

    pub fn doc(&self) -> String {
        format!("bio:{}", self.page_id.get_value())
    }

    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors.with(|e| e.iter().find(|x| x.field == field).map(|x| x.message.clone()))
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.content.with(|c| c.blocks.iter().position(|b| b.id == id))
    }

    pub fn block(&self, id: &str) -> Option<Block> {
        self.content.with(|c| c.blocks.iter().find(|b| b.id == id).cloned())
    }

    pub fn label_of(&self, id: &str) -> String {
        self.content.with(|c| block_label(c, id))
    }

    fn sync_flags(&self) {
        self.can_undo.set(self.undo_stack.with_value(|u| !u.is_empty()));
        self.can_redo.set(self.redo_stack.with_value(|r| !r.is_empty()));
    }

    /// Changes the content. Changes with the same non-empty `key` within a moment (typing
    /// in one field) make one undo step.
    pub fn edit(&self, key: &str, f: impl FnOnce(&mut BioContent)) {
        if !self.editable {
            return;
        }
        let before = self.content.get_untracked();
        let mut next = before.clone();
        f(&mut next);
        if next == before {
            return;
        }
        // What was said about the last action (“Undone.”) is stale now; the caller says
        // what this one did, if anything.
        self.announce.set(String::new());
        let now = now_ms();
        let coalesce = !key.is_empty() && self.last_key.with_value(|l| l.as_ref().is_some_and(|(k, t)| k == key && now - t < 1500.0));
        if !coalesce {
            self.undo_stack.update_value(|u| {
                u.push(before);
                if u.len() > HISTORY_CAP {
                    u.remove(0);
                }
            });
        }
        self.redo_stack.update_value(|r| r.clear());
        self.last_key.set_value(if key.is_empty() { None } else { Some((key.to_string(), now)) });
        if !self.publish_errors.with_untracked(|e| e.is_empty()) {
            self.publish_errors.set(crate::bio::check_content(&next, true));
        }
        self.content.set(next);
        self.sync_flags();
        self.changed();
    }

    /// Edits the block `id` in place.
    pub fn edit_block(&self, id: &str, key: &str, f: impl FnOnce(&mut BlockKind)) {
        self.edit(key, |c| {
            if let Some(b) = c.blocks.iter_mut().find(|b| b.id == id) {
                f(&mut b.kind);
            }
        });
    }

    pub fn undo(&self) {
        let Some(prev) = self.undo_stack.try_update_value(|u| u.pop()).flatten() else { return };
        let cur = self.content.get_untracked();
        self.redo_stack.update_value(|r| r.push(cur));
        self.last_key.set_value(None);
        self.content.set(prev);
        self.sync_flags();
        self.announce.set(BioTexts::now().announce_undone.into());
        self.changed();
    }

    pub fn redo(&self) {
        let Some(next) = self.redo_stack.try_update_value(|r| r.pop()).flatten() else { return };
        let cur = self.content.get_untracked();
        self.undo_stack.update_value(|u| u.push(cur));
        self.last_key.set_value(None);
        self.content.set(next);
        self.sync_flags();
        self.announce.set(BioTexts::now().announce_redone.into());
        self.changed();
    }

    /// Replaces the content with a copy from elsewhere (taken after a conflict, or a kept
    /// copy), as one undo step, so what was on screen can still be brought back.
    pub fn replace_content(&self, content: BioContent, save: bool) {
        let cur = self.content.get_untracked();
        if cur == content {
            return;
        }
        self.undo_stack.update_value(|u| u.push(cur));
        self.redo_stack.update_value(|r| r.clear());
        self.last_key.set_value(None);
        self.content.set(content);
        self.sync_flags();
        if save {
            self.changed();
        }
    }

    /// Keeps the draft on this device at once and sends it after a pause.
    fn changed(&self) {
        self.keep_draft();
        let seq = self.seq.try_update_value(|s| {
            *s += 1;
            *s
        });
        self.waiting.set(true);
        let this = *self;
        set_timeout(
            move || {
                if this.seq.try_get_value() == seq {
                    this.flush();
                }
            },
            std::time::Duration::from_millis(SAVE_DELAY_MS),
        );
    }

    /// Sends a draft restored from this device over the version it was made from, so a
    /// change made elsewhere since then comes back as a conflict instead of being overwritten.
    pub fn resend_restored(&self, version: i64) {
        self.base_version.set(version);
        self.waiting.set(true);
        self.flush();
    }

    pub fn keep_draft(&self) {
        let json = self.content.with_untracked(|c| serde_json::to_string(c).unwrap_or_default());
        crate::offline::save_draft_fields(&self.doc(), &[("content".into(), json), ("version".into(), self.base_version.get_untracked().to_string())]);
    }

    /// Sends the waiting change now (through the outbox, so it survives going offline).
    pub fn flush(&self) {
        if !self.waiting.get_untracked() {
            return;
        }
        self.waiting.set(false);
        self.in_flight.set(true);
        let json = self.content.with_untracked(|c| serde_json::to_string(c).unwrap_or_default());
        if let Some(sync) = self.sync {
            sync.submit(
                self.doc(),
                fill(BioTexts::now().outbox_label, &[("handle", &self.page.with_untracked(|p| p.handle.clone()))]),
                "save_bio_draft".into(),
                vec![
                    ("workspace".into(), self.workspace()),
                    ("page".into(), self.id()),
                    ("content".into(), json),
                    ("version".into(), self.base_version.get_untracked().to_string()),
                ],
            );
        }
    }

    /// Takes a newer server copy of the page (the answer to a save, a publish, a handle
    /// change…). The content on screen stays unless `take_content`.
    pub fn apply_server(&self, page: BioPage, take_content: bool) {
        if page.version >= self.base_version.get_untracked() {
            self.base_version.set(page.version);
        }
        if take_content {
            self.replace_content(page.draft.clone(), false);
        }
        self.page.set(page);
    }
}

/// Registers the reactions to the outbox's events about this page.
pub fn follow_outbox(ed: Editor) {
    let sync = use_sync();
    let event = sync.event_for(ed.doc());
    Effect::new(move |_| {
        let Some(ev) = event.get() else { return };
        match ev.kind.as_str() {
            "applied" => {
                if let Some(p) = ev.result.and_then(|r| serde_json::from_value::<BioPage>(r).ok()) {
                    if p.version >= ed.base_version.get_untracked() {
                        let same = ed.content.with_untracked(|c| *c == p.draft);
                        ed.server_errors.set(vec![]);
                        ed.apply_server(p, false);
                        if same && !ed.waiting.get_untracked() {
                            crate::offline::discard_draft(&ed.doc());
                        } else {
                            // The draft now builds on the new version.
                            ed.keep_draft();
                        }
                    }
                }
                ed.in_flight.set(false);
            }
            "failed" => {
                if let Some(crate::error::AppError::Validation { fields, .. }) = ev.error.and_then(|e| serde_json::from_value(e).ok()) {
                    ed.server_errors.set(fields);
                }
                ed.in_flight.set(false);
            }
            "conflict" => ed.in_flight.set(false),
            _ => {}
        }
    });
}
