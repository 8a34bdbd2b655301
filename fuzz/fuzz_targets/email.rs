//! Account inputs: `validate::email`, `normalize_email`, `required_text` and the password
//! rule `check_new`.
#![no_main]

use app::accounts::password::check_new;
use app::validate::{email, normalize_email, required_text};
use libfuzzer_sys::fuzz_target;
use mewayz_fuzz::fields;

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 2);
    let (value, other) = (&f[0], &f[1]);

    if email("email", value).is_none() {
        let v = value.trim();
        assert!(v.len() <= 254, "{value:?}");
        let (local, domain) = v.split_once('@').unwrap_or_else(|| panic!("{value:?} has no @"));
        assert!(!local.is_empty() && local.len() <= 64 && !domain.contains('@'), "{value:?}");
        assert!(domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains(".."), "{value:?}");
        assert!(!v.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"'), "{value:?}");
    }
    // Normalising is stable (what is stored is found again by the same lookup), and a person
    // typing the address in another ASCII case or with spaces around finds the same account.
    let n = normalize_email(value);
    assert_eq!(normalize_email(&n), n, "{value:?}");
    assert_eq!(n, n.trim(), "{value:?}");
    assert_eq!(normalize_email(&format!(" {} ", value.to_ascii_uppercase())), n, "{value:?}");

    if required_text("name", "a name", value, 80).is_none() {
        let v = value.trim();
        assert!(!v.is_empty() && v.chars().count() <= 80 && !v.chars().any(char::is_control), "{value:?}");
    }

    match check_new("password", value, other) {
        Some(e) => assert_eq!(e.field, "password"),
        None => {
            let n = value.chars().count();
            assert!((10..=128).contains(&n), "{value:?}");
            let local = other.split('@').next().unwrap_or("").to_lowercase();
            assert!(local.len() < 4 || !value.to_lowercase().contains(&local), "{value:?} contains {local:?}");
        }
    }
});
