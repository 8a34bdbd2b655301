//! The public form's HTML, rendered on the server: one step at a time, as a plain HTML form
//! that works with script off. Every input has a visible label; help and errors are tied
//! to it with `aria-describedby`; the page has a `main` landmark and a progress bar.

use super::logic::{path, values, visible};
use super::public::Published;
use super::texts::FormsServerTexts;
use super::{Answers, Field, FieldKind, CHECKED};
use crate::bio::markdown::escape;
use crate::error::FieldError;
use crate::i18n::{fill, Lang};

const STYLE: &str = "\
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--text:#1f2328;--muted:#57606a;--line:#d0d7de;--accent:#0b5cad;--on-accent:#fff;--error:#b42318}\
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9da7b3;--line:#3d444d;--accent:#58a6ff;--on-accent:#0d1117;--error:#ff7b72}}\
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--text)}\
main{max-width:640px;margin:0 auto;padding:24px 16px 48px}.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px}\
h1{font-size:1.6rem;line-height:1.25;margin:0 0 8px}h2{font-size:1.15rem;margin:0 0 16px}.intro,.help,.muted{color:var(--muted)}\
.progress{margin:0 0 20px}.progress progress{width:100%;height:8px;accent-color:var(--accent)}.progress p{margin:4px 0 0;font-size:.875rem;color:var(--muted)}\
.field{margin:0 0 20px;border:0;padding:0;min-width:0}.field>label,.field>legend{display:block;font-weight:600;margin:0 0 6px;padding:0}\
.req{color:var(--error)}.help{font-size:.875rem;margin:-2px 0 6px}\
input[type=text],input[type=email],input[type=tel],input[type=number],input[type=date],textarea,select{width:100%;font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-height:44px}\
textarea{min-height:120px;resize:vertical}input:focus-visible,textarea:focus-visible,select:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}\
.choice{display:flex;gap:10px;align-items:center;min-height:44px}.choice input{width:20px;height:20px;accent-color:var(--accent)}\
.rating{display:flex;flex-wrap:wrap;gap:8px}.rating label{display:flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;border:1px solid var(--line);border-radius:8px;cursor:pointer}\
.rating input{position:absolute;opacity:0;width:1px;height:1px}.rating input:checked+span{font-weight:700}.rating label:has(input:checked){background:var(--accent);color:var(--on-accent);border-color:var(--accent)}\
.rating label:has(input:focus-visible){outline:3px solid var(--accent);outline-offset:2px}\
.error{color:var(--error);font-size:.875rem;margin:6px 0 0;font-weight:600}[aria-invalid=true]{border-color:var(--error)!important}\
.notice{border:1px solid var(--error);border-radius:8px;padding:12px;margin:0 0 16px}\
.actions{display:flex;gap:12px;align-items:center;justify-content:space-between;margin-top:24px;flex-wrap:wrap}\
button{font:inherit;font-weight:600;border:0;border-radius:8px;padding:10px 20px;min-height:44px;background:var(--accent);color:var(--on-accent);cursor:pointer}\
a{color:var(--accent)}.back{min-height:44px;display:inline-flex;align-items:center}\
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.statement{margin:0 0 20px}.statement p{margin:0 0 6px}\
.resume{margin-top:20px;font-size:.875rem;color:var(--muted);word-break:break-all}.saving{margin:12px 0 0;font-weight:600}[hidden]{display:none!important}";

/// Where the form's script is served.
pub const SCRIPT_PATH: &str = "/f/-/form.js";
/// Where the script that sizes embedded forms is served, for the sites that embed them.
pub const EMBED_PATH: &str = super::EMBED_SCRIPT_PATH;

/// The page around `body`: a `main` landmark, the form's styles, and the form's small
/// script, which the form does not need to work (it also sizes an embedded form's frame).
pub fn page(lang: Lang, title: &str, body: &str) -> String {
    let script = format!("<script src=\"{SCRIPT_PATH}\" defer></script>");
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style>{script}</head><body><main>{body}</main></body></html>",
        lang.code(),
        escape(title),
    )
}

