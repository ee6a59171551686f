//! Settings → Business hours (admins): when the team answers, in its time
//! zone. Outside them the widget shows its offline mode, whoever is online.
//! Each day holds any number of opening intervals; a day without is closed.

use crate::api::Authed;
use crate::components::save_status::SaveStatus;
use crate::i18n::*;
use leptos::prelude::*;
use shared::api::{BusinessHours, OpeningInterval, Weekday};

/// One interval being edited (times as `<input type=time>` has them).
#[derive(Clone, Copy)]
struct Span {
    key: usize,
    day: Weekday,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

/// The browser's time zone, to start from.
fn browser_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into()).ok()?.as_string()
}

fn day_name(i18n: leptos_i18n::I18nContext<Locale>, day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => t_string!(i18n, hours.monday),
        Weekday::Tuesday => t_string!(i18n, hours.tuesday),
        Weekday::Wednesday => t_string!(i18n, hours.wednesday),
        Weekday::Thursday => t_string!(i18n, hours.thursday),
        Weekday::Friday => t_string!(i18n, hours.friday),
        Weekday::Saturday => t_string!(i18n, hours.saturday),
        Weekday::Sunday => t_string!(i18n, hours.sunday),
    }
}

fn day_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// The business hours section of the settings page.
#[component]
pub fn HoursSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let enabled = RwSignal::new(false);
    let zone = RwSignal::new(String::new());
    let spans = RwSignal::new(Vec::<Span>::new());
    let next_key = StoredValue::new(0usize);
    let status = RwSignal::new(None::<Result<(), String>>);
    let add = move |day: Weekday, from: &str, to: &str| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        // `<input type=time>` has no 24:00: the end of the day shows as 00:00.
        let to = if to == "24:00" { "00:00" } else { to };
        spans.update(|s| {
            s.push(Span { key, day, from: RwSignal::new(from.to_owned()), to: RwSignal::new(to.to_owned()) })
        });
    };
    leptos::task::spawn_local(async move {
        if let Ok(hours) = api.business_hours().await {
            enabled.set(hours.enabled);
            // Never set: start from the browser's time zone.
            let zone_now = match (hours.enabled, browser_zone()) {
                (false, Some(mine)) if hours.time_zone == "UTC" => mine,
                _ => hours.time_zone,
            };
            zone.set(zone_now);
            for interval in hours.intervals {
                add(interval.day, &interval.open, &interval.close);
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let intervals = spans
            .get_untracked()
            .iter()
            .map(|s| {
                let to = s.to.get_untracked();
                OpeningInterval {
                    day: s.day,
                    open: s.from.get_untracked(),
                    close: if to == "00:00" { "24:00".to_owned() } else { to },
                }
            })
            .collect();
        let hours = BusinessHours { enabled: enabled.get_untracked(), time_zone: zone.get_untracked(), intervals };
        leptos::task::spawn_local(async move {
            status.set(Some(api.set_business_hours(&hours).await.map(drop).map_err(|f| f.message)));
        });
    };
    let days = Weekday::ALL.into_iter().map(move |day| {
        let of_day = move || spans.get().into_iter().filter(|s| s.day == day).collect::<Vec<_>>();
        view! {
            <div class="group-row hours-day" data-day=day_key(day)>
                <strong class="day-name">{move || day_name(i18n, day)}</strong>
                <div class="spans">
                    <Show when=move || of_day().is_empty()>
                        <span class="muted closed">{t!(i18n, hours.closed)}</span>
                    </Show>
                    <For each=of_day key=|s| s.key let:span>
                        <span class="span">
                            <input type="time" class="from" required bind:value=span.from
                                aria-label=move || t_string!(i18n, hours.opens)/>
                            "–"
                            <input type="time" class="to" required bind:value=span.to
                                aria-label=move || t_string!(i18n, hours.closes)/>
                            <button type="button" class="link danger remove-span"
                                on:click=move |_| spans.update(|s| s.retain(|x| x.key != span.key))>{t!(i18n, common.remove)}</button>
                        </span>
                    </For>
                </div>
                <button type="button" class="link add-span" on:click=move |_| add(day, "09:00", "17:00")>{t!(i18n, hours.add)}</button>
            </div>
        }
    }).collect_view();
    view! {
        <section class="settings-section" id="settings-hours">
            <h2>{t!(i18n, hours.title)}</h2>
            <form on:submit=save>
                <label class="check"><input type="checkbox" id="hours-enabled" bind:checked=enabled/>{t!(i18n, hours.enabled)}</label>
                <p class="muted">{t!(i18n, hours.help)}</p>
                <label class="field"><span>{t!(i18n, hours.time_zone)}</span>
                    <input type="text" id="hours-zone" required placeholder="Europe/Madrid" bind:value=zone/>
                </label>
                {days}
                <div class="inline-form">
                    <button type="submit" class="primary" id="hours-save">{t!(i18n, common.save)}</button>
                </div>
            </form>
            <SaveStatus id="hours-status" status=status/>
        </section>
    }
}
