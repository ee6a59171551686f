//! Reports → Conversations: those that started in the page's range — per day
//! (answered or not) and per hour of the day, how long visitors waited for a
//! first answer and how long until closed (median, 90th percentile, spread) —
//! and the replies each agent sent, each chart with its table, and CSV export.

use super::reports::Filters;
use crate::api::Authed;
use crate::chart::{Bar, stacked_bars};
use crate::format;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::api::{ConversationsReport, DURATION_BOUNDS, Durations};

/// The labels of the buckets of [`DURATION_BOUNDS`].
const BUCKET_LABELS: [&str; DURATION_BOUNDS.len() + 1] =
    ["< 1 min", "1–5 min", "5–15 min", "15–60 min", "1–4 h", "4–24 h", "≥ 24 h"];

fn bar(label: String, values: [u64; 2]) -> Bar {
    Bar { label, values: values.map(|v| u32::try_from(v).unwrap_or(u32::MAX)) }
}

fn figure(seconds: Option<u64>) -> String {
    seconds.map(format::duration).unwrap_or_else(|| "—".into())
}

/// One bar per day: answered, then not (yet) answered.
fn day_bars(r: &ConversationsReport) -> Vec<Bar> {
    r.days
        .iter()
        .map(|d| bar(d.day.format("%-d %b").to_string(), [d.answered, d.conversations.saturating_sub(d.answered)]))
        .collect()
}

fn hour_bars(r: &ConversationsReport) -> Vec<Bar> {
    r.hours.iter().enumerate().map(|(h, n)| bar(format!("{h}"), [*n, 0])).collect()
}

fn duration_bars(d: &Durations) -> Vec<Bar> {
    BUCKET_LABELS.iter().zip(&d.buckets).map(|(label, n)| bar((*label).to_owned(), [*n, 0])).collect()
}

/// A figure with what it counts.
fn tile(id: &'static str, figure: String, what: String) -> impl IntoView {
    view! { <div class="tile"><span class="tile-figure" id=id>{figure}</span><span class="muted">{what}</span></div> }
}

/// A titled chart (an SVG from plotters).
fn chart(id: &'static str, title: String, svg: Option<String>) -> impl IntoView {
    view! {
        <figure class="chart-box">
            <figcaption>{title.clone()}</figcaption>
            <div class="chart" id=id role="img" aria-label=title inner_html=svg.unwrap_or_default()></div>
        </figure>
    }
}

/// A table of text: its header and its rows.
fn table(id: &'static str, head: Vec<String>, rows: Vec<Vec<String>>) -> impl IntoView {
    let cells = |row: Vec<String>| row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view();
    view! {
        <table class="table" id=id>
            <thead><tr>{head.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr></thead>
            <tbody>{rows.into_iter().map(|row| view! { <tr>{cells(row)}</tr> }).collect_view()}</tbody>
        </table>
    }
}

/// The conversations section of the reports page, for its filters.
#[component]
pub fn ConversationsSection(filters: Filters) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let report = LocalResource::new(move || {
        let query = filters.query();
        async move { api.conversations_report(&query).await.map_err(|f| error.set(Some(f.message))).ok() }
    });
    let agent_name = move |id| store.agent_name(id).unwrap_or_else(|| t_string!(i18n, reports.former_agent).to_owned());
    view! {
        <section class="settings-section" id="report-conversations">
            <div class="section-head">
                <h2>{t!(i18n, reports.conversations)}</h2>
                <button id="conversations-csv" class="secondary" on:click=move |_| filters.export(api, "/api/v1/reports/conversations.csv", "conversations", error)>{t!(i18n, reports.export_csv)}</button>
            </div>
            <p class="muted">{t!(i18n, reports.conversations_help)}</p>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || report.get().flatten().map(|r| {
                let tr = |key: &str| match key {
                    "started" => t_string!(i18n, reports.started),
                    "answered" => t_string!(i18n, reports.answered_by_agent),
                    "first" => t_string!(i18n, reports.first_response),
                    "resolution" => t_string!(i18n, reports.resolution),
                    _ => t_string!(i18n, reports.conversations),
                }.to_owned();
                let day_rows = r.days.iter().rev()
                    .map(|d| vec![d.day.format("%Y-%m-%d").to_string(), d.conversations.to_string(), d.answered.to_string()])
                    .collect();
                let bucket_rows = BUCKET_LABELS.iter().zip(r.first_response.buckets.iter().zip(&r.resolution.buckets))
                    .map(|(label, (first, resolved))| vec![(*label).to_owned(), first.to_string(), resolved.to_string()])
                    .collect();
                let agent_rows = r.agents.iter()
                    .map(|a| vec![agent_name(a.agent_id), a.messages.to_string(), a.conversations.to_string()])
                    .collect();
                let agent_bars: Vec<Bar> = r.agents.iter().map(|a| bar(agent_name(a.agent_id), [a.messages, 0])).collect();
                view! {
                    <div class="tiles">
                        {tile("conv-count", r.conversations.to_string(), tr("started"))}
                        {tile("conv-answered", r.answered.to_string(), tr("answered"))}
                        {tile("first-response-median", figure(r.first_response.median_seconds), t_string!(i18n, reports.first_response_median).to_owned())}
                        {tile("first-response-p90", figure(r.first_response.p90_seconds), t_string!(i18n, reports.first_response_p90).to_owned())}
                        {tile("resolution-median", figure(r.resolution.median_seconds), t_string!(i18n, reports.resolution_median).to_owned())}
                        {tile("resolution-p90", figure(r.resolution.p90_seconds), t_string!(i18n, reports.resolution_p90).to_owned())}
                    </div>

                    {chart("conv-chart", t_string!(i18n, reports.per_day).to_owned(), stacked_bars(&day_bars(&r), 900, 260))}
                    <p class="legend muted small">
                        <span class="swatch answered"></span>{t!(i18n, reports.answered_by_agent)}
                        <span class="swatch unanswered"></span>{t!(i18n, reports.not_answered_yet)}
                    </p>
                    {table("conv-days-table", vec![t_string!(i18n, reports.day).to_owned(), tr("started"), tr("answered")], day_rows)}

                    {chart("conv-hours-chart", t_string!(i18n, reports.per_hour).to_owned(), stacked_bars(&hour_bars(&r), 900, 220))}
                    <div class="table-scroll compact">
                        {table("conv-hours-table", (0..24).map(|h| h.to_string()).collect(), vec![r.hours.iter().map(u64::to_string).collect()])}
                    </div>

                    <div class="chart-pair">
                        {chart("first-response-chart", tr("first"), stacked_bars(&duration_bars(&r.first_response), 440, 220))}
                        {chart("resolution-chart", tr("resolution"), stacked_bars(&duration_bars(&r.resolution), 440, 220))}
                    </div>
                    {table("durations-table", vec![t_string!(i18n, reports.took).to_owned(), tr("first"), tr("resolution")], bucket_rows)}

                    <div class="section-head">
                        <h3>{t!(i18n, reports.by_agent)}</h3>
                        <button id="agents-csv" class="secondary" on:click=move |_| filters.export(api, "/api/v1/reports/agents.csv", "replies-by-agent", error)>{t!(i18n, reports.export_csv)}</button>
                    </div>
                    <div class="chart" id="agents-chart" role="img" aria-label=move || t_string!(i18n, reports.by_agent)
                        inner_html=stacked_bars(&agent_bars, 900, 220).unwrap_or_default()></div>
                    {table("agents-table", vec![t_string!(i18n, reports.agent).to_owned(), t_string!(i18n, reports.replies).to_owned(), tr("")], agent_rows)}
                }
            })}
        </section>
    }
}
