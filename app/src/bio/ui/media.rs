//! Choosing an image from the media library for a block, the background or the sharing card.

use leptos::prelude::*;

use super::editor::Editor;

/// A labelled image slot: a thumbnail of the current image, "Choose …" (opens the media
/// library) and "Remove …".
#[component]
pub fn MediaChooser(ed: Editor, label: &'static str, current: Signal<Option<String>>, on_pick: Callback<Option<String>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        open.set(false);
        if let Some(b) = button_ref.get_untracked() {
            let _ = b.focus();
        }
    };
    view! {
        <div class="field bio-media">
            <span class="bio-media-label">{label}</span>
            <div class="row">
                {move || match current.get() {
                    Some(id) => view! { <img class="bio-thumb" src=crate::media::media_url(&id, Some(160)) alt=format!("Current {}", label.to_lowercase()) width="64" height="64"/> }.into_any(),
                    None => view! { <span class="muted small">"None chosen"</span> }.into_any(),
                }}
                <button type="button" class="button secondary compact" node_ref=button_ref on:click=move |_| open.set(true)>{format!("Choose {}", label.to_lowercase())}</button>
                {move || current.get().is_some().then(|| view! {
                    <button type="button" class="button secondary compact" on:click=move |_| on_pick.run(None)>{format!("Remove {}", label.to_lowercase())}</button>
                })}
            </div>
        </div>
        {move || open.get().then(|| view! {
            <crate::media::ui::MediaPicker
                workspace=ed.workspace()
                on_pick=Callback::new(move |f: crate::media::MediaFile| { on_pick.run(Some(f.id)); close(); })
                on_close=Callback::new(move |_| close())/>
        })}
    }
}
