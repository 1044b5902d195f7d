//! Refill eligibility: whether a family may ask for a refill of a medication
//! through the portal, and if not, why (DESIGN.md, capability 5; issue 6).
//!
//! Practices refuse portal refills of controlled substances and of most
//! antibiotics; this module holds those rules as one pure function,
//! [`eligibility`], over the medication as stored and the practice's
//! [`RefillRules`]. The rules are checked in this order, the first that
//! refuses decides (so staff and families see the strongest reason):
//!
//! 1. **Controlled substances** (DEA schedules II-V, 21 CFR 1308.12-1308.15)
//!    are never refillable through the portal, recognised by RxNorm code or by
//!    an ingredient (or brand) name in the medication's text.
//! 2. **The practice's own list**: anything the practice marks not refillable
//!    (by RxNorm code or name).
//! 3. **Systemic antibiotics** are not refillable unless the practice allows
//!    that medication (by RxNorm code or name: long-term acne treatment,
//!    prophylaxis).
//! 4. **Status**: only an `active` prescription is refillable (stopped,
//!    completed, entered-in-error, on-hold, cancelled, draft are not).
//!
//! Names are matched as whole words, case-insensitively
//! ("oxyCODONE" is oxycodone; "dextroamphetamine" is not "amphetamine", it is
//! listed itself). The built-in lists and their sources are in `table.rs`; a
//! practice extends them with [`RefillSettings`] (the `[refills]` section of
//! its configuration).

mod table;

use crate::record::MedicationRequest;
use serde::Deserialize;

/// A DEA controlled-substance schedule (21 CFR 1308.12-1308.15). Schedule I
/// drugs are never prescribed and so are not listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Schedule {
    /// Schedule II, 21 CFR 1308.12 (stimulants, most opioids).
    #[serde(rename = "II")]
    II,
    /// Schedule III, 21 CFR 1308.13 (anabolic steroids, buprenorphine).
    #[serde(rename = "III")]
    III,
    /// Schedule IV, 21 CFR 1308.14 (benzodiazepines, tramadol).
    #[serde(rename = "IV")]
    IV,
    /// Schedule V, 21 CFR 1308.15 (pregabalin, lacosamide).
    #[serde(rename = "V")]
    V,
}

impl Schedule {
    /// "II", "III", "IV" or "V".
    pub fn code(self) -> &'static str {
        match self {
            Self::II => "II",
            Self::III => "III",
            Self::IV => "IV",
            Self::V => "V",
        }
    }

    /// The section of the Code of Federal Regulations that lists it.
    pub fn cfr(self) -> &'static str {
        match self {
            Self::II => "21 CFR 1308.12",
            Self::III => "21 CFR 1308.13",
            Self::IV => "21 CFR 1308.14",
            Self::V => "21 CFR 1308.15",
        }
    }
}

/// One controlled ingredient a practice adds (`[[refills.controlled]]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlledEntry {
    /// Ingredient or brand name, matched as whole words.
    #[serde(default)]
    pub name: Option<String>,
    /// An RxNorm code.
    #[serde(default)]
    pub rxnorm: Option<String>,
    /// Its schedule (`"II"` to `"V"`).
    pub schedule: Schedule,
}

/// One antibiotic a practice adds (`[[refills.antibiotics]]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AntibioticEntry {
    /// Ingredient or brand name, matched as whole words.
    #[serde(default)]
    pub name: Option<String>,
    /// An RxNorm code.
    #[serde(default)]
    pub rxnorm: Option<String>,
    /// Its class (`"penicillin"`, `"macrolide"`...).
    pub class: String,
}

/// The `[refills]` section of the practice's configuration: additions to the
/// built-in lists. Every list entry that names medications is an RxNorm code
/// (digits only) or a name matched as whole words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefillSettings {
    /// More controlled substances.
    #[serde(default)]
    pub controlled: Vec<ControlledEntry>,
    /// More antibiotics.
    #[serde(default)]
    pub antibiotics: Vec<AntibioticEntry>,
    /// Antibiotics the practice lets families refill (`"minocycline"`,
    /// `"308182"`).
    #[serde(default)]
    pub allowed_antibiotics: Vec<String>,
    /// Medications never refillable through the portal, whatever they are.
    #[serde(default)]
    pub never_refillable: Vec<String>,
}

