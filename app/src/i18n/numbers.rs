//! Numbers as people read them, in the current language: sizes ("200 GB", "200 Go"), large
//! counts ("5 million", "5 millions") and plan limits ("Unlimited", "Illimité").
//!
//! Sizes: the server counts a megabyte as 1,048,576 bytes (the unit of the `*_mb` plan
//! limits and of what is stored), and the larger units as 1000 of the smaller one, the way
//! plan limits are written: a limit of 200000 MB reads "200 GB". Below 100 a value keeps one
//! decimal when it has one ("1.5 GB", "12.5 GB"); from 100 it is rounded ("195 GB").
//!
//! Counts: below 10,000 they are written in full, with the language's digit grouping
//! ("2,500", "2 500"); from 10,000 in words ("25 thousand", "5 million", "2 billion").

use super::{fill, lang, Lang};

crate::texts! {
    pub struct NumberTexts {
        unlimited: "Unlimited" | "Illimité",
        bytes_one: "1 byte" | "1 octet",
        bytes_many: "{n} bytes" | "{n} octets",
        kilobytes: "{n} KB" | "{n} Ko",
        megabytes: "{n} MB" | "{n} Mo",
        gigabytes: "{n} GB" | "{n} Go",
        terabytes: "{n} TB" | "{n} To",
        thousand: "{n} thousand" | "{n} mille",
        million_one: "{n} million" | "{n} million",
        million_many: "{n} million" | "{n} millions",
        billion_one: "{n} billion" | "{n} milliard",
        billion_many: "{n} billion" | "{n} milliards",
    }
}

/// Bytes in a megabyte, as the server counts storage and uploads.
pub const MB: u64 = 1024 * 1024;

/// From this many, counts are written in words.
const WORDS_FROM: i64 = 10_000;

/// A whole number with the current language's digit grouping: "12,345", "12 345".
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang() {
        Lang::En => ",",
        // French groups digits with a narrow no-break space.
        Lang::Fr => "\u{202f}",
    };
    let mut out = String::with_capacity(digits.len() + 8);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// `x` rounded for reading: one decimal below 100 (dropped when it is 0), whole from 100;
/// the current language's decimal mark.
fn short(x: f64) -> String {
    let rounded = if x < 100.0 { (x * 10.0).round() / 10.0 } else { x.round() };
    if rounded.fract() == 0.0 {
        integer(rounded as i64)
    } else {
        let text = format!("{rounded:.1}");
        match lang() {
            Lang::En => text,
            Lang::Fr => text.replace('.', ","),
        }
    }
}

