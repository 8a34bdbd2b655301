//! Hosts: custom domains of bio pages (`check_domain`), the `Host` header (`strip_port`)
//! and the referrer's host (`url_host`).
#![no_main]

use app::bio::analytics::{strip_port, url_host};
use app::bio::domains::check_domain;
use libfuzzer_sys::fuzz_target;

const APP_HOST: &str = "mewayz.test";

fuzz_target!(|raw: &str| {
    if let Ok(d) = check_domain(raw, APP_HOST) {
        assert!(d.len() <= 253 && d.contains('.'), "{raw:?} -> {d:?}");
        assert!(d.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'), "{raw:?} -> {d:?}");
        for label in d.split('.') {
            assert!(!label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-'), "{raw:?} -> {d:?}");
        }
        assert!(d.parse::<std::net::IpAddr>().is_err(), "{raw:?} -> IP {d:?}");
        assert!(!d.rsplit('.').next().unwrap().bytes().all(|b| b.is_ascii_digit()), "{d:?}");
        assert!(d != APP_HOST && d != "localhost" && !d.ends_with(".localhost"), "{d:?}");
        // Normalised: checking the result again gives it back unchanged.
        assert_eq!(check_domain(&d, APP_HOST).ok().as_deref(), Some(d.as_str()), "{raw:?}");
        // A Host header carrying the domain (any case, a port, a trailing dot) maps to it.
        assert_eq!(strip_port(&format!("{}.:8443", d.to_ascii_uppercase())), d);
        assert_eq!(url_host(&format!("https://{d}/x?y")), Some(d.clone()));
    }

    let h = strip_port(raw);
    assert_eq!(h, h.to_ascii_lowercase());
    assert!(!h.ends_with('.'), "{raw:?} -> {h:?}");

    if let Some(host) = url_host(raw) {
        assert!(!host.is_empty() && host.len() <= 253, "{raw:?}");
        assert!(host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.[]:_".contains(&b)), "{raw:?} -> {host:?}");
        assert_eq!(host, host.to_ascii_lowercase());
        assert!(!host.contains(['/', '@', '?', '#']), "{raw:?} -> {host:?}");
    }
});
