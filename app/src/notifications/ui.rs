//! The notification centre: the bell with the unread count, the list (live while open),
//! push on this device and preferences per kind.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{
    get_push_settings, list_notifications, MarkAllNotificationsRead, MarkNotificationRead, PushSubscribe, PushUnsubscribe, SetNotificationPreference,
};
use super::texts::NotificationsTexts;
use super::NotificationList;
use crate::accounts::ui::use_auth;
use crate::error::AppError;
use crate::pwa::{device_push, subscribe_device, unsubscribe_device};
use crate::shell::{format_time, ErrorNote, FormError, Loading};

/// The signed-in person's notifications, kept fresh by the live stream.
#[derive(Clone, Copy)]
pub struct Centre {
    pub list: RwSignal<Option<Result<NotificationList, AppError>>>,
}

impl Centre {
    pub fn reload(self) {
        leptos::task::spawn_local(async move {
            let r = list_notifications().await;
            self.list.set(Some(r));
        });
    }

    pub fn unread(self) -> u32 {
        self.list.get().and_then(|r| r.ok()).map(|l| l.unread).unwrap_or(0)
    }
}

pub fn provide_centre() {
    let auth = use_auth();
    let centre = Centre { list: RwSignal::new(None) };
    provide_context(centre);
    Effect::new(move |prev: Option<Option<String>>| {
        let who = auth.user.get().map(|u| u.id);
        if prev.as_ref() != Some(&who) {
            match who {
                Some(_) => {
                    centre.reload();
                    #[cfg(target_arch = "wasm32")]
                    {
                        let cb = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| centre.reload());
                        crate::pwa::js::watch_notifications(&cb);
                        cb.forget();
                    }
                }
                None => {
                    centre.list.set(None);
                    #[cfg(target_arch = "wasm32")]
                    crate::pwa::js::stop_watching_notifications();
                }
            }
        }
        auth.user.get_untracked().map(|u| u.id)
    });
}

pub fn use_centre() -> Centre {
    expect_context::<Centre>()
}

