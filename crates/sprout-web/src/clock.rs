//! The clock, injected. Handlers never read the system time themselves: they ask
//! the [`Clock`] in the application state, so tests and the demo (`--today`) can
//! run the whole portal at any date (DESIGN.md, house style 1).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::sync::Mutex;

/// Where "now" and "today" come from.
pub trait Clock: Send + Sync {
    /// Today's calendar date in the practice's time zone (ACCESS-POLICY.md,
    /// "Terms": every rule takes this date).
    fn today(&self) -> Date;
    /// The current instant (session expiry, audit times).
    fn now(&self) -> Timestamp;
}

/// The real clock: system time, with "today" taken in the practice's time zone.
#[derive(Debug, Clone)]
pub struct SystemClock {
    time_zone: TimeZone,
}

impl SystemClock {
    /// A system clock whose "today" is the date in `time_zone` (usually
    /// [`crate::WebConfig::time_zone`]).
    pub fn new(time_zone: TimeZone) -> Self {
        Self { time_zone }
    }
}

impl Clock for SystemClock {
    fn today(&self) -> Date {
        Timestamp::now().to_zoned(self.time_zone.clone()).date()
    }

    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock for tests and the demo: "today" is fixed (and can be moved), and
/// "now" is either the real time shifted by an offset (the default, so sessions
/// behave as usual) or fixed.
#[derive(Debug)]
pub struct FixedClock {
    state: Mutex<FixedState>,
}

#[derive(Debug, Clone, Copy)]
struct FixedState {
    today: Date,
    now: Option<Timestamp>,
    offset: SignedDuration,
}

impl FixedClock {
    /// A clock whose today is `today` and whose now follows the system time.
    pub fn new(today: Date) -> Self {
        Self {
            state: Mutex::new(FixedState {
                today,
                now: None,
                offset: SignedDuration::ZERO,
            }),
        }
    }

    /// A clock fixed at `today` and `now`.
    pub fn fixed(today: Date, now: Timestamp) -> Self {
        Self {
            state: Mutex::new(FixedState {
                today,
                now: Some(now),
                offset: SignedDuration::ZERO,
            }),
        }
    }

    /// Moves "today" (for example past a relationship's expiry date).
    pub fn set_today(&self, today: Date) {
        self.lock().today = today;
    }

    /// Moves "now" forward (or back) by `by` (for example past a session's expiry).
    pub fn advance(&self, by: SignedDuration) {
        let mut s = self.lock();
        match s.now {
            Some(now) => s.now = Some(now.saturating_add(by).unwrap_or(now)),
            None => s.offset = s.offset.saturating_add(by),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FixedState> {
        // A poisoned lock only means another thread panicked mid-update of two
        // plain values; the values are still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for FixedClock {
    fn today(&self) -> Date {
        self.lock().today
    }

    fn now(&self) -> Timestamp {
        let s = *self.lock();
        match s.now {
            Some(now) => now,
            None => {
                let real = Timestamp::now();
                real.saturating_add(s.offset).unwrap_or(real)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let now: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let c = FixedClock::fixed(date(2026, 3, 1), now);
        assert_eq!(c.today(), date(2026, 3, 1));
        c.advance(SignedDuration::from_hours(13));
        assert_eq!(
            c.now(),
            "2026-03-02T01:00:00Z".parse::<Timestamp>().unwrap()
        );
        c.set_today(date(2026, 3, 2));
        assert_eq!(c.today(), date(2026, 3, 2));
    }

    #[test]
    fn floating_fixed_clock_follows_real_time_with_offset() {
        let c = FixedClock::new(date(2020, 1, 1));
        c.advance(SignedDuration::from_hours(24));
        let diff = c.now().duration_since(Timestamp::now());
        assert!(diff > SignedDuration::from_hours(23));
    }

    #[test]
    fn system_clock_today_is_in_its_zone() {
        let c = SystemClock::new(TimeZone::UTC);
        assert_eq!(c.today(), Timestamp::now().to_zoned(TimeZone::UTC).date());
    }
}
