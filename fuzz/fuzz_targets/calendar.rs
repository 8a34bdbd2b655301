//! UTC days: `parse_day` and `day_string` round-trip.
#![no_main]

use app::calendar::{day_of_ms, day_string, parse_day};
use libfuzzer_sys::fuzz_target;

/// 1970-01-01 and 9999-12-31 in days since 1970.
const FIRST: i64 = 0;
const LAST: i64 = 2_932_896;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Some(d) = parse_day(s) {
            assert!((FIRST..=LAST).contains(&d), "{s:?} -> {d}");
            assert_eq!(day_string(d), s, "{s:?} -> {d} does not round-trip");
        }
    }
    if data.len() >= 8 {
        let raw = i64::from_le_bytes(data[..8].try_into().unwrap());
        // Any day the parser accepts is written back and read again as itself.
        let d = raw.rem_euclid(LAST + 1);
        let s = day_string(d);
        assert_eq!(s.len(), 10, "{d} -> {s:?}");
        assert_eq!(parse_day(&s), Some(d), "{d} -> {s:?}");
        // Neighbouring days are neighbouring strings, in order.
        if d < LAST {
            assert!(day_string(d + 1) > s);
        }
        // Timestamps: the day of any millisecond in day d is d.
        let ms = d * 86_400_000 + (raw.unsigned_abs() % 86_400_000) as i64;
        assert_eq!(day_of_ms(ms), s);
        // Outside the range (before 1970 and far beyond), day_string still returns something
        // without overflowing for any timestamp a clock can give.
        let _ = day_of_ms(raw);
    }
});
