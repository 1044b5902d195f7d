//! Sensitive-data classification by code: which record items are sensitive
//! because of what they are (a chlamydia test, a contraceptive, a depression
//! diagnosis), whether or not the source labelled them.
//!
//! EHR exports rarely carry FHIR security labels, so Sprout matches each
//! item's codes against a code list it ships ([`SHIPPED`]), which a practice
//! extends in the `[sensitivity]` section of its configuration
//! ([`CodeList::with_extra`]). Every match names the rule that matched
//! ([`CodeMatch::rule`]), so a clinician can see why an item is sensitive and
//! correct it.
//!
//! Sources of the shipped list (hand-curated; each entry names its code's
//! meaning):
//! - LOINC (<https://loinc.org>, Regenstrief Institute): laboratory tests for
//!   chlamydia, gonorrhea, syphilis (sexual health), HIV, and hCG pregnancy
//!   tests (reproductive health); the PHQ-9 depression screen (mental health).
//! - RxNorm (U.S. National Library of Medicine): hormonal contraceptive
//!   products as coded by Synthea's contraceptives module (the codes found in
//!   the Synthea sample bundles Sprout is tested with).
//! - SNOMED CT (SNOMED International, U.S. edition): disorders of sexual and
//!   reproductive health, mental health and substance use.
//! - ICD-10-CM (CDC National Center for Health Statistics, FY2025 tabular
//!   list): whole blocks by range: A50-A64 infections with a predominantly
//!   sexual mode of transmission, B20 HIV disease, Z21 asymptomatic HIV, F10-F19
//!   disorders due to psychoactive substance use, F20-F48, F50, F60-F69 mental
//!   disorders, O00-O9A pregnancy, childbirth and the puerperium, Z30
//!   contraceptive management, Z32-Z33 pregnancy test and state, T74/T76 abuse
//!   confirmed/suspected, Z69 encounters for victims of abuse, Z11.3/Z11.4
//!   screening for sexually transmitted infections and HIV, R45.851 suicidal
//!   ideation.
//!
//! The categories follow ACCESS-POLICY.md ("Terms") and the minor-consent
//! services of California Family Code 6925-6929 (pregnancy and contraception,
//! sexually transmitted diseases, mental health, substance use, assault).

use crate::record::{Sensitivity, UnknownCode};
use serde::Serialize;

/// A code system the list matches codes of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CodeSystem {
    /// LOINC.
    Loinc,
    /// RxNorm.
    RxNorm,
    /// SNOMED CT.
    SnomedCt,
    /// ICD-10-CM (ranges of three-character categories allowed).
    Icd10Cm,
}

impl CodeSystem {
    /// Every system.
    pub const ALL: [CodeSystem; 4] = [Self::Loinc, Self::RxNorm, Self::SnomedCt, Self::Icd10Cm];

    /// The short name used in configuration and rule names (`loinc`, `rxnorm`,
    /// `snomed`, `icd10cm`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Loinc => "loinc",
            Self::RxNorm => "rxnorm",
            Self::SnomedCt => "snomed",
            Self::Icd10Cm => "icd10cm",
        }
    }

    /// The FHIR system URIs of the code system.
    pub fn uris(self) -> &'static [&'static str] {
        match self {
            Self::Loinc => &["http://loinc.org"],
            Self::RxNorm => &["http://www.nlm.nih.gov/research/umls/rxnorm"],
            Self::SnomedCt => &["http://snomed.info/sct"],
            Self::Icd10Cm => &[
                "http://hl7.org/fhir/sid/icd-10-cm",
                "http://hl7.org/fhir/sid/icd-10",
            ],
        }
    }

    /// The system of a FHIR coding's `system` URI, if the list covers it.
    pub fn from_uri(uri: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.uris().contains(&uri))
    }

    /// Parses the short name.
    ///
    /// # Errors
    /// [`UnknownCode`] for another name.
    pub fn parse(s: &str) -> Result<Self, UnknownCode> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| UnknownCode {
                what: "code system (loinc, rxnorm, snomed, icd10cm)",
                value: s.to_owned(),
            })
    }
}

/// One entry of the shipped list: system, code (or ICD-10-CM range
/// `A50-A64`, or prefix `Z11.3`), category, and what the code means.
pub type ShippedRule = (CodeSystem, &'static str, Sensitivity, &'static str);

use CodeSystem::{Icd10Cm as Icd, Loinc as Lnc, RxNorm as Rx, SnomedCt as Sct};
use Sensitivity::{
    Abuse as Ab, Hiv, MentalHealth as Mh, ReproductiveHealth as Rh, SexualHealth as Sh,
    SubstanceUse as Su,
};

