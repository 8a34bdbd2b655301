//! Input rules shared by the client (to warn early) and the server (which decides).
//! Each rule returns a [`FieldError`] naming the field, with a sentence a person can act on.

use crate::error::FieldError;
use crate::i18n::{fill, CommonTexts};

fn err(field: &str, message: impl Into<String>) -> Option<FieldError> {
    Some(FieldError { field: field.to_string(), message: message.into() })
}

/// Trims and checks a required single-line text of at most `max` characters.
pub fn required_text(field: &str, label: &str, value: &str, max: usize) -> Option<FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return err(field, fill(CommonTexts::now().val_enter, &[("label", &label)]));
    }
    if v.chars().count() > max {
        return err(field, fill(CommonTexts::now().val_too_long, &[("max", &max), ("label", &label)]));
    }
    if v.chars().any(|c| c.is_control()) {
        return err(field, fill(CommonTexts::now().val_control_chars, &[("label", &label)]));
    }
    None
}

/// A practical e-mail check: one `@`, a non-empty local part, a dotted domain, no spaces,
/// at most 254 characters. Deliverability is proven later by a verification link.
pub fn email(field: &str, value: &str) -> Option<FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return err(field, CommonTexts::now().val_email_missing);
    }
    if v.len() > 254 {
        return err(field, CommonTexts::now().val_email_too_long);
    }
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                && !local.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
        }
        None => false,
    };
    if ok {
        None
    } else {
        err(field, CommonTexts::now().val_email_invalid)
    }
}

/// Normalises an e-mail address for storage and lookup.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// A link people will follow: only http and https, with a host.
pub fn http_url(field: &str, value: &str) -> Option<FieldError> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return err(field, CommonTexts::now().val_url_scheme);
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) || v.len() > 2048 {
        return err(field, CommonTexts::now().val_url_incomplete);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("email", "ana@example.com").is_none());
        assert!(email("email", " Ana.B+tag@sub.example.co.uk ").is_none());
        for bad in
            ["", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "a b@example.com", "ana@exa mple.com", "ana@.example.com", "<script>@x.io"]
        {
            let e = email("email", bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert_eq!(e.field, "email");
        }
        assert!(email("email", &format!("{}@example.com", "a".repeat(300))).is_some());
        assert_eq!(normalize_email("  Ana@Example.COM "), "ana@example.com");
    }

    #[test]
    fn texts() {
        assert!(required_text("name", "a name", "Ana", 80).is_none());
        assert_eq!(required_text("name", "a name", "   ", 80).unwrap().message, "Enter a name.");
        assert!(required_text("name", "a name", &"é".repeat(81), 80).is_some());
        assert!(required_text("name", "a name", &"é".repeat(80), 80).is_none());
        assert!(required_text("name", "a name", "a\u{0}b", 80).is_some());
    }

    #[test]
    fn urls() {
        assert!(http_url("url", "https://example.com/a?b#c").is_none());
        assert!(http_url("url", "HTTP://EXAMPLE.COM").is_none());
        for bad in ["javascript:alert(1)", "data:text/html,x", "ftp://x.y", "https://", "example.com", "https:// x.com"] {
            assert!(http_url("url", bad).is_some(), "{bad} accepted");
        }
    }
}
