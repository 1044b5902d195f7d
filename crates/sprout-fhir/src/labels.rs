//! Access-policy labels from a resource's `meta.security`.
//!
//! Confidentiality codes come from HL7 v3 `Confidentiality`
//! (<http://terminology.hl7.org/CodeSystem/v3-Confidentiality>): `R` (restricted)
//! and `V` (very restricted) make an item [`Confidentiality::Restricted`]; `U`,
//! `L`, `M`, `N` keep it normal. Sensitivity codes come from HL7 v3 `ActCode`'s
//! information-sensitivity policies
//! (<http://terminology.hl7.org/CodeSystem/v3-ActCode>); see [`sensitivity_of`].
//! A resource without security labels gets the defaults (normal, no categories).

use crate::json::{code, each, object, string, Checked};
use serde_json::Value;
use sprout_domain::record::{Confidentiality, Labels, Sensitivity};

/// System of the confidentiality codes.
pub const CONFIDENTIALITY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/// Whether a coding's system may carry a v3 Confidentiality code: that system
/// (current or pre-R4 URL), or no system at all.
fn is_confidentiality_system(system: Option<&str>) -> bool {
    match system {
        None => true,
        Some(s) => s == CONFIDENTIALITY_SYSTEM || s == "http://hl7.org/fhir/v3/Confidentiality",
    }
}

/// Whether a coding's system may carry a v3 ActCode sensitivity code: ActCode
/// (current or pre-R4 URL), or no system at all.
fn is_act_code_system(system: Option<&str>) -> bool {
    match system {
        None => true,
        Some(s) => {
            s == "http://terminology.hl7.org/CodeSystem/v3-ActCode"
                || s == "http://hl7.org/fhir/v3/ActCode"
        }
    }
}

/// The sensitivity category of a v3 ActCode information-sensitivity code:
///
/// | codes | category |
/// | --- | --- |
/// | `PSY`, `PSYTHPN`, `BH`, `MH` | mental health |
/// | `ETH`, `SUD`, `ETHUD`, `OPIOIDUD` | substance use |
/// | `STD` | sexual health |
/// | `SDV` | abuse |
/// | `HIV` | HIV |
/// | `SEX`, `PREGNANT`, `REPRO` | reproductive health |
///
/// `None` for any other code.
pub fn sensitivity_of(code: &str) -> Option<Sensitivity> {
    Some(match code {
        "PSY" | "PSYTHPN" | "BH" | "MH" => Sensitivity::MentalHealth,
        "ETH" | "SUD" | "ETHUD" | "OPIOIDUD" => Sensitivity::SubstanceUse,
        "STD" => Sensitivity::SexualHealth,
        "SDV" => Sensitivity::Abuse,
        "HIV" => Sensitivity::Hiv,
        "SEX" | "PREGNANT" | "REPRO" => Sensitivity::ReproductiveHealth,
        _ => return None,
    })
}

/// The labels of one resource, read from its `meta.security` codings.
/// Sensitivities come out sorted and without repeats.
///
/// # Errors
/// [`crate::Invalid`] when `meta` is not an object, `meta.security` not a list
/// of Codings, or a coding's `code` not a FHIR code.
pub fn labels_of(resource: &Value) -> Result<Labels, crate::Invalid> {
    let mut labels = Labels::default();
    let Some(meta) = object(resource, "meta")? else {
        return Ok(labels);
    };
    let codings = each(meta, "security", |c| -> Checked<_> {
        string(c, "display")?;
        Ok((string(c, "system")?, code(c, "code")?))
    })
    .map_err(|e| e.under("meta"))?;
    for (system, code) in codings {
        let Some(code) = code else {
            continue;
        };
        if matches!(code, "R" | "V") && is_confidentiality_system(system) {
            labels.confidentiality = Confidentiality::Restricted;
        } else if is_act_code_system(system) {
            if let Some(s) = sensitivity_of(code) {
                labels.sensitivity.push(s);
            }
        }
    }
    labels.sensitivity.sort();
    labels.sensitivity.dedup();
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels_of_ok(resource: &Value) -> Labels {
        labels_of(resource).unwrap()
    }

    #[test]
    fn no_security_means_defaults() {
        assert_eq!(
            labels_of_ok(&json!({"resourceType": "Observation"})),
            Labels::default()
        );
        assert_eq!(
            labels_of_ok(&json!({"meta": {"tag": []}})),
            Labels::default()
        );
    }

    #[test]
    fn restricted_and_very_restricted_are_restricted() {
        for code in ["R", "V"] {
            let r =
                json!({"meta": {"security": [{"system": CONFIDENTIALITY_SYSTEM, "code": code}]}});
            assert_eq!(
                labels_of_ok(&r).confidentiality,
                Confidentiality::Restricted
            );
        }
        for code in ["N", "M", "L", "U"] {
            let r =
                json!({"meta": {"security": [{"system": CONFIDENTIALITY_SYSTEM, "code": code}]}});
            assert_eq!(labels_of_ok(&r).confidentiality, Confidentiality::Normal);
        }
        // `R` in some other code system is not a confidentiality label.
        let r = json!({"meta": {"security": [{"system": "http://example.org/x", "code": "R"}]}});
        assert_eq!(labels_of_ok(&r).confidentiality, Confidentiality::Normal);
    }

    #[test]
    fn broken_security_labels_are_invalid() {
        let r = json!({"meta": {"security": {"code": "R"}}});
        assert_eq!(
            labels_of(&r).unwrap_err().to_string(),
            "meta.security is an object, not an array"
        );
        let r = json!({"meta": {"security": [{"code": ["R"]}]}});
        assert_eq!(
            labels_of(&r).unwrap_err().to_string(),
            "meta.security[0].code is an array, not a FHIR code"
        );
    }

    #[test]
    fn sensitivity_codes_map_to_categories() {
        let act = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
        let r = json!({"meta": {"security": [
            {"system": act, "code": "PSYTHPN"},
            {"system": act, "code": "ETH"},
            {"system": act, "code": "SUD"},
            {"system": act, "code": "STD"},
            {"system": act, "code": "SDV"},
            {"system": act, "code": "HIV"},
            {"system": act, "code": "SEX"},
            {"system": act, "code": "TBOO"},
            {"system": CONFIDENTIALITY_SYSTEM, "code": "R"}
        ]}});
        let labels = labels_of_ok(&r);
        assert_eq!(labels.confidentiality, Confidentiality::Restricted);
        assert_eq!(
            labels.sensitivity,
            vec![
                Sensitivity::MentalHealth,
                Sensitivity::SubstanceUse,
                Sensitivity::SexualHealth,
                Sensitivity::ReproductiveHealth,
                Sensitivity::Hiv,
                Sensitivity::Abuse,
            ]
        );
        assert_eq!(sensitivity_of("PSY"), Some(Sensitivity::MentalHealth));
        assert_eq!(sensitivity_of("GDIS"), None);
    }
}