/// Picks the largest unit of `steps` (each 1000 times the previous one) that keeps `x` at
/// 1 or more, after rounding (999.96 MB reads "1 GB", not "1000 MB").
fn scaled(x: f64, steps: &[&'static str]) -> (String, &'static str) {
    let mut value = x;
    let mut i = 0;
    while i + 1 < steps.len() && (value >= 1000.0 || short(value) == short(1000.0)) {
        value /= 1000.0;
        i += 1;
    }
    (short(value), steps[i])
}

/// A size given in megabytes: "500 MB", "20 GB", "1.5 TB" ("500 Mo", "20 Go", "1,5 To").
pub fn megabytes(mb: f64) -> String {
    let t = NumberTexts::now();
    let mb = mb.max(0.0);
    let (n, unit) = scaled(mb, &[t.megabytes, t.gigabytes, t.terabytes]);
    fill(unit, &[("n", &n)])
}

/// A size in bytes: "12 bytes", "340 KB", "1.2 MB", "200 GB".
pub fn bytes(n: u64) -> String {
    let t = NumberTexts::now();
    match n {
        1 => t.bytes_one.to_string(),
        0..1024 => fill(t.bytes_many, &[("n", &n)]),
        n if n < MB => fill(t.kilobytes, &[("n", &n.div_ceil(1024))]),
        n => megabytes(n as f64 / MB as f64),
    }
}

/// A count: in full below 10,000 ("2,500"), in words from there ("25 thousand",
/// "5 million", "1.5 billion"; "25 mille", "5 millions", "1,5 milliard").
pub fn count(n: i64) -> String {
    if n.abs() < WORDS_FROM {
        return integer(n);
    }
    let t = NumberTexts::now();
    let sign = if n < 0 { "-" } else { "" };
    let x = n.unsigned_abs() as f64;
    let (value, which) = if x < 999_500.0 {
        (x / 1e3, 0)
    } else if x < 999_500_000.0 {
        (x / 1e6, 1)
    } else {
        (x / 1e9, 2)
    };
    let text = short(value);
    let rounded = if value < 100.0 { (value * 10.0).round() / 10.0 } else { value.round() };
    let template = match which {
        0 => t.thousand,
        1 if rounded < 2.0 => t.million_one,
        1 => t.million_many,
        _ if rounded < 2.0 => t.billion_one,
        _ => t.billion_many,
    };
    format!("{sign}{}", fill(template, &[("n", &text)]))
}

/// True for the limits counted in megabytes (`storage_mb`, `upload_mb`).
pub fn is_size(key: &str) -> bool {
    key.ends_with("_mb")
}

/// An amount of the limit `key`: a size for the `*_mb` limits, else a count.
pub fn amount(key: &str, value: i64) -> String {
    if is_size(key) {
        megabytes(value as f64)
    } else {
        count(value)
    }
}

/// A plan limit as it is shown: "200 GB", "5 million", "10", or "Unlimited" for `None`.
pub fn limit(key: &str, value: Option<i64>) -> String {
    match value {
        Some(v) => amount(key, v),
        None => NumberTexts::now().unlimited.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_lang<R>(l: Lang, f: impl FnOnce() -> R) -> R {
        crate::i18n::sync_scope(l, f)
    }

    #[test]
    fn sizes_in_english() {
        in_lang(Lang::En, || {
            assert_eq!(megabytes(200_000.0), "200 GB");
            assert_eq!(megabytes(20_000.0), "20 GB");
            assert_eq!(megabytes(500.0), "500 MB");
            assert_eq!(megabytes(1500.0), "1.5 GB");
            assert_eq!(megabytes(12_500.0), "12.5 GB");
            assert_eq!(megabytes(195_312.5), "195 GB");
            assert_eq!(megabytes(999.96), "1 GB");
            assert_eq!(megabytes(2_000_000.0), "2 TB");
            assert_eq!(megabytes(0.0), "0 MB");
            assert_eq!(bytes(0), "0 bytes");
            assert_eq!(bytes(1), "1 byte");
            assert_eq!(bytes(12), "12 bytes");
            assert_eq!(bytes(340 * 1024), "340 KB");
            assert_eq!(bytes(1025), "2 KB");
            assert_eq!(bytes(5 * MB), "5 MB");
            assert_eq!(bytes(MB + MB / 5), "1.2 MB");
            assert_eq!(bytes(200_000 * MB), "200 GB");
        });
    }

    #[test]
    fn sizes_in_french() {
        in_lang(Lang::Fr, || {
            assert_eq!(megabytes(200_000.0), "200 Go");
            assert_eq!(megabytes(1500.0), "1,5 Go");
            assert_eq!(megabytes(500.0), "500 Mo");
            assert_eq!(bytes(12), "12 octets");
            assert_eq!(bytes(1), "1 octet");
            assert_eq!(bytes(340 * 1024), "340 Ko");
            assert_eq!(bytes(3 * MB), "3 Mo");
        });
    }

    #[test]
    fn counts_in_words() {
        in_lang(Lang::En, || {
            assert_eq!(count(0), "0");
            assert_eq!(count(10), "10");
            assert_eq!(count(2500), "2,500");
            assert_eq!(count(9999), "9,999");
            assert_eq!(count(25_000), "25 thousand");
            assert_eq!(count(500_000), "500 thousand");
            assert_eq!(count(12_345), "12.3 thousand");
            assert_eq!(count(999_499), "999 thousand");
            assert_eq!(count(999_500), "1 million");
            assert_eq!(count(999_999), "1 million");
            assert_eq!(count(5_000_000), "5 million");
            assert_eq!(count(1_500_000), "1.5 million");
            assert_eq!(count(2_000_000_000), "2 billion");
            assert_eq!(integer(1_234_567), "1,234,567");
        });
        in_lang(Lang::Fr, || {
            assert_eq!(count(5_000_000), "5 millions");
            assert_eq!(count(1_000_000), "1 million");
            assert_eq!(count(1_500_000), "1,5 million");
            assert_eq!(count(25_000), "25 mille");
            assert_eq!(count(3_000_000_000), "3 milliards");
            assert_eq!(count(2500), "2\u{202f}500");
        });
    }

    #[test]
    fn limits() {
        in_lang(Lang::En, || {
            assert_eq!(limit("storage_mb", Some(200_000)), "200 GB");
            assert_eq!(limit("upload_mb", Some(25)), "25 MB");
            assert_eq!(limit("ai_tokens_per_month", Some(5_000_000)), "5 million");
            assert_eq!(limit("members", Some(10)), "10");
            assert_eq!(limit("members", None), "Unlimited");
        });
        in_lang(Lang::Fr, || {
            assert_eq!(limit("storage_mb", Some(200_000)), "200 Go");
            assert_eq!(limit("ai_tokens_per_month", Some(5_000_000)), "5 millions");
            assert_eq!(limit("sites", None), "Illimité");
        });
    }
}
