//! Appointment windows: when a family may confirm, cancel, pre-check-in and
//! join a video visit (DESIGN.md, capability 6; issue 6).
//!
//! Each window is a pure function of the visit's start (and end), "now" and
//! the practice's time zone, all passed in. Rules, from the published
//! practices of hospital portals and the practice's own settings
//! ([`WindowSettings`]):
//!
//! - **confirm**: from [`WindowSettings::confirm_days`] calendar days before
//!   the start (30 by default) until the visit starts;
//! - **cancel**: until [`WindowSettings::cancel_cutoff`] before the start (24
//!   hours by default, cutoff included); after it the family calls the office;
//! - **pre-check-in**: from [`WindowSettings::check_in_days`] calendar days
//!   before the start (30) until the visit starts;
//! - **video**: from [`WindowSettings::video_opens_before`] before the start
//!   (15 minutes) until the scheduled end, both included.
//!
//! "Days before" are calendar days in the practice's time zone, at the same
//! wall-clock time: across a daylight-saving change 30 days before 10:00 is
//! 10:00, not 09:00 or 11:00. Durations (the cancel cutoff, the video opening)
//! are elapsed time: 24 hours before 10:00 on the day clocks spring forward is
//! 09:00 the day before.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// The practice's window settings (the `[appointments]` configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSettings {
    /// Calendar days before the start from which a visit may be confirmed.
    pub confirm_days: i32,
    /// How long before the start cancelling online ends.
    pub cancel_cutoff: SignedDuration,
    /// Calendar days before the start from which pre-check-in is open.
    pub check_in_days: i32,
    /// How long before the start the video link opens.
    pub video_opens_before: SignedDuration,
}

impl Default for WindowSettings {
    fn default() -> Self {
        Self {
            confirm_days: 30,
            cancel_cutoff: SignedDuration::from_hours(24),
            check_in_days: 30,
            video_opens_before: SignedDuration::from_mins(15),
        }
    }
}

/// Where "now" falls in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Not open yet; opens at this instant.
    NotYet {
        /// When it opens.
        opens: Timestamp,
    },
    /// Open now, until this instant (included for cancel and video, excluded
    /// for confirm and pre-check-in, which close when the visit starts).
    Open {
        /// When it closes.
        closes: Timestamp,
    },
    /// Closed for good (cancel: call the office instead).
    Closed,
}

impl Window {
    /// Whether the window is open.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open { .. })
    }
}

/// `start` minus `days` calendar days in `tz`, at the same wall-clock time
/// (the nearest instant when that time does not exist that day).
fn days_before(start: Timestamp, days: i32, tz: &TimeZone) -> Timestamp {
    start
        .to_zoned(tz.clone())
        .checked_sub(i64::from(days).days())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MIN)
}

/// Open from `opens` (included) until `closes` (excluded).
fn half_open(opens: Timestamp, closes: Timestamp, now: Timestamp) -> Window {
    if now < opens {
        Window::NotYet { opens }
    } else if now < closes {
        Window::Open { closes }
    } else {
        Window::Closed
    }
}

/// Open from `opens` until `closes`, both included.
fn closed_range(opens: Timestamp, closes: Timestamp, now: Timestamp) -> Window {
    if now < opens {
        Window::NotYet { opens }
    } else if now <= closes {
        Window::Open { closes }
    } else {
        Window::Closed
    }
}

/// Confirming: from `confirm_days` calendar days before `start` (in `tz`)
/// until `start`.
pub fn confirm(start: Timestamp, now: Timestamp, tz: &TimeZone, s: &WindowSettings) -> Window {
    half_open(days_before(start, s.confirm_days, tz), start, now)
}

/// Pre-check-in: from `check_in_days` calendar days before `start` (in `tz`)
/// until `start`.
pub fn check_in(start: Timestamp, now: Timestamp, tz: &TimeZone, s: &WindowSettings) -> Window {
    half_open(days_before(start, s.check_in_days, tz), start, now)
}

/// Cancelling online: open until `cancel_cutoff` before `start` (included),
/// then [`Window::Closed`] (call the office).
pub fn cancel(start: Timestamp, now: Timestamp, s: &WindowSettings) -> Window {
    let cutoff = start.checked_sub(s.cancel_cutoff).unwrap_or(Timestamp::MIN);
    if now <= cutoff {
        Window::Open { closes: cutoff }
    } else {
        Window::Closed
    }
}

/// The video link: active from `video_opens_before` before `start` until
/// `end`, both included.
pub fn video(start: Timestamp, end: Timestamp, now: Timestamp, s: &WindowSettings) -> Window {
    let opens = start
        .checked_sub(s.video_opens_before)
        .unwrap_or(Timestamp::MIN);
    closed_range(opens, end.max(start), now)
}

/// FHIR Appointment statuses of a visit still to come (`proposed`, `pending`,
/// `booked`, `waitlist`): the only ones a family may act on.
pub fn is_upcoming_status(status: &str) -> bool {
    matches!(status, "proposed" | "pending" | "booked" | "waitlist")
}

