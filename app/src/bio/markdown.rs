//! (in progress) Markdown subset.
