//! M07 forms: a form made of steps of fields, with conditional logic, published at
//! `/f/{slug}` as a server-rendered page that works without script, and the submissions it
//! collects (partial ones too, saved step by step).
//!
//! The definition ([`FormDef`]) and the rules that judge answers ([`logic`]) are shared by
//! the builder (in the browser) and the server, which is the judge: a submission is accepted
//! only once the server has followed the logic over the answers and checked every visible
//! field of every step on the path.

pub mod api;
pub mod logic;
pub mod texts;
pub mod ui;
pub mod ui_connect;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod effects;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod public;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use texts::FormsTexts;

/// The area this module guards.
pub const AREA: &str = "forms";
/// Public forms are served at `/f/{slug}`.
pub const PREFIX: &str = "/f/";
/// The step a jump names to end the form.
pub const END: &str = "end";

/// Hard ceilings of a definition, whatever the plan.
pub const MAX_STEPS: usize = 20;
pub const MAX_FIELDS: usize = 100;
pub const MAX_OPTIONS: usize = 50;
pub const MAX_LABEL: usize = 500;
pub const MAX_HELP: usize = 1000;
pub const MAX_TITLE: usize = 200;
pub const MAX_OPTION: usize = 200;
pub const MAX_PATTERN: usize = 200;
/// The longest answer a short field (short text, e-mail, phone, number, date) takes.
pub const MAX_SHORT_ANSWER: usize = 500;
/// The longest answer a long text takes.
pub const MAX_LONG_ANSWER: usize = 10_000;
/// The largest file a file field may allow, in megabytes (the plan's upload size applies
/// too).
pub const MAX_FILE_MB: u32 = 25;
/// The highest rating scale.
pub const MAX_RATING: u32 = 10;

/// A visitor's answers: each field's id with its values (one for most fields, several for
/// a multi-select; a checked checkbox is `["yes"]`).
pub type Answers = BTreeMap<String, Vec<String>>;

/// What a checked checkbox answers.
pub const CHECKED: &str = "yes";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    ShortText,
    LongText,
    Email,
    Phone,
    Number,
    SingleSelect,
    MultiSelect,
    Checkbox,
    Date,
    File,
    Rating,
    /// Text shown to the visitor; asks nothing.
    Statement,
}

impl FieldKind {
    pub const ALL: [FieldKind; 12] = [
        FieldKind::ShortText,
        FieldKind::LongText,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Number,
        FieldKind::SingleSelect,
        FieldKind::MultiSelect,
        FieldKind::Checkbox,
        FieldKind::Date,
        FieldKind::File,
        FieldKind::Rating,
        FieldKind::Statement,
    ];

    /// The kind's key, as stored and as the builder's palette names it.
    pub fn key(self) -> &'static str {
        match self {
            FieldKind::ShortText => "short_text",
            FieldKind::LongText => "long_text",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Number => "number",
            FieldKind::SingleSelect => "single_select",
            FieldKind::MultiSelect => "multi_select",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Date => "date",
            FieldKind::File => "file",
            FieldKind::Rating => "rating",
            FieldKind::Statement => "statement",
        }
    }

    pub fn from_key(key: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The kind's name, in the current language.
    pub fn label(self) -> &'static str {
        let t = FormsTexts::now();
        match self {
            FieldKind::ShortText => t.kind_short_text,
            FieldKind::LongText => t.kind_long_text,
            FieldKind::Email => t.kind_email,
            FieldKind::Phone => t.kind_phone,
            FieldKind::Number => t.kind_number,
            FieldKind::SingleSelect => t.kind_single_select,
            FieldKind::MultiSelect => t.kind_multi_select,
            FieldKind::Checkbox => t.kind_checkbox,
            FieldKind::Date => t.kind_date,
            FieldKind::File => t.kind_file,
            FieldKind::Rating => t.kind_rating,
            FieldKind::Statement => t.kind_statement,
        }
    }

    /// Whether it asks for an answer (all but the statement).
    pub fn asks(self) -> bool {
        self != FieldKind::Statement
    }

    /// Whether it takes a choice among `options`.
    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::SingleSelect | FieldKind::MultiSelect)
    }

    /// Whether a length limit applies.
    pub fn has_length(self) -> bool {
        matches!(self, FieldKind::ShortText | FieldKind::LongText)
    }

    /// The longest answer it takes, in characters.
    pub fn max_answer(self) -> usize {
        if self == FieldKind::LongText {
            MAX_LONG_ANSWER
        } else {
            MAX_SHORT_ANSWER
        }
    }
}

