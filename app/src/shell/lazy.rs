//! Pages whose code is their own chunk of the client (issue 16). A module declares each of
//! its pages with [`crate::lazy_page!`]: in the browser build the page's view is a split point
//! (`wasm_split`), so its code is fetched the first time the page opens (the service worker
//! also fetches every chunk in the background, so pages open offline). Until the chunk
//! arrives the page shows the shared loading view; if it cannot be fetched (a flaky network,
//! a deploy in between), it says so, with a button that tries again. Never a blank page: a
//! failed load is a value here, not a panic.

use std::future::Future;

use leptos::prelude::*;

use super::texts::ShellTexts;
use super::widgets::Loading;

/// What fetching a page's chunk gives: its view, or the loader's error.
pub type Loaded = Result<AnyView, leptos::wasm_split::SplitLoaderError>;

/// How a chunk is fetched, behind one pointer: the machinery below is compiled once, not
/// once for every page and part.
type Load = Box<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Loaded>>> + Send + Sync>;

/// Shows the view `load` gives once its chunk is there, a loading view until then, and a retry
/// message if the chunk could not be fetched. `page`: a whole page (the views are sections of
/// the page), or a part of one (a tab of an editor).
pub fn lazy_view<F, Fut>(page: bool, load: F) -> AnyView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Loaded> + 'static,
{
    lazy_view_boxed(page, Box::new(move || Box::pin(load())))
}

#[inline(never)]
fn lazy_view_boxed(page: bool, load: Load) -> AnyView {
    let t = ShellTexts::now();
    // Bumped by "Try again": the loader does not keep a failed attempt, so it starts afresh.
    let attempt = RwSignal::new(0u32);
    let failed = move || {
        let inner = view! {
            <div class="notice notice-error" role="alert">
                <strong>{t.chunk_failed_title}</strong>
                <p>{t.chunk_failed_body}</p>
            </div>
            <p><button type="button" class="button" on:click=move |_| attempt.update(|n| *n += 1)>{t.chunk_retry}</button></p>
        };
        if page {
            view! { <section class="page">{inner}</section> }.into_any()
        } else {
            inner.into_any()
        }
    };
    let loading = move || if page { view! { <section class="page"><Loading/></section> }.into_any() } else { view! { <Loading/> }.into_any() };
    view! {
        <Suspense fallback=loading>
            {move || {
                attempt.track();
                let loading = send_wrapper::SendWrapper::new(load());
                Suspend::new(async move { loading.await.unwrap_or_else(|_| failed()) })
            }}
        </Suspense>
    }
    .into_any()
}

/// Declares a page as a lazily loaded route of its module:
/// `lazy_page!(BioPagesRoute, bio_pages_page, BioPagesPage);` makes the component `BioPagesRoute`
/// for the router, and the split point `bio_pages_page` (a name unique in the app) that renders
/// `<BioPagesPage/>`. Outside the browser build it is a plain function.
#[macro_export]
macro_rules! lazy_page {
    ($route:ident, $split:ident, $page:ident) => {
        #[cfg_attr(feature = "csr", ::leptos::wasm_split::wasm_split($split, fallible, wasm_split_path = ::leptos::wasm_split))]
        fn $split() -> $crate::shell::Loaded {
            Ok(::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page/> }))
        }

        /// The page as a route: its code loads the first time it opens.
        #[::leptos::prelude::component]
        pub fn $route() -> impl ::leptos::prelude::IntoView {
            #[cfg(feature = "csr")]
            let load = || $split();
            #[cfg(not(feature = "csr"))]
            let load = || async { $split() };
            $crate::shell::lazy_view(true, load)
        }
    };
}

/// Declares a part of a page (a tab of an editor) whose code is its own chunk:
/// `lazy_view!(pub fn design_tab(ed: Editor) as design_tab_part => view! { <DesignTab ed=ed/> });`
/// makes `design_tab(ed)`, which shows the loading view until the chunk `design_tab_part` is
/// there, then the view (or the retry message). The arguments are cloned for each attempt.
#[macro_export]
macro_rules! lazy_view {
    ($vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) as $split:ident => $view:expr) => {
        #[cfg_attr(feature = "csr", ::leptos::wasm_split::wasm_split($split, fallible, wasm_split_path = ::leptos::wasm_split))]
        fn $split($($arg: $ty),*) -> $crate::shell::Loaded {
            Ok(::leptos::prelude::IntoAny::into_any($view))
        }

        $vis fn $name($($arg: $ty),*) -> impl ::leptos::prelude::IntoView {
            #[cfg(feature = "csr")]
            let load = move || {
                $(let $arg = ::core::clone::Clone::clone(&$arg);)*
                $split($($arg),*)
            };
            #[cfg(not(feature = "csr"))]
            let load = move || {
                $(let $arg = ::core::clone::Clone::clone(&$arg);)*
                let view = $split($($arg),*);
                async move { view }
            };
            $crate::shell::lazy_view(false, load)
        }
    };
}
