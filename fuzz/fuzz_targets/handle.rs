//! Bio page handles: `check_handle` and the reserved names.
#![no_main]

use app::bio::{check_handle, is_reserved_handle, RESERVED_HANDLES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|handle: &str| {
    let verdict = check_handle("handle", handle);
    if let Some(e) = &verdict {
        assert_eq!(e.field, "handle");
        assert!(!e.message.is_empty());
        return;
    }
    // Accepted: the documented rule, on the trimmed value.
    let h = handle.trim();
    let n = h.chars().count();
    assert!((3..=30).contains(&n), "{handle:?}: {n} characters");
    assert!(h.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'), "{handle:?}");
    assert!(!h.starts_with('.') && !h.ends_with('.') && !h.contains(".."), "{handle:?}");
    assert!(!is_reserved_handle(h) && !RESERVED_HANDLES.contains(&h), "{handle:?} is reserved");
    // Safe as a single path segment: no separators, not "." or "..".
    assert!(!h.contains(['/', '\\', '?', '#', '%']) && h != "." && h != "..");
    // The value stored is the trimmed one, and it passes on its own.
    assert!(check_handle("handle", h).is_none());
});