/// A page with a heading and a sentence (thank you, closed, not found, unavailable).
pub fn message(lang: Lang, title: &str, heading: &str, text: &str) -> String {
    page(lang, title, &format!("<div class=\"card\"><h1>{}</h1><p>{}</p></div>", escape(heading), escape(text)))
}

/// The thank-you screen of `form`.
pub fn thanks(lang: Lang, form: &Published) -> String {
    let t = FormsServerTexts::of(lang);
    let (heading, text) = match &form.def.ending {
        super::Ending::ThankYou { heading, message } => (
            if heading.trim().is_empty() { t.public_thanks_heading } else { heading.as_str() },
            if message.trim().is_empty() { t.public_thanks_message } else { message.as_str() },
        ),
        super::Ending::Redirect { .. } => (t.public_thanks_heading, t.public_thanks_message),
    };
    message(lang, &form.def.title, heading, text)
}

/// What a step page needs besides the form.
pub struct StepView<'a> {
    pub step: usize,
    pub answers: &'a Answers,
    pub errors: &'a [FieldError],
    pub key: &'a str,
    pub start: &'a str,
    /// A sentence above the form (sent too quickly, too many tries).
    pub notice: Option<&'a str>,
    /// The address that resumes this run, shown once a step was saved.
    pub resume_url: Option<&'a str>,
}

/// Step `v.step` of `form`, filled with `v.answers`, with `v.errors` next to their fields.
pub fn step(lang: Lang, form: &Published, v: &StepView) -> String {
    let t = FormsServerTexts::of(lang);
    let def = &form.def;
    let Some(step) = def.steps.get(v.step) else { return message(lang, &def.title, t.public_not_found_title, t.public_not_found_body) };
    let route = path(def, v.answers);
    let position = route.iter().position(|i| *i == v.step).map(|p| p + 1).unwrap_or(1);
    let total = route.len().max(position);
    let mut h = String::with_capacity(4096);
    h.push_str("<div class=\"card\">");
    h.push_str(&format!("<h1>{}</h1>", escape(&def.title)));
    if v.step == 0 && !def.intro.trim().is_empty() {
        h.push_str(&format!("<p class=\"intro\">{}</p>", escape(&def.intro)));
    }
    if def.steps.len() > 1 {
        let label = fill(t.public_step_of, &[("n", &position), ("total", &total)]);
        h.push_str(&format!(
            "<div class=\"progress\"><progress value=\"{position}\" max=\"{total}\" aria-label=\"{}\"></progress><p>{}</p></div>",
            escape(&label),
            escape(&label)
        ));
    }
    if !step.title.trim().is_empty() {
        h.push_str(&format!("<h2>{}</h2>", escape(&step.title)));
    }
    if let Some(n) = v.notice {
        h.push_str(&format!("<p class=\"notice\" role=\"alert\">{}</p>", escape(n)));
    } else if !v.errors.is_empty() {
        h.push_str(&format!("<p class=\"notice\" role=\"alert\">{}</p>", escape(t.public_fix_errors)));
    }
    let last = super::logic::next_step(def, v.step, v.answers).is_none();
    h.push_str(&format!(
        "<form method=\"post\" action=\"/f/{slug}\" novalidate data-form=\"{slug}\" data-last=\"{}\" data-t-sending=\"{}\" data-t-retry=\"{}\">",
        if last { "1" } else { "0" },
        escape(t.public_sending),
        escape(t.public_retrying),
        slug = escape(&form.slug),
    ));
    h.push_str(&format!(
        "<input type=\"hidden\" name=\"_key\" value=\"{}\"><input type=\"hidden\" name=\"_step\" value=\"{}\"><input type=\"hidden\" name=\"_t\" value=\"{}\">",
        escape(v.key),
        v.step,
        escape(v.start)
    ));
    // Earlier answers decide which fields show; this step's own are judged when posted.
    let mut before = v.answers.clone();
    for f in &step.fields {
        before.remove(&f.id);
    }
    for f in &step.fields {
        let same_step = f.show_if.as_ref().is_some_and(|c| step.fields.iter().any(|o| o.id == c.field));
        if !same_step && !visible(f, &before) {
            continue;
        }
        let error = v.errors.iter().find(|e| e.field == f.id).map(|e| e.message.as_str());
        field(&mut h, lang, f, values(v.answers, &f.id), error, same_step);
    }
    h.push_str(&format!(
        "<div class=\"hp\" aria-hidden=\"true\"><label for=\"_homepage\">{}</label><input type=\"text\" id=\"_homepage\" name=\"_homepage\" tabindex=\"-1\" autocomplete=\"off\"></div>",
        escape(t.public_honeypot)
    ));
    let submit = if last {
        if def.submit_label.trim().is_empty() {
            t.public_submit
        } else {
            def.submit_label.as_str()
        }
    } else {
        t.public_next
    };
    h.push_str("<div class=\"actions\">");
    let back = route.iter().position(|i| *i == v.step).and_then(|p| p.checked_sub(1)).map(|p| route[p]);
    match back {
        Some(prev) => {
            h.push_str(&format!("<a class=\"back\" href=\"/f/{}?resume={}&amp;step={prev}\">{}</a>", escape(&form.slug), escape(v.key), escape(t.public_back)))
        }
        None => h.push_str("<span></span>"),
    }
    h.push_str(&format!("<button type=\"submit\">{}</button></div>", escape(submit)));
    h.push_str("<p id=\"form-status\" class=\"saving\" role=\"status\" aria-live=\"polite\" hidden></p></form>");
    if let Some(url) = v.resume_url {
        h.push_str(&format!("<p class=\"resume\">{} <a href=\"{}\">{}</a></p>", escape(t.public_resume_hint), escape(url), escape(url)));
    }
    h.push_str("</div>");
    page(lang, &def.title, &h)
}