/// How a condition compares an earlier answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equals,
    NotEquals,
    Contains,
    Greater,
    Less,
    IsEmpty,
    IsNotEmpty,
}

impl Op {
    pub const ALL: [Op; 7] = [Op::Equals, Op::NotEquals, Op::Contains, Op::Greater, Op::Less, Op::IsEmpty, Op::IsNotEmpty];

    /// Whether it compares with a value (all but the two emptiness tests).
    pub fn takes_value(self) -> bool {
        !matches!(self, Op::IsEmpty | Op::IsNotEmpty)
    }
}

/// A test on an earlier field's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The id of the field whose answer is tested; it comes before the field or step the
    /// condition belongs to.
    pub field: String,
    pub op: Op,
    #[serde(default)]
    pub value: String,
}

/// After a step: go to step `to` (a later step's id, or [`END`]) when `when` holds. The
/// first rule that holds wins; with none, the next step follows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Jump {
    pub when: Condition,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Unique in the form: lowercase letters, digits, `-` and `_`, starting with a letter.
    pub id: String,
    pub kind: FieldKind,
    pub label: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub placeholder: String,
    #[serde(default)]
    pub required: bool,
    /// Length limits of a short or long text, in characters.
    #[serde(default)]
    pub min_len: Option<u32>,
    #[serde(default)]
    pub max_len: Option<u32>,
    /// The range of a number; for a rating, `max` is the top of the scale (5 if unset).
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// A regular expression a short text must match as a whole, and the sentence shown when
    /// it does not.
    #[serde(default)]
    pub pattern: String,
    #[serde(default)]
    pub pattern_message: String,
    /// The choices of a single or multi-select.
    #[serde(default)]
    pub options: Vec<String>,
    /// Allowed file types of a file field: extensions such as `.pdf`; empty for any.
    #[serde(default)]
    pub file_types: Vec<String>,
    /// The largest file a file field takes, in megabytes.
    #[serde(default)]
    pub max_file_mb: Option<u32>,
    /// Shown only when this holds.
    #[serde(default)]
    pub show_if: Option<Condition>,
}

impl Field {
    /// A new field of `kind` with `id` and `label`, and nothing else set.
    pub fn new(id: &str, kind: FieldKind, label: &str) -> Field {
        Field {
            id: id.into(),
            kind,
            label: label.into(),
            help: String::new(),
            placeholder: String::new(),
            required: false,
            min_len: None,
            max_len: None,
            min: None,
            max: None,
            pattern: String::new(),
            pattern_message: String::new(),
            options: vec![],
            file_types: vec![],
            max_file_mb: None,
            show_if: None,
        }
    }

    /// The top of a rating's scale.
    pub fn rating_max(&self) -> u32 {
        self.max.map(|m| m as u32).unwrap_or(5).clamp(2, MAX_RATING)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub jumps: Vec<Jump>,
}

/// What the visitor sees after submitting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Ending {
    /// A thank-you screen; empty texts show the default ones.
    ThankYou {
        #[serde(default)]
        heading: String,
        #[serde(default)]
        message: String,
    },
    /// A redirect to an http(s) address.
    Redirect { url: String },
}

impl Default for Ending {
    fn default() -> Self {
        Ending::ThankYou { heading: String::new(), message: String::new() }
    }
}

/// A form's definition: what the builder edits and the public page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormDef {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub ending: Ending,
    /// The label of the last step's button; empty for the default.
    #[serde(default)]
    pub submit_label: String,
}

impl FormDef {
    /// A new form: one step, asking for a name and an e-mail address.
    pub fn starter(title: &str) -> FormDef {
        let t = FormsTexts::now();
        let mut name = Field::new("name", FieldKind::ShortText, t.starter_name);
        name.required = true;
        let mut email = Field::new("email", FieldKind::Email, t.starter_email);
        email.required = true;
        FormDef {
            title: title.into(),
            intro: String::new(),
            steps: vec![Step { id: "step-1".into(), title: String::new(), fields: vec![name, email], jumps: vec![] }],
            ending: Ending::default(),
            submit_label: String::new(),
        }
    }

