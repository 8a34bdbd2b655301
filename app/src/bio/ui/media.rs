//! Choosing an image from the media library for a block, the background or the sharing card.

use leptos::prelude::*;

use super::editor::Editor;
use crate::bio::texts::BioTexts;

/// What an image slot is called: (label, "Choose …", "Remove …", the current image's alt).
/// `slot` is "thumbnail", "image", "background" or "sharing".
pub fn slot_texts(slot: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    let t = BioTexts::now();
    match slot {
        "thumbnail" => (t.media_thumbnail, t.media_thumbnail_choose, t.media_thumbnail_remove, t.media_thumbnail_current),
        "background" => (t.media_background, t.media_background_choose, t.media_background_remove, t.media_background_current),
        "sharing" => (t.media_sharing, t.media_sharing_choose, t.media_sharing_remove, t.media_sharing_current),
        _ => (t.media_image, t.media_image_choose, t.media_image_remove, t.media_image_current),
    }
}

/// A labelled image slot: a thumbnail of the current image, "Choose …" (opens the media
/// library) and "Remove …". `which` is the slot, as [`slot_texts`] knows it.
#[component]
pub fn MediaChooser(ed: Editor, which: &'static str, current: Signal<Option<String>>, on_pick: Callback<Option<String>>) -> impl IntoView {
    let t = BioTexts::now();
    let (label, choose, remove, current_alt) = slot_texts(which);
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
                    Some(id) => view! { <img class="bio-thumb" src=crate::media::media_url(&id, Some(160)) alt=current_alt width="64" height="64"/> }.into_any(),
                    None => view! { <span class="muted small">{t.media_none}</span> }.into_any(),
                }}
                <button type="button" class="button secondary compact" node_ref=button_ref on:click=move |_| open.set(true)>{choose}</button>
                {move || current.get().is_some().then(|| view! {
                    <button type="button" class="button secondary compact" on:click=move |_| on_pick.run(None)>{remove}</button>
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
