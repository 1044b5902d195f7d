//! Refill eligibility of every MedicationRequest in the shared Synthea records
//! (`shared/data/fhir/synthea`), each checked against a table of the expected
//! answer and reason. A medication that is not in the table fails the test, so
//! the table covers the whole data set.

use sprout_domain::ids::{ItemId, PatientId};
use sprout_domain::record::{ItemMeta, Labels, MedicationRequest};
use sprout_domain::refill::{eligibility, RefillRules, RefillSettings, Refusal};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/fhir/synthea"
);
const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// Expected answer per medication text: `None` refillable, else the reason
/// code and the ingredient (or status) it names.
fn expected(text: &str, status: &str) -> Option<Option<(&'static str, &'static str)>> {
    let controlled = |i| Some(Some(("controlled-substance", i)));
    let antibiotic = |i| Some(Some(("antibiotic", i)));
    let by_status = || {
        if status == "active" {
            Some(None)
        } else if status == "stopped" {
            Some(Some(("not-active", "stopped")))
        } else {
            None
        }
    };
    match text {
        "Methylphenidate Hydrochloride 20 MG Oral Tablet" => controlled("methylphenidate"),
        "Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet" => controlled("oxycodone"),
        "Diazepam [Valium]" => controlled("diazepam"),
        "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet"
        | "Amoxicillin 250 MG Oral Capsule"
        | "Amoxicillin 500 MG Oral Tablet" => antibiotic("amoxicillin"),
        "Ampicillin 100 MG/ML Injectable Solution" => antibiotic("ampicillin"),
        "Penicillin V Potassium 250 MG Oral Tablet" => antibiotic("penicillin"),
        "Cefuroxime 250 MG Oral Tablet" => antibiotic("cefuroxime"),
        "120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler"
        | "200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"
        | "Acetaminophen 325 MG Oral Tablet"
        | "Acetaminophen 160 MG Oral Tablet"
        | "Acetaminophen 21.7 MG/ML / Dextromethorphan Hydrobromide 1 MG/ML / doxylamine succinate 0.417 MG/ML Oral Solution"
        | "Fexofenadine hydrochloride 30 MG Oral Tablet"
        | "Jolivette 28 Day Pack"
        | "Loratadine 5 MG Chewable Tablet"
        | "NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector"
        | "Naproxen sodium 220 MG Oral Tablet"
        | "NuvaRing 0.12/0.015 MG per 24HR 21 Day Vaginal Ring"
        | "Seasonique 91 Day Pack"
        | "Yaz 28 Day Pack"
        | "cetirizine hydrochloride 5 MG Oral Tablet"
        | "Camila 28 Day Pack"
        | "Carbamazepine[Tegretol]"
        | "Hydrocortisone 10 MG/ML Topical Cream"
        | "Ibuprofen 100 MG Oral Tablet"
        | "Ibuprofen 200 MG Oral Tablet"
        | "Kyleena 19.5 MG Intrauterine System"
        | "Levora 0.15/30 28 Day Pack"
        | "Natazia 28 Day Pack"
        | "predniSONE 5 MG Oral Tablet" => by_status(),
        _ => None,
    }
}

/// Every MedicationRequest of the data set, read as the importer reads it
/// (`medicationCodeableConcept`: its text, else its first coding's display;
/// the RxNorm coding's code).
fn synthea_medications() -> Vec<MedicationRequest> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(DIR)
        .expect("shared Synthea data")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for e in v["entry"].as_array().into_iter().flatten() {
            let r = &e["resource"];
            if r["resourceType"] != "MedicationRequest" {
                continue;
            }
            let c = &r["medicationCodeableConcept"];
            let codings = c["coding"].as_array().cloned().unwrap_or_default();
            let text = c["text"]
                .as_str()
                .or_else(|| codings.first().and_then(|x| x["display"].as_str()))
                .expect("a medication name")
                .to_owned();
            let rxnorm = codings
                .iter()
                .find(|x| x["system"] == RXNORM)
                .and_then(|x| x["code"].as_str())
                .map(str::to_owned);
            out.push(MedicationRequest {
                meta: ItemMeta {
                    id: ItemId::from_random([7; 16]),
                    patient_id: PatientId::from_random([8; 16]),
                    source_id: r["id"].as_str().unwrap_or_default().to_owned(),
                    labels: Labels::default(),
                },
                status: r["status"].as_str().unwrap().to_owned(),
                rxnorm,
                medication_text: text,
                dosage_text: None,
                authored_on: r["authoredOn"].as_str().map(str::to_owned),
                prescriber: None,
            });
        }
    }
    out
}

fn answer(rules: &RefillRules, m: &MedicationRequest) -> Option<(&'static str, String)> {
    eligibility(rules, m).refusal().map(|r| {
        let named = match r {
            Refusal::Controlled { ingredient, .. } | Refusal::Antibiotic { ingredient, .. } => {
                ingredient.clone()
            }
            Refusal::NotActive { status } => status.clone(),
            Refusal::PracticeList => String::new(),
        };
        (r.code(), named)
    })
}

#[test]
fn every_synthea_medication_request_has_the_expected_answer() {
    let meds = synthea_medications();
    assert_eq!(meds.len(), 117, "the shared data set changed");
    let rules = RefillRules::standard();
    let mut seen = std::collections::BTreeMap::<&'static str, usize>::new();
    for m in &meds {
        let want = expected(&m.medication_text, &m.status).unwrap_or_else(|| {
            panic!(
                "no expected answer for `{}` ({})",
                m.medication_text, m.status
            )
        });
        let got = answer(&rules, m);
        assert_eq!(
            got.as_ref().map(|(c, n)| (*c, n.as_str())),
            want,
            "{} ({}, RxNorm {:?})",
            m.medication_text,
            m.status,
            m.rxnorm
        );
        *seen.entry(want.map_or("refillable", |w| w.0)).or_default() += 1;
    }
    // The data set exercises every kind of answer.
    assert!(seen["controlled-substance"] >= 3, "{seen:?}");
    assert!(seen["antibiotic"] >= 20, "{seen:?}");
    assert!(seen["not-active"] >= 40, "{seen:?}");
    assert!(seen["refillable"] >= 20, "{seen:?}");
}

#[test]
fn an_allowed_antibiotic_is_refillable_and_the_rest_are_not() {
    let rules = RefillRules::from_settings(&RefillSettings {
        allowed_antibiotics: vec!["cefuroxime".into()],
        ..Default::default()
    })
    .unwrap();
    let meds = synthea_medications();
    // The same prescriptions as if still active: cefuroxime is now
    // refillable; other antibiotics are still refused as antibiotics.
    let mut cefuroxime = 0;
    for m in meds.iter().filter(|m| {
        expected(&m.medication_text, &m.status)
            .flatten()
            .is_some_and(|w| w.0 == "antibiotic")
    }) {
        let active = MedicationRequest {
            status: "active".into(),
            ..m.clone()
        };
        if m.medication_text.starts_with("Cefuroxime") {
            cefuroxime += 1;
            assert_eq!(answer(&rules, &active), None);
            // As stored (stopped), the status refuses it.
            assert_eq!(
                answer(&rules, m),
                Some(("not-active", "stopped".to_owned()))
            );
        } else {
            assert_eq!(answer(&rules, &active).map(|a| a.0), Some("antibiotic"));
        }
    }
    assert_eq!(cefuroxime, 3);
}
