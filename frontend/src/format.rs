//! Times and names as people read them.

use chrono::{DateTime, Local, Utc};
use shared::api::Conversation;

/// "14:05" today, "Mon 14:05" this week, "3 Nov" before.
pub fn when(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    let now = Local::now();
    let age = now.signed_duration_since(local);
    if local.date_naive() == now.date_naive() {
        local.format("%H:%M").to_string()
    } else if age.num_days() < 6 {
        local.format("%a %H:%M").to_string()
    } else {
        local.format("%-d %b").to_string()
    }
}

/// Date and time in full, for tooltips.
pub fn full(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The contact's name, else their email, else `fallback`.
pub fn contact_label(c: &Conversation, fallback: &str) -> String {
    c.contact_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| c.contact_email.clone())
        .unwrap_or_else(|| fallback.to_owned())
}

/// Initials for an avatar: "Ana López" → "AL".
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).flat_map(char::to_uppercase).collect()
}

/// A stable hue for a name, so each avatar keeps its colour.
pub fn hue(seed: &str) -> u32 {
    seed.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360
}

/// A duration as people read it: "45 s", "3.5 min", "2.0 h", "1.5 d".
pub fn duration(seconds: u64) -> String {
    let s = seconds as f64;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3_600 => format!("{:.1} min", s / 60.0),
        3_600..86_400 => format!("{:.1} h", s / 3_600.0),
        _ => format!("{:.1} d", s / 86_400.0),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_in_their_unit() {
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(59), "59 s");
        assert_eq!(duration(90), "1.5 min");
        assert_eq!(duration(7_200), "2.0 h");
        assert_eq!(duration(129_600), "1.5 d");
    }
}
