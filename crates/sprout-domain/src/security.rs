//! Account-security rules: how long a session lives, who must have a second
//! factor, how recent a sign-in must be for a sensitive change, and which
//! staff may manage which accounts (issue a temporary password, deactivate,
//! reactivate, remove a second factor).
//!
//! Sources: NIST SP 800-63B (reauthentication: section 4.2.3 for AAL2, 30
//! minutes of inactivity and 12 hours overall; MFA for access to health
//! information), HIPAA Security Rule 45 CFR 164.312(a)(2)(iii) (automatic
//! logoff) and 164.312(d) (person or entity authentication), and the
//! practice's policy as written here (15 minutes idle for staff, whose
//! screens sit in shared rooms).

use crate::people::StaffRole;
use jiff::{SignedDuration, Timestamp};

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// A family session ends after this long without a request (30 minutes,
    /// NIST SP 800-63B AAL2).
    pub family_idle: SignedDuration,
    /// A staff session ends after this long without a request (15 minutes,
    /// practice policy).
    pub staff_idle: SignedDuration,
    /// Any session ends this long after sign-in, active or not (12 hours,
    /// NIST SP 800-63B AAL2).
    pub absolute: SignedDuration,
    /// A sensitive change (password, email, second factor, proxy grants)
    /// needs a password entered this recently (10 minutes).
    pub reauth: SignedDuration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            family_idle: SignedDuration::from_mins(30),
            staff_idle: SignedDuration::from_mins(15),
            absolute: SignedDuration::from_hours(12),
            reauth: SignedDuration::from_mins(10),
        }
    }
}

/// Why a session is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// No request for longer than the idle limit.
    Idle,
    /// Older than the absolute limit.
    Absolute,
}

impl SessionEnd {
    /// A code for the audit trail (`session-idle`, `session-expired`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Idle => "session-idle",
            Self::Absolute => "session-expired",
        }
    }
}

/// Whether a session created at `created_at`, last used at `last_seen_at`,
/// is still alive at `now`, for a staff member (`staff`) or a family member.
///
/// # Errors
/// Why it ended. A session is dead at the exact instant a limit is reached.
pub fn session_alive(
    limits: &SessionLimits,
    staff: bool,
    created_at: Timestamp,
    last_seen_at: Timestamp,
    now: Timestamp,
) -> Result<(), SessionEnd> {
    if now.duration_since(created_at) >= limits.absolute {
        return Err(SessionEnd::Absolute);
    }
    let idle = if staff {
        limits.staff_idle
    } else {
        limits.family_idle
    };
    if now.duration_since(last_seen_at.max(created_at)) >= idle {
        return Err(SessionEnd::Idle);
    }
    Ok(())
}

/// Whether a password entered at `authenticated_at` is recent enough at `now`
/// for a sensitive change.
pub fn recently_authenticated(
    limits: &SessionLimits,
    authenticated_at: Timestamp,
    now: Timestamp,
) -> bool {
    let age = now.duration_since(authenticated_at);
    age >= SignedDuration::ZERO && age < limits.reauth
}

/// Whether an account must have a second factor before it may see any
/// patient data: every staff account (HIPAA 164.312(d); issue 4, item 6).
/// Families may choose.
pub fn second_factor_required(staff_role: Option<StaffRole>) -> bool {
    staff_role.is_some()
}

/// Whether staff in role `actor` may manage the account of `target` (its
/// staff role, `None` for a family account): issue a temporary password,
/// deactivate, reactivate, remove its second factor.
///
/// Front desk and admins manage family accounts (DESIGN.md: the front desk
/// deactivates accounts); only admins manage staff accounts, so a front-desk
/// login cannot take over an admin's by issuing it a temporary password.
/// Nurses and clinicians manage no accounts.
pub fn may_manage_account(actor: StaffRole, target: Option<StaffRole>) -> bool {
    matches!(
        (actor, target),
        (StaffRole::Admin, _) | (StaffRole::FrontDesk, None)
    )
}

/// How long a temporary password (printed in a letter) may be used: 7 days.
pub const TEMPORARY_PASSWORD_LIFETIME: SignedDuration = SignedDuration::from_hours(7 * 24);
/// How long a password-reset link works: 1 hour.
pub const RESET_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn family_sessions_end_after_30_idle_minutes() {
        let l = SessionLimits::default();
        let start = t("2026-03-02T09:00:00Z");
        assert_eq!(
            session_alive(&l, false, start, start, t("2026-03-02T09:29:59Z")),
            Ok(())
        );
        assert_eq!(
            session_alive(&l, false, start, start, t("2026-03-02T09:30:00Z")),
            Err(SessionEnd::Idle)
        );
        // Activity keeps it alive.
        assert_eq!(
            session_alive(
                &l,
                false,
                start,
                t("2026-03-02T09:20:00Z"),
                t("2026-03-02T09:45:00Z")
            ),
            Ok(())
        );
    }

    #[test]
    fn staff_sessions_end_after_15_idle_minutes() {
        let l = SessionLimits::default();
        let start = t("2026-03-02T09:00:00Z");
        assert_eq!(
            session_alive(&l, true, start, start, t("2026-03-02T09:14:59Z")),
            Ok(())
        );
        assert_eq!(
            session_alive(&l, true, start, start, t("2026-03-02T09:15:00Z")),
            Err(SessionEnd::Idle)
        );
    }

    #[test]
    fn every_session_ends_12_hours_after_sign_in() {
        let l = SessionLimits::default();
        let start = t("2026-03-02T09:00:00Z");
        let busy = t("2026-03-02T20:59:00Z");
        assert_eq!(
            session_alive(&l, false, start, busy, t("2026-03-02T20:59:30Z")),
            Ok(())
        );
        assert_eq!(
            session_alive(&l, false, start, busy, t("2026-03-02T21:00:00Z")),
            Err(SessionEnd::Absolute)
        );
    }

    #[test]
    fn reauthentication_is_recent_for_ten_minutes() {
        let l = SessionLimits::default();
        let at = t("2026-03-02T09:00:00Z");
        assert!(recently_authenticated(&l, at, t("2026-03-02T09:09:59Z")));
        assert!(!recently_authenticated(&l, at, t("2026-03-02T09:10:00Z")));
        assert!(!recently_authenticated(&l, at, t("2026-03-02T08:59:00Z")));
    }

    #[test]
    fn only_admins_manage_staff_accounts() {
        use StaffRole::*;
        assert!(may_manage_account(Admin, Some(Nurse)));
        assert!(may_manage_account(Admin, None));
        assert!(may_manage_account(FrontDesk, None));
        assert!(!may_manage_account(FrontDesk, Some(Admin)));
        assert!(!may_manage_account(FrontDesk, Some(FrontDesk)));
        assert!(!may_manage_account(Nurse, None));
        assert!(!may_manage_account(Clinician, None));
        assert!(second_factor_required(Some(Nurse)));
        assert!(!second_factor_required(None));
    }
}
