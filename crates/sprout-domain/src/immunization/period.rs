//! CDSi time periods ("6 months - 4 days") and the date arithmetic of the CDSi
//! Logic Specification ("Calculating dates", CALCDT rules).

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Deserialize;

/// A CDSi time period, as compiled by `tools/gen_cdsi.py`: years folded into
/// months, weeks into days. `"6 months - 4 days"` is `{ months: 6, days: -4 }`,
/// `"10 months + 4 weeks"` is `{ months: 10, days: 28 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(from = "[i32; 2]")]
pub struct Period {
    /// Whole months (a year is 12).
    pub months: i32,
    /// Whole days (a week is 7); negative for the "- 4 days" grace period.
    pub days: i32,
}

impl From<[i32; 2]> for Period {
    fn from([months, days]: [i32; 2]) -> Self {
        Period { months, days }
    }
}

impl Period {
    /// Zero days.
    pub const ZERO: Period = Period { months: 0, days: 0 };

    /// A period of whole days.
    pub const fn days(days: i32) -> Period {
        Period { months: 0, days }
    }

    /// The date `self` after `date`, by the CDSi rules: years and months are
    /// added first, keeping the day of the month; a day that does not exist in
    /// the resulting month (31 April, 29 February of a common year) becomes the
    /// first day of the next month (CALCDT-4); days (and weeks) are added last,
    /// so `"6 months - 4 days"` is six calendar months less four days.
    ///
    /// Saturates at jiff's date range rather than failing.
    pub fn after(self, date: Date) -> Date {
        let month_index = i32::from(date.year()) * 12 + i32::from(date.month()) - 1 + self.months;
        let year = month_index.div_euclid(12).clamp(-9998, 9998) as i16;
        let month = (month_index.rem_euclid(12) + 1) as i8;
        let moved = match Date::new(year, month, date.day()) {
            Ok(d) => d,
            Err(_) => Date::new(year, month, 1)
                .map(|first| first.last_of_month())
                .and_then(|last| last.tomorrow())
                .unwrap_or(date),
        };
        moved.saturating_add(i64::from(self.days).days())
    }
}

/// The day before `date` (for "latest recommended age date minus 1 day").
pub(crate) fn day_before(date: Date) -> Date {
    date.yesterday().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn months_then_days() {
        let p = Period {
            months: 6,
            days: -4,
        };
        assert_eq!(p.after(date(2021, 3, 5)), date(2021, 9, 1));
        let p = Period {
            months: 10,
            days: 28,
        };
        assert_eq!(p.after(date(2021, 1, 15)), date(2021, 12, 13));
    }

    #[test]
    fn missing_day_moves_to_first_of_next_month() {
        let one_month = Period { months: 1, days: 0 };
        assert_eq!(one_month.after(date(2021, 1, 31)), date(2021, 3, 1));
        assert_eq!(one_month.after(date(2020, 1, 30)), date(2020, 3, 1));
        let one_year = Period {
            months: 12,
            days: 0,
        };
        assert_eq!(one_year.after(date(2020, 2, 29)), date(2021, 3, 1));
        assert_eq!(
            Period { months: 4, days: 0 }.after(date(2021, 12, 31)),
            date(2022, 5, 1)
        );
    }

    #[test]
    fn negative_months() {
        // "16 years - 4 months"
        let p = Period {
            months: 16 * 12 - 4,
            days: 0,
        };
        assert_eq!(p.after(date(2005, 6, 15)), date(2021, 2, 15));
    }
}