/// Reads a FHIR `instant`/`dateTime` with a time and an offset
/// (`2026-12-03T09:00:00-05:00`, `...Z`); `None` for a date alone or text
/// that is not one.
pub fn parse_instant(text: &str) -> Option<Timestamp> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn local(s: &str) -> Timestamp {
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", s)
            .unwrap()
            .to_zoned(ny())
            .unwrap()
            .timestamp()
    }

    const S: WindowSettings = WindowSettings {
        confirm_days: 30,
        cancel_cutoff: SignedDuration::from_hours(24),
        check_in_days: 30,
        video_opens_before: SignedDuration::from_mins(15),
    };

    #[test]
    fn confirm_from_thirty_days_before() {
        let start = at("2026-12-15T14:00:00Z"); // 09:00 in New York
        let tz = ny();
        let one_minute = SignedDuration::from_mins(1);
        let thirty_days = local("2026-11-15 09:00:00");
        assert_eq!(
            confirm(start, thirty_days - one_minute, &tz, &S),
            Window::NotYet { opens: thirty_days }
        );
        assert!(confirm(start, thirty_days, &tz, &S).is_open());
        assert!(confirm(start, start - SignedDuration::from_secs(1), &tz, &S).is_open());
        assert_eq!(confirm(start, start, &tz, &S), Window::Closed);
        assert!(!check_in(start, thirty_days - one_minute, &tz, &S).is_open());
        assert!(check_in(start, thirty_days, &tz, &S).is_open());
    }

    #[test]
    fn cancel_until_the_cutoff() {
        let start = at("2026-12-15T14:00:00Z");
        let cutoff = start - SignedDuration::from_hours(24);
        let one_minute = SignedDuration::from_mins(1);
        assert_eq!(
            cancel(start, cutoff - one_minute, &S),
            Window::Open { closes: cutoff }
        );
        assert!(cancel(start, cutoff, &S).is_open());
        assert_eq!(cancel(start, cutoff + one_minute, &S), Window::Closed);
        let other = WindowSettings {
            cancel_cutoff: SignedDuration::from_hours(48),
            ..S
        };
        assert_eq!(cancel(start, cutoff - one_minute, &other), Window::Closed);
    }

    #[test]
    fn video_from_fifteen_minutes_before_to_the_end() {
        let start = at("2026-12-15T14:00:00Z");
        let end = at("2026-12-15T14:20:00Z");
        let opens = start - SignedDuration::from_mins(15);
        let second = SignedDuration::from_secs(1);
        assert_eq!(
            video(start, end, opens - second, &S),
            Window::NotYet { opens }
        );
        assert!(video(start, end, opens, &S).is_open());
        assert!(video(start, end, end, &S).is_open());
        assert_eq!(video(start, end, end + second, &S), Window::Closed);
    }

    /// 8 March 2026: clocks in New York go from 02:00 EST to 03:00 EDT.
    #[test]
    fn a_visit_on_the_day_daylight_saving_time_starts() {
        let tz = ny();
        let start = local("2026-03-08 10:00:00"); // EDT, 14:00 UTC
        assert_eq!(start, at("2026-03-08T14:00:00Z"));
        let minute = SignedDuration::from_mins(1);
        // 30 calendar days before is 10:00 EST on 6 February (15:00 UTC):
        // 30 days minus one hour of elapsed time.
        let opens = local("2026-02-06 10:00:00");
        assert_eq!(opens, at("2026-02-06T15:00:00Z"));
        assert_eq!(
            start.duration_since(opens),
            SignedDuration::from_hours(30 * 24 - 1)
        );
        assert_eq!(
            confirm(start, opens - minute, &tz, &S),
            Window::NotYet { opens }
        );
        assert!(confirm(start, opens, &tz, &S).is_open());
        assert!(!check_in(start, opens - minute, &tz, &S).is_open());
        assert!(check_in(start, opens, &tz, &S).is_open());
        // The 24-hour cutoff is elapsed time: 09:00 EST the day before, not 10:00.
        let cutoff = local("2026-03-07 09:00:00");
        assert!(cancel(start, cutoff, &S).is_open());
        assert_eq!(cancel(start, cutoff + minute, &S), Window::Closed);
        assert_eq!(
            cancel(start, local("2026-03-07 09:30:00"), &S),
            Window::Closed
        );
        // Video: 09:45 EDT.
        let end = local("2026-03-08 10:30:00");
        let video_opens = local("2026-03-08 09:45:00");
        let second = SignedDuration::from_secs(1);
        assert!(!video(start, end, video_opens - second, &S).is_open());
        assert!(video(start, end, video_opens, &S).is_open());
        assert!(!video(start, end, end + second, &S).is_open());
    }

    /// 1 November 2026: clocks go back from 02:00 EDT to 01:00 EST.
    #[test]
    fn a_visit_on_the_day_daylight_saving_time_ends() {
        let tz = ny();
        let start = local("2026-11-01 09:00:00"); // EST, 14:00 UTC
        let minute = SignedDuration::from_mins(1);
        let opens = local("2026-10-02 09:00:00"); // EDT, 13:00 UTC
        assert_eq!(
            start.duration_since(opens),
            SignedDuration::from_hours(30 * 24 + 1)
        );
        assert!(!confirm(start, opens - minute, &tz, &S).is_open());
        assert!(confirm(start, opens, &tz, &S).is_open());
        // 24 hours before 09:00 EST is 10:00 EDT on 31 October.
        let cutoff = local("2026-10-31 10:00:00");
        assert!(cancel(start, cutoff - minute, &S).is_open());
        assert!(!cancel(start, cutoff + minute, &S).is_open());
    }

    #[test]
    fn statuses_and_instants() {
        assert!(is_upcoming_status("booked"));
        assert!(!is_upcoming_status("cancelled"));
        assert!(!is_upcoming_status("fulfilled"));
        assert_eq!(
            parse_instant("2026-12-03T09:00:00-05:00"),
            Some(at("2026-12-03T14:00:00Z"))
        );
        assert_eq!(parse_instant("2026-12-03"), None);
    }
}
