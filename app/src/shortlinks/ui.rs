//! The short links page: create a link (automatic or custom slug), the workspace's links
//! with their full address, a copy button, deletion, and 30-day statistics per link.

use leptos::prelude::*;

use super::api::{delete_short_link, list_short_links, short_link_stats, CreateShortLink};
use super::texts::LinksTexts;
use super::{short_url, ShortLink, ShortLinkStats, AREA};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{copy_text, format_time, ErrorNote, Field, FormError, Loading};
use crate::workspaces::ui::{require_signed_in, use_workspaces, WorkspaceBar};
use crate::workspaces::Action;

/// Days shown in each link's statistics.
const STATS_DAYS: u32 = 30;

type Links = RwSignal<Option<Result<Vec<ShortLink>, AppError>>>;

fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

/// The origin short addresses are shown with (this server's).
fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

#[component]
pub fn LinksPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let ws = use_workspaces();
    let t = LinksTexts::now();
    view! {
        <section class="page" aria-labelledby="links-title">
            <WorkspaceBar/>
            <h1 id="links-title">{t.page_title}</h1>
            <p class="lead">{t.page_lead}</p>
            {move || match (ws.ready.get(), ws.current.get()) {
                (false, _) => view! { <Loading/> }.into_any(),
                (true, None) => view! {
                    <div class="card">
                        <p>{t.page_no_workspace}</p>
                        <p><a class="button" href="/setup?new=1">{t.page_create_workspace}</a></p>
                    </div>
                }.into_any(),
                (true, Some(id)) => view! { <ShortLinks workspace=id/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ShortLinks(workspace: String) -> impl IntoView {
    let ws = use_workspaces();
    let links: Links = RwSignal::new(None);
    let can_edit = ws.can(AREA, Action::Edit);
    {
        let id = workspace.clone();
        leptos::task::spawn_local(async move {
            links.set(Some(list_short_links(id).await));
        });
    }
    view! {
        {can_edit.then(|| view! { <CreateSection workspace=workspace.clone() links=links/> })}
        <ListSection workspace=workspace can_edit=can_edit links=links/>
    }
}

#[component]
fn CreateSection(workspace: String, links: Links) -> impl IntoView {
    let create = ServerAction::<CreateShortLink>::new();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let created = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(link)) = create.value().get() {
            created.set(Some(short_url(&origin(), &link.slug)));
            links.update(|l| match l {
                Some(Ok(list)) => {
                    if !list.iter().any(|x| x.id == link.id) {
                        list.insert(0, link.clone());
                    }
                }
                _ => *l = Some(Ok(vec![link.clone()])),
            });
            if let Some(f) = form_ref.get() {
                f.reset();
            }
        }
    });
    let t = LinksTexts::now();
    view! {
        <section class="card" aria-labelledby="sl-create-title">
            <h2 id="sl-create-title">{t.new_title}</h2>
            <ActionForm action=create node_ref=form_ref>
                <div class="form">
                    <input type="hidden" name="workspace" value=workspace/>
                    <FormError error=error fields=&["url", "slug"]/>
                    <Field label=t.new_url name="url" inputmode="url" error=error
                        hint=t.new_url_hint/>
                    <Field label=t.new_slug name="slug" error=error
                        hint=t.new_slug_hint/>
                    <div class="row">
                        <button type="submit" class="button" disabled=create.pending()>{t.new_create}</button>
                        <span role="status" class="muted">{move || created.get().map(|u| fill(t.new_created, &[("url", &u)]))}</span>
                    </div>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ListSection(workspace: String, can_edit: bool, links: Links) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let copied = RwSignal::new(None::<String>);
    let origin = origin();
    let t = LinksTexts::now();
    view! {
        <section class="card" aria-labelledby="sl-list-title">
            <h2 id="sl-list-title">{t.list_title}</h2>
            <FormError error=error.into()/>
            {move || match links.get() {
                None => view! { <Loading label=t.list_loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted">
                        {if can_edit { t.list_empty_editable } else { t.list_empty }}
                    </p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="list sl-list">
                        {list.into_iter().map(|l| {
                            let full = short_url(&origin, &l.slug);
                            let workspace = workspace.clone();
                            view! { <LinkItem link=l full=full workspace=workspace can_edit=can_edit links=links copied=copied error=error/> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn LinkItem(
    link: ShortLink,
    full: String,
    workspace: String,
    can_edit: bool,
    links: Links,
    copied: RwSignal<Option<String>>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let t = LinksTexts::now();
    let slug = link.slug.clone();
    let copy_failed = RwSignal::new(false);
    let on_copy = {
        let (full, slug) = (full.clone(), slug.clone());
        move |_| {
            let (full, slug) = (full.clone(), slug.clone());
            leptos::task::spawn_local(async move {
                if copy_text(&full).await {
                    copy_failed.set(false);
                    copied.set(Some(slug));
                } else {
                    copy_failed.set(true);
                }
            });
        }
    };
    let on_delete = {
        let (slug, id, workspace) = (slug.clone(), link.id.clone(), workspace.clone());
        move |_| {
            if !confirm(&fill(t.delete_confirm, &[("slug", &slug)])) {
                return;
            }
            let (id, workspace) = (id.clone(), workspace.clone());
            leptos::task::spawn_local(async move {
                match delete_short_link(workspace, id.clone()).await {
                    Ok(()) => {
                        error.set(None);
                        links.update(|l| {
                            if let Some(Ok(list)) = l {
                                list.retain(|x| x.id != id);
                            }
                        });
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let is_copied = {
        let slug = slug.clone();
        move || copied.get().as_deref() == Some(slug.as_str())
    };
    let clicks = match link.clicks {
        1 => t.clicks_one.to_string(),
        n => fill(t.clicks_many, &[("n", &crate::i18n::numbers::integer(n as i64))]),
    };
    view! {
        <li class="sl-item">
            <div class="sl-main">
                <a class="sl-short" href=full.clone() target="_blank" rel="noopener">{full.clone()}</a>
                <p class="muted small sl-dest">
                    <span class="sr-only">{t.leads_to}</span>
                    {link.url.clone()}
                </p>
                <p class="small">
                    <strong>{clicks}</strong>
                    {fill(t.created_at, &[("time", &format_time(link.created_at))])}
                </p>
            </div>
            <div class="row">
                <button type="button" class="button secondary compact" aria-label=fill(t.copy_label, &[("slug", &slug)]) on:click=on_copy>
                    {let c = is_copied.clone(); move || if c() { t.copied } else { t.copy }}
                </button>
                {can_edit.then(|| view! {
                    <button type="button" class="button compact danger" aria-label=fill(t.delete_label, &[("slug", &slug)]) on:click=on_delete>
                        {t.delete}
                    </button>
                })}
                <span role="status" class="small muted">
                    {move || if is_copied() { t.copied_note } else if copy_failed.get() { t.copy_failed } else { "" }}
                </span>
            </div>
            <LinkStats workspace=workspace id=link.id.clone() slug=link.slug.clone()/>
        </li>
    }
}

/// "Statistics for <slug>": loaded the first time it is opened.
#[component]
fn LinkStats(workspace: String, id: String, slug: String) -> impl IntoView {
    let t = LinksTexts::now();
    let stats: RwSignal<Option<Result<ShortLinkStats, AppError>>> = RwSignal::new(None);
    let requested = RwSignal::new(false);
    let load = move |_| {
        if requested.get_untracked() {
            return;
        }
        requested.set(true);
        let (workspace, id) = (workspace.clone(), id.clone());
        leptos::task::spawn_local(async move {
            stats.set(Some(short_link_stats(workspace, id, STATS_DAYS).await));
        });
    };
    view! {
        <details class="sl-stats">
            <summary on:click=load>{fill(t.stats_for, &[("slug", &slug)])}</summary>
            {move || match stats.get() {
                None => view! { <Loading label=t.stats_loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(s)) => view! { <StatsChart stats=s/> }.into_any(),
            }}
        </details>
    }
}

/// A bar per day, with the same numbers as text for screen readers and in a summary line.
#[component]
fn StatsChart(stats: ShortLinkStats) -> impl IntoView {
    let t = LinksTexts::now();
    let max = stats.days.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let busiest = stats.days.iter().filter(|(_, n)| *n > 0).max_by_key(|(_, n)| *n).map(|(d, n)| (d.clone(), *n));
    let days = stats.days.len();
    let summary = match (&busiest, stats.total) {
        (_, 0) | (None, _) => fill(t.stats_none, &[("days", &days)]),
        (Some((day, n)), 1) => fill(t.stats_one, &[("days", &days), ("day", day), ("n", n)]),
        (Some((day, n)), total) => fill(t.stats_many, &[("total", &total), ("days", &days), ("day", day), ("n", n)]),
    };
    let first = stats.days.first().map(|(d, _)| d.clone()).unwrap_or_default();
    let last = stats.days.last().map(|(d, _)| d.clone()).unwrap_or_default();
    let with_clicks: Vec<(String, u64)> = stats.days.iter().filter(|(_, n)| *n > 0).cloned().collect();
    view! {
        <p class="small">{summary.clone()}</p>
        <div class="sl-chart" aria-hidden="true">
            {stats.days.iter().map(|(day, n)| {
                let pct = (*n * 100).checked_div(max).map_or(0, |p| p.max(if *n > 0 { 4 } else { 0 }));
                view! { <span class="sl-bar" style=format!("height: {pct}%") title=fill(t.stats_day, &[("day", day), ("n", n)])></span> }
            }).collect_view()}
        </div>
        <p class="sl-axis small muted" aria-hidden="true"><span>{first}</span><span>{last}</span></p>
        {(!with_clicks.is_empty()).then(|| view! {
            <ul class="sr-only">
                {with_clicks.into_iter().map(|(d, n)| view! { <li>{fill(t.stats_day, &[("day", &d), ("n", &n)])}</li> }).collect_view()}
            </ul>
        })}
    }
}

crate::lazy_page!(LinksRoute, links_page, LinksPage);
