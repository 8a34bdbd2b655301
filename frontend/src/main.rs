//! The Mewayz WASM client: mounts the app shell in the browser.

fn main() {
    // Readable panics in the console, in debug builds only (the release client does without).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // The page shows a plain "Loading Mewayz…" until the client starts; remove it now.
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    // The language (the profile's choice kept on this device, or the browser's) before the
    // first screen is drawn.
    app::i18n::init_client();
    leptos::mount::mount_to_body(app::App);
}
