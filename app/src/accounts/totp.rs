//! TOTP (RFC 6238: SHA-1, 6 digits, 30 s) and single-use recovery codes.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

use super::TotpSetup;
use crate::error::AppError;
use crate::platform::crypto;

const STEP: u64 = 30;

pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    Secret::Raw(b.to_vec()).to_encoded().to_string()
}

fn totp(secret_b32: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().map_err(|e| crate::platform::db::internal("totp secret", &format!("{e:?}")))?;
    // otpauth labels may not contain ':'.
    let account = account.replace(':', "");
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes, Some("Mewayz".into()), account).map_err(|e| crate::platform::db::internal("totp", &format!("{e:?}")))
}

pub fn setup(secret_b32: &str, email: &str) -> Result<TotpSetup, AppError> {
    let t = totp(secret_b32, email)?;
    let otpauth_url = t.get_url();
    let qr = qrcode::QrCode::new(otpauth_url.as_bytes()).map_err(|e| crate::platform::db::internal("qr", &e))?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Ok(TotpSetup { secret: secret_b32.to_string(), otpauth_url, qr_svg: svg })
}

/// The code for a moment in time (tests use it to act as the authenticator app).
pub fn code_at(secret_b32: &str, unix_secs: u64) -> Result<String, AppError> {
    Ok(totp(secret_b32, "x")?.generate(unix_secs))
}

/// Checks `code` against the previous, current and next 30-second steps. Returns the step
/// it matched, which must be later than `last_step` (a code is never accepted twice).
pub fn check(secret_b32: &str, code: &str, last_step: i64) -> Result<Option<i64>, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret_b32, "x")?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let step = (now / STEP) as i64;
    for s in [step - 1, step, step + 1] {
        if s > last_step && crypto::ct_eq(t.generate(s as u64 * STEP).as_bytes(), code.as_bytes()) {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// Ten recovery codes like `k7qm-2xpd-9rfa`, shown once.
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..10)
        .map(|_| {
            let mut b = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut b);
            let s: String = b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect();
            format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
        })
        .collect()
}

/// How recovery codes are stored and compared: lowercase, no spaces or dashes, hashed.
pub fn recovery_hash(code: &str) -> String {
    let norm: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    crypto::sha256_hex(&norm)
}

/// The SVG as a data: URL an `<img>` can show (allowed by the CSP, no inline markup).
pub fn svg_data_url(svg: &str) -> String {
    format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_once_and_only_in_the_window() {
        let secret = new_secret();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let code = code_at(&secret, now).unwrap();
        let step = check(&secret, &code, 0).unwrap().expect("current code accepted");
        assert_eq!(check(&secret, &code, step).unwrap(), None, "a used code is refused");
        let old = code_at(&secret, now - 300).unwrap();
        if old != code {
            assert_eq!(check(&secret, &old, 0).unwrap(), None, "a 5-minute-old code is refused");
        }
        assert_eq!(check(&secret, "12345", 0).unwrap(), None);
        assert_eq!(check(&secret, "abcdef", 0).unwrap(), None);
    }

    #[test]
    fn setup_has_a_qr_and_an_otpauth_url() {
        let s = setup(&new_secret(), "ana@example.com").unwrap();
        assert!(s.otpauth_url.starts_with("otpauth://totp/Mewayz:ana%40example.com?"), "{}", s.otpauth_url);
        assert!(s.qr_svg.contains("<svg"));
    }

    #[test]
    fn recovery_codes_are_unique_and_normalised() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        let set: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(set.len(), 10);
        assert_eq!(recovery_hash(&codes[0]), recovery_hash(&codes[0].to_uppercase().replace('-', " ")));
    }
}