    /// Every field, in order, with the index of its step.
    pub fn fields(&self) -> impl Iterator<Item = (usize, &Field)> {
        self.steps.iter().enumerate().flat_map(|(i, s)| s.fields.iter().map(move |f| (i, f)))
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields().map(|(_, f)| f).find(|f| f.id == id)
    }

    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }
}

/// A form as its list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormSummary {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub published: bool,
    pub unpublished_changes: bool,
    /// Completed submissions, and partial ones still open.
    pub submissions: u64,
    pub partials: u64,
    pub updated_at: i64,
}

/// A form with its draft and what is published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormFull {
    pub id: String,
    pub slug: String,
    pub draft: FormDef,
    pub published: Option<FormDef>,
    pub published_at: Option<i64>,
    /// Bumped by every save; a save or publish with an older one is a conflict.
    pub version: i64,
    pub updated_at: i64,
    pub submissions: u64,
}

/// Whether a submission is finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Some steps are done; the visitor may still come back.
    Partial,
    Complete,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    pub form_id: String,
    pub status: SubmissionStatus,
    pub answers: Answers,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
}

/// One page of submissions, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubmissionPage {
    pub items: Vec<Submission>,
    /// Pass as `after` for the next page; `None` on the last one.
    pub next: Option<String>,
    /// How many match the filters.
    pub total: u64,
}

/// Where a form's submissions go besides its table: members told of each one (in the app,
/// and by e-mail when asked), and webhooks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormSettings {
    /// User ids of the members told of each submission.
    #[serde(default)]
    pub notify: Vec<String>,
    /// Tell them by e-mail too.
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub webhooks: Vec<Webhook>,
}

/// An address every completed submission is posted to, signed with `secret`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    /// The HMAC-SHA256 key of the `Mewayz-Signature` header.
    pub secret: String,
    pub created_at: i64,
}

/// Where a webhook delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not acknowledged yet: it is tried again, later each time.
    Pending,
    Delivered,
    /// Every try failed; "Send again" starts a new delivery.
    Failed,
}

/// One try of a delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// How long the receiver took, in milliseconds.
    pub ms: u64,
    /// Why it failed (empty when it did not).
    pub error: String,
}

/// One submission posted to one webhook, with its tries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub hook_id: String,
    pub url: String,
    pub submission_id: String,
    pub state: DeliveryState,
    pub attempts: Vec<Attempt>,
    pub created_at: i64,
    /// The delivery this one sends again.
    pub resent_from: Option<String>,
}

/// A member who can be told of submissions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub user_id: String,
    pub name: String,
    pub email: String,
}

/// A form's "Share and connect" tab: its link and embed code, who is told of submissions,
/// and its webhooks with their latest deliveries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormConnect {
    /// The public address of the form (`{PUBLIC_URL}/f/{slug}`).
    pub url: String,
    pub published: bool,
    pub notify: Vec<String>,
    pub email: bool,
    pub members: Vec<MemberChoice>,
    /// Whether the server can send e-mail (SMTP is set up).
    pub email_configured: bool,
    /// The webhooks with their secrets, for those who manage the form; `None` for others.
    pub webhooks: Option<Vec<Webhook>>,
    /// The newest deliveries (for those who manage the form).
    pub deliveries: Vec<Delivery>,
    /// Submissions completed this month, and the plan's monthly limit (`None`: no limit).
    pub month_used: i64,
    pub month_limit: Option<i64>,
}

/// The columns of the submissions table and export: (field id, label) for every field that
/// asks something, in order: the published form's, then the draft's others.
pub fn columns(published: Option<&FormDef>, draft: &FormDef) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    for def in published.into_iter().chain([draft]) {
        for (_, f) in def.fields() {
            if f.kind.asks() && !out.iter().any(|(id, _)| *id == f.id) {
                out.push((f.id.clone(), f.label.clone()));
            }
        }
    }
    out
}

