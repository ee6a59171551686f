//! Business hours: when the team answers. Outside them the widget shows its
//! offline mode (leave an email), whoever is online.

use super::{dto, string_enum};

string_enum! {
    /// A day of the week.
    pub enum Weekday {
        /// Monday.
        Monday,
        /// Tuesday.
        Tuesday,
        /// Wednesday.
        Wednesday,
        /// Thursday.
        Thursday,
        /// Friday.
        Friday,
        /// Saturday.
        Saturday,
        /// Sunday.
        Sunday,
    }
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
}

dto! {
    /// Open from `open` to `close` (local time in the team's time zone) on `day`.
    pub struct OpeningInterval {
        /// The day.
        pub day: Weekday,
        /// `HH:MM`, 24-hour.
        pub open: String,
        /// `HH:MM`, after `open`; `24:00` is the end of the day.
        pub close: String,
    }

    /// `GET` and `PUT /settings/business-hours` (admin to change).
    pub struct BusinessHours {
        /// Off: the team counts as open whenever an agent is online.
        pub enabled: bool,
        /// An IANA time zone, such as `Europe/Madrid`.
        pub time_zone: String,
        /// When the team is open, at most [`crate::limits::MAX_OPENING_INTERVALS`].
        pub intervals: Vec<OpeningInterval>,
    }
}

/// Minutes since midnight of `HH:MM` (`24:00` is 1440), if well formed.
pub fn minutes_of(time: &str) -> Option<u32> {
    let (h, m) = time.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::minutes_of;

    #[test]
    fn times_are_24_hour_hh_mm() {
        assert_eq!(minutes_of("00:00"), Some(0));
        assert_eq!(minutes_of("09:30"), Some(570));
        assert_eq!(minutes_of("23:59"), Some(1439));
        assert_eq!(minutes_of("24:00"), Some(1440));
        for bad in ["24:01", "9:30", "09:60", "0930", "ab:cd", "", "-1:00", "+9:00"] {
            assert_eq!(minutes_of(bad), None, "{bad}");
        }
    }
}
