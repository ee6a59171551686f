//! Reports (admins), over a range of days and filtered by agent, group and
//! label: the conversations (`conversations_report`); the missed ones — how
//! many turned red, how many were answered afterwards and how fast, per day on
//! a chart — with each one listed and the whole exported as CSV; and the
//! ratings (`ratings_report`).

use crate::api::Authed;
use crate::chart::{Bar, stacked_bars};
use crate::format;
use crate::i18n::*;
use crate::store::Store;
use chrono::{DateTime, Duration, Local, NaiveDate, TimeZone, Utc};
use leptos::prelude::*;
use shared::api::MissedEpisode;
use wasm_bindgen::JsCast;

/// Most rows the page reads for its figures.
const MAX_ROWS: usize = 2_000;

/// Local midnight of `day`, in UTC.
fn midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    Local.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.with_timezone(&Utc))
}

/// The page's filters, shared by its sections.
#[derive(Clone, Copy)]
pub struct Filters {
    /// First and last local day, `YYYY-MM-DD`.
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
    /// An agent, group or label id, or empty for all.
    pub agent: RwSignal<String>,
    pub group: RwSignal<String>,
    pub label: RwSignal<String>,
}

impl Filters {
    /// The reports' query for the filters (tracked): the range, the ids chosen
    /// and the browser's time zone.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = range_query(&self.from.get(), &self.to.get());
        for (key, id) in [("agent_id", self.agent), ("group_id", self.group), ("label_id", self.label)] {
            let id = id.get();
            if !id.is_empty() {
                query.push((key, id));
            }
        }
        query.extend(time_zone().map(|tz| ("tz", tz)));
        query
    }

    /// Downloads the CSV report at `path` for the filters as
    /// `<what>-<from>-<to>.csv`; a failure shows in `error`.
    pub fn export(&self, api: Authed, path: &'static str, what: &str, error: RwSignal<Option<String>>) {
        let query = untrack(|| self.query());
        let name = format!("{what}-{}-{}.csv", self.from.get_untracked(), self.to.get_untracked());
        leptos::task::spawn_local(async move {
            match api.csv(path, &query).await {
                Ok(csv) => drop(download(&csv, &name)),
                Err(f) => error.set(Some(f.message)),
            }
        });
    }
}

/// A filter's list: `all` (no filter) first, then each `(id, name)` of `options`.
fn filter_select(
    id: &'static str,
    value: RwSignal<String>,
    all: impl IntoView + 'static,
    options: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <select id=id bind:value=value>
            <option value="">{all}</option>
            {move || options().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
        </select>
    }
}

/// The browser's IANA time zone, which the report counts days and hours in.
fn time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into()).ok()?.as_string()
}

/// `from` and `to` (the day after the last one) for a range of local days.
fn range_query(from: &str, to: &str) -> Vec<(&'static str, String)> {
    let parse = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let mut query = Vec::new();
    if let Some(start) = parse(from).and_then(midnight) {
        query.push(("from", start.to_rfc3339()));
    }
    if let Some(end) = parse(to).and_then(|d| d.succ_opt()).and_then(midnight) {
        query.push(("to", end.to_rfc3339()));
    }
    query
}

/// Missed, answered later, never answered, and the median minutes to an answer.
fn figures(rows: &[MissedEpisode]) -> (usize, usize, usize, Option<f64>) {
    let mut waits: Vec<f64> =
        rows.iter().filter_map(|e| e.answered_at.map(|a| (a - e.missed_at).num_seconds() as f64 / 60.0)).collect();
    waits.sort_by(|a, b| a.total_cmp(b));
    let median = (!waits.is_empty()).then(|| {
        let mid = waits.len() / 2;
        if waits.len().is_multiple_of(2) { (waits[mid - 1] + waits[mid]) / 2.0 } else { waits[mid] }
    });
    (rows.len(), waits.len(), rows.len() - waits.len(), median)
}

/// One bar per local day from `from` to `to`: answered later, then not answered.
fn per_day(rows: &[MissedEpisode], from: &str, to: &str) -> Vec<Bar> {
    let parse = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let (Some(first), Some(last)) = (parse(from), parse(to)) else { return Vec::new() };
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).take(92).collect();
    days.iter()
        .map(|day| {
            let on_day = rows.iter().filter(|e| e.missed_at.with_timezone(&Local).date_naive() == *day);
            let (answered, not): (Vec<_>, Vec<_>) = on_day.partition(|e| e.answered_at.is_some());
            Bar { label: day.format("%-d %b").to_string(), values: [answered.len() as u32, not.len() as u32] }
        })
        .collect()
}

