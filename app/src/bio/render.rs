//! (in progress) Rendering.