/// Checks a field or step id: 1–32 lowercase letters, digits, `-` or `_`, starting with a
/// letter.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && id.len() <= 32
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id != END
}

/// Checks a definition. `publishing` adds what only a published form needs (a field that
/// asks something). Pure, so the builder shows the same messages before saving; the server
/// also compiles each pattern ([`logic::pattern_problem`]).
pub fn check_def(def: &FormDef, publishing: bool) -> Vec<FieldError> {
    let t = FormsTexts::now();
    let mut out = vec![];
    let mut fail = |field: String, m: &str| out.push(FieldError { field, message: m.to_string() });
    let title = def.title.trim();
    if title.is_empty() {
        fail("title".into(), t.err_title_empty);
    } else if title.chars().count() > MAX_TITLE || title.chars().any(char::is_control) {
        fail("title".into(), t.err_title_long);
    }
    if def.intro.chars().count() > MAX_HELP {
        fail("intro".into(), t.err_help_long);
    }
    if def.submit_label.chars().count() > MAX_OPTION {
        fail("submit_label".into(), t.err_label_long);
    }
    if def.steps.is_empty() || def.steps.len() > MAX_STEPS {
        fail("steps".into(), t.err_steps_count);
    }
    if def.fields().count() > MAX_FIELDS {
        fail("steps".into(), t.err_fields_count);
    }
    if publishing && !def.fields().any(|(_, f)| f.kind.asks()) {
        fail("steps".into(), t.err_no_question);
    }
    let mut ids = std::collections::HashSet::new();
    let mut step_ids = std::collections::HashSet::new();
    // Fields seen so far, in order: a condition may only test one of them.
    let mut earlier: Vec<&Field> = vec![];
    for (si, step) in def.steps.iter().enumerate() {
        let at = format!("steps.{si}");
        if !valid_id(&step.id) || !step_ids.insert(step.id.as_str()) {
            fail(format!("{at}.id"), t.err_step_id);
        }
        if step.title.chars().count() > MAX_TITLE {
            fail(format!("{at}.title"), t.err_title_long);
        }
        for (fi, f) in step.fields.iter().enumerate() {
            let at = format!("{at}.fields.{fi}");
            if !valid_id(&f.id) || !ids.insert(f.id.as_str()) {
                fail(format!("{at}.id"), t.err_field_id);
            }
            let label = f.label.trim();
            if label.is_empty() {
                fail(format!("{at}.label"), t.err_label_empty);
            } else if f.label.chars().count() > MAX_LABEL {
                fail(format!("{at}.label"), t.err_label_long);
            }
            if f.help.chars().count() > MAX_HELP {
                fail(format!("{at}.help"), t.err_help_long);
            }
            if f.placeholder.chars().count() > MAX_OPTION {
                fail(format!("{at}.placeholder"), t.err_label_long);
            }
            if f.kind.has_length() {
                let cap = f.kind.max_answer() as u32;
                if f.min_len.is_some_and(|m| m > cap) || f.max_len.is_some_and(|m| m == 0 || m > cap) {
                    fail(format!("{at}.max_len"), t.err_length_range);
                } else if let (Some(lo), Some(hi)) = (f.min_len, f.max_len) {
                    if lo > hi {
                        fail(format!("{at}.min_len"), t.err_min_over_max);
                    }
                }
            }
            let finite = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v.abs() < 1e15);
            if !finite(f.min) || !finite(f.max) {
                fail(format!("{at}.min"), t.err_number_range);
            } else if let (Some(lo), Some(hi)) = (f.min, f.max) {
                if lo > hi {
                    fail(format!("{at}.min"), t.err_min_over_max);
                }
            }
            if f.kind == FieldKind::Rating && f.max.is_some_and(|m| !(2.0..=MAX_RATING as f64).contains(&m)) {
                fail(format!("{at}.max"), t.err_rating_scale);
            }
            if f.pattern.chars().count() > MAX_PATTERN {
                fail(format!("{at}.pattern"), t.err_pattern_long);
            } else if !f.pattern.is_empty() {
                if let Some(problem) = logic::pattern_problem(&f.pattern) {
                    fail(format!("{at}.pattern"), &problem);
                } else if f.pattern_message.trim().is_empty() {
                    fail(format!("{at}.pattern_message"), t.err_pattern_message);
                }
            }
            if f.pattern_message.chars().count() > MAX_LABEL {
                fail(format!("{at}.pattern_message"), t.err_label_long);
            }
            if f.kind.has_options() {
                let mut seen = std::collections::HashSet::new();
                if f.options.is_empty() || f.options.len() > MAX_OPTIONS {
                    fail(format!("{at}.options"), t.err_options_count);
                } else if f.options.iter().any(|o| o.trim().is_empty() || o.chars().count() > MAX_OPTION || o.chars().any(char::is_control)) {
                    fail(format!("{at}.options"), t.err_option_text);
                } else if !f.options.iter().all(|o| seen.insert(o.trim().to_lowercase())) {
                    fail(format!("{at}.options"), t.err_option_twice);
                }
            }
            if f.kind == FieldKind::File {
                if publishing {
                    fail(format!("{at}.kind"), t.err_file_not_yet);
                }
                if f.max_file_mb.is_some_and(|m| m == 0 || m > MAX_FILE_MB) {
                    fail(format!("{at}.max_file_mb"), t.err_file_size);
                }
                if f.file_types.len() > 20 || !f.file_types.iter().all(|e| valid_extension(e)) {
                    fail(format!("{at}.file_types"), t.err_file_types);
                }
            }
            if let Some(c) = &f.show_if {
                if let Some(m) = condition_problem(c, &earlier) {
                    fail(format!("{at}.show_if"), m);
                }
            }
            earlier.push(f);
        }
        for (ji, j) in step.jumps.iter().enumerate() {
            let at = format!("{at}.jumps.{ji}");
            if let Some(m) = condition_problem(&j.when, &earlier) {
                fail(format!("{at}.when"), m);
            }
            let forward = j.to == END || def.step_index(&j.to).is_some_and(|i| i > si);
            if !forward {
                fail(format!("{at}.to"), t.err_jump_target);
            }
        }
        if step.jumps.len() > 20 {
            fail(format!("{at}.jumps"), t.err_jumps_count);
        }
    }
    match &def.ending {
        Ending::ThankYou { heading, message } => {
            if heading.chars().count() > MAX_TITLE {
                fail("ending.heading".into(), t.err_title_long);
            }
            if message.chars().count() > MAX_HELP {
                fail("ending.message".into(), t.err_help_long);
            }
        }
        Ending::Redirect { url } => {
            if crate::validate::http_url("ending.url", url).is_some() {
                fail("ending.url".into(), t.err_redirect_url);
            }
        }
    }
    out
}

