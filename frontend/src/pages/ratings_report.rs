//! Reports → Ratings: how visitors rated their closed conversations over the
//! page's range of days — how many, the average, how many of each score on a
//! chart — with the latest ratings and their comments, and CSV export.

use super::reports::Filters;
use crate::api::Authed;
use crate::chart::{Bar, stacked_bars};
use crate::format;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;

/// Five stars, `score` of them full.
fn stars(score: u8) -> String {
    (1..=5).map(|i| if i <= score { '★' } else { '☆' }).collect()
}

/// The ratings section of the reports page, for its filters.
#[component]
pub fn RatingsSection(filters: Filters) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let report = LocalResource::new(move || {
        let query = filters.query();
        async move { api.ratings_report(&query).await.map_err(|f| error.set(Some(f.message))).ok() }
    });
    let export = move |_| filters.export(api, "/api/v1/reports/ratings.csv", "ratings", error);
    view! {
        <section class="settings-section" id="report-ratings">
            <div class="section-head">
                <h2>{t!(i18n, reports.ratings)}</h2>
                <button id="ratings-csv" class="secondary" on:click=export>{t!(i18n, reports.export_csv)}</button>
            </div>
            <p class="muted">{t!(i18n, reports.ratings_help)}</p>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || report.get().flatten().map(|r| {
                let bars: Vec<Bar> = r.distribution.iter().zip(1u8..)
                    .map(|(n, score)| Bar { label: format!("{score} ★"), values: [*n as u32, 0] })
                    .collect();
                view! {
                    <div class="tiles">
                        <div class="tile"><span class="tile-figure" id="ratings-count">{r.count}</span><span class="muted">{t!(i18n, reports.ratings_count)}</span></div>
                        <div class="tile"><span class="tile-figure" id="ratings-average">{r.average.map(|a| format!("{a:.1}")).unwrap_or_else(|| "—".into())}</span><span class="muted">{t!(i18n, reports.ratings_average)}</span></div>
                    </div>
                    <div class="chart" id="ratings-chart" role="img" aria-label=move || t_string!(i18n, reports.ratings_chart_label)
                        inner_html=stacked_bars(&bars, 900, 220).unwrap_or_default()></div>
                    <table class="table" id="ratings-table">
                        <thead><tr><th>{t!(i18n, reports.rated_at)}</th><th>{t!(i18n, reports.score)}</th><th>{t!(i18n, reports.comment)}</th><th>{t!(i18n, reports.assigned)}</th></tr></thead>
                        <tbody>
                            {r.latest.into_iter().map(|e| view! {
                                <tr data-conversation=e.conversation_id.to_string()>
                                    <td><a href=format!("/conversations/{}", e.conversation_id)>{format::full(e.rated_at)}</a></td>
                                    <td class="stars" title=format!("{}/5", e.score)>{stars(e.score)}</td>
                                    <td>{e.comment.unwrap_or_default()}</td>
                                    <td>{e.assignee_id.and_then(|a| store.agent_name(a)).unwrap_or_else(|| t_string!(i18n, list.nobody).to_owned())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </section>
    }
}
