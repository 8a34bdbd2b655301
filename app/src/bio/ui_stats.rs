//! The analytics panel of a bio page: a date range, totals, a per-day chart (with a y axis,
//! dates, and a table for screen readers), top referrers, devices, countries and clicks per
//! link.

use leptos::prelude::*;

use crate::bio::api::get_bio_stats;
use crate::bio::texts::BioTexts;
use crate::bio::BioStats;
use crate::i18n::{fill, Lang};
use crate::shell::{ErrorNote, Loading};

pub use crate::calendar::{day_string, parse_day, today_days};

// ---------------------------------------------------------------- scales and labels

/// The ticks of a count axis from 0: a round step (1, 2 or 5 times a power of ten) chosen so
/// that at most `max_intervals` steps reach `max`; the last tick is the axis' top, at or
/// above `max`. A `max` of 0 gives the axis 0–1.
pub fn nice_ticks(max: u64, max_intervals: u64) -> Vec<u64> {
    let (max, max_intervals) = (max.max(1), max_intervals.max(1));
    let mut power = 1u64;
    loop {
        for m in [1u64, 2, 5] {
            let step = power.saturating_mul(m);
            let intervals = max.div_ceil(step);
            if intervals <= max_intervals {
                return (0..=intervals).map(|i| i.saturating_mul(step)).collect();
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Which of `n` days get a date under the chart: at most `max_labels`, evenly spaced and
/// counted back from the last day (today), so the most recent day is always named.
pub fn x_label_days(n: usize, max_labels: usize) -> Vec<usize> {
    if n == 0 {
        return vec![];
    }
    let step = if max_labels <= 1 { n } else { (n - 1).div_ceil(max_labels - 1).max(1) };
    let mut out: Vec<usize> = (0..n).rev().step_by(step).take(max_labels.max(1)).collect();
    out.reverse();
    out
}

/// `YYYY-MM-DD` as a short date in `lang`: "Jan 5" in English, "5 janv." in French.
pub fn short_date(day: &str, lang: Lang) -> String {
    let t = BioTexts::of(lang);
    let (Some(m), Some(d)) = (day.get(5..7).and_then(|m| m.parse::<usize>().ok()), day.get(8..10).and_then(|d| d.parse::<u32>().ok())) else {
        return day.to_string();
    };
    match t.months_short.split(',').nth(m.wrapping_sub(1)) {
        Some(month) => fill(t.date_short, &[("month", &month), ("day", &d)]),
        None => day.to_string(),
    }
}

/// `YYYY-MM-DD` as a long date in `lang`, for the table and the tooltips: "5 January 2026"
/// / "5 janvier 2026".
pub fn long_date(day: &str, lang: Lang) -> String {
    let t = BioTexts::of(lang);
    let (Some(y), Some(m), Some(d)) = (day.get(0..4), day.get(5..7).and_then(|m| m.parse::<usize>().ok()), day.get(8..10).and_then(|d| d.parse::<u32>().ok()))
    else {
        return day.to_string();
    };
    // French writes the first of the month "1er".
    let d = if lang == Lang::Fr && d == 1 { "1er".to_string() } else { d.to_string() };
    match t.months_long.split(',').nth(m.wrapping_sub(1)) {
        Some(month) => fill(t.date_long, &[("month", &month), ("day", &d), ("year", &y)]),
        None => day.to_string(),
    }
}

/// A rate as a percentage with one decimal, as `lang` writes it: "12.5%", "12,5 %".
pub fn percent(rate: f64, lang: Lang) -> String {
    let n = format!("{:.1}", rate * 100.0);
    match lang {
        Lang::En => format!("{n}%"),
        Lang::Fr => format!("{}\u{a0}%", n.replace('.', ",")),
    }
}

/// The words for the keys the server counts under ("mobile", "direct", "unknown"…).
fn key_label(key: &str) -> String {
    let t = BioTexts::now();
    match key {
        "mobile" => t.stats_mobile,
        "tablet" => t.stats_tablet,
        "desktop" => t.stats_desktop,
        "bot" => t.stats_bot,
        "direct" => t.stats_direct,
        "unknown" => t.stats_unknown,
        "other" => t.stats_other,
        other => return other.to_string(),
    }
    .to_string()
}

// ---------------------------------------------------------------- the panel

#[component]
pub fn StatsPanel(workspace: String, page: String) -> impl IntoView {
    let t = BioTexts::now();
    let ranges: [(i64, &'static str); 3] = [(7, t.stats_range_7), (30, t.stats_range_30), (90, t.stats_range_90)];
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
                <h2 id="bio-stats-title">{t.stats_title}</h2>
                <div class="bio-range" role="group" aria-label=t.stats_range>
                    {ranges.into_iter().map(|(days, label)| {
                        view! {
                            <button type="button" class="button secondary small"
                                aria-pressed=move || if range.get() == days { "true" } else { "false" }
                                on:click=move |_| range.set(days)>
                                {label}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <p class="muted small">{t.stats_note}</p>
            <Transition fallback=move || view! { <Loading label=t.stats_loading/> }>
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
    let t = BioTexts::now();
    let lang = crate::i18n::lang();
    let totals = view! {
        <dl class="bio-totals">
            <div><dt>{t.stats_views}</dt><dd>{stats.views}</dd></div>
            <div><dt>{t.stats_unique}</dt><dd>{stats.unique_visitors}</dd></div>
            <div><dt>{t.stats_clicks}</dt><dd>{stats.clicks}</dd></div>
            <div><dt>{t.stats_ctr}</dt><dd>{percent(stats.click_through_rate, lang)}</dd></div>
        </dl>
    };
    if stats.views == 0 && stats.clicks == 0 {
        return view! {
            {totals}
            <div class="bio-empty" role="status">
                <p>{t.stats_empty}</p>
            </div>
        }
        .into_any();
    }
    let labelled = |rows: &[(String, u64)]| rows.iter().map(|(k, n)| (key_label(k), *n)).collect::<Vec<_>>();
    let links: Vec<(String, u64)> = stats.links.iter().map(|(_, title, n)| (title.clone(), *n)).collect();
    view! {
        {totals}
        <DayChart stats=stats.clone()/>
        <div class="bio-lists">
            <TopList title=t.stats_referrers rows=labelled(&stats.referrers)/>
            <TopList title=t.stats_devices rows=labelled(&stats.devices)/>
            <TopList title=t.stats_countries rows=labelled(&stats.countries)/>
            <TopList title=t.stats_links rows=links/>
        </div>
    }
    .into_any()
}

/// Bars of views per day (clicks as a narrower darker bar inside), on a y axis with round
/// ticks and dates below, with the same numbers in a table only screen readers see.
#[component]
fn DayChart(stats: BioStats) -> impl IntoView {
    let t = BioTexts::now();
    let lang = crate::i18n::lang();
    let n = stats.days.len();
    let max = stats.days.iter().map(|d| d.views.max(d.clicks)).max().unwrap_or(0);
    let ticks = nice_ticks(max, 4);
    let top = ticks.last().copied().unwrap_or(1).max(1) as f64;
    let pct = |v: u64| v as f64 / top * 100.0;
    let labelled = x_label_days(n, 5);
    let busiest = stats
        .days
        .iter()
        .filter(|d| d.views > 0)
        .max_by_key(|d| d.views)
        .map(|d| fill(t.chart_busiest, &[("day", &long_date(&d.day, lang)), ("views", &d.views)]))
        .unwrap_or_default();
    let summary = fill(
        t.chart_summary,
        &[
            ("from", &stats.days.first().map(|d| long_date(&d.day, lang)).unwrap_or_default()),
            ("to", &stats.days.last().map(|d| long_date(&d.day, lang)).unwrap_or_default()),
            ("views", &stats.views),
            ("clicks", &stats.clicks),
            ("busiest", &busiest),
        ],
    );
    let y_width = ticks.iter().map(|v| v.to_string().len()).max().unwrap_or(1);
    let y_labels = ticks.iter().map(|v| view! { <span class="bio-chart-tick" style=format!("bottom:{:.2}%", pct(*v))>{*v}</span> }).collect_view();
    let grid = ticks.iter().skip(1).map(|v| view! { <span class="bio-chart-grid" style=format!("bottom:{:.2}%", pct(*v))></span> }).collect_view();
    let columns = stats
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let label = labelled.contains(&i).then(|| {
                let align = if i == 0 && n > 1 {
                    "start"
                } else if i + 1 == n && n > 1 {
                    "end"
                } else {
                    "middle"
                };
                view! { <span class=format!("bio-chart-date {align}")>{short_date(&d.day, lang)}</span> }
            });
            view! {
                <div class="bio-chart-col" title=fill(t.chart_day_title, &[("day", &long_date(&d.day, lang)), ("views", &d.views), ("clicks", &d.clicks)])>
                    <span class="bar-views" style=format!("height:{:.2}%", pct(d.views))></span>
                    <span class="bar-clicks" style=format!("height:{:.2}%", pct(d.clicks))></span>
                    {label}
                </div>
            }
        })
        .collect_view();
    let rows = stats
        .days
        .iter()
        .map(|d| view! { <tr><th scope="row">{long_date(&d.day, lang)}</th><td>{d.views}</td><td>{d.unique_visitors}</td><td>{d.clicks}</td></tr> })
        .collect_view();
    view! {
        <figure class="bio-chart">
            <div class="bio-chart-box" role="img" aria-label=summary>
                <div class="bio-chart-y" aria-hidden="true" style=format!("width:calc({y_width}ch + 0.4rem)")>{y_labels}</div>
                <div class="bio-chart-plot" aria-hidden="true">
                    {grid}
                    <div class="bio-chart-bars">{columns}</div>
                </div>
            </div>
            <figcaption class="muted small">
                <span class="legend legend-views" aria-hidden="true"></span>" "{t.stats_views}" "
                <span class="legend legend-clicks" aria-hidden="true"></span>" "{t.stats_clicks}
            </figcaption>
            // The table sits in a visually hidden box: a table is never narrower than its
            // content, so only a box around it can keep it from widening the page.
            <div class="sr-only">
                <table>
                    <caption>{t.chart_table_caption}</caption>
                    <thead><tr><th scope="col">{t.chart_day}</th><th scope="col">{t.stats_views}</th><th scope="col">{t.stats_unique}</th><th scope="col">{t.stats_clicks}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </figure>
    }
}

#[component]
fn TopList(title: &'static str, rows: Vec<(String, u64)>) -> impl IntoView {
    let t = BioTexts::now();
    let total: u64 = rows.iter().map(|r| r.1).sum::<u64>().max(1);
    view! {
        <section class="bio-top">
            <h3>{title}</h3>
            {if rows.is_empty() {
                view! { <p class="muted small">{t.stats_nothing}</p> }.into_any()
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

    #[test]
    fn ticks_are_round_and_cover_the_largest_value() {
        assert_eq!(nice_ticks(0, 4), vec![0, 1]);
        assert_eq!(nice_ticks(1, 4), vec![0, 1]);
        assert_eq!(nice_ticks(3, 4), vec![0, 1, 2, 3]);
        assert_eq!(nice_ticks(4, 4), vec![0, 1, 2, 3, 4]);
        assert_eq!(nice_ticks(5, 4), vec![0, 2, 4, 6]);
        assert_eq!(nice_ticks(7, 4), vec![0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(10, 4), vec![0, 5, 10]);
        assert_eq!(nice_ticks(13, 4), vec![0, 5, 10, 15]);
        assert_eq!(nice_ticks(38, 4), vec![0, 10, 20, 30, 40]);
        assert_eq!(nice_ticks(100, 4), vec![0, 50, 100]);
        assert_eq!(nice_ticks(12_345, 4), vec![0, 5_000, 10_000, 15_000]);
        assert_eq!(nice_ticks(u64::MAX, 4).last(), Some(&u64::MAX), "no overflow at the top");
        for max in (0..2_000u64).chain([u32::MAX as u64, u64::MAX / 3]) {
            let ticks = nice_ticks(max, 4);
            let step = ticks[1];
            assert!(ticks.len() >= 2 && ticks.len() <= 5, "{max}: {ticks:?}");
            assert!(*ticks.last().unwrap() >= max, "{max}: {ticks:?}");
            assert!(ticks.windows(2).all(|w| w[1] - w[0] == step), "{max}: even steps {ticks:?}");
            let mantissa = (0..20).map(|p| 10u64.saturating_pow(p)).any(|p| step.is_multiple_of(p) && [1, 2, 5].contains(&(step / p)));
            assert!(mantissa, "{max}: step {step} is 1, 2 or 5 times a power of ten");
        }
    }

    #[test]
    fn dates_under_the_chart_are_few_and_name_the_last_day() {
        assert_eq!(x_label_days(0, 5), Vec::<usize>::new());
        assert_eq!(x_label_days(1, 5), vec![0]);
        assert_eq!(x_label_days(2, 5), vec![0, 1]);
        assert_eq!(x_label_days(7, 5), vec![0, 2, 4, 6]);
        assert_eq!(x_label_days(30, 5), vec![5, 13, 21, 29]);
        assert_eq!(x_label_days(90, 5), vec![20, 43, 66, 89]);
        for n in 1..400 {
            let l = x_label_days(n, 5);
            assert!(!l.is_empty() && l.len() <= 5 && *l.last().unwrap() == n - 1, "{n}: {l:?}");
        }
    }

    #[test]
    fn dates_and_rates_are_written_as_each_language_does() {
        assert_eq!(short_date("2026-01-05", Lang::En), "Jan 5");
        assert_eq!(short_date("2026-01-05", Lang::Fr), "5 janv.");
        assert_eq!(short_date("2026-08-31", Lang::Fr), "31 août");
        assert_eq!(long_date("2026-12-25", Lang::En), "December 25, 2026");
        assert_eq!(long_date("2026-12-25", Lang::Fr), "25 décembre 2026");
        assert_eq!(long_date("2026-03-01", Lang::Fr), "1er mars 2026");
        assert_eq!(short_date("nonsense", Lang::En), "nonsense");
        assert_eq!(short_date("2026-13-01", Lang::En), "2026-13-01");
        for lang in Lang::ALL {
            let t = BioTexts::of(lang);
            assert_eq!(t.months_short.split(',').count(), 12);
            assert_eq!(t.months_long.split(',').count(), 12);
        }
        assert_eq!(percent(0.125, Lang::En), "12.5%");
        assert_eq!(percent(0.125, Lang::Fr), "12,5\u{a0}%");
    }
}
