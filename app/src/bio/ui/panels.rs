//! The Design, Settings and Sign-ups tabs.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::editor::Editor;
use super::media::MediaChooser;
use crate::bio::api::{change_bio_handle, delete_bio_page, list_bio_signups, unpublish_bio_page};
use crate::bio::texts::BioTexts;
use crate::bio::{font_label, preset, preset_label, shape_label, Background, BioSignup, Theme, BUTTON_SHAPES, FONTS, HANDLE_REDIRECT_DAYS, PRESETS};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{ErrorNote, Loading};

fn err_line(ed: Editor, field: &'static str, id: String) -> impl IntoView {
    view! { <p id=id class="field-error" aria-live="polite">{move || ed.error_for(field)}</p> }
}

// ------------------------------------------------------------------ design

#[component]
fn ColorInput(ed: Editor, id: &'static str, label: &'static str, field: &'static str, get: fn(&Theme) -> String, set: fn(&mut Theme, String)) -> impl IntoView {
    let msg = format!("{id}-msg");
    view! {
        <div class="field bio-color">
            <label for=id>{label}</label>
            <div class="row">
                <input type="color" id=id class="swatch" prop:value=move || ed.content.with(|c| get(&c.theme))
                    aria-describedby=msg.clone()
                    aria-invalid=move || if ed.error_for(field).is_some() { "true" } else { "false" }
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ed.edit(&format!("theme.{id}"), |c| set(&mut c.theme, v));
                    }/>
                <code>{move || ed.content.with(|c| get(&c.theme))}</code>
            </div>
            {err_line(ed, field, msg)}
        </div>
    }
}

fn bg_main(t: &Theme) -> String {
    match &t.background {
        Background::Solid { color } => color.clone(),
        Background::Gradient { from, .. } => from.clone(),
        Background::Image { color, .. } => color.clone(),
    }
}

fn set_bg_main(t: &mut Theme, v: String) {
    match &mut t.background {
        Background::Solid { color } => *color = v,
        Background::Gradient { from, .. } => *from = v,
        Background::Image { color, .. } => *color = v,
    }
}

