//! The conversations report: how many conversations started, when, how fast
//! they were first answered and resolved, and how many replies each agent sent.

use super::dto;
use crate::AgentId;
use chrono::NaiveDate;

/// Upper bounds, in seconds, of the buckets durations are counted in: under a
/// minute, 1–5 min, 5–15 min, 15–60 min, 1–4 h, 4–24 h, and a last bucket for
/// a day or more.
pub const DURATION_BOUNDS: [u64; 6] = [60, 300, 900, 3_600, 14_400, 86_400];

/// The longest range the conversations report covers, in days.
pub const MAX_REPORT_DAYS: i64 = 400;

dto! {
    /// One day of the range, in the report's time zone.
    pub struct DayCount {
        /// The day.
        pub day: NaiveDate,
        /// Conversations that started on it.
        pub conversations: u64,
        /// Of those, how many an agent has answered.
        pub answered: u64,
    }

    /// How a set of durations is spread.
    pub struct Durations {
        /// How many.
        pub count: u64,
        /// The median, in seconds (none without durations).
        pub median_seconds: Option<u64>,
        /// The 90th percentile, in seconds: nine in ten took at most this long.
        pub p90_seconds: Option<u64>,
        /// How many fall in each bucket of [`DURATION_BOUNDS`], and at or above its last bound.
        pub buckets: Vec<u64>,
    }

    /// What one agent sent in the range.
    pub struct AgentMessages {
        /// The agent.
        pub agent_id: AgentId,
        /// Replies to visitors.
        pub messages: u64,
        /// Conversations they replied in.
        pub conversations: u64,
    }

    /// `GET /reports/conversations`: the conversations that started in a range.
    pub struct ConversationsReport {
        /// The IANA time zone days and hours are counted in.
        pub time_zone: String,
        /// Conversations that started in the range.
        pub conversations: u64,
        /// Of those, how many an agent has answered.
        pub answered: u64,
        /// Every day of the range, oldest first.
        pub days: Vec<DayCount>,
        /// Conversations started at each hour of the day, 0 to 23.
        pub hours: Vec<u64>,
        /// From a visitor's first message to an agent's first reply.
        pub first_response: Durations,
        /// From the start to the close, for those of them now closed.
        pub resolution: Durations,
        /// Replies sent in the range, by agent, most first.
        pub agents: Vec<AgentMessages>,
    }
}

/// The nearest-rank `percent`th percentile of values given as `(value, how
/// many)` pairs sorted by value; none if there are none.
pub fn percentile(sorted: &[(u64, u64)], percent: u64) -> Option<u64> {
    let total: u64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = (total * percent).div_ceil(100).max(1);
    let mut seen = 0;
    sorted
        .iter()
        .find(|(_, n)| {
            seen += n;
            seen >= rank
        })
        .map(|(value, _)| *value)
}

/// The bucket of [`DURATION_BOUNDS`] that `seconds` falls in.
pub fn duration_bucket(seconds: u64) -> usize {
    DURATION_BOUNDS.iter().position(|bound| seconds < *bound).unwrap_or(DURATION_BOUNDS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        // 1, 2, 2, 3, 10, 10, 10, 10, 10, 40
        let values = [(1, 1), (2, 2), (3, 1), (10, 5), (40, 1)];
        assert_eq!(percentile(&values, 50), Some(10));
        assert_eq!(percentile(&values, 30), Some(2));
        assert_eq!(percentile(&values, 90), Some(10));
        assert_eq!(percentile(&values, 100), Some(40));
        assert_eq!(percentile(&[(7, 1)], 90), Some(7));
        assert_eq!(percentile(&[(5, 1), (9, 1)], 50), Some(5));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn durations_fall_in_their_buckets() {
        assert_eq!(duration_bucket(0), 0);
        assert_eq!(duration_bucket(59), 0);
        assert_eq!(duration_bucket(60), 1);
        assert_eq!(duration_bucket(3_599), 3);
        assert_eq!(duration_bucket(86_399), 5);
        assert_eq!(duration_bucket(86_400), 6);
        assert_eq!(duration_bucket(u64::MAX), 6);
    }
}
