//! The analytics panel of a bio page: a date range, totals, a per-day chart (with a table
//! for screen readers), top referrers, devices, countries and clicks per link.

use leptos::prelude::*;

use crate::bio::api::get_bio_stats;
use crate::bio::BioStats;
use crate::shell::{ErrorNote, Loading};

pub use crate::calendar::{day_string, parse_day, today_days};

// ---------------------------------------------------------------- the panel

const RANGES: &[(i64, &str)] = &[(7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days")];

fn percent(rate: f64) -> String {
    format!("{:.1} %", rate * 100.0)
}

#[component]
pub fn StatsPanel(workspace: String, page: String) -> impl IntoView {
    let range = RwSignal::new(7i64);
    let (ws, pg) = (StoredValue::new(workspace), StoredValue::new(page));
    let stats = LocalResource::new(move || {
        let days = range.get();
        let to = today_days();
        let (w, p) = (ws.get_value(), pg.get_value());
        async move { get_bio_stats(w, p, day_string(to - days + 1), day_string(to)).await }
    });
    view! {
        <section class="card bio-stats" aria-labelledby="bio-stats-title">
            <div class="bio-stats-head">
                <h2 id="bio-stats-title">"Analytics"</h2>
                <div class="bio-range" role="group" aria-label="Date range">
                    {RANGES.iter().map(|(days, label)| {
                        let days = *days;
                        view! {
                            <button type="button" class="button secondary small"
                                aria-pressed=move || if range.get() == days { "true" } else { "false" }
                                on:click=move |_| range.set(days)>
                                {*label}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <p class="muted small">"Counted without cookies. Days are in UTC."</p>
            <Transition fallback=|| view! { <Loading label="Loading analytics…"/> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(s) => view! { <StatsBody stats=s/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatsBody(stats: BioStats) -> impl IntoView {
    let totals = view! {
        <dl class="bio-totals">
            <div><dt>"Views"</dt><dd>{stats.views}</dd></div>
            <div><dt>"Unique visitors"</dt><dd>{stats.unique_visitors}</dd></div>
            <div><dt>"Clicks"</dt><dd>{stats.clicks}</dd></div>
            <div><dt>"Click-through rate"</dt><dd>{percent(stats.click_through_rate)}</dd></div>
        </dl>
    };
    if stats.views == 0 && stats.clicks == 0 {
        return view! {
            {totals}
            <div class="bio-empty" role="status">
                <p>"No visits yet. Share your page: put its address in your social profiles, or show its QR code."</p>
            </div>
        }
        .into_any();
    }
    let links: Vec<(String, u64)> = stats.links.iter().map(|(_, title, n)| (title.clone(), *n)).collect();
    view! {
        {totals}
        <DayChart stats=stats.clone()/>
        <div class="bio-lists">
            <TopList title="Top referrers" rows=stats.referrers.clone()/>
            <TopList title="Devices" rows=stats.devices.clone()/>
            <TopList title="Countries" rows=stats.countries.clone()/>
            <TopList title="Clicks per link" rows=links/>
        </div>
    }
    .into_any()
}

/// Bars of views per day (clicks as a darker inner bar), with the same numbers in a table
/// only screen readers see.
#[component]
fn DayChart(stats: BioStats) -> impl IntoView {
    let n = stats.days.len().max(1);
    let max = stats.days.iter().map(|d| d.views.max(d.clicks)).max().unwrap_or(0).max(1);
    let (w, h) = (n as f64 * 10.0, 100.0);
    let busiest = stats.days.iter().max_by_key(|d| d.views).map(|d| format!(" The busiest day was {} with {} views.", d.day, d.views)).unwrap_or_default();
    let summary = format!(
        "Views per day from {} to {}: {} views and {} clicks in total.{}",
        stats.days.first().map(|d| d.day.clone()).unwrap_or_default(),
        stats.days.last().map(|d| d.day.clone()).unwrap_or_default(),
        stats.views,
        stats.clicks,
        busiest
    );
    let bars = stats
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = i as f64 * 10.0 + 1.0;
            let vh = d.views as f64 / max as f64 * (h - 2.0);
            let ch = d.clicks as f64 / max as f64 * (h - 2.0);
            view! {
                <g>
                    <title>{format!("{}: {} views, {} clicks", d.day, d.views, d.clicks)}</title>
                    <rect class="bar-views" x=x y=h - vh width="8" height=vh></rect>
                    <rect class="bar-clicks" x=x + 2.0 y=h - ch width="4" height=ch></rect>
                </g>
            }
        })
        .collect_view();
    let rows = stats
        .days
        .iter()
        .map(|d| view! { <tr><th scope="row">{d.day.clone()}</th><td>{d.views}</td><td>{d.unique_visitors}</td><td>{d.clicks}</td></tr> })
        .collect_view();
    view! {
        <figure class="bio-chart">
            <svg viewBox=format!("0 0 {w} {h}") preserveAspectRatio="none" role="img" aria-label=summary>
                {bars}
            </svg>
            <figcaption class="muted small">
                <span class="legend legend-views" aria-hidden="true"></span>" Views "
                <span class="legend legend-clicks" aria-hidden="true"></span>" Clicks"
            </figcaption>
            <table class="sr-only">
                <caption>"Views, unique visitors and clicks per day"</caption>
                <thead><tr><th scope="col">"Day"</th><th scope="col">"Views"</th><th scope="col">"Unique visitors"</th><th scope="col">"Clicks"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

#[component]
fn TopList(title: &'static str, rows: Vec<(String, u64)>) -> impl IntoView {
    let total: u64 = rows.iter().map(|r| r.1).sum::<u64>().max(1);
    view! {
        <section class="bio-top">
            <h3>{title}</h3>
            {if rows.is_empty() {
                view! { <p class="muted small">"Nothing yet."</p> }.into_any()
            } else {
                view! {
                    <ol>
                        {rows.into_iter().take(10).map(|(label, n)| {
                            let pct = n as f64 / total as f64 * 100.0;
                            view! {
                                <li>
                                    <span class="bio-top-label">{label}</span>
                                    <span class="bio-top-count">{n}</span>
                                    <span class="bio-top-bar" aria-hidden="true" style=format!("width:{pct:.0}%")></span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(day_string(parse_day("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(parse_day("2024-03-01").unwrap() - parse_day("2024-02-28").unwrap(), 2);
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-01-32", "abcd-ef-gh", "+024-01-01", ""] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        for d in [-1000i64, 0, 19_000, 20_000, 2_000_000] {
            if let Some(back) = parse_day(&day_string(d)) {
                assert_eq!(back, d);
            }
        }
    }
}
