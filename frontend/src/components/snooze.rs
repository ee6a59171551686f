//! The snooze menu of the message window: presets, a time of the agent's
//! choosing, and waking a snoozed conversation now. The server wakes it at its
//! time; the browser only asks.

use crate::api::{Authed, Failure};
use crate::i18n::*;
use crate::store::Store;
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use leptos::prelude::*;
use shared::ConversationId;
use shared::api::{Conversation, SnoozeRequest};

/// 9:00 on `day`, local time.
fn morning_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    Local.from_local_datetime(&day.and_hms_opt(9, 0, 0)?).earliest().map(|t| t.with_timezone(&Utc))
}

fn tomorrow_morning() -> Option<DateTime<Utc>> {
    morning_of(Local::now().date_naive() + Duration::days(1))
}

fn next_monday_morning() -> Option<DateTime<Utc>> {
    let today = Local::now().date_naive();
    let ahead = 7 - i64::from(today.weekday().num_days_from_monday());
    morning_of(today + Duration::days(ahead))
}

/// A `datetime-local` input's value, as local time.
fn picked(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").ok()?;
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

/// The menu; closes after a pick.
#[component]
pub fn SnoozeMenu(id: ConversationId, on_close: Callback<()>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let custom = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let snoozed = move || store.conversations.with(|m| m.get(&id).is_some_and(|c| c.snoozed_until.is_some()));
    let done = move |result: Result<Conversation, Failure>| match result {
        Ok(c) => {
            store.conversations.update(|m| drop(m.insert(c.id, c)));
            on_close.run(());
        }
        Err(f) => error.set(Some(f.message)),
    };
    let until = move |at: Option<DateTime<Utc>>| {
        let Some(until) = at else {
            error.set(Some(t_string!(i18n, snooze.pick_a_time).to_owned()));
            return;
        };
        leptos::task::spawn_local(async move { done(api.snooze(id, &SnoozeRequest { until }).await) });
    };
    let wake = move |_| leptos::task::spawn_local(async move { done(api.unsnooze(id).await) });
    view! {
        <div class="menu" role="menu" id="snooze-menu" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <Show when=snoozed>
                <button role="menuitem" class="menu-item" id="snooze-wake" on:click=wake>{t!(i18n, snooze.wake)}</button>
            </Show>
            <button role="menuitem" class="menu-item" id="snooze-hour" on:click=move |_| until(Some(Utc::now() + Duration::hours(1)))>{t!(i18n, snooze.hour)}</button>
            <button role="menuitem" class="menu-item" id="snooze-tomorrow" on:click=move |_| until(tomorrow_morning())>{t!(i18n, snooze.tomorrow)}</button>
            <button role="menuitem" class="menu-item" id="snooze-week" on:click=move |_| until(next_monday_morning())>{t!(i18n, snooze.next_week)}</button>
            <form class="menu-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                until(picked(&custom.get_untracked()));
            }>
                <input id="snooze-custom" type="datetime-local" required bind:value=custom
                    aria-label=move || t_string!(i18n, snooze.custom)/>
                <button type="submit" class="primary small">{t!(i18n, snooze.snooze)}</button>
            </form>
            <Show when=move || error.with(Option::is_some)>
                <p class="error small" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}
