//! Sensitivity classification at import (issue 7): an item's labels from its
//! `meta.security` ([`crate::labels`]) joined with the categories its codes
//! match in the code list in force ([`sprout_domain::sensitivity::CodeList`]),
//! and every rule that matched, for the record.

use serde_json::Value;
use sprout_domain::record::{Confidentiality, Labels};
use sprout_domain::sensitivity::CodeList;
use sprout_store::results::LabelMatch;

/// The elements whose codings are matched: what the item is (`code`,
/// `medicationCodeableConcept`, a document's `type`), why (`reasonCode`), and
/// what a report concluded (`conclusionCode`). A vaccine's code is not
/// matched (`Immunization.vaccineCode`).
const CODED_ELEMENTS: [&str; 5] = [
    "code",
    "medicationCodeableConcept",
    "type",
    "reasonCode",
    "conclusionCode",
];

/// The `(system, code)` pairs of a resource's [`CODED_ELEMENTS`] (CodeableConcepts
/// alone or in lists); elements of other shapes are passed over (the mapping
/// checks them).
pub fn codings(resource: &Value) -> Vec<(&str, &str)> {
    fn take<'a>(concept: &'a Value, out: &mut Vec<(&'a str, &'a str)>) {
        let Some(list) = concept.get("coding").and_then(Value::as_array) else {
            return;
        };
        for c in list {
            if let (Some(s), Some(k)) = (
                c.get("system").and_then(Value::as_str),
                c.get("code").and_then(Value::as_str),
            ) {
                out.push((s, k));
            }
        }
    }
    let mut out = Vec::new();
    for key in CODED_ELEMENTS {
        match resource.get(key) {
            Some(Value::Array(items)) => items.iter().for_each(|c| take(c, &mut out)),
            Some(v @ Value::Object(_)) => take(v, &mut out),
            _ => {}
        }
    }
    out
}

/// The rules of `meta.security` that set labels (`meta.security:R`,
/// `meta.security:STD`), as [`crate::labels::labels_of`] reads them.
fn security_rules(resource: &Value) -> Vec<(Option<sprout_domain::record::Sensitivity>, String)> {
    let Some(list) = resource
        .get("meta")
        .and_then(|m| m.get("security"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in list {
        let Some(code) = c.get("code").and_then(Value::as_str) else {
            continue;
        };
        let one = serde_json::json!({ "meta": { "security": [c] } });
        let Ok(l) = crate::labels::labels_of(&one) else {
            continue;
        };
        if l.confidentiality == Confidentiality::Restricted {
            out.push((None, format!("meta.security:{code}")));
        }
        for s in l.sensitivity {
            out.push((Some(s), format!("meta.security:{code}")));
        }
    }
    out
}

/// Joins the code list's categories into `labels` (read from `meta.security`)
/// and returns every rule that set a label on the item, security labels
/// first. Sensitivities come out sorted and without repeats.
pub fn classify(
    resource_type: &str,
    source_id: &str,
    resource: &Value,
    mut labels: Labels,
    list: &CodeList,
) -> (Labels, Vec<LabelMatch>) {
    let mut matches: Vec<LabelMatch> = security_rules(resource)
        .into_iter()
        .map(|(category, rule)| LabelMatch {
            resource_type: resource_type.to_owned(),
            source_id: source_id.to_owned(),
            category,
            rule,
        })
        .collect();
    if resource_type != "Immunization" {
        for m in list.classify(codings(resource)) {
            labels.sensitivity.push(m.category);
            matches.push(LabelMatch {
                resource_type: resource_type.to_owned(),
                source_id: source_id.to_owned(),
                category: Some(m.category),
                rule: m.rule,
            });
        }
    }
    labels.sensitivity.sort();
    labels.sensitivity.dedup();
    (labels, matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sprout_domain::record::Sensitivity;

    #[test]
    fn codes_and_security_labels_both_count_and_are_named() {
        let r = json!({
            "resourceType": "Observation",
            "meta": {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]},
            "code": {"coding": [{"system": "http://loinc.org", "code": "43304-5"}]}
        });
        let labels = crate::labels::labels_of(&r).unwrap();
        let (labels, matches) = classify("Observation", "o1", &r, labels, &CodeList::default());
        assert_eq!(labels.confidentiality, Confidentiality::Restricted);
        assert_eq!(labels.sensitivity, vec![Sensitivity::SexualHealth]);
        let rules: Vec<&str> = matches.iter().map(|m| m.rule.as_str()).collect();
        assert_eq!(rules, vec!["meta.security:R", "sprout:loinc:43304-5"]);
    }

    #[test]
    fn medications_and_reasons_are_matched_vaccines_are_not() {
        let med = json!({"medicationCodeableConcept": {"coding": [
            {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "748856"}]}});
        let (l, _) = classify(
            "MedicationRequest",
            "m",
            &med,
            Labels::default(),
            &CodeList::default(),
        );
        assert_eq!(l.sensitivity, vec![Sensitivity::ReproductiveHealth]);
        let enc = json!({"reasonCode": [{"coding": [
            {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "Z30.011"}]}]});
        let (l, _) = classify(
            "Encounter",
            "e",
            &enc,
            Labels::default(),
            &CodeList::default(),
        );
        assert_eq!(l.sensitivity, vec![Sensitivity::ReproductiveHealth]);
        let (l, m) = classify(
            "Immunization",
            "i",
            &json!({"code": {"coding": [
            {"system": "http://loinc.org", "code": "43304-5"}]}}),
            Labels::default(),
            &CodeList::default(),
        );
        assert!(l.sensitivity.is_empty() && m.is_empty());
    }
}
