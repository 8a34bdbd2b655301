//! The `Stripe-Signature` header: `billing::webhook::verify`.
//!
//! The input is a header template: `{t}` stands for the real timestamp and `{sig}` for the
//! real v1 signature, so the fuzzer explores the header's syntax around a valid signature
//! as well as plain garbage. The other fields pick the secret, the body and the clock.
#![no_main]

use app::billing::webhook::{hex_encode, sign, signature_header, verify, TOLERANCE_SECS};
use libfuzzer_sys::fuzz_target;
use mewayz_fuzz::fields;

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 4);
    let (template, secret, body, clock) = (&f[0], &f[1], f[2].as_bytes(), &f[3]);
    // A clock around now, and a signing time that may be far from it (or any i64).
    let now: i64 = 1_700_000_000 + clock.bytes().take(4).fold(0i64, |a, b| a * 256 + b as i64);
    let t: i64 = match clock.get(4..).and_then(|s| s.parse().ok()) {
        Some(t) => t,
        None => now,
    };

    // What Stripe sends verifies when it is fresh, and not with another secret or body.
    let good = signature_header(secret, t, body);
    let fresh = (now as i128 - t as i128).abs() <= TOLERANCE_SECS as i128;
    assert_eq!(verify(secret, &good, body, now).is_ok(), fresh, "{good:?} at {now}");
    if fresh {
        assert!(verify(&format!("{secret}x"), &good, body, now).is_err());
        let mut other = body.to_vec();
        other.push(b'!');
        assert!(verify(secret, &good, &other, now).is_err());
    }

    let header = template.replace("{t}", &t.to_string()).replace("{sig}", &hex_encode(&sign(secret, t, body)));
    if verify(secret, &header, body, now).is_ok() {
        // Accepted: the last `t=` is the signed time, it is fresh, and a v1 carries its signature.
        let parts: Vec<(&str, &str)> = header.split(',').filter_map(|p| p.trim().split_once('=')).collect();
        let ts: i64 = parts.iter().rev().find(|(k, _)| *k == "t").and_then(|(_, v)| v.parse().ok()).expect("accepted without a timestamp");
        assert!((now as i128 - ts as i128).abs() <= TOLERANCE_SECS as i128, "{header:?} at {now}");
        let expected = hex_encode(&sign(secret, ts, body));
        assert!(
            parts.iter().any(|(k, v)| *k == "v1" && v.eq_ignore_ascii_case(&expected)),
            "{header:?} accepted without the signature {expected}"
        );
    }
});
