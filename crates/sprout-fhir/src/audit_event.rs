//! Sprout's audit events as FHIR R4 `AuditEvent` resources (issue 8, "FHIR
//! form"), following IHE Basic Audit Log Patterns (BALP) where R4 allows:
//!
//! - `type`: a RESTful operation (`rest`, subtype the interaction: `read`,
//!   `create`, `update`, `delete`) for views and changes of the record;
//!   DICOM `110106` Export for downloads; `110114` User Authentication with
//!   `110122` Login / `110123` Logout for sign-in and sign-out; `110136`
//!   Security Roles Changed for changes of who may act for a patient (a proxy
//!   relationship); `110100` Application Activity for the rest (notices).
//! - `action`: C, R, U, D or E (a download is an R, sign-in and jobs are E).
//! - `recorded`: the event's time (UTC); `outcome`: 0 (success), 4 (denied:
//!   a minor failure), 8 (failure: serious); `outcomeDesc`: the decision's
//!   reason code.
//! - `agent`: the user, requestor, with their role, their account id as
//!   `altId`, and the client address (`network`). A proxy acts as the
//!   RelatedPerson of their relationship (`who` = `RelatedPerson/{id}`, on
//!   whose behalf), the patient as `Patient/{id}`, staff and others by
//!   account identifier.
//! - `source`: Sprout, an application server.
//! - `entity`: the patient (role 1, Patient), the object touched (a system
//!   object named by its type, with its id and the event's `detail`: items
//!   withheld and why), and the request id (BALP `XrequestId`).
//!
//! The resource carries ids and codes only, like the event itself: never
//! health data.

use serde_json::{json, Map, Value};
use sprout_store::audit::AuditEntry;
use sprout_store::AuditEvent;

const DCM: &str = "http://dicom.nema.org/resources/ontology/DCM";
const EVENT_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-event-type";
const RESTFUL: &str = "http://hl7.org/fhir/restful-interaction";
const ENTITY_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
const OBJECT_ROLE: &str = "http://terminology.hl7.org/CodeSystem/object-role";
const SOURCE_TYPE: &str = "http://terminology.hl7.org/CodeSystem/security-source-type";
const BALP_ENTITY: &str = "http://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
const ACCOUNT_SYSTEM: &str = "urn:sprout:account";
const OBJECT_SYSTEM: &str = "urn:sprout:object";
const REQUEST_SYSTEM: &str = "urn:sprout:request";

/// Staff role codes (ACCESS-POLICY.md, rule 2).
const STAFF_ROLES: [&str; 4] = ["front-desk", "nurse", "clinician", "admin"];

/// Text as a FHIR `string`: `None` when empty (FHIR has no empty strings).
fn fhir_string(s: &str) -> Option<Value> {
    (!s.trim().is_empty()).then(|| Value::String(s.to_owned()))
}

/// Text as a FHIR `code`: whitespace runs become one space, trimmed; `None`
/// when nothing is left.
fn fhir_code(s: &str) -> Option<String> {
    let code = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!code.is_empty()).then_some(code)
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

/// `type`, `subtype` and `action` of an event.
fn kind(e: &AuditEvent) -> (Value, Option<Value>, &'static str) {
    let rest = |interaction: &str, action| {
        (
            coding(EVENT_TYPE, "rest", "RESTful Operation"),
            Some(coding(RESTFUL, interaction, interaction)),
            action,
        )
    };
    if e.object_type == "proxy-relationship" {
        let action = match e.action.as_str() {
            "create" => "C",
            "delete" => "D",
            "read" | "export" => "R",
            _ => "U",
        };
        return (
            coding(DCM, "110136", "Security Roles Changed"),
            None,
            action,
        );
    }
    match e.action.as_str() {
        "read" => rest("read", "R"),
        "create" => rest("create", "C"),
        "update" => rest("update", "U"),
        "delete" => rest("delete", "D"),
        "export" => (coding(DCM, "110106", "Export"), None, "R"),
        "login" => (
            coding(DCM, "110114", "User Authentication"),
            Some(coding(DCM, "110122", "Login")),
            "E",
        ),
        "logout" => (
            coding(DCM, "110114", "User Authentication"),
            Some(coding(DCM, "110123", "Logout")),
            "E",
        ),
        _ => (coding(DCM, "110100", "Application Activity"), None, "E"),
    }
}