/// The bell in the top bar, with the unread count.
#[component]
pub fn Bell() -> impl IntoView {
    let auth = use_auth();
    let centre = use_centre();
    let t = NotificationsTexts::now();
    move || {
        auth.user.get().map(|_| {
            let unread = centre.unread();
            let label = match unread {
                0 => t.bell.to_string(),
                1 => t.bell_one.to_string(),
                n => crate::i18n::fill(t.bell_many, &[("n", &n)]),
            };
            view! {
                <A href="/notifications" attr:class="icon-button bell" attr:aria-label=label>
                    <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0"></path>
                    </svg>
                    {(unread > 0).then(|| view! { <span class="count" aria-hidden="true">{if unread > 99 { "99+".to_string() } else { unread.to_string() }}</span> })}
                </A>
            }
        })
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let _signed_in = crate::workspaces::ui::require_signed_in();
    let centre = use_centre();
    let mark = ServerAction::<MarkNotificationRead>::new();
    let mark_all = ServerAction::<MarkAllNotificationsRead>::new();
    for v in [mark.value(), mark_all.value()] {
        Effect::new(move |_| {
            if let Some(Ok(list)) = v.get() {
                centre.list.set(Some(Ok(list)));
            }
        });
    }
    let error = Signal::derive(move || mark.value().get().and_then(|r| r.err()).or_else(|| mark_all.value().get().and_then(|r| r.err())));
    let t = NotificationsTexts::now();
    view! {
        <section class="page" aria-labelledby="notif-title">
            <h1 id="notif-title">{t.title}</h1>
            <section class="card" aria-labelledby="inbox-title">
                <div class="row spread">
                    <h2 id="inbox-title">{move || match centre.unread() { 0 => t.all_read.to_string(), 1 => t.unread_one.to_string(), n => crate::i18n::fill(t.unread_many, &[("n", &n)]) }}</h2>
                    {move || (centre.unread() > 0).then(|| view! {
                        <button type="button" class="button secondary compact" on:click=move |_| { mark_all.dispatch(MarkAllNotificationsRead {}); }>{t.mark_all}</button>
                    })}
                </div>
                <FormError error=error/>
                {move || match centre.list.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                    Some(Ok(l)) if l.items.is_empty() => view! { <p class="muted">{t.empty}</p> }.into_any(),
                    Some(Ok(l)) => view! {
                        <ul class="list notifications" aria-label=t.list_label>
                            {l.items.into_iter().map(|n| {
                                let id = n.id.clone();
                                view! {
                                    <li class:unread=!n.read>
                                        <div>
                                            <strong>{(!n.read).then(|| view! { <span class="sr-only">{t.unread_prefix}</span> })}{n.title.clone()}</strong>
                                            <p class="muted small">{n.body.clone()}</p>
                                            <p class="muted small">{format_time(n.at_ms)}" · "<A href=n.url.clone()>{t.open}</A></p>
                                        </div>
                                        {(!n.read).then(|| view! {
                                            <button type="button" class="button secondary compact" on:click=move |_| { mark.dispatch(MarkNotificationRead { notification: id.clone() }); }>
                                                {t.mark_read}<span class="sr-only">{format!(": {}", n.title)}</span>
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </section>
            <PushSection/>
        </section>
    }
}

#[component]
fn PushSection() -> impl IntoView {
    let settings = LocalResource::new(get_push_settings);
    let device = LocalResource::new(device_push);
    let subscribe = ServerAction::<PushSubscribe>::new();
    let unsubscribe = ServerAction::<PushUnsubscribe>::new();
    let pref = ServerAction::<SetNotificationPreference>::new();
    let browser_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let t = NotificationsTexts::now();
    let error = Signal::derive(move || {
        browser_error
            .get()
            .or_else(|| subscribe.value().get().and_then(|r| r.err()))
            .or_else(|| unsubscribe.value().get().and_then(|r| r.err()))
            .or_else(|| pref.value().get().and_then(|r| r.err()))
    });
    Effect::new(move |_| {
        if subscribe.version().get() + unsubscribe.version().get() + pref.version().get() > 0 {
            settings.refetch();
            device.refetch();
        }
    });
    let turn_on = move |key: String| {
        browser_error.set(None);
        leptos::task::spawn_local(async move {
            match subscribe_device(&key).await {
                Ok(s) => {
                    subscribe.dispatch(PushSubscribe { endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth });
                }
                Err(m) => browser_error.set(Some(AppError::unavailable(crate::i18n::fill(t.push_failed, &[("reason", &m)])))),
            }
        });
    };
    let turn_off = move || {
        leptos::task::spawn_local(async move {
            match unsubscribe_device().await {
                Ok(endpoint) if !endpoint.is_empty() => {
                    unsubscribe.dispatch(PushUnsubscribe { endpoint });
                }
                Ok(_) => device.refetch(),
                Err(m) => browser_error.set(Some(AppError::unavailable(m))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="push-title">
            <h2 id="push-title">{t.push_title}</h2>
            <FormError error=error/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    let (s, d) = (settings.await, device.await);
                    let s = match s {
                        Ok(s) => s,
                        Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                    };
                    let key = s.vapid_public_key.clone();
                    let this_device = if !d.supported {
                        view! { <p class="muted">{t.push_unsupported}</p> }.into_any()
                    } else if d.permission == "denied" {
                        view! { <p class="muted">{t.push_denied}</p> }.into_any()
                    } else if d.endpoint.is_some() {
                        view! {
                            <p><span class="badge ok">{t.push_on}</span>{t.push_on_text}</p>
                            <button type="button" class="button secondary" on:click=move |_| turn_off()>{t.push_turn_off}</button>
                        }.into_any()
                    } else {
                        view! {
                            <p class="muted">{t.push_pitch}</p>
                            <button type="button" class="button" on:click=move |_| turn_on(key.clone())>{t.push_turn_on}</button>
                        }.into_any()
                    };
                    view! {
                        {this_device}
                        <p class="muted small">{match s.devices { 0 => t.push_devices_none.to_string(), 1 => t.push_devices_one.to_string(), n => crate::i18n::fill(t.push_devices_many, &[("n", &n)]) }}</p>
                        <fieldset class="choices">
                            <legend>{t.push_for}</legend>
                            {s.kinds.into_iter().map(|k| {
                                let id = format!("pref-{}", k.kind);
                                let for_id = id.clone();
                                let kind = k.kind.clone();
                                view! {
                                    <label class="choice" for=for_id>
                                        <input type="checkbox" id=id prop:checked=k.push on:change=move |ev| {
                                            pref.dispatch(SetNotificationPreference { kind: kind.clone(), push: event_target_checked(&ev) });
                                        }/>
                                        <span>{k.label}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

crate::lazy_page!(NotificationsRoute, notifications_page, NotificationsPage);
