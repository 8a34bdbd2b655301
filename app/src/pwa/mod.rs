//! M24, the installable app: service worker registration, the "update available" prompt
//! and the connection state. The service worker itself is `public/sw.js`.

pub mod texts;
use leptos::prelude::*;

#[cfg(target_arch = "wasm32")]
pub(crate) mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/pwa/pwa.js")]
    extern "C" {
        #[wasm_bindgen(js_name = registerServiceWorker)]
        pub fn register_service_worker(on_update: &Closure<dyn FnMut()>);
        #[wasm_bindgen(js_name = applyUpdate)]
        pub fn apply_update();
        #[wasm_bindgen(js_name = checkForUpdate)]
        pub fn check_for_update();
        #[wasm_bindgen(js_name = pushState)]
        pub fn push_state() -> js_sys::Promise;
        #[wasm_bindgen(js_name = subscribePush)]
        pub fn subscribe_push(vapid_public_key: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = unsubscribePush)]
        pub fn unsubscribe_push() -> js_sys::Promise;
        #[wasm_bindgen(js_name = watchNotifications)]
        pub fn watch_notifications(on_change: &Closure<dyn FnMut(JsValue)>);
        #[wasm_bindgen(js_name = stopWatchingNotifications)]
        pub fn stop_watching_notifications();
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
    let t = texts::PwaTexts::now();
    view! {
        <Show when=move || pwa.update_ready.get()>
            <div class="update-banner" role="status">
                <span>{t.update_ready}</span>
                <button type="button" class="button compact" on:click=move |_| {
                    #[cfg(target_arch = "wasm32")]
                    js::apply_update();
                }>{t.update_reload}</button>
            </div>
        </Show>
    }
}

/// This device's push state.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, Default)]
pub struct DevicePush {
    pub supported: bool,
    pub permission: String,
    pub endpoint: Option<String>,
}

/// A subscription as the browser made it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct BrowserSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

#[cfg(target_arch = "wasm32")]
async fn js_string(p: js_sys::Promise) -> Result<String, String> {
    match wasm_bindgen_futures::JsFuture::from(p).await {
        Ok(v) => Ok(v.as_string().unwrap_or_default()),
        Err(e) => {
            let message = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
            let t = texts::PwaTexts::now();
            // pwa.js names the refusals it knows; the browser's own messages pass as they are.
            Err(match message.as_deref() {
                Some("permission-blocked") => t.push_blocked.to_string(),
                Some(m) => m.to_string(),
                None => t.browser_refused.to_string(),
            })
        }
    }
}

pub async fn device_push() -> DevicePush {
    #[cfg(target_arch = "wasm32")]
    {
        js_string(js::push_state()).await.ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    DevicePush::default()
}

pub async fn subscribe_device(vapid_public_key: &str) -> Result<BrowserSubscription, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let s = js_string(js::subscribe_push(vapid_public_key)).await?;
        serde_json::from_str(&s).map_err(|e| e.to_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = vapid_public_key;
        Err("not in a browser".into())
    }
}

pub async fn unsubscribe_device() -> Result<String, String> {
    #[cfg(target_arch = "wasm32")]
    {
        js_string(js::unsubscribe_push()).await
    }
    #[cfg(not(target_arch = "wasm32"))]
    Err("not in a browser".into())
}