/// FHIR's outcome code of an event's outcome.
fn outcome(o: &str) -> &'static str {
    match o {
        "success" => "0",
        "denied" => "4",
        _ => "8",
    }
}

/// The acting user.
fn user_agent(entry: &AuditEntry) -> Value {
    let e = &entry.event;
    let mut agent = Map::new();
    let role = fhir_code(&e.actor_role);
    if let Some(role) = &role {
        agent.insert(
            "role".into(),
            json!([{ "coding": [{ "system": "urn:sprout:role", "code": role }], "text": role }]),
        );
    }
    let is_staff = STAFF_ROLES.contains(&e.actor_role.as_str());
    let own_record = e.actor_role == "patient";
    let who = match (&e.on_behalf_of, &e.patient_id, &e.account_id) {
        (Some(rel), _, _) if is_fhir_id(rel) => {
            Some(json!({ "reference": format!("RelatedPerson/{rel}"), "type": "RelatedPerson" }))
        }
        (_, Some(p), _) if own_record => {
            Some(json!({ "reference": format!("Patient/{p}"), "type": "Patient" }))
        }
        (_, _, Some(a)) => Some(json!({
            "identifier": { "system": ACCOUNT_SYSTEM, "value": a.as_str() },
            "type": if is_staff { "Practitioner" } else { "RelatedPerson" },
        })),
        _ => None,
    };
    if let Some(who) = who {
        agent.insert("who".into(), who);
    }
    if let Some(a) = &e.account_id {
        agent.insert("altId".into(), Value::String(a.to_string()));
    }
    if let Some(name) = entry.user_name.as_deref().and_then(fhir_string) {
        agent.insert("name".into(), name);
    }
    agent.insert("requestor".into(), Value::Bool(true));
    if let Some(addr) = e.client_addr.as_deref().and_then(fhir_string) {
        agent.insert("network".into(), json!({ "address": addr, "type": "2" }));
    }
    Value::Object(agent)
}

