//! The rules that judge a visitor's answers: conditions, which fields show, which step comes
//! next, and whether an answer is acceptable. The same code runs in the builder's preview
//! and on the server, which decides: [`judge`] follows the logic from the first step over
//! the answers given, checks every visible field on that path, and drops every answer to a
//! field the visitor was never shown.

use crate::error::FieldError;
use crate::i18n::fill;

use super::texts::FormsTexts;
use super::{Answers, Condition, Field, FieldKind, FormDef, Op, CHECKED, END};

/// The values answered to field `id` (none when unanswered).
pub fn values<'a>(answers: &'a Answers, id: &str) -> &'a [String] {
    answers.get(id).map(Vec::as_slice).unwrap_or(&[])
}

fn is_blank(values: &[String]) -> bool {
    values.iter().all(|v| v.trim().is_empty())
}

/// `YYYY-MM-DD` with a real month and day.
pub fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| v.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit())).and_then(|s| s.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) && d >= 1 => {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d <= days
        }
        _ => false,
    }
}

fn number(v: &str) -> Option<f64> {
    let v = v.trim();
    if v.is_empty() || v.len() > 40 {
        return None;
    }
    v.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Whether `v` can be compared by greater or less than: a number or a date.
pub fn comparable(v: &str) -> bool {
    number(v).is_some() || is_date(v.trim())
}

/// Orders two answers as numbers, or else as dates; `None` when they are neither.
fn compare(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y),
        _ if is_date(a.trim()) && is_date(b.trim()) => Some(a.trim().cmp(b.trim())),
        _ => None,
    }
}

/// Whether `c` holds over `answers`. Text comparisons ignore case and surrounding spaces; a
/// multi-select equals a value when one of its choices does.
pub fn holds(c: &Condition, answers: &Answers) -> bool {
    let vs = values(answers, &c.field);
    let want = c.value.trim().to_lowercase();
    let eq = || vs.iter().any(|v| v.trim().to_lowercase() == want);
    match c.op {
        Op::IsEmpty => is_blank(vs),
        Op::IsNotEmpty => !is_blank(vs),
        Op::Equals => eq(),
        Op::NotEquals => !eq(),
        Op::Contains => vs.iter().any(|v| v.to_lowercase().contains(&want)),
        Op::Greater => vs.first().and_then(|v| compare(v, &c.value)) == Some(std::cmp::Ordering::Greater),
        Op::Less => vs.first().and_then(|v| compare(v, &c.value)) == Some(std::cmp::Ordering::Less),
    }
}

/// Whether `field` is shown, given the answers so far.
pub fn visible(field: &Field, answers: &Answers) -> bool {
    field.show_if.as_ref().is_none_or(|c| holds(c, answers))
}

/// The step after step `at`: the first jump that holds, or else the next step. `None` ends
/// the form. Jumps only go forward, so every path ends.
pub fn next_step(def: &FormDef, at: usize, answers: &Answers) -> Option<usize> {
    let step = def.steps.get(at)?;
    for j in &step.jumps {
        if holds(&j.when, answers) {
            if j.to == END {
                return None;
            }
            if let Some(i) = def.step_index(&j.to).filter(|i| *i > at) {
                return Some(i);
            }
        }
    }
    (at + 1 < def.steps.len()).then_some(at + 1)
}

/// The steps a visitor with `answers` goes through, from the first.
pub fn path(def: &FormDef, answers: &Answers) -> Vec<usize> {
    let mut out = vec![];
    let mut at = if def.steps.is_empty() { None } else { Some(0) };
    while let Some(i) = at {
        if out.contains(&i) || out.len() > def.steps.len() {
            break;
        }
        out.push(i);
        at = next_step(def, i, answers);
    }
    out
}

/// Why `pattern` cannot be used (it does not compile, or is too costly), or `None`. Only the
/// server compiles patterns; in the browser every pattern passes here and the server says.
pub fn pattern_problem(pattern: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        compile(pattern).err().map(|e| fill(FormsTexts::now().err_pattern_invalid, &[("detail", &e)]))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = pattern;
        None
    }
}