/// The code list Sprout ships (sources in the module documentation).
pub const SHIPPED: &[ShippedRule] = &[
    // LOINC: sexually transmitted infections.
    (
        Lnc,
        "21613-5",
        Sh,
        "Chlamydia trachomatis DNA, NAA with probe detection",
    ),
    (
        Lnc,
        "43304-5",
        Sh,
        "Chlamydia trachomatis rRNA, NAA with probe detection",
    ),
    (
        Lnc,
        "24111-7",
        Sh,
        "Neisseria gonorrhoeae DNA, NAA with probe detection",
    ),
    (
        Lnc,
        "43305-2",
        Sh,
        "Neisseria gonorrhoeae rRNA, NAA with probe detection",
    ),
    (
        Lnc,
        "36903-3",
        Sh,
        "Chlamydia trachomatis and Neisseria gonorrhoeae DNA, NAA",
    ),
    (Lnc, "20507-0", Sh, "Reagin Ab (syphilis), RPR"),
    (Lnc, "5292-8", Sh, "Reagin Ab (syphilis), VDRL"),
    // LOINC: HIV.
    (Lnc, "7917-8", Hiv, "HIV 1 Ab"),
    (Lnc, "5221-7", Hiv, "HIV 1 Ab, immunoblot"),
    (Lnc, "48345-3", Hiv, "HIV 1+O+2 Ab"),
    (
        Lnc,
        "56888-1",
        Hiv,
        "HIV 1+2 Ab + HIV 1 p24 Ag, immunoassay",
    ),
    (
        Lnc,
        "75622-1",
        Hiv,
        "HIV 1+2 Ab + HIV 1 p24 Ag, immunoassay (4th generation)",
    ),
    (Lnc, "20447-9", Hiv, "HIV 1 RNA, NAA (viral load)"),
    (Lnc, "25836-8", Hiv, "HIV 1 RNA, NAA (viral load)"),
    // LOINC: pregnancy tests (hCG).
    (
        Lnc,
        "2106-3",
        Rh,
        "Choriogonadotropin (pregnancy test), urine",
    ),
    (
        Lnc,
        "2118-8",
        Rh,
        "Choriogonadotropin (pregnancy test), serum or plasma",
    ),
    (
        Lnc,
        "2119-6",
        Rh,
        "Choriogonadotropin beta, serum or plasma",
    ),
    (
        Lnc,
        "21198-7",
        Rh,
        "Choriogonadotropin beta subunit, serum or plasma",
    ),
    (Lnc, "19080-1", Rh, "Choriogonadotropin, serum or plasma"),
    // LOINC: depression screening.
    (
        Lnc,
        "44249-1",
        Mh,
        "PHQ-9 quick depression assessment panel",
    ),
    (Lnc, "44261-6", Mh, "PHQ-9 total score"),
    // RxNorm: hormonal contraceptives.
    (Rx, "748856", Rh, "Yaz 28 Day Pack"),
    (Rx, "748879", Rh, "Levora 0.15/30 28 Day Pack"),
    (Rx, "748962", Rh, "Camila 28 Day Pack"),
    (Rx, "749762", Rh, "Seasonique 91 Day Pack"),
    (Rx, "757594", Rh, "Jolivette 28 Day Pack"),
    (Rx, "978950", Rh, "Natazia 28 Day Pack"),
    (
        Rx,
        "1367439",
        Rh,
        "NuvaRing 0.12/0.015 MG per 24HR vaginal ring",
    ),
    (Rx, "1856546", Rh, "Kyleena 19.5 MG intrauterine system"),
    // SNOMED CT.
    (Sct, "105629000", Sh, "Chlamydial infection"),
    (Sct, "15628003", Sh, "Gonorrhea"),
    (Sct, "76272004", Sh, "Syphilis"),
    (
        Sct,
        "86406008",
        Hiv,
        "Human immunodeficiency virus infection",
    ),
    (Sct, "62479008", Hiv, "Acquired immune deficiency syndrome"),
    (Sct, "72892002", Rh, "Normal pregnancy"),
    (Sct, "77386006", Rh, "Pregnancy"),
    (Sct, "35489007", Mh, "Depressive disorder"),
    (Sct, "36923009", Mh, "Major depression, single episode"),
    (Sct, "370143000", Mh, "Major depressive disorder"),
    (Sct, "197480006", Mh, "Anxiety disorder"),
    (Sct, "6525002", Su, "Dependent drug abuse"),
    (Sct, "7200002", Su, "Alcoholism"),
    (Sct, "361055000", Su, "Misuse of drugs"),
    // ICD-10-CM blocks.
    (
        Icd,
        "A50-A64",
        Sh,
        "Infections with a predominantly sexual mode of transmission",
    ),
    (
        Icd,
        "Z11.3",
        Sh,
        "Screening for infections with a predominantly sexual mode of transmission",
    ),
    (Icd, "B20", Hiv, "HIV disease"),
    (Icd, "Z21", Hiv, "Asymptomatic HIV infection status"),
    (Icd, "Z11.4", Hiv, "Screening for HIV"),
    (
        Icd,
        "F10-F19",
        Su,
        "Disorders due to psychoactive substance use",
    ),
    (
        Icd,
        "F20-F48",
        Mh,
        "Psychotic, mood, anxiety and related disorders",
    ),
    (Icd, "F50", Mh, "Eating disorders"),
    (
        Icd,
        "F60-F69",
        Mh,
        "Disorders of adult personality and behavior",
    ),
    (Icd, "R45.851", Mh, "Suicidal ideations"),
    (
        Icd,
        "O00-O9A",
        Rh,
        "Pregnancy, childbirth and the puerperium",
    ),
    (Icd, "Z30", Rh, "Encounter for contraceptive management"),
    (
        Icd,
        "Z32-Z33",
        Rh,
        "Pregnancy examination and test; pregnant state",
    ),
    (
        Icd,
        "T74",
        Ab,
        "Adult and child abuse, neglect and other maltreatment, confirmed",
    ),
    (
        Icd,
        "T76",
        Ab,
        "Adult and child abuse, neglect and other maltreatment, suspected",
    ),
    (
        Icd,
        "Z69",
        Ab,
        "Encounter for mental health services for victim and perpetrator of abuse",
    ),
];