/// Whether text is a FHIR `id` (letters, digits, `-`, `.`; 1 to 64).
fn is_fhir_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Renders one event as a FHIR R4 `AuditEvent` (JSON), its id
/// `sprout-audit-{seq}`. `site` names the practice (the source's site).
pub fn audit_event(entry: &AuditEntry, site: &str) -> Value {
    let e = &entry.event;
    let (type_, subtype, action) = kind(e);
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("AuditEvent"));
    r.insert(
        "id".into(),
        Value::String(format!("sprout-audit-{}", entry.seq.max(0))),
    );
    r.insert("type".into(), type_);
    if let Some(s) = subtype {
        r.insert("subtype".into(), json!([s]));
    }
    r.insert("action".into(), json!(action));
    if let Ok(ts) = e.at.parse::<jiff::Timestamp>() {
        r.insert("recorded".into(), Value::String(ts.to_string()));
    }
    r.insert("outcome".into(), json!(outcome(&e.outcome)));
    if let Some(reason) = e.reason.as_deref().and_then(fhir_string) {
        r.insert("outcomeDesc".into(), reason);
    }
    r.insert("agent".into(), json!([user_agent(entry)]));
    let mut source = Map::new();
    if let Some(site) = fhir_string(site) {
        source.insert("site".into(), site);
    }
    source.insert("observer".into(), json!({ "display": "Sprout" }));
    source.insert(
        "type".into(),
        json!([coding(SOURCE_TYPE, "4", "Application Server")]),
    );
    r.insert("source".into(), Value::Object(source));

    let mut entities = Vec::new();
    if let Some(p) = &e.patient_id {
        let mut patient = json!({
            "what": { "reference": format!("Patient/{p}") },
            "type": coding(ENTITY_TYPE, "1", "Person"),
            "role": coding(OBJECT_ROLE, "1", "Patient"),
        });
        if let Some(mrn) = entry.patient_mrn.as_deref().and_then(fhir_string) {
            patient["what"]["identifier"] = json!({ "type": { "text": "MRN" }, "value": mrn });
        }
        entities.push(patient);
    }
    let mut object = Map::new();
    if let Some(id) = e.object_id.as_deref().and_then(fhir_string) {
        object.insert(
            "what".into(),
            json!({ "identifier": { "system": OBJECT_SYSTEM, "value": id } }),
        );
    }
    object.insert("type".into(), coding(ENTITY_TYPE, "2", "System Object"));
    if let Some(name) = fhir_string(&e.object_type) {
        object.insert("name".into(), name);
    }
    if let Some(detail) = e.detail.as_deref().and_then(fhir_string) {
        object.insert(
            "detail".into(),
            json!([{ "type": "sprout-detail", "valueString": detail }]),
        );
    }
    entities.push(Value::Object(object));
    if let Some(req) = e.request_id.as_deref().and_then(fhir_string) {
        entities.push(json!({
            "what": { "identifier": { "system": REQUEST_SYSTEM, "value": req } },
            "type": coding(BALP_ENTITY, "XrequestId", "X-Request-Id"),
        }));
    }
    r.insert("entity".into(), Value::Array(entities));
    Value::Object(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sprout_domain::{AccountId, PatientId};

    fn entry(action: &str, role: &str) -> AuditEntry {
        AuditEntry {
            seq: 7,
            event: AuditEvent {
                at: "2026-03-02T14:05:00Z".into(),
                account_id: AccountId::parse("acct-1"),
                actor_role: role.into(),
                on_behalf_of: None,
                patient_id: PatientId::parse("pat-1"),
                action: action.into(),
                object_type: "vitals".into(),
                object_id: None,
                outcome: "success".into(),
                reason: Some("parent-of-child".into()),
                client_addr: Some("203.0.113.9".into()),
                request_id: Some("req-1".into()),
                detail: None,
            },
            user_email: None,
            user_name: Some("Maria Lopez".into()),
            patient_mrn: Some("MRN-1".into()),
        }
    }

    #[test]
    fn a_proxy_read_is_a_rest_read_by_the_related_person() {
        let mut e = entry("read", "parent");
        e.event.on_behalf_of = Some("rel-9".into());
        let r = audit_event(&e, "Main Street Pediatrics");
        assert_eq!(r["id"], "sprout-audit-7");
        assert_eq!(r["type"]["code"], "rest");
        assert_eq!(r["subtype"][0]["code"], "read");
        assert_eq!(r["action"], "R");
        assert_eq!(r["recorded"], "2026-03-02T14:05:00Z");
        assert_eq!(r["outcome"], "0");
        assert_eq!(r["agent"][0]["who"]["reference"], "RelatedPerson/rel-9");
        assert_eq!(r["agent"][0]["altId"], "acct-1");
        assert_eq!(r["agent"][0]["network"]["address"], "203.0.113.9");
        assert_eq!(r["entity"][0]["what"]["reference"], "Patient/pat-1");
        assert_eq!(r["entity"][1]["name"], "vitals");
        assert_eq!(r["entity"][2]["type"]["code"], "XrequestId");
        assert_eq!(r["source"]["site"], "Main Street Pediatrics");
    }

    #[test]
    fn actions_and_outcomes_map_to_fhir_codes() {
        for (action, code, fhir_action) in [
            ("create", "rest", "C"),
            ("update", "rest", "U"),
            ("delete", "rest", "D"),
            ("export", "110106", "R"),
            ("login", "110114", "E"),
            ("logout", "110114", "E"),
            ("execute", "110100", "E"),
        ] {
            let r = audit_event(&entry(action, "nurse"), "");
            assert_eq!(r["type"]["code"], code, "{action}");
            assert_eq!(r["action"], fhir_action, "{action}");
            assert!(r["source"].get("site").is_none());
        }
        let mut e = entry("update", "patient");
        e.event.object_type = "proxy-relationship".into();
        e.event.outcome = "denied".into();
        let r = audit_event(&e, "x");
        assert_eq!(r["type"]["code"], "110136");
        assert_eq!(r["outcome"], "4");
        assert_eq!(r["agent"][0]["who"]["reference"], "Patient/pat-1");
        e.event.outcome = "failure".into();
        assert_eq!(audit_event(&e, "x")["outcome"], "8");
    }
}