/// One field: its label, help, input and error.
fn field(h: &mut String, lang: Lang, f: &Field, vals: &[String], error: Option<&str>, conditional: bool) {
    let t = FormsServerTexts::of(lang);
    // The script applies a condition on this step's own fields as they are answered.
    let cond = match (&f.show_if, conditional) {
        (Some(c), true) => format!(" data-show-if=\"{}\"", escape(&serde_json::to_string(c).unwrap_or_default())),
        _ => String::new(),
    };
    let id = escape(&f.id);
    let first = vals.first().map(String::as_str).unwrap_or("");
    if f.kind == FieldKind::Statement {
        h.push_str(&format!("<div class=\"statement\"><p><strong>{}</strong></p>", escape(&f.label)));
        if !f.help.trim().is_empty() {
            h.push_str(&format!("<p class=\"help\">{}</p>", escape(&f.help)));
        }
        h.push_str("</div>");
        return;
    }
    let mut described = vec![];
    if !f.help.trim().is_empty() {
        described.push(format!("h-{id}"));
    }
    if error.is_some() {
        described.push(format!("e-{id}"));
    }
    let aria = if described.is_empty() { String::new() } else { format!(" aria-describedby=\"{}\"", described.join(" ")) };
    let invalid = if error.is_some() { " aria-invalid=\"true\"" } else { "" };
    // A field shown on a condition of this same step is not marked required for the
    // browser: with script off it shows anyway, and the server asks for it only if it holds.
    let required = if f.required && !conditional { " required" } else { "" };
    let star = if f.required {
        format!(" <span class=\"req\" aria-hidden=\"true\">*</span><span class=\"hp\">{}</span>", escape(t.public_required))
    } else {
        String::new()
    };
    let help = if f.help.trim().is_empty() { String::new() } else { format!("<p class=\"help\" id=\"h-{id}\">{}</p>", escape(&f.help)) };
    let err = error.map(|e| format!("<p class=\"error\" id=\"e-{id}\">{}</p>", escape(e))).unwrap_or_default();
    let placeholder = if f.placeholder.trim().is_empty() { String::new() } else { format!(" placeholder=\"{}\"", escape(&f.placeholder)) };
    let group = matches!(f.kind, FieldKind::SingleSelect | FieldKind::MultiSelect | FieldKind::Rating);
    if group {
        h.push_str(&format!("<fieldset class=\"field\" id=\"q-{id}\"{cond}{aria}><legend>{}{star}</legend>{help}", escape(&f.label)));
        match f.kind {
            FieldKind::Rating => {
                h.push_str("<div class=\"rating\">");
                for n in 1..=f.rating_max() {
                    let checked = if first == n.to_string() { " checked" } else { "" };
                    h.push_str(&format!("<label><input type=\"radio\" name=\"{id}\" value=\"{n}\"{checked}{required}{invalid}><span>{n}</span></label>"));
                }
                h.push_str("</div>");
            }
            _ => {
                let kind = if f.kind == FieldKind::MultiSelect { "checkbox" } else { "radio" };
                for (i, o) in f.options.iter().enumerate() {
                    let checked = if vals.iter().any(|v| v == o.trim()) { " checked" } else { "" };
                    let req = if kind == "radio" { required } else { "" };
                    h.push_str(&format!(
                        "<div class=\"choice\"><input type=\"{kind}\" id=\"f-{id}-{i}\" name=\"{id}\" value=\"{}\"{checked}{req}{invalid}><label for=\"f-{id}-{i}\">{}</label></div>",
                        escape(o.trim()),
                        escape(o)
                    ));
                }
            }
        }
        h.push_str(&err);
        h.push_str("</fieldset>");
        return;
    }
    h.push_str(&format!("<div class=\"field\" id=\"q-{id}\"{cond}>"));
    if f.kind == FieldKind::Checkbox {
        let checked = if first == CHECKED { " checked" } else { "" };
        h.push_str(&format!(
            "<div class=\"choice\"><input type=\"checkbox\" id=\"f-{id}\" name=\"{id}\" value=\"{CHECKED}\"{checked}{required}{invalid}{aria}><label for=\"f-{id}\">{}{star}</label></div>{help}{err}</div>",
            escape(&f.label)
        ));
        return;
    }
    h.push_str(&format!("<label for=\"f-{id}\">{}{star}</label>{help}", escape(&f.label)));
    let value = escape(first);
    match f.kind {
        FieldKind::LongText => {
            let max = f.max_len.map(|m| format!(" maxlength=\"{m}\"")).unwrap_or_default();
            h.push_str(&format!("<textarea id=\"f-{id}\" name=\"{id}\"{placeholder}{max}{required}{invalid}{aria}>{value}</textarea>"));
        }
        FieldKind::File => {
            h.push_str(&format!("<p class=\"muted\">{}</p>", escape(t.public_file_unavailable)));
        }
        _ => {
            let (ty, extra) = match f.kind {
                FieldKind::Email => ("email", " autocomplete=\"email\"".to_string()),
                FieldKind::Phone => ("tel", " autocomplete=\"tel\"".to_string()),
                FieldKind::Number => {
                    let mut e = " inputmode=\"decimal\"".to_string();
                    if let Some(m) = f.min {
                        e.push_str(&format!(" min=\"{m}\""));
                    }
                    if let Some(m) = f.max {
                        e.push_str(&format!(" max=\"{m}\""));
                    }
                    // Text, not number: a browser would drop what it cannot parse, and the
                    // server's message about it would never be seen.
                    ("text", e)
                }
                FieldKind::Date => ("date", String::new()),
                _ => ("text", f.max_len.map(|m| format!(" maxlength=\"{m}\"")).unwrap_or_default()),
            };
            h.push_str(&format!("<input type=\"{ty}\" id=\"f-{id}\" name=\"{id}\" value=\"{value}\"{placeholder}{extra}{required}{invalid}{aria}>"));
        }
    }
    h.push_str(&err);
    h.push_str("</div>");
}
