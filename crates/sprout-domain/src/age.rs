//! Age in completed years and the access policy's age bands.
//!
//! Source: ACCESS-POLICY.md, "Age". A patient born on 29 February has their
//! birthday on 1 March (default) or 28 February in a non-leap year, per the
//! practice's `leap_day_birthday` setting.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How a 29 February birthday falls in a non-leap year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeapDayBirthday {
    /// 1 March (the default in both presets).
    #[default]
    #[serde(rename = "march-1")]
    March1,
    /// 28 February.
    #[serde(rename = "february-28")]
    February28,
}

/// The birthday of someone born on `birth` in `year`.
pub fn birthday_in(birth: Date, year: i16, leap: LeapDayBirthday) -> Date {
    if birth.month() == 2 && birth.day() == 29 {
        match Date::new(year, 2, 29) {
            Ok(d) => d,
            Err(_) => match leap {
                LeapDayBirthday::March1 => Date::constant(year, 3, 1),
                LeapDayBirthday::February28 => Date::constant(year, 2, 28),
            },
        }
    } else {
        // Every other month/day exists in every year.
        Date::new(year, birth.month(), birth.day()).unwrap_or(birth)
    }
}

/// Age in completed years on `today` (0 for a `today` before the birth date).
pub fn age_in_years(birth: Date, today: Date, leap: LeapDayBirthday) -> i32 {
    if today < birth {
        return 0;
    }
    let years = i32::from(today.year()) - i32::from(birth.year());
    if today < birthday_in(birth, today.year(), leap) {
        years - 1
    } else {
        years
    }
}

/// The date on which someone born on `birth` reaches `years` completed years.
pub fn date_of_age(birth: Date, years: i32, leap: LeapDayBirthday) -> Date {
    let y = (i32::from(birth.year()) + years).clamp(-9999, 9999) as i16;
    birthday_in(birth, y, leap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn completed_years() {
        let b = date(2014, 11, 30);
        assert_eq!(
            age_in_years(b, date(2026, 11, 29), LeapDayBirthday::March1),
            11
        );
        assert_eq!(
            age_in_years(b, date(2026, 11, 30), LeapDayBirthday::March1),
            12
        );
    }

    #[test]
    fn leap_day_birthdays() {
        let b = date(2008, 2, 29);
        assert_eq!(
            age_in_years(b, date(2026, 2, 28), LeapDayBirthday::March1),
            17
        );
        assert_eq!(
            age_in_years(b, date(2026, 3, 1), LeapDayBirthday::March1),
            18
        );
        assert_eq!(
            age_in_years(b, date(2026, 2, 28), LeapDayBirthday::February28),
            18
        );
        assert_eq!(
            age_in_years(b, date(2028, 2, 29), LeapDayBirthday::March1),
            20
        );
    }
}