/// One rule of a list: a code (or ICD-10-CM range or prefix) of a system, the
/// category it sets, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeRule {
    /// The code system.
    pub system: CodeSystem,
    /// The code; for ICD-10-CM also a range of categories (`F10-F19`) or a
    /// prefix (`Z11.3` matches `Z11.3` and its subcodes).
    pub pattern: String,
    /// The category it sets.
    pub category: Sensitivity,
    /// `true` for the practice's own rules (`[sensitivity]`), `false` for
    /// Sprout's list.
    pub from_config: bool,
}

impl CodeRule {
    /// The rule's name as recorded with a match: `sprout:loinc:21613-5`,
    /// `config:icd10cm:F40-F48`.
    pub fn name(&self) -> String {
        let origin = if self.from_config { "config" } else { "sprout" };
        format!("{origin}:{}:{}", self.system.code(), self.pattern)
    }

    /// Whether `code` (of this rule's system) matches.
    pub fn matches(&self, code: &str) -> bool {
        match self.system {
            CodeSystem::Icd10Cm => icd_matches(&self.pattern, code),
            _ => self.pattern == code.trim(),
        }
    }
}

/// ICD-10-CM: `A50-A64` matches codes whose three-character category is in the
/// range (inclusive); any other pattern matches the code itself and its
/// subcodes (`Z11.3` matches `Z11.3`, `Z11.39`...). Case and the dot are
/// ignored.
fn icd_matches(pattern: &str, code: &str) -> bool {
    let norm = |s: &str| s.trim().to_ascii_uppercase().replace('.', "");
    let code = norm(code);
    if code.len() < 3 {
        return false;
    }
    if let Some((lo, hi)) = pattern.split_once('-') {
        let cat = &code[..3];
        let (lo, hi) = (norm(lo), norm(hi));
        return lo.as_str() <= cat && cat <= hi.as_str();
    }
    code.starts_with(&norm(pattern))
}

/// A match of an item's code against a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeMatch {
    /// The category set.
    pub category: Sensitivity,
    /// The rule's name ([`CodeRule::name`]).
    pub rule: String,
}

/// The code list in force: Sprout's, plus the practice's additions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeList {
    rules: Vec<CodeRule>,
}

impl Default for CodeList {
    /// The shipped list alone.
    fn default() -> Self {
        Self {
            rules: SHIPPED
                .iter()
                .map(|(system, pattern, category, _)| CodeRule {
                    system: *system,
                    pattern: (*pattern).to_owned(),
                    category: *category,
                    from_config: false,
                })
                .collect(),
        }
    }
}

impl CodeList {
    /// The shipped list plus `extra` rules (from configuration).
    pub fn with_extra(extra: Vec<CodeRule>) -> Self {
        let mut list = Self::default();
        list.rules.extend(extra);
        list
    }

    /// Every rule.
    pub fn rules(&self) -> &[CodeRule] {
        &self.rules
    }