/// The pattern, anchored to the whole answer, with a size limit so no pattern is costly.
#[cfg(feature = "ssr")]
fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$")).size_limit(1 << 18).nest_limit(20).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => "too large".to_string(),
        other => other.to_string().lines().last().unwrap_or("").trim().trim_start_matches("error: ").to_string(),
    })
}

#[cfg(feature = "ssr")]
fn matches_pattern(pattern: &str, value: &str) -> bool {
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<std::collections::HashMap<String, regex::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() > 2000 {
        map.clear();
    }
    if let Some(r) = map.get(pattern) {
        return r.is_match(value);
    }
    match compile(pattern) {
        Ok(r) => {
            let ok = r.is_match(value);
            map.insert(pattern.to_string(), r);
            ok
        }
        // A stored pattern that no longer compiles refuses nothing.
        Err(_) => true,
    }
}

/// Checks and tidies the answer to one visible field. Returns the values to keep (trimmed;
/// none for an unanswered optional field) or the sentence to show next to the field.
pub fn check_answer(field: &Field, raw: &[String]) -> Result<Vec<String>, String> {
    let t = FormsTexts::now();
    if !field.kind.asks() {
        return Ok(vec![]);
    }
    let vals: Vec<String> = raw.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    if vals.is_empty() {
        return if field.required { Err(t.ans_required.into()) } else { Ok(vec![]) };
    }
    let cap = field.kind.max_answer();
    if vals.iter().any(|v| v.chars().count() > cap) {
        return Err(fill(t.ans_too_long, &[("max", &cap)]));
    }
    if vals.iter().any(|v| v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')) {
        return Err(t.ans_control.into());
    }
    if field.kind != FieldKind::MultiSelect && vals.len() > 1 {
        return Err(t.ans_one_value.into());
    }
    let v = vals[0].as_str();
    match field.kind {
        FieldKind::ShortText | FieldKind::LongText => {
            if field.kind == FieldKind::ShortText && v.contains(['\n', '\r']) {
                return Err(t.ans_one_line.into());
            }
            let n = v.chars().count() as u32;
            if let Some(min) = field.min_len.filter(|m| n < *m) {
                return Err(fill(t.ans_min_len, &[("min", &min)]));
            }
            if let Some(max) = field.max_len.filter(|m| n > *m) {
                return Err(fill(t.ans_max_len, &[("max", &max)]));
            }
            #[cfg(feature = "ssr")]
            if !field.pattern.is_empty() && !matches_pattern(&field.pattern, v) {
                return Err(field.pattern_message.clone());
            }
        }
        FieldKind::Email => {
            if crate::validate::email("x", v).is_some() {
                return Err(t.ans_email.into());
            }
        }
        FieldKind::Phone => {
            let digits = v.chars().filter(char::is_ascii_digit).count();
            if !(5..=20).contains(&digits) || !v.chars().all(|c| c.is_ascii_digit() || "+-(). ".contains(c)) {
                return Err(t.ans_phone.into());
            }
        }
        FieldKind::Number => {
            let Some(n) = number(v) else { return Err(t.ans_number.into()) };
            if let Some(min) = field.min.filter(|m| n < *m) {
                return Err(fill(t.ans_min, &[("min", &min)]));
            }
            if let Some(max) = field.max.filter(|m| n > *m) {
                return Err(fill(t.ans_max, &[("max", &max)]));
            }
        }
        FieldKind::SingleSelect | FieldKind::MultiSelect => {
            let mut chosen = vec![];
            for v in &vals {
                match field.options.iter().find(|o| o.trim() == v) {
                    Some(o) if !chosen.contains(&o.trim().to_string()) => chosen.push(o.trim().to_string()),
                    Some(_) => {}
                    None => return Err(t.ans_option.into()),
                }
            }
            return Ok(chosen);
        }
        FieldKind::Checkbox => {
            if !matches!(v, "yes" | "on" | "true") {
                return Err(t.ans_checkbox.into());
            }
            return Ok(vec![CHECKED.into()]);
        }
        FieldKind::Date => {
            if !is_date(v) {
                return Err(t.ans_date.into());
            }
        }
        FieldKind::Rating => {
            let top = field.rating_max();
            match v.parse::<u32>() {
                Ok(n) if (1..=top).contains(&n) => return Ok(vec![n.to_string()]),
                _ => return Err(fill(t.ans_rating, &[("max", &top)])),
            }
        }
        // A file field's answer is the id of a stored upload, checked by the server.
        FieldKind::File => {
            if v.len() > 64 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(t.ans_file.into());
            }
        }
        FieldKind::Statement => {}
    }
    Ok(vec![v.to_string()])
}

