//! M24, the installable app: service worker registration, the "update available" prompt
//! and the connection state. The service worker itself is `public/sw.js`.

use leptos::prelude::*;

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/pwa/pwa.js")]
    extern "C" {
        #[wasm_bindgen(js_name = registerServiceWorker)]
        pub fn register_service_worker(on_update: &Closure<dyn FnMut()>);
        #[wasm_bindgen(js_name = applyUpdate)]
        pub fn apply_update();
        #[wasm_bindgen(js_name = checkForUpdate)]
        pub fn check_for_update();
    }
}

/// What the shell shows about the app itself: the connection, and a waiting new version.
#[derive(Clone, Copy)]
pub struct Pwa {
    pub online: RwSignal<bool>,
    pub update_ready: RwSignal<bool>,
}

pub fn provide_pwa() -> Pwa {
    let online = web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true);
    let pwa = Pwa { online: RwSignal::new(online), update_ready: RwSignal::new(false) };
    provide_context(pwa);
    let _ = window_event_listener(leptos::ev::online, move |_| pwa.online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| pwa.online.set(false));
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::closure::Closure;
        let on_update = Closure::<dyn FnMut()>::new(move || pwa.update_ready.set(true));
        js::register_service_worker(&on_update);
        on_update.forget();
        // A long-open tab also learns about new versions when it comes back to the front.
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| js::check_for_update());
    }
    pwa
}

pub fn use_pwa() -> Pwa {
    expect_context::<Pwa>()
}

/// "Update available — reload", shown while a new version waits.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let pwa = use_pwa();
    view! {
        <Show when=move || pwa.update_ready.get()>
            <div class="update-banner" role="status">
                <span>"A new version of Mewayz is ready."</span>
                <button type="button" class="button compact" on:click=move |_| {
                    #[cfg(target_arch = "wasm32")]
                    js::apply_update();
                }>"Update available — reload"</button>
            </div>
        </Show>
    }
}
