//! (in progress) The bio pages list and the builder.
use leptos::prelude::*;
#[component]
pub fn BioPagesPage() -> impl IntoView { view! { <h1>"Link-in-bio"</h1> } }
#[component]
pub fn BuilderPage() -> impl IntoView { view! { <h1>"Builder"</h1> } }