#[component]
pub fn DesignTab(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    let theme = move || ed.content.with(|c| c.theme.clone());
    let bg_kind = Memo::new(move |_| match theme().background {
        Background::Solid { .. } => "solid",
        Background::Gradient { .. } => "gradient",
        Background::Image { .. } => "image",
    });
    let set_kind = move |kind: &'static str| {
        ed.edit("", |c| {
            let main = bg_main(&c.theme);
            c.theme.background = match kind {
                "gradient" => Background::Gradient { from: main.clone(), to: c.theme.button_color.clone() },
                "image" => Background::Image { media: String::new(), color: main },
                _ => Background::Solid { color: main },
            };
        })
    };
    let bg_media = Signal::derive(move || match theme().background {
        Background::Image { media, .. } if !media.is_empty() => Some(media),
        _ => None,
    });
    // Three views, each made into one type, so the tab's type stays small enough to compile.
    let presets = view! {
        <section class="card" aria-labelledby="presets-title">
            <h2 id="presets-title">{t.design_theme}</h2>
            <div class="bio-presets" role="group" aria-labelledby="presets-title">
                {PRESETS.iter().map(|(key, bg, text, button, _)| {
                    let key: &'static str = key;
                    view! {
                        <button type="button" class="bio-preset" aria-pressed=move || (theme().preset == key).to_string()
                            on:click=move |_| ed.edit("", |c| {
                                if let Some(mut t) = preset(key) {
                                    t.button_shape = c.theme.button_shape.clone();
                                    t.font = c.theme.font.clone();
                                    c.theme = t;
                                }
                            })>
                            <span class="bio-preset-swatch" aria-hidden="true" style=format!("background:{bg};color:{text};border-color:{button}")>"Aa"</span>
                            <span>{preset_label(key)}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
    .into_any();
    let colours = view! {
        <section class="card" aria-labelledby="colours-title">
            <h2 id="colours-title">{t.design_colours}</h2>
            <fieldset class="bio-fieldset-plain">
                <legend>{t.design_background_style}</legend>
                <div class="segmented bio-radios">
                    {[("solid", t.bg_solid), ("gradient", t.bg_gradient), ("image", t.bg_image)].into_iter().map(|(k, l)| {
                        let id = format!("bg-kind-{k}");
                        view! {
                            <span class="bio-radio">
                                <input type="radio" name="bg-kind" id=id.clone() value=k prop:checked=move || bg_kind.get() == k on:change=move |_| set_kind(k)/>
                                <label for=id>{l}</label>
                            </span>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="bio-colors">
                <ColorInput ed=ed id="theme-background" label=t.color_background field="theme.background" get=bg_main set=set_bg_main/>
                {move || (bg_kind.get() == "gradient").then(|| view! {
                    <ColorInput ed=ed id="theme-background-to" label=t.color_second field="theme.background_to"
                        get=|t| if let Background::Gradient { to, .. } = &t.background { to.clone() } else { String::new() }
                        set=|t, v| if let Background::Gradient { to, .. } = &mut t.background { *to = v }/>
                })}
                <ColorInput ed=ed id="theme-text" label=t.color_text field="theme.text_color" get=|t| t.text_color.clone() set=|t, v| t.text_color = v/>
                <ColorInput ed=ed id="theme-button" label=t.color_button field="theme.button_color" get=|t| t.button_color.clone() set=|t, v| t.button_color = v/>
                <ColorInput ed=ed id="theme-button-text" label=t.color_button_text field="theme.button_text_color" get=|t| t.button_text_color.clone() set=|t, v| t.button_text_color = v/>
            </div>
            {move || (bg_kind.get() == "image").then(|| view! {
                <MediaChooser ed=ed which="background" current=bg_media
                    on_pick=Callback::new(move |m: Option<String>| ed.edit("", |c| if let Background::Image { media, .. } = &mut c.theme.background { *media = m.clone().unwrap_or_default() }))/>
                {err_line(ed, "theme.background_image", "theme-bgimg-msg".into())}
            })}
        </section>
    }
    .into_any();
    let buttons = view! {
        <section class="card" aria-labelledby="buttons-title">
            <h2 id="buttons-title">{t.design_buttons}</h2>
            <fieldset class="bio-fieldset-plain">
                <legend>{t.design_shape}</legend>
                <div class="segmented bio-radios">
                    {BUTTON_SHAPES.iter().map(|k| {
                        let k: &'static str = k;
                        let id = format!("shape-{k}");
                        view! {
                            <span class="bio-radio">
                                <input type="radio" name="button-shape" id=id.clone() value=k prop:checked=move || theme().button_shape == k
                                    on:change=move |_| ed.edit("", |c| c.theme.button_shape = k.to_string())/>
                                <label for=id>{shape_label(k)}</label>
                            </span>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for="theme-font">{t.design_font}</label>
                <select id="theme-font" prop:value=move || theme().font on:change=move |ev| {
                    let v = event_target_value(&ev);
                    ed.edit("", |c| c.theme.font = v);
                }>
                    {FONTS.iter().map(|k| view! { <option value=*k selected=move || theme().font == *k>{font_label(k)}</option> }).collect_view()}
                </select>
                <p class="hint">{t.design_font_hint}</p>
            </div>
        </section>
    }
    .into_any();
    view! { {presets} {colours} {buttons} }
}

// ------------------------------------------------------------------ settings

#[component]
pub fn SettingsTab(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    let seo_title = move || ed.content.with(|c| c.seo.title.clone());
    let seo_desc = move || ed.content.with(|c| c.seo.description.clone());
    let seo_image = Signal::derive(move || ed.content.with(|c| c.seo.image.clone()));
    let handle_value = RwSignal::new(ed.page.get_untracked().handle);
    let handle_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let handle_done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let change_handle = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let h = handle_value.get_untracked().trim().to_string();
        handle_done.set(false);
        if let Some(e) = crate::bio::check_handle("handle", &h) {
            handle_error.set(Some(AppError::Validation { message: e.message.clone(), fields: vec![e] }));
            return;
        }
        handle_error.set(None);
        ed.flush();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match change_bio_handle(ed.workspace(), ed.id(), h).await {
                Ok(p) => {
                    ed.apply_server(p, false);
                    handle_done.set(true);
                }
                Err(e) => handle_error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let handle_msg = move || handle_error.get().and_then(|e| e.field_message("handle"));
    let other_error = move || handle_error.get().filter(|e| e.field_message("handle").is_none());
    let on_domains = Callback::new(move |p: crate::bio::BioPage| ed.apply_server(p, false));
    view! {
        <section class="card" aria-labelledby="seo-title">
            <h2 id="seo-title">{t.seo_title}</h2>
            <div class="field">
                <label for="seo-title-input">{t.seo_page_title}</label>
                <input id="seo-title-input" type="text" prop:value=seo_title autocomplete="off" aria-describedby="seo-title-hint seo-title-msg"
                    aria-invalid=move || if ed.error_for("seo.title").is_some() { "true" } else { "false" }
                    on:input=move |ev| { let v = event_target_value(&ev); ed.edit("seo.title", |c| c.seo.title = v); }/>
                <p class="hint" id="seo-title-hint">{t.seo_page_title_hint}</p>
                {err_line(ed, "seo.title", "seo-title-msg".into())}
            </div>
            <div class="field">
                <label for="seo-description">{t.seo_description}</label>
                <textarea id="seo-description" rows="3" prop:value=seo_desc aria-describedby="seo-description-msg"
                    aria-invalid=move || if ed.error_for("seo.description").is_some() { "true" } else { "false" }
                    on:input=move |ev| { let v = event_target_value(&ev); ed.edit("seo.description", |c| c.seo.description = v); }></textarea>
                {err_line(ed, "seo.description", "seo-description-msg".into())}
            </div>
            <MediaChooser ed=ed which="sharing" current=seo_image
                on_pick=Callback::new(move |m: Option<String>| ed.edit("", |c| c.seo.image = m.clone()))/>
        </section>
        <section class="card" aria-labelledby="handle-title">
            <h2 id="handle-title">{t.handle_label}</h2>
            <form class="form" on:submit=change_handle novalidate>
                <div class="field">
                    <label for="bio-handle-change">{t.handle_label}</label>
                    <input id="bio-handle-change" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
                        prop:value=move || handle_value.get() on:input=move |ev| handle_value.set(event_target_value(&ev))
                        aria-invalid=move || if handle_msg().is_some() { "true" } else { "false" }
                        aria-describedby="bio-handle-change-hint bio-handle-change-msg"/>
                    <p class="hint" id="bio-handle-change-hint">{fill(t.handle_change_hint, &[("days", &HANDLE_REDIRECT_DAYS)])}</p>
                    <p class="field-error" id="bio-handle-change-msg" aria-live="polite">{handle_msg}</p>
                </div>
                {move || other_error().map(|e| view! { <ErrorNote error=e/> })}
                <div class="row">
                    <button type="submit" class="button" disabled=move || busy.get()>{t.handle_change}</button>
                    {move || handle_done.get().then(|| view! { <span role="status" class="muted">{t.handle_changed}</span> })}
                </div>
            </form>
        </section>
        <crate::bio::ui_domains::DomainsPanel workspace=ed.workspace() page=ed.id() domains=ed.page.get_untracked().domains on_change=on_domains/>
    }
}

/// Unpublish and delete. Shown outside the builder's disabled fieldset, so a page that is
/// read-only on the plan can still be taken offline or deleted.
#[component]
pub fn PageDangerZone(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    let navigate = use_navigate();
    let page_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let unpublish = move |_| {
        leptos::task::spawn_local(async move {
            match unpublish_bio_page(ed.workspace(), ed.id()).await {
                Ok(p) => {
                    page_error.set(None);
                    ed.apply_server(p, false);
                }
                Err(e) => page_error.set(Some(e)),
            }
        });
    };
    let delete = move |_| {
        let ok = web_sys::window().and_then(|w| w.confirm_with_message(t.delete_confirm).ok()).unwrap_or(false);
        if !ok {
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_bio_page(ed.workspace(), ed.id()).await {
                Ok(()) => {
                    crate::offline::discard_draft(&ed.doc());
                    navigate("/bio", Default::default());
                }
                Err(e) => page_error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card danger" aria-labelledby="page-danger-title">
            <h2 id="page-danger-title">{t.danger_title}</h2>
            {move || page_error.get().map(|e| view! { <ErrorNote error=e/> })}
            <div class="row">
                {move || ed.page.with(|p| p.published.is_some()).then(|| view! {
                    <button type="button" class="button secondary" on:click=unpublish>{t.unpublish}</button>
                })}
                <button type="button" class="button danger" on:click=delete.clone()>{t.delete_page}</button>
            </div>
        </section>
    }
}

// ------------------------------------------------------------------ sign-ups

#[component]
pub fn SignupsTab(workspace: String, page: String) -> impl IntoView {
    let t = BioTexts::now();
    let list: RwSignal<Option<Result<Vec<BioSignup>, AppError>>> = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        list.set(Some(list_bio_signups(workspace, page).await));
    });
    view! {
        <section class="card" aria-labelledby="signups-title">
            <h2 id="signups-title">{t.signups_title}</h2>
            {move || match list.get() {
                None => view! { <Loading label=t.loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(v)) if v.is_empty() => view! { <p class="muted">{t.signups_empty}</p> }.into_any(),
                Some(Ok(v)) => view! {
                    <div class="bio-table-wrap">
                        <table class="bio-table">
                            <caption class="sr-only">{t.signups_caption}</caption>
                            <thead><tr><th scope="col">{t.signups_email}</th><th scope="col">{t.signups_at}</th><th scope="col">{t.signups_consent}</th></tr></thead>
                            <tbody>
                                {v.into_iter().map(|s| view! {
                                    <tr><td>{s.email}</td><td>{crate::shell::format_time(s.consented_at)}</td><td>{s.consent_text}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
