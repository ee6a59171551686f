//! Business hours evaluated: whether the team is open at an instant, and when
//! that next changes, in the team's time zone (daylight saving included).

use chrono::{DateTime, Datelike, Days, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use shared::api::{BusinessHours, Weekday, minutes_of};

/// The schedule, checked and ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    zone: Tz,
    /// (day, open minute, close minute), close after open.
    intervals: Vec<(Weekday, u32, u32)>,
}

/// Why a schedule is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Not an IANA time zone.
    TimeZone,
    /// A time that is not `HH:MM`, or a close not after its open.
    Interval(usize),
}

impl Schedule {
    /// The schedule of `hours`, or `None` when business hours are off.
    pub fn of(hours: &BusinessHours) -> Result<Option<Self>, Invalid> {
        let zone: Tz = hours.time_zone.parse().map_err(|_| Invalid::TimeZone)?;
        let mut intervals = Vec::with_capacity(hours.intervals.len());
        for (i, interval) in hours.intervals.iter().enumerate() {
            let (Some(open), Some(close)) = (minutes_of(&interval.open), minutes_of(&interval.close)) else {
                return Err(Invalid::Interval(i));
            };
            if close <= open {
                return Err(Invalid::Interval(i));
            }
            intervals.push((interval.day, open, close));
        }
        Ok(hours.enabled.then_some(Self { zone, intervals }))
    }

    /// Whether the team is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.zone);
        let day = weekday(local.weekday());
        let minute = local.hour() * 60 + local.minute();
        self.intervals.iter().any(|&(d, open, close)| d == day && open <= minute && minute < close)
    }

    /// The next instant after `at` when an interval opens or closes (within
    /// eight days; `None` if the schedule has no intervals).
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = at.with_timezone(&self.zone).date_naive();
        (0..=8u64)
            .filter_map(|n| today.checked_add_days(Days::new(n)))
            .flat_map(|date| {
                let day = weekday(date.weekday());
                self.intervals
                    .iter()
                    .filter(move |(d, _, _)| *d == day)
                    .flat_map(move |&(_, open, close)| [open, close])
                    .filter_map(move |minute| {
                        let local = match minute {
                            1440 => date.checked_add_days(Days::new(1))?.and_time(NaiveTime::MIN),
                            m => date.and_time(NaiveTime::from_hms_opt(m / 60, m % 60, 0)?),
                        };
                        // A time skipped by a clock change happens at the change.
                        let instant = self.zone.from_local_datetime(&local).earliest().or_else(|| {
                            self.zone.from_local_datetime(&(local + chrono::Duration::hours(1))).earliest()
                        })?;
                        Some(instant.with_timezone(&Utc))
                    })
            })
            .filter(|instant| *instant > at)
            .min()
    }
}

