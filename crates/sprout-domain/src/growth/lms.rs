//! The LMS method (Cole and Green, 1992): a z-score from a measurement and the
//! reference's Box-Cox power `L`, median `M` and coefficient of variation `S`, and
//! the standard normal distribution that turns a z-score into a percentile.

/// The L, M and S parameters of a reference at one age or length.
///
/// `M` is the median in the measurement's unit (kg, cm or kg/m²), `S` the
/// coefficient of variation (> 0), `L` the Box-Cox power (any sign, may be 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lms {
    /// Box-Cox power.
    pub l: f64,
    /// Median, in the measurement's unit.
    pub m: f64,
    /// Coefficient of variation.
    pub s: f64,
}

/// Below this |L| the limit formula `ln(x/M)/S` is used.
const L_ZERO: f64 = 1e-12;

impl Lms {
    /// The z-score of `x` (same unit as `M`; `x > 0`):
    /// `z = ((x/M)^L - 1) / (L*S)`, or `ln(x/M) / S` when `L = 0`.
    ///
    /// Computed as `expm1(L*ln(x/M)) / (L*S)`, which is the same formula without
    /// the loss of digits near `L = 0`. Returns NaN for `x <= 0`.
    pub fn z(&self, x: f64) -> f64 {
        let log_ratio = (x / self.m).ln();
        if self.l.abs() < L_ZERO {
            log_ratio / self.s
        } else {
            (self.l * log_ratio).exp_m1() / (self.l * self.s)
        }
    }

    /// The measurement whose z-score is `z` (the inverse of [`Lms::z`]):
    /// `M * (1 + L*S*z)^(1/L)`, or `M * exp(S*z)` when `L = 0`. NaN where the
    /// Box-Cox curve has no value (`1 + L*S*z <= 0`).
    ///
    /// Used for the percentile curves of a chart and the SD distances below.
    pub fn value_at(&self, z: f64) -> f64 {
        if self.l.abs() < L_ZERO {
            self.m * (self.s * z).exp()
        } else {
            let base = self.l * self.s * z;
            if base <= -1.0 {
                f64::NAN
            } else {
                self.m * (base.ln_1p() / self.l).exp()
            }
        }
    }

    /// WHO's restricted z-score for weight-based indicators: the LMS z-score,
    /// except beyond ±3 where the distance is measured in units of the distance
    /// between the ±2 SD and ±3 SD values, so the long right tail of the
    /// distribution does not compress extreme values:
    /// `z* = 3 + (x - SD3pos) / (SD3pos - SD2pos)` when `z > 3`, and
    /// `z* = -3 + (x - SD3neg) / (SD2neg - SD3neg)` when `z < -3`.
    ///
    /// Source: WHO Child Growth Standards, Methods and development (2006),
    /// chapter 7 ("restricted application of the LMS method"), as computed by
    /// WHO's igrowup macros (`calc.zwei`, `calc.zwfl`, `calc.zbmi`).
    pub fn z_who_restricted(&self, x: f64) -> f64 {
        let z = self.z(x);
        if z > 3.0 {
            let sd3 = self.value_at(3.0);
            let sd23 = sd3 - self.value_at(2.0);
            3.0 + (x - sd3) / sd23
        } else if z < -3.0 {
            let sd3 = self.value_at(-3.0);
            let sd23 = self.value_at(-2.0) - sd3;
            -3.0 + (x - sd3) / sd23
        } else {
            z
        }
    }

    /// CDC's modified z-score, used only to flag biologically implausible values:
    /// the distance from the median in units of half the distance between the
    /// median and the ±2 z-score value on the measurement's side.
    ///
    /// Source: CDC, "Modified z-scores in the CDC growth charts" (SAS program for
    /// the 2000 CDC growth charts).
    pub fn z_cdc_modified(&self, x: f64) -> f64 {
        if x < self.m {
            (x - self.m) / ((self.m - self.value_at(-2.0)) / 2.0)
        } else {
            (x - self.m) / ((self.value_at(2.0) - self.m) / 2.0)
        }
    }

    /// Linear interpolation between `self` (at `t = 0`) and `next` (at `t = 1`),
    /// parameter by parameter, as CDC and WHO interpolate their tables.
    pub(crate) fn lerp(&self, next: &Lms, t: f64) -> Lms {
        Lms {
            l: self.l + t * (next.l - self.l),
            m: self.m + t * (next.m - self.m),
            s: self.s + t * (next.s - self.s),
        }
    }
}

/// Numerator coefficients of Hart's approximation, highest power first.
const HART_NUM: [f64; 7] = [
    3.526_249_659_989_11e-2,
    0.700_383_064_443_688,
    6.373_962_203_531_65,
    33.912_866_078_383,
    112.079_291_497_871,
    221.213_596_169_931,
    220.206_867_912_376,
];

/// Denominator coefficients of Hart's approximation, highest power first.
const HART_DEN: [f64; 8] = [
    8.838_834_764_831_84e-2,
    1.755_667_163_182_64,
    16.064_177_579_207,
    86.780_732_202_946_1,
    296.564_248_779_674,
    637.333_633_378_831,
    793.826_512_519_948,
    440.413_735_824_752,
];

fn horner(coefficients: &[f64], x: f64) -> f64 {
    coefficients.iter().fold(0.0, |acc, &c| acc * x + c)
}