    /// Reads the `[sensitivity]` section: each key a category, each value a
    /// list of `system:code` texts (`"loinc:12345-6"`, `"icd10cm:N70-N77"`).
    ///
    /// # Errors
    /// A message naming an unknown category or system, or an entry without
    /// `:`.
    pub fn rules_from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, Vec<&'a str>)>,
    ) -> Result<Vec<CodeRule>, String> {
        let mut out = Vec::new();
        for (key, codes) in pairs {
            let category: Sensitivity = key.parse().map_err(|e: UnknownCode| {
                let all: Vec<&str> = Sensitivity::ALL.iter().map(|c| c.code()).collect();
                format!("[sensitivity] {e} (one of {})", all.join(", "))
            })?;
            for entry in codes {
                let (system, code) = entry.split_once(':').ok_or_else(|| {
                    format!("[sensitivity] {key}: `{entry}` is not `system:code`")
                })?;
                let system = CodeSystem::parse(system.trim())
                    .map_err(|e| format!("[sensitivity] {key}: {e}"))?;
                let code = code.trim();
                if code.is_empty() {
                    return Err(format!("[sensitivity] {key}: `{entry}` has no code"));
                }
                out.push(CodeRule {
                    system,
                    pattern: code.to_owned(),
                    category,
                    from_config: true,
                });
            }
        }
        Ok(out)
    }

    /// The matches of an item's codings (`(system URI, code)` pairs): one per
    /// rule that matched, in list order, without repeating a rule.
    pub fn classify<'a>(
        &self,
        codings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<CodeMatch> {
        let codings: Vec<(CodeSystem, &str)> = codings
            .into_iter()
            .filter_map(|(uri, code)| CodeSystem::from_uri(uri).map(|s| (s, code)))
            .collect();
        if codings.is_empty() {
            return Vec::new();
        }
        self.rules
            .iter()
            .filter(|r| codings.iter().any(|(s, c)| *s == r.system && r.matches(c)))
            .map(|r| CodeMatch {
                category: r.category,
                rule: r.name(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOINC: &str = "http://loinc.org";

    #[test]
    fn naat_and_hcg_tests_are_classified_by_loinc() {
        let list = CodeList::default();
        let m = list.classify([(LOINC, "43304-5")]);
        assert_eq!(
            m,
            vec![CodeMatch {
                category: Sensitivity::SexualHealth,
                rule: "sprout:loinc:43304-5".into()
            }]
        );
        let m = list.classify([(LOINC, "2106-3")]);
        assert_eq!(m[0].category, Sensitivity::ReproductiveHealth);
        assert!(list.classify([(LOINC, "718-7")]).is_empty());
        // The code must be in the right system.
        assert!(list
            .classify([("http://snomed.info/sct", "2106-3")])
            .is_empty());
    }

    #[test]
    fn icd_ranges_and_prefixes() {
        let list = CodeList::default();
        let icd = "http://hl7.org/fhir/sid/icd-10-cm";
        let cat = |c: &str| list.classify([(icd, c)]).first().map(|m| m.category);
        assert_eq!(cat("A56.01"), Some(Sensitivity::SexualHealth));
        assert_eq!(cat("a64"), Some(Sensitivity::SexualHealth));
        assert_eq!(cat("A65"), None);
        assert_eq!(cat("F32.9"), Some(Sensitivity::MentalHealth));
        assert_eq!(cat("F12.10"), Some(Sensitivity::SubstanceUse));
        assert_eq!(cat("F90.0"), None);
        assert_eq!(cat("O9A.1"), Some(Sensitivity::ReproductiveHealth));
        assert_eq!(cat("Z11.3"), Some(Sensitivity::SexualHealth));
        assert_eq!(cat("Z11.2"), None);
        assert_eq!(cat("T74.12XA"), Some(Sensitivity::Abuse));
        assert_eq!(cat("R45.851"), Some(Sensitivity::MentalHealth));
    }

    #[test]
    fn configuration_extends_the_list_and_names_its_rules() {
        let extra =
            CodeList::rules_from_pairs([("mental-health", vec!["loinc:89204-2", "icd10cm:F90"])])
                .unwrap();
        let list = CodeList::with_extra(extra);
        let m = list.classify([(LOINC, "89204-2")]);
        assert_eq!(m[0].rule, "config:loinc:89204-2");
        assert_eq!(m[0].category, Sensitivity::MentalHealth);
        assert!(CodeList::rules_from_pairs([("sad", vec!["loinc:1"])]).is_err());
        assert!(CodeList::rules_from_pairs([("abuse", vec!["cpt:1"])]).is_err());
        assert!(CodeList::rules_from_pairs([("abuse", vec!["1234"])]).is_err());
    }

    #[test]
    fn shipped_rules_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (system, code, _, meaning) in SHIPPED {
            assert!(seen.insert((system, code)), "{code} twice");
            assert!(!meaning.is_empty());
        }
    }
}