/// Hands `csv` to the browser as a file download.
pub(crate) fn download(csv: &str, name: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&csv.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let link = document().create_element("a").ok()?;
    link.set_attribute("href", &url).ok()?;
    link.set_attribute("download", name).ok()?;
    link.dyn_ref::<web_sys::HtmlElement>()?.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

/// The reports page.
#[component]
pub fn Reports() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let today = Local::now().date_naive();
    let filters = Filters {
        from: RwSignal::new((today - Duration::days(6)).format("%Y-%m-%d").to_string()),
        to: RwSignal::new(today.format("%Y-%m-%d").to_string()),
        agent: RwSignal::new(String::new()),
        group: RwSignal::new(String::new()),
        label: RwSignal::new(String::new()),
    };
    let Filters { from, to, agent, group, label } = filters;
    let error = RwSignal::new(None::<String>);
    let rows = LocalResource::new(move || {
        let query = filters.query();
        async move {
            let mut all = Vec::new();
            let mut cursor = None;
            loop {
                let mut page_query = query.clone();
                page_query.push(("limit", "200".into()));
                page_query.extend(cursor.take().map(|c| ("cursor", c)));
                match api.missed_history(&page_query).await {
                    Ok(page) => {
                        all.extend(page.items);
                        match page.next_cursor {
                            Some(next) if all.len() < MAX_ROWS => cursor = Some(next),
                            _ => break,
                        }
                    }
                    Err(f) => {
                        error.set(Some(f.message));
                        break;
                    }
                }
            }
            all
        }
    });
    let export = move |_| filters.export(api, "/api/v1/reports/missed.csv", "missed", error);
    let who = move |e: &MissedEpisode| {
        e.assignee_id
            .and_then(|a| store.agent_name(a))
            .or_else(|| e.group_id.and_then(|g| store.group_name(g)))
            .unwrap_or_else(|| t_string!(i18n, list.nobody).to_owned())
    };
    view! {
        <div class="page reports">
            <header class="page-head">
                <h1>{t!(i18n, reports.title)}</h1>
                <label class="field-inline">{t!(i18n, reports.from)}<input id="report-from" type="date" bind:value=from/></label>
                <label class="field-inline">{t!(i18n, reports.to)}<input id="report-to" type="date" bind:value=to/></label>
                <label class="field-inline">{t!(i18n, reports.agent)}
                    {filter_select("report-agent", agent, t!(i18n, reports.everyone),
                        move || store.agents.get().into_iter().map(|a| (a.id.to_string(), a.name)).collect())}
                </label>
                <label class="field-inline">{t!(i18n, reports.group)}
                    {filter_select("report-group", group, t!(i18n, reports.all_groups),
                        move || store.groups.get().into_iter().map(|g| (g.id.to_string(), g.name)).collect())}
                </label>
                <label class="field-inline">{t!(i18n, reports.label)}
                    {filter_select("report-label", label, t!(i18n, reports.any_label),
                        move || store.labels.get().into_iter().map(|l| (l.id.to_string(), l.name)).collect())}
                </label>
            </header>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <super::conversations_report::ConversationsSection filters=filters/>
            <section class="settings-section" id="report-missed">
                <div class="section-head">
                    <h2>{t!(i18n, reports.missed)}</h2>
                    <button id="report-csv" class="secondary" on:click=export>{t!(i18n, reports.export_csv)}</button>
                </div>
                <p class="muted">{t!(i18n, reports.missed_help)}</p>
                {move || rows.get().map(|rows| {
                    let (missed, answered, never, median) = figures(&rows);
                    view! {
                        <div class="tiles">
                            <div class="tile"><span class="tile-figure" id="report-missed-count">{missed}</span><span class="muted">{t!(i18n, reports.missed_count)}</span></div>
                            <div class="tile"><span class="tile-figure" id="report-answered-count">{answered}</span><span class="muted">{t!(i18n, reports.answered_later)}</span></div>
                            <div class="tile"><span class="tile-figure" id="report-never-count">{never}</span><span class="muted">{t!(i18n, reports.never_answered)}</span></div>
                            <div class="tile"><span class="tile-figure" id="report-median">{median.map(|m| format!("{m:.1}")).unwrap_or_else(|| "—".into())}</span><span class="muted">{t!(i18n, reports.median_minutes)}</span></div>
                        </div>
                        <div class="chart" id="report-chart" role="img" aria-label=move || t_string!(i18n, reports.chart_label)
                            inner_html=stacked_bars(&per_day(&rows, &from.get_untracked(), &to.get_untracked()), 900, 260).unwrap_or_default()></div>
                        <p class="legend muted small">
                            <span class="swatch answered"></span>{t!(i18n, reports.answered_later)}
                            <span class="swatch unanswered"></span>{t!(i18n, reports.never_answered)}
                        </p>
                        <table class="table" id="report-missed-table">
                            <thead><tr><th>{t!(i18n, reports.missed_at)}</th><th>{t!(i18n, reports.waited)}</th><th>{t!(i18n, reports.assigned)}</th><th>{t!(i18n, reports.answered)}</th></tr></thead>
                            <tbody>
                                {rows.iter().map(|e| {
                                    let waited = (e.missed_at - e.waiting_since).num_seconds() as f64 / 60.0;
                                    let answered = match e.answered_at {
                                        Some(at) => format!("{} (+{:.1} min)", format::full(at), (at - e.missed_at).num_seconds() as f64 / 60.0),
                                        None => t_string!(i18n, reports.not_answered).to_owned(),
                                    };
                                    view! {
                                        <tr data-conversation=e.conversation_id.to_string() class:unanswered=e.answered_at.is_none()>
                                            <td><a href=format!("/conversations/{}", e.conversation_id)>{format::full(e.missed_at)}</a></td>
                                            <td>{format!("{waited:.1} min")}</td>
                                            <td>{who(e)}</td>
                                            <td>{answered}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            </section>
            <super::ratings_report::RatingsSection filters=filters/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(missed_min: i64, answered_min: Option<i64>) -> MissedEpisode {
        let base = Utc.timestamp_opt(1_800_000_000, 0).single().unwrap_or_default();
        MissedEpisode {
            conversation_id: shared::ConversationId(uuid::Uuid::nil()),
            waiting_since: base,
            missed_at: base + Duration::minutes(missed_min),
            assignee_id: None,
            group_id: None,
            answered_at: answered_min.map(|m| base + Duration::minutes(missed_min + m)),
        }
    }

    #[test]
    fn figures_count_the_answered_and_take_the_median_wait() {
        let rows = [episode(1, Some(2)), episode(1, None), episode(1, Some(10)), episode(1, Some(4))];
        assert_eq!(figures(&rows), (4, 3, 1, Some(4.0)));
        assert_eq!(figures(&rows[..1]), (1, 1, 0, Some(2.0)));
        assert_eq!(figures(&[]), (0, 0, 0, None));
    }
}
