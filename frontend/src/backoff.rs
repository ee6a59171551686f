//! How long a dropped socket waits before it tries again: exponential backoff
//! from half a second to 30 seconds, with jitter so that a restarted server is
//! not hit by every client at once.

const FIRST_MS: f64 = 500.0;
const MAX_MS: f64 = 30_000.0;

/// The wait before attempt `attempt` (1 for the first retry); `random` in 0..1
/// picks a point in the upper half of the window.
pub fn delay_ms(attempt: u32, random: f64) -> u64 {
    let ceiling = (FIRST_MS * 2f64.powi(attempt.clamp(1, 16) as i32 - 1)).min(MAX_MS);
    (ceiling * (0.5 + random.clamp(0.0, 1.0) * 0.5)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_a_ceiling_with_jitter() {
        assert_eq!((delay_ms(1, 0.0), delay_ms(1, 1.0)), (250, 500));
        assert_eq!((delay_ms(2, 0.0), delay_ms(2, 1.0)), (500, 1000));
        assert_eq!(delay_ms(7, 1.0), 30_000, "capped");
        assert_eq!(delay_ms(1000, 0.0), 15_000, "never longer, never shorter than half");
        assert!(delay_ms(3, 0.3) > delay_ms(3, 0.2), "jitter spreads clients");
    }
}
