//! Password hashing (argon2id) and the rules for a new password.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, FieldError};

/// argon2id with 19 MiB of memory, 3 passes, 1 lane (one pass above OWASP's minimum), which
/// costs about 60–80 ms on one core of the reference machine (measured by bench/auth.sh).
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 3;
pub const P_COST: u32 = 1;

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid argon2 params"))
}

/// Hashes on a blocking thread so the async workers stay free.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| crate::platform::db::internal("argon2 task", &e))?
    .map_err(|e| crate::platform::db::internal("argon2 hash", &e))
}

/// Verifies on a blocking thread. With `None` it checks against a fixed dummy hash, so an
/// unknown e-mail costs the same time as a known one.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
    tokio::task::spawn_blocking(move || match PasswordHash::new(&stored) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(b"dummy password for timing", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

fn common() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("common_passwords.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_lowercase).collect()
    })
}

fn is_run(chars: &[char]) -> bool {
    if chars.len() < 4 {
        return false;
    }
    let same = chars.windows(2).all(|w| w[0] == w[1]);
    let up = chars.windows(2).all(|w| (w[1] as i64) - (w[0] as i64) == 1);
    let down = chars.windows(2).all(|w| (w[0] as i64) - (w[1] as i64) == 1);
    same || up || down
}

/// Why `password` may not be used, if it may not.
pub fn check_new(field: &str, password: &str, email: &str) -> Option<FieldError> {
    let f = |m: &str| Some(FieldError { field: field.into(), message: m.into() });
    let t = super::texts::AccountsTexts::now();
    let n = password.chars().count();
    if n < 10 {
        return f(t.pw_too_short);
    }
    if n > 128 {
        return f(t.pw_too_long);
    }
    let lower = password.to_lowercase();
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let chars: Vec<char> = lower.chars().collect();
    if common().contains(&lower) || (!letters.is_empty() && common().contains(&letters)) || is_run(&chars) {
        return f(t.pw_too_common);
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return f(t.pw_has_email);
    }
    None
}

pub fn require_new(field: &str, password: &str, email: &str) -> Result<(), AppError> {
    AppError::check_fields(check_new(field, password, email).into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(check_new("password", "short1!", "a@b.co").is_some());
        assert!(check_new("password", "password123", "a@b.co").is_some(), "listed");
        assert!(check_new("password", "Password!!2024", "a@b.co").is_some(), "listed word padded");
        assert!(check_new("password", "1234567890", "a@b.co").is_some());
        assert!(check_new("password", "aaaaaaaaaaaa", "a@b.co").is_some());
        assert!(check_new("password", "anastasia-1990!", "anastasia@b.co").is_some(), "contains e-mail");
        assert!(check_new("password", &"x".repeat(129), "a@b.co").is_some());
        assert!(check_new("password", "correct horse battery", "a@b.co").is_none());
        assert!(check_new("password", "Tr0ub4dor&3xyz", "a@b.co").is_none());
        assert!(check_new("password", "ünïcødé pässwörd ✓", "a@b.co").is_none());
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=3,p=1$"), "{h}");
        assert!(verify("correct horse battery".into(), Some(h.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
        assert!(!verify("anything".into(), Some("not a hash".into())).await);
    }
}