/// Checks the answers to step `at`'s visible fields, where `answers` holds every answer so
/// far (earlier steps' and this one's). Returns this step's tidied answers, or the errors,
/// each named by its field's id.
pub fn judge_step(def: &FormDef, at: usize, answers: &Answers) -> Result<Answers, Vec<FieldError>> {
    let mut kept = Answers::new();
    let mut errors = vec![];
    let Some(step) = def.steps.get(at) else { return Ok(kept) };
    // Conditions see the tidied answers of what came before, this step's earlier fields too.
    let mut seen = answers.clone();
    for f in &step.fields {
        seen.remove(&f.id);
    }
    for f in &step.fields {
        if !f.kind.asks() || !visible(f, &seen) {
            continue;
        }
        match check_answer(f, values(answers, &f.id)) {
            Ok(v) if v.is_empty() => {}
            Ok(v) => {
                seen.insert(f.id.clone(), v.clone());
                kept.insert(f.id.clone(), v);
            }
            Err(message) => errors.push(FieldError { field: f.id.clone(), message }),
        }
    }
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// The server's verdict on a whole submission: follows the logic from the first step,
/// checks each step on the path, and keeps only the answers to fields that were shown.
/// Errors name the first step that fails, with its field errors.
pub fn judge(def: &FormDef, answers: &Answers) -> Result<Answers, (usize, Vec<FieldError>)> {
    let mut kept = Answers::new();
    let mut at = if def.steps.is_empty() { None } else { Some(0) };
    let mut visited = 0;
    while let Some(i) = at {
        visited += 1;
        if visited > def.steps.len() {
            break;
        }
        // What this step sees: the kept answers of earlier steps, and its own raw ones.
        let mut view = kept.clone();
        for f in &def.steps[i].fields {
            if let Some(v) = answers.get(&f.id) {
                view.insert(f.id.clone(), v.clone());
            }
        }
        let step = judge_step(def, i, &view).map_err(|e| (i, e))?;
        kept.extend(step);
        at = next_step(def, i, &kept);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{Jump, Step, MAX_SHORT_ANSWER};

    fn a(pairs: &[(&str, &str)]) -> Answers {
        let mut out = Answers::new();
        for (k, v) in pairs {
            out.entry(k.to_string()).or_default().push(v.to_string());
        }
        out
    }

    fn cond(field: &str, op: Op, value: &str) -> Condition {
        Condition { field: field.into(), op, value: value.into() }
    }

    /// Three steps: who (name, e-mail, kind), team size (only for teams; a jump past it for
    /// individuals), and details.
    fn form() -> FormDef {
        let mut d = FormDef::starter("Signup");
        let mut kind = Field::new("kind", FieldKind::SingleSelect, "You are");
        kind.options = vec!["Individual".into(), "Team".into()];
        kind.required = true;
        d.steps[0].fields.push(kind);
        d.steps[0].jumps = vec![Jump { when: cond("kind", Op::Equals, "individual"), to: "step-3".into() }];
        let mut seats = Field::new("seats", FieldKind::Number, "Seats");
        seats.required = true;
        seats.min = Some(2.0);
        seats.max = Some(500.0);
        let mut why = Field::new("why", FieldKind::LongText, "Why so many?");
        why.required = true;
        why.show_if = Some(cond("seats", Op::Greater, "100"));
        d.steps.push(Step { id: "step-2".into(), title: "Team".into(), fields: vec![seats, why], jumps: vec![] });
        let mut rating = Field::new("score", FieldKind::Rating, "How likely?");
        rating.required = true;
        d.steps.push(Step { id: "step-3".into(), title: "Last".into(), fields: vec![rating], jumps: vec![] });
        d
    }

    #[test]
    fn conditions() {
        let ans = a(&[("x", " Hello World "), ("n", "12"), ("d", "2026-12-07"), ("m", "A"), ("m", "B")]);
        assert!(holds(&cond("x", Op::Equals, "hello world"), &ans));
        assert!(holds(&cond("x", Op::NotEquals, "hello"), &ans));
        assert!(holds(&cond("x", Op::Contains, "WORLD"), &ans));
        assert!(holds(&cond("n", Op::Greater, "9.5"), &ans) && !holds(&cond("n", Op::Less, "12"), &ans));
        assert!(holds(&cond("d", Op::Less, "2027-01-01"), &ans) && !holds(&cond("d", Op::Greater, "2026-12-07"), &ans));
        assert!(!holds(&cond("x", Op::Greater, "1"), &ans), "text is not a number");
        assert!(holds(&cond("m", Op::Equals, "b"), &ans), "a multi-select equals any of its choices");
        assert!(holds(&cond("none", Op::IsEmpty, ""), &ans) && !holds(&cond("x", Op::IsEmpty, ""), &ans));
        assert!(holds(&cond("x", Op::IsNotEmpty, ""), &ans));
        assert!(holds(&cond("blank", Op::IsEmpty, ""), &a(&[("blank", "  ")])));
    }

    #[test]
    fn paths_follow_jumps() {
        let d = form();
        assert_eq!(path(&d, &a(&[("kind", "Team")])), [0, 1, 2]);
        assert_eq!(path(&d, &a(&[("kind", "Individual")])), [0, 2]);
        assert_eq!(next_step(&d, 2, &Answers::new()), None);
    }

    #[test]
    fn judging_a_whole_submission() {
        let d = form();
        let good = a(&[("name", " Ada "), ("email", "ada@example.com"), ("kind", "Team"), ("seats", "12"), ("score", "4"), ("why", "hidden, dropped")]);
        let kept = judge(&d, &good).unwrap();
        assert_eq!(kept.get("name").unwrap(), &["Ada"]);
        assert!(!kept.contains_key("why"), "an answer to a hidden field is dropped");

        // Individuals skip step 2, so its required field is not asked and its answer dropped.
        let solo = a(&[("name", "Ada"), ("email", "ada@example.com"), ("kind", "Individual"), ("seats", "7"), ("score", "5")]);
        let kept = judge(&d, &solo).unwrap();
        assert!(!kept.contains_key("seats"));

        // A team that leaves out step 2 (a crafted post skipping a visible required step).
        let skipped = a(&[("name", "Ada"), ("email", "ada@example.com"), ("kind", "Team"), ("score", "5")]);
        let (step, errors) = judge(&d, &skipped).unwrap_err();
        assert_eq!((step, errors[0].field.as_str()), (1, "seats"));

        // The conditional field becomes required once shown.
        let big = a(&[("name", "Ada"), ("email", "ada@example.com"), ("kind", "Team"), ("seats", "200"), ("score", "5")]);
        let (step, errors) = judge(&d, &big).unwrap_err();
        assert_eq!((step, errors[0].field.as_str()), (1, "why"));

        let bad = a(&[("name", "Ada"), ("email", "not-an-email"), ("kind", "Boss")]);
        let (step, errors) = judge(&d, &bad).unwrap_err();
        assert_eq!(step, 0);
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["email", "kind"]);
    }

    #[test]
    fn every_answer_rule() {
        let check = |f: &Field, v: &[&str]| check_answer(f, &v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let mut text = Field::new("t", FieldKind::ShortText, "T");
        assert_eq!(check(&text, &[]), Ok(vec![]));
        text.required = true;
        assert!(check(&text, &["  "]).is_err());
        assert!(check(&text, &["a\nb"]).is_err(), "a short text is one line");
        assert!(check(&text, &["a\u{0}b"]).is_err());
        assert!(check(&text, &["a", "b"]).is_err(), "one value");
        text.min_len = Some(3);
        text.max_len = Some(5);
        assert!(check(&text, &["ab"]).is_err() && check(&text, &["abcdef"]).is_err());
        assert_eq!(check(&text, &[" abc "]), Ok(vec!["abc".to_string()]));
        assert_eq!(check(&text, &["ééé"]), Ok(vec!["ééé".to_string()]), "lengths count characters");
        let long = "x".repeat(MAX_SHORT_ANSWER + 1);
        assert!(check(&Field::new("t", FieldKind::ShortText, "T"), &[&long]).is_err());
        assert!(check(&Field::new("t", FieldKind::LongText, "T"), &["line one\nline two"]).is_ok());

        let mut pat = Field::new("p", FieldKind::ShortText, "Code");
        pat.pattern = "[A-Z]{2}[0-9]{3}".into();
        pat.pattern_message = "Two capitals and three digits, like AB123".into();
        #[cfg(feature = "ssr")]
        {
            assert_eq!(check(&pat, &["AB123x"]), Err("Two capitals and three digits, like AB123".to_string()), "the whole answer must match");
            assert!(check(&pat, &["AB123"]).is_ok());
        }

        let email = Field::new("e", FieldKind::Email, "E");
        assert!(check(&email, &["a@b"]).is_err() && check(&email, &["a@b.co"]).is_ok());
        let phone = Field::new("p", FieldKind::Phone, "P");
        assert!(check(&phone, &["+33 1 23 45 67 89"]).is_ok() && check(&phone, &["12"]).is_err() && check(&phone, &["call me"]).is_err());

        let mut num = Field::new("n", FieldKind::Number, "N");
        num.min = Some(1.0);
        num.max = Some(10.0);
        assert!(check(&num, &["0"]).is_err() && check(&num, &["11"]).is_err() && check(&num, &["NaN"]).is_err() && check(&num, &["inf"]).is_err());
        assert_eq!(check(&num, &["2.5"]), Ok(vec!["2.5".to_string()]));

        let mut multi = Field::new("m", FieldKind::MultiSelect, "M");
        multi.options = vec!["Red".into(), "Blue".into()];
        assert_eq!(check(&multi, &["Blue", "Red", "Blue"]), Ok(vec!["Blue".to_string(), "Red".to_string()]));
        assert!(check(&multi, &["Green"]).is_err());
        let mut single = multi.clone();
        single.kind = FieldKind::SingleSelect;
        assert!(check(&single, &["Red", "Blue"]).is_err());

        let check_box = Field::new("c", FieldKind::Checkbox, "C");
        assert_eq!(check(&check_box, &["on"]), Ok(vec![CHECKED.to_string()]));
        assert!(check(&check_box, &["maybe"]).is_err());

        let date = Field::new("d", FieldKind::Date, "D");
        assert!(
            check(&date, &["2024-02-29"]).is_ok()
                && check(&date, &["2023-02-29"]).is_err()
                && check(&date, &["2024-13-01"]).is_err()
                && check(&date, &["07/12/2026"]).is_err()
        );

        let mut rating = Field::new("r", FieldKind::Rating, "R");
        assert!(check(&rating, &["5"]).is_ok() && check(&rating, &["6"]).is_err() && check(&rating, &["0"]).is_err());
        rating.max = Some(10.0);
        assert!(check(&rating, &["10"]).is_ok());

        assert_eq!(check(&Field::new("s", FieldKind::Statement, "S"), &["sneaky"]), Ok(vec![]), "a statement keeps nothing");
    }
}
