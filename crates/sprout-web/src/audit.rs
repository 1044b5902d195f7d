//! Audit events written by the web layer: sign-in, sign-out, failed sign-in,
//! every view (allowed or not) of a patient page with the items the access
//! policy withheld from it, and every change of who may act for a patient
//! (DESIGN.md, capability 9).
//!
//! An event that cannot be written fails the request: a page of health data is
//! never shown without its audit record.

use crate::context::Ctx;
use crate::error::WebResult;
use crate::AppState;
use jiff::Timestamp;
use sprout_domain::access::Actor;
use sprout_domain::people::ProxyRelationship;
use sprout_domain::{AccountId, PatientId};
use sprout_store::AuditEvent;

/// `success`, `denied`, `failure`: how the action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }
}

/// One event to write; the time, client address and request id come from the
/// request context.
pub(crate) struct Entry<'a> {
    pub account_id: Option<&'a AccountId>,
    pub actor_role: &'a str,
    pub patient_id: Option<&'a PatientId>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub outcome: Outcome,
    pub reason: Option<&'a str>,
    /// JSON details: items withheld with their reason and information-blocking
    /// exception, the change made to a relationship. Never health data.
    pub detail: Option<String>,
}

/// Appends `entry` to the audit trail.
pub(crate) async fn record(state: &AppState, ctx: &Ctx, entry: Entry<'_>) -> WebResult<()> {
    record_on_behalf(state, ctx, entry, None).await
}

/// Appends `entry` to the audit trail, done through the proxy relationship
/// `on_behalf_of` (its id), if any.
pub(crate) async fn record_on_behalf(
    state: &AppState,
    ctx: &Ctx,
    entry: Entry<'_>,
    on_behalf_of: Option<&str>,
) -> WebResult<()> {
    let event = AuditEvent {
        at: rfc3339(state.clock().now()),
        account_id: entry.account_id.cloned(),
        actor_role: entry.actor_role.to_owned(),
        on_behalf_of: on_behalf_of.map(str::to_owned),
        patient_id: entry.patient_id.cloned(),
        action: entry.action.to_owned(),
        object_type: entry.object_type.to_owned(),
        object_id: entry.object_id.map(str::to_owned),
        outcome: entry.outcome.code().to_owned(),
        reason: entry.reason.map(str::to_owned),
        client_addr: ctx.client_addr.clone(),
        request_id: Some(ctx.request_id.clone()),
        detail: entry.detail,
    };
    state.store().append_audit(&event).await?;
    Ok(())
}

/// The role an actor acts in: their staff role, `patient` for their own record,
/// the relationship's kind (`parent`, `legal-guardian`...) for a linked patient,
/// and otherwise `patient` for an own login without proxies or `parent`.
pub(crate) fn role_of(
    actor: &Actor,
    patient: Option<&PatientId>,
    relationships: &[ProxyRelationship],
) -> String {
    if let Some(role) = actor.staff_role {
        return role.code().to_owned();
    }
    if let Some(p) = patient {
        if actor.own_patient.as_ref() == Some(p) {
            return "patient".to_owned();
        }
        if let Some(r) = relationships.iter().find(|r| &r.patient_id == p) {
            return r.kind.code().to_owned();
        }
    }
    if actor.own_patient.is_some() && relationships.is_empty() {
        "patient".to_owned()
    } else {
        "parent".to_owned()
    }
}

/// UTC RFC 3339 with whole seconds (`2026-03-01T12:00:00Z`), the form the
/// stores compare as text.
pub(crate) fn rfc3339(ts: Timestamp) -> String {
    Timestamp::from_second(ts.as_second())
        .unwrap_or(ts)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_whole_seconds() {
        let ts: Timestamp = "2026-03-01T12:00:00.123456Z".parse().unwrap();
        assert_eq!(rfc3339(ts), "2026-03-01T12:00:00Z");
    }
}