/// `.pdf`, `.jpeg`: a dot and 1–10 lowercase letters or digits.
fn valid_extension(e: &str) -> bool {
    e.strip_prefix('.').is_some_and(|r| !r.is_empty() && r.len() <= 10 && r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// What is wrong with a condition that may test the fields of `earlier`.
fn condition_problem(c: &Condition, earlier: &[&Field]) -> Option<&'static str> {
    let t = FormsTexts::now();
    let Some(target) = earlier.iter().find(|f| f.id == c.field) else {
        return Some(t.err_condition_field);
    };
    if !target.kind.asks() || target.kind == FieldKind::File {
        return Some(t.err_condition_field);
    }
    if c.op.takes_value() && (c.value.trim().is_empty() || c.value.chars().count() > MAX_OPTION) {
        return Some(t.err_condition_value);
    }
    if matches!(c.op, Op::Greater | Op::Less) && !logic::comparable(&c.value) {
        return Some(t.err_condition_number);
    }
    None
}

/// The area's limits.
pub const FORMS_LIMIT: crate::platform::Limit = crate::platform::Limit {
    key: "forms",
    label: || FormsTexts::now().limit_forms,
    phrase: || FormsTexts::now().limit_forms_phrase,
    kind: crate::platform::LimitKind::Count,
    order: 95,
    #[cfg(feature = "ssr")]
    count: Some(domain::count_forms),
    #[cfg(feature = "ssr")]
    reclaim: None,
    read_only: None,
};

/// Completed submissions a calendar month, across the workspace's forms.
pub const SUBMISSIONS_LIMIT: crate::platform::Limit = crate::platform::Limit {
    key: "form_submissions_month",
    label: || FormsTexts::now().limit_month,
    phrase: || FormsTexts::now().limit_month_phrase,
    kind: crate::platform::LimitKind::PerMonth,
    order: 96,
    #[cfg(feature = "ssr")]
    count: Some(domain::count_month),
    #[cfg(feature = "ssr")]
    reclaim: None,
    read_only: None,
};

/// Where the script that sizes embedded forms is served: for sites, and for the bio page's
/// Form block.
pub const EMBED_SCRIPT_PATH: &str = "/f/-/embed.js";

/// M07 in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "forms",
    name: || FormsTexts::now().module_name,
    permissions: &[crate::platform::ModulePermissions {
        module: AREA,
        view: crate::platform::WorkspaceRole::Viewer,
        edit: crate::platform::WorkspaceRole::Editor,
        manage: crate::platform::WorkspaceRole::Admin,
    }],
    limits: &[FORMS_LIMIT, SUBMISSIONS_LIMIT],
    endpoints: api::ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/forms",
        label: || FormsTexts::now().nav,
        icon: "M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2M9 5a2 2 0 0 0 2 2h2a2 2 0 0 0 2-2M9 5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2M9 12h6M9 16h4",
        section: true,
        scope: crate::platform::NavScope::Workspace { area: AREA },
        // After the workspace's settings: on phones the bottom bar keeps Home, Bio, Links,
        // Team and Settings, and Forms is behind "More".
        order: 45,
    }],
    cards: &[crate::platform::Card {
        area: AREA,
        href: "/forms",
        title: || FormsTexts::now().card_title,
        text: || FormsTexts::now().card_text,
        goals: &["crm_email", "website_bookings", "link_in_bio"],
        order: 15,
    }],
    #[cfg(feature = "ssr")]
    texts: &[FormsTexts::KEYS, texts::FormsSubmissionsTexts::KEYS, texts::FormsConnectTexts::KEYS, texts::FormsServerTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: store::indexes,
        scoped_collections: store::SCOPED_COLLECTIONS,
        jobs: &[crate::platform::job::<effects::SubmittedJob>(), crate::platform::job::<effects::WebhookJob>()],
        init: Some(effects::init),
        start: None,
        routes: Some(routes::routes),
        erase: None,
        watches: &[],
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> FormDef {
        let mut d = FormDef::starter("Contact");
        let mut plan = Field::new("plan", FieldKind::SingleSelect, "Plan");
        plan.options = vec!["Basic".into(), "Team".into()];
        let mut seats = Field::new("seats", FieldKind::Number, "Seats");
        seats.show_if = Some(Condition { field: "plan".into(), op: Op::Equals, value: "Team".into() });
        d.steps.push(Step { id: "step-2".into(), title: "Plan".into(), fields: vec![plan, seats], jumps: vec![] });
        d
    }

    #[test]
    fn a_sound_definition_passes() {
        assert_eq!(check_def(&def(), true), vec![]);
        assert_eq!(check_def(&FormDef::starter("x"), true), vec![]);
    }

    fn problems(d: &FormDef) -> Vec<String> {
        check_def(d, true).into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn every_definition_rule() {
        let mut d = def();
        d.title = " ".into();
        assert_eq!(problems(&d), ["title"]);

        let mut d = def();
        d.steps[1].fields[1].id = "name".into();
        assert_eq!(problems(&d), ["steps.1.fields.1.id"], "ids are unique");
        d.steps[1].fields[1].id = "Bad id".into();
        assert_eq!(problems(&d), ["steps.1.fields.1.id"]);

        let mut d = def();
        d.steps[1].fields[0].options = vec!["A".into(), "a ".into()];
        assert_eq!(problems(&d), ["steps.1.fields.0.options"], "options are unique, ignoring case");
        d.steps[1].fields[0].options = vec![];
        assert_eq!(problems(&d), ["steps.1.fields.0.options"]);

        let mut d = def();
        d.steps[0].fields[0].min_len = Some(10);
        d.steps[0].fields[0].max_len = Some(5);
        assert_eq!(problems(&d), ["steps.0.fields.0.min_len"]);
        d.steps[0].fields[0].max_len = Some(50_000);
        assert_eq!(problems(&d), ["steps.0.fields.0.max_len"]);

        let mut d = def();
        d.steps[1].fields[1].min = Some(f64::NAN);
        assert_eq!(problems(&d), ["steps.1.fields.1.min"]);
        d.steps[1].fields[1].min = Some(5.0);
        d.steps[1].fields[1].max = Some(1.0);
        assert_eq!(problems(&d), ["steps.1.fields.1.min"]);

        // A condition must test an earlier field that asks something.
        let mut d = def();
        d.steps[1].fields[1].show_if = Some(Condition { field: "seats".into(), op: Op::IsEmpty, value: String::new() });
        assert_eq!(problems(&d), ["steps.1.fields.1.show_if"]);
        d.steps[1].fields[1].show_if = Some(Condition { field: "nope".into(), op: Op::IsEmpty, value: String::new() });
        assert_eq!(problems(&d), ["steps.1.fields.1.show_if"]);
        d.steps[1].fields[1].show_if = Some(Condition { field: "name".into(), op: Op::Greater, value: "abc".into() });
        assert_eq!(problems(&d), ["steps.1.fields.1.show_if"], "greater than needs a number or a date");
        d.steps[1].fields[1].show_if = Some(Condition { field: "name".into(), op: Op::Equals, value: " ".into() });
        assert_eq!(problems(&d), ["steps.1.fields.1.show_if"]);

        // Jumps only go forward.
        let mut d = def();
        d.steps[1].jumps = vec![Jump { when: Condition { field: "plan".into(), op: Op::IsEmpty, value: String::new() }, to: "step-1".into() }];
        assert_eq!(problems(&d), ["steps.1.jumps.0.to"]);
        d.steps[1].jumps[0].to = END.into();
        assert_eq!(problems(&d), Vec::<String>::new());
        d.steps[0].jumps = vec![Jump { when: Condition { field: "plan".into(), op: Op::IsEmpty, value: String::new() }, to: END.into() }];
        assert_eq!(problems(&d), ["steps.0.jumps.0.when"], "a jump tests the fields of its step or earlier ones");

        let mut d = def();
        d.ending = Ending::Redirect { url: "javascript:alert(1)".into() };
        assert_eq!(problems(&d), ["ending.url"]);
        d.ending = Ending::Redirect { url: "https://example.com/thanks".into() };
        assert_eq!(problems(&d), Vec::<String>::new());

        let mut d = def();
        d.steps[0].fields[0].pattern = "[a-z".into();
        d.steps[0].fields[0].pattern_message = "Lowercase letters".into();
        #[cfg(feature = "ssr")]
        assert_eq!(problems(&d), ["steps.0.fields.0.pattern"], "a pattern must compile");
        d.steps[0].fields[0].pattern = "[a-z]+".into();
        d.steps[0].fields[0].pattern_message = String::new();
        assert_eq!(problems(&d), ["steps.0.fields.0.pattern_message"], "a pattern needs a readable message");

        let mut d = def();
        let mut file = Field::new("cv", FieldKind::File, "CV");
        file.file_types = vec![".pdf".into(), "exe".into()];
        file.max_file_mb = Some(100);
        d.steps[0].fields.push(file);
        let draft: Vec<String> = check_def(&d, false).into_iter().map(|e| e.field).collect();
        assert_eq!(draft, ["steps.0.fields.2.max_file_mb", "steps.0.fields.2.file_types"]);
        assert!(problems(&d).contains(&"steps.0.fields.2.kind".to_string()), "file fields are not published until uploads exist");

        let mut d = FormDef::starter("x");
        d.steps[0].fields = vec![Field::new("note", FieldKind::Statement, "Hello")];
        assert_eq!(problems(&d), ["steps"], "a published form asks something");
        assert_eq!(check_def(&d, false), vec![], "a draft may be empty");
    }

    #[test]
    fn ids() {
        assert!(valid_id("a") && valid_id("f-1_x") && !valid_id("1a") && !valid_id("_a") && !valid_id("") && !valid_id(END) && !valid_id(&"a".repeat(33)));
    }
}