fn weekday(day: chrono::Weekday) -> Weekday {
    match day {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::OpeningInterval;

    fn weekdays(zone: &str, open: &str, close: &str) -> Schedule {
        let intervals = Weekday::ALL[..5]
            .iter()
            .map(|&day| OpeningInterval { day, open: open.into(), close: close.into() })
            .collect();
        Schedule::of(&BusinessHours { enabled: true, time_zone: zone.into(), intervals }).unwrap().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn open_from_the_opening_minute_and_closed_from_the_closing_one() {
        // Madrid in winter is UTC+1: 09:00–17:00 there is 08:00–16:00 UTC.
        let madrid = weekdays("Europe/Madrid", "09:00", "17:00");
        assert!(!madrid.is_open(utc("2026-12-07T07:59:59Z")));
        assert!(madrid.is_open(utc("2026-12-07T08:00:00Z")));
        assert!(madrid.is_open(utc("2026-12-07T15:59:59Z")));
        assert!(!madrid.is_open(utc("2026-12-07T16:00:00Z")));
        // In summer (UTC+2) the same hours are 07:00–15:00 UTC.
        assert!(madrid.is_open(utc("2026-07-06T07:00:00Z")));
        assert!(!madrid.is_open(utc("2026-07-06T15:00:00Z")));
        // Saturday is closed all day.
        assert!(!madrid.is_open(utc("2026-12-12T10:00:00Z")));
    }

    #[test]
    fn the_day_is_the_teams_day_not_utcs() {
        // 23:30 UTC on Sunday is already Monday 08:30 in Tokyo (no DST), and
        // Friday 18:30 in New York (UTC-5 in winter) is still Friday there.
        let tokyo = weekdays("Asia/Tokyo", "08:00", "18:00");
        assert!(tokyo.is_open(utc("2026-12-06T23:30:00Z")));
        assert!(!tokyo.is_open(utc("2026-12-11T09:00:00Z")), "Friday 18:00 in Tokyo");
        let new_york = weekdays("America/New_York", "09:00", "24:00");
        assert!(new_york.is_open(utc("2026-12-12T04:59:00Z")), "Friday 23:59 in New York");
        assert!(!new_york.is_open(utc("2026-12-12T05:00:00Z")), "Saturday 00:00 in New York");
        // Half-hour offsets: Kolkata is UTC+5:30.
        let kolkata = weekdays("Asia/Kolkata", "09:00", "17:00");
        assert!(!kolkata.is_open(utc("2026-12-07T03:29:00Z")));
        assert!(kolkata.is_open(utc("2026-12-07T03:30:00Z")));
    }

    #[test]
    fn the_next_change_is_the_next_opening_or_closing() {
        let madrid = weekdays("Europe/Madrid", "09:00", "17:00");
        assert_eq!(madrid.next_change(utc("2026-12-07T07:00:00Z")), Some(utc("2026-12-07T08:00:00Z")));
        assert_eq!(madrid.next_change(utc("2026-12-07T08:00:00Z")), Some(utc("2026-12-07T16:00:00Z")));
        // Friday after closing: Monday's opening.
        assert_eq!(madrid.next_change(utc("2026-12-11T16:00:00Z")), Some(utc("2026-12-14T08:00:00Z")));
        // Across the spring clock change (29 March 2026, 02:00 → 03:00 in Madrid):
        // Monday 30 March opens at 07:00 UTC, not 08:00.
        assert_eq!(madrid.next_change(utc("2026-03-27T16:00:00Z")), Some(utc("2026-03-30T07:00:00Z")));
        // Open until midnight: the change is at the next day's start.
        let late = weekdays("UTC", "20:00", "24:00");
        assert_eq!(late.next_change(utc("2026-12-07T21:00:00Z")), Some(utc("2026-12-08T00:00:00Z")));
        let none = Schedule::of(&BusinessHours { enabled: true, time_zone: "UTC".into(), intervals: vec![] });
        let none = none.unwrap().unwrap();
        assert!(!none.is_open(utc("2026-12-07T12:00:00Z")));
        assert_eq!(none.next_change(utc("2026-12-07T12:00:00Z")), None);
    }

    #[test]
    fn bad_schedules_are_refused_and_off_means_none() {
        let hours = |zone: &str, open: &str, close: &str, enabled: bool| BusinessHours {
            enabled,
            time_zone: zone.into(),
            intervals: vec![OpeningInterval { day: Weekday::Monday, open: open.into(), close: close.into() }],
        };
        assert_eq!(Schedule::of(&hours("Mars/Olympus", "09:00", "17:00", true)), Err(Invalid::TimeZone));
        assert_eq!(Schedule::of(&hours("UTC", "17:00", "09:00", true)), Err(Invalid::Interval(0)));
        assert_eq!(Schedule::of(&hours("UTC", "09:00", "09:00", true)), Err(Invalid::Interval(0)));
        assert_eq!(Schedule::of(&hours("UTC", "9am", "17:00", true)), Err(Invalid::Interval(0)));
        assert_eq!(Schedule::of(&hours("UTC", "09:00", "17:00", false)), Ok(None));
    }
}