/// A configuration entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefillSettingsError {
    /// An entry with neither a name nor an RxNorm code, or an empty one.
    #[error("[refills] {list}: an entry needs a name or an RxNorm code")]
    Empty {
        /// Which list.
        list: &'static str,
    },
    /// An RxNorm code that is not digits.
    #[error("[refills] {list}: `{value}` is not an RxNorm code (digits only)")]
    BadCode {
        /// Which list.
        list: &'static str,
        /// What was written.
        value: String,
    },
}

/// How a medication is named in a rule: by RxNorm code or by words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    Code(String),
    Words(Vec<String>),
}

impl Matcher {
    /// A code (digits) or a name.
    fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Self::Code(t.to_owned()));
        }
        let words = words(t);
        (!words.is_empty()).then_some(Self::Words(words))
    }

    fn matches(&self, rxnorm: Option<&str>, text_words: &[String]) -> bool {
        match self {
            Self::Code(c) => rxnorm == Some(c.as_str()),
            Self::Words(w) => contains_words(text_words, w),
        }
    }
}

/// The lowercase alphanumeric words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `needle` occurs in `hay` as consecutive words.
fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The rules in force: the built-in lists plus the practice's additions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefillRules {
    /// (matcher, ingredient named in the reason, schedule).
    controlled: Vec<(Matcher, String, Schedule)>,
    /// (matcher, ingredient, class).
    antibiotics: Vec<(Matcher, String, String)>,
    allowed_antibiotics: Vec<Matcher>,
    never_refillable: Vec<Matcher>,
}

impl Default for RefillRules {
    fn default() -> Self {
        Self::standard()
    }
}

impl RefillRules {
    /// The built-in lists only.
    pub fn standard() -> Self {
        let mut controlled = Vec::new();
        for (code, ingredient, schedule) in table::CONTROLLED_RXNORM {
            controlled.push((
                Matcher::Code((*code).to_owned()),
                (*ingredient).to_owned(),
                *schedule,
            ));
        }
        for (name, schedule) in table::CONTROLLED {
            controlled.push((Matcher::Words(words(name)), (*name).to_owned(), *schedule));
        }
        let mut antibiotics = Vec::new();
        for (code, ingredient, class) in table::ANTIBIOTIC_RXNORM {
            antibiotics.push((
                Matcher::Code((*code).to_owned()),
                (*ingredient).to_owned(),
                (*class).to_owned(),
            ));
        }
        for (name, class) in table::ANTIBIOTICS {
            antibiotics.push((
                Matcher::Words(words(name)),
                (*name).to_owned(),
                (*class).to_owned(),
            ));
        }
        Self {
            controlled,
            antibiotics,
            allowed_antibiotics: Vec::new(),
            never_refillable: Vec::new(),
        }
    }