/// The standard normal cumulative distribution function Φ(z), so a percentile is
/// `100 * normal_cdf(z)`.
///
/// Hart's double-precision rational approximation (Hart et al., Computer
/// Approximations, 1968, algorithm 5666, as given by G. West, "Better
/// approximations to cumulative normal functions", 2005): absolute error below
/// 1e-15 everywhere; 0 below z = -37 and 1 above 37. NaN for NaN.
pub fn normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let x = z.abs();
    let tail = if x > 37.0 {
        0.0
    } else {
        let e = (-x * x / 2.0).exp();
        if x < 7.071_067_811_865_47 {
            let num = horner(&HART_NUM, x);
            let den = horner(&HART_DEN, x);
            e * num / den
        } else {
            let mut b = x + 0.65;
            b = x + 4.0 / b;
            b = x + 3.0 / b;
            b = x + 2.0 / b;
            b = x + 1.0 / b;
            e / b / 2.506_628_274_631
        }
    };
    if z > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Φ at these points, from `0.5 * erfc(-z / sqrt(2))` in double precision
    /// (Python's `math.erfc`).
    const PHI: &[(f64, f64)] = &[
        (-8.0, 6.220960574271819e-16),
        (-3.0, 0.0013498980316300957),
        (-2.0, 0.02275013194817922),
        (-1.0, 0.15865525393145707),
        (0.0, 0.5),
        (0.5, 0.6914624612740131),
        (1.0, 0.8413447460685429),
        (1.96, 0.9750021048517795),
        (2.0, 0.9772498680518208),
        (3.0, 0.9986501019683699),
        (5.0, 0.9999997133484281),
    ];

    #[test]
    fn normal_cdf_matches_erfc() {
        for &(z, p) in PHI {
            let got = normal_cdf(z);
            assert!((got - p).abs() < 1e-14, "Φ({z}) = {got}, expected {p}");
        }
        assert_eq!(normal_cdf(-40.0), 0.0);
        assert_eq!(normal_cdf(40.0), 1.0);
        assert!(normal_cdf(f64::NAN).is_nan());
    }

    #[test]
    fn normal_cdf_is_symmetric_and_increasing() {
        let mut last = 0.0;
        for i in -800..=800 {
            let z = f64::from(i) / 100.0;
            let p = normal_cdf(z);
            assert!(p >= last, "not increasing at {z}");
            assert!((p + normal_cdf(-z) - 1.0).abs() < 1e-15);
            last = p;
        }
    }

    #[test]
    fn l_zero_uses_the_log_formula() {
        let lms = Lms {
            l: 0.0,
            m: 10.0,
            s: 0.1,
        };
        let x = 12.0;
        assert!((lms.z(x) - (1.2f64).ln() / 0.1).abs() < 1e-12);
        assert!((lms.value_at(lms.z(x)) - x).abs() < 1e-12);
        // A tiny L gives (almost) the same answer as L = 0: no loss of digits.
        let near = Lms { l: 1e-9, ..lms };
        assert!((near.z(x) - lms.z(x)).abs() < 1e-8);
        let near = Lms { l: 1e-13, ..lms };
        assert!((near.z(x) - lms.z(x)).abs() < 1e-12);
    }

    #[test]
    fn box_cox_formula_and_inverse() {
        let lms = Lms {
            l: -0.3521,
            m: 7.4327,
            s: 0.08217,
        };
        let x = 8.1;
        let by_formula = ((x / lms.m).powf(lms.l) - 1.0) / (lms.l * lms.s);
        assert!((lms.z(x) - by_formula).abs() < 1e-12);
        for z in [-3.0, -1.5, 0.0, 0.7, 2.0, 3.0] {
            assert!((lms.z(lms.value_at(z)) - z).abs() < 1e-10);
        }
        assert_eq!(lms.z(lms.m), 0.0);
    }

    #[test]
    fn restricted_z_is_linear_beyond_three() {
        let lms = Lms {
            l: 0.3487,
            m: 3.3464,
            s: 0.14602,
        };
        // Inside ±3 it is the LMS z-score.
        assert!((lms.z_who_restricted(4.0) - lms.z(4.0)).abs() < 1e-15);
        // At the ±3 SD values it is exactly ±3, and one SD2-SD3 distance further
        // it is exactly ±4.
        let sd3 = lms.value_at(3.0);
        let sd2 = lms.value_at(2.0);
        assert!((lms.z_who_restricted(sd3 + (sd3 - sd2)) - 4.0).abs() < 1e-12);
        let sd3n = lms.value_at(-3.0);
        let sd2n = lms.value_at(-2.0);
        assert!((lms.z_who_restricted(sd3n - (sd2n - sd3n)) + 4.0).abs() < 1e-12);
    }

    #[test]
    fn modified_z_uses_half_the_two_sd_distance() {
        let lms = Lms {
            l: -1.0,
            m: 16.0,
            s: 0.1,
        };
        assert!((lms.z_cdc_modified(lms.value_at(2.0)) - 2.0).abs() < 1e-12);
        assert!((lms.z_cdc_modified(lms.value_at(-2.0)) + 2.0).abs() < 1e-12);
        assert_eq!(lms.z_cdc_modified(16.0), 0.0);
    }
}