    /// The built-in lists extended by the practice's settings.
    ///
    /// # Errors
    /// [`RefillSettingsError`] for an entry without a name or code, or a code
    /// that is not digits.
    pub fn from_settings(settings: &RefillSettings) -> Result<Self, RefillSettingsError> {
        let mut rules = Self::standard();
        let entry = |list: &'static str,
                     name: &Option<String>,
                     rxnorm: &Option<String>|
         -> Result<(Matcher, String), RefillSettingsError> {
            if let Some(code) = rxnorm {
                let c = code.trim();
                if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(RefillSettingsError::BadCode {
                        list,
                        value: code.clone(),
                    });
                }
                let label = name.clone().unwrap_or_else(|| format!("RxNorm {c}"));
                return Ok((Matcher::Code(c.to_owned()), label));
            }
            let n = name.as_deref().unwrap_or_default();
            match Matcher::parse(n) {
                Some(m @ Matcher::Words(_)) => Ok((m, n.trim().to_lowercase())),
                _ => Err(RefillSettingsError::Empty { list }),
            }
        };
        for c in &settings.controlled {
            let (m, label) = entry("controlled", &c.name, &c.rxnorm)?;
            rules.controlled.push((m, label, c.schedule));
        }
        for a in &settings.antibiotics {
            let (m, label) = entry("antibiotics", &a.name, &a.rxnorm)?;
            rules
                .antibiotics
                .push((m, label, a.class.trim().to_owned()));
        }
        let list = |name: &'static str, items: &[String]| {
            items
                .iter()
                .map(|s| Matcher::parse(s).ok_or(RefillSettingsError::Empty { list: name }))
                .collect::<Result<Vec<_>, _>>()
        };
        rules.allowed_antibiotics = list("allowed_antibiotics", &settings.allowed_antibiotics)?;
        rules.never_refillable = list("never_refillable", &settings.never_refillable)?;
        Ok(rules)
    }
}

/// Why a medication cannot be refilled through the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A controlled substance (rule 1).
    Controlled {
        /// The ingredient (or brand) recognised.
        ingredient: String,
        /// Its DEA schedule.
        schedule: Schedule,
    },
    /// The practice marked it not refillable (rule 2).
    PracticeList,
    /// A systemic antibiotic the practice does not allow (rule 3).
    Antibiotic {
        /// The ingredient recognised.
        ingredient: String,
        /// Its class.
        class: String,
    },
    /// Not an active prescription (rule 4).
    NotActive {
        /// The FHIR status (`stopped`, `completed`, `entered-in-error`...).
        status: String,
    },
}

impl Refusal {
    /// A stable code: `controlled-substance`, `practice-list`, `antibiotic`,
    /// `not-active`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Controlled { .. } => "controlled-substance",
            Self::PracticeList => "practice-list",
            Self::Antibiotic { .. } => "antibiotic",
            Self::NotActive { .. } => "not-active",
        }
    }
}

/// The answer for one medication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eligibility {
    /// A refill may be requested.
    Refillable,
    /// It may not, and why.
    NotRefillable(Refusal),
}

impl Eligibility {
    /// Whether a refill may be requested.
    pub fn is_refillable(&self) -> bool {
        matches!(self, Self::Refillable)
    }

    /// The refusal, if any.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Refillable => None,
            Self::NotRefillable(r) => Some(r),
        }
    }
}

/// Whether a refill of `med` may be requested through the portal (see the
/// module documentation for the rules and their order).
pub fn eligibility(rules: &RefillRules, med: &MedicationRequest) -> Eligibility {
    let text = words(&med.medication_text);
    let code = med.rxnorm.as_deref().map(str::trim);
    if let Some((_, ingredient, schedule)) = rules
        .controlled
        .iter()
        .find(|(m, _, _)| m.matches(code, &text))
    {
        return Eligibility::NotRefillable(Refusal::Controlled {
            ingredient: ingredient.clone(),
            schedule: *schedule,
        });
    }
    if rules
        .never_refillable
        .iter()
        .any(|m| m.matches(code, &text))
    {
        return Eligibility::NotRefillable(Refusal::PracticeList);
    }
    let systemic = !table::NOT_SYSTEMIC
        .iter()
        .any(|w| text.iter().any(|t| t == w));
    if systemic {
        if let Some((_, ingredient, class)) = rules
            .antibiotics
            .iter()
            .find(|(m, _, _)| m.matches(code, &text))
        {
            if !rules
                .allowed_antibiotics
                .iter()
                .any(|m| m.matches(code, &text))
            {
                return Eligibility::NotRefillable(Refusal::Antibiotic {
                    ingredient: ingredient.clone(),
                    class: class.clone(),
                });
            }
        }
    }
    if med.status != "active" {
        return Eligibility::NotRefillable(Refusal::NotActive {
            status: med.status.clone(),
        });
    }
    Eligibility::Refillable
}

#[cfg(test)]
mod tests;
