//! The practice's access-policy settings, their presets and how a configuration
//! file overrides them (ACCESS-POLICY.md, "Policy settings and presets").

use crate::age::LeapDayBirthday;
use crate::record::{code_enum, Section};
use serde::Serialize;
use std::fmt;

use super::request::Action;

code_enum!(
    /// A named starting point for the settings (ACCESS-POLICY.md, "Policy settings
    /// and presets"). Presets are starting points for a practice's counsel, not
    /// legal advice.
    #[derive(Default)]
    Preset, "preset", {
        /// Modelled on a California practice and California Health & Safety Code
        /// §123115(a): teens approve their proxies. The default.
        #[default]
        California = "california",
        /// Modelled on a Boston children's hospital: proxies of teens see a
        /// limited set of sections.
        Massachusetts = "massachusetts",
    }
);

impl Preset {
    /// The statute the preset cites for withholding a minor's confidential care
    /// from parents, if any. Withholdings it covers record the
    /// [`required-by-law`](super::InfoBlockingException::RequiredByLaw)
    /// exception instead of `privacy` (see [`super::Reason::exception`]).
    ///
    /// California cites Health & Safety Code §123115(a) (a parent is not entitled
    /// to records of care the minor could lawfully consent to). The
    /// Massachusetts preset cites none in ACCESS-POLICY.md, so its withholdings
    /// are recorded under the privacy exception.
    pub fn minor_consent_statute(self) -> Option<&'static str> {
        match self {
            Self::California => Some("California Health & Safety Code §123115(a)"),
            Self::Massachusetts => None,
        }
    }
}

code_enum!(
    /// How parents and guardians of an adolescent get access (setting
    /// `adolescent_proxy`, ACCESS-POLICY.md rule 4).
    AdolescentProxy, "adolescent_proxy", {
        /// The adolescent approves each proxy (on or after becoming adolescent)
        /// and may hide sections from them.
        PatientApproval = "patient-approval",
        /// Proxies see `limited_sections` only, without the adolescent's approval.
        Limited = "limited",
    }
);

code_enum!(
    /// Who may be a proxy of an adult patient (setting `adult_proxy`,
    /// ACCESS-POLICY.md rule 4).
    AdultProxy, "adult_proxy", {
        /// A designee the patient named, with written consent on file, or a
        /// court-appointed guardian with papers on file.
        DesigneeWithWrittenConsent = "designee-with-written-consent",
        /// Only a court-appointed guardian with papers on file.
        CourtAppointedGuardianOnly = "court-appointed-guardian-only",
    }
);

/// The effective access policy of a practice: a preset plus the practice's
/// overrides. Field names are the setting names of ACCESS-POLICY.md.
///
/// `Display` prints it as the `[policy]` table of the configuration file
/// (`sprout policy show`); [`Policy::from_toml_str`] reads that text back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// The preset the settings started from.
    pub preset: Preset,
    /// Youngest age (completed years) of the adolescent band.
    pub adolescent_age: u8,
    /// Youngest age (completed years) of the adult band.
    pub adult_age: u8,
    /// Youngest patient (completed years) who may have an own login.
    pub patient_account_min_age: u8,
    /// Most proxies with access per patient; 0 means no limit.
    pub max_proxies: u32,
    /// How proxies of an adolescent get access.
    pub adolescent_proxy: AdolescentProxy,
    /// What a proxy of an adolescent sees under `adolescent_proxy = "limited"`.
    pub limited_sections: Vec<Section>,
    /// Who may be a proxy of an adult.
    pub adult_proxy: AdultProxy,
    /// What a proxy may do besides viewing (never `view` or `grant-proxy`).
    pub proxy_actions: Vec<Action>,
    /// Ages (completed years) at which proxies are told that the teen may have an
    /// own account; used by the notice job only.
    pub notify_proxies_of_teen_account_at_ages: Vec<u8>,
    /// How a 29 February birthday falls in a non-leap year.
    pub leap_day_birthday: LeapDayBirthday,
}

impl Default for Policy {
    fn default() -> Self {
        Self::preset(Preset::California)
    }
}

/// Why a policy configuration was refused. Every message names the setting and
/// the value given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The preset name is not one of `california`, `massachusetts`.
    #[error("unknown policy preset \"{0}\" (expected california or massachusetts)")]
    UnknownPreset(String),
    /// A setting name that ACCESS-POLICY.md does not define.
    #[error("unknown policy setting \"{0}\"")]
    UnknownSetting(String),
    /// A value that does not fit its setting.
    #[error("policy setting {setting}: bad value {value}: expected {expected}")]
    BadValue {
        /// The setting's name.
        setting: String,
        /// The value as given (JSON notation).
        value: String,
        /// What the setting accepts.
        expected: String,
    },
    /// Settings that are each valid but contradict one another.
    #[error("policy setting {setting}: {problem}")]
    Inconsistent {
        /// The setting reported.
        setting: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The configuration text is not valid TOML.
    #[error("policy configuration is not valid TOML: {0}")]
    Toml(String),
}

impl PolicyError {
    /// The setting the error is about, if it is about one (used to name the
    /// field in scenario-file errors).
    pub fn setting(&self) -> Option<&str> {
        match self {
            Self::UnknownPreset(_) => Some("preset"),
            Self::UnknownSetting(s) => Some(s),
            Self::BadValue { setting, .. } => Some(setting),
            Self::Inconsistent { setting, .. } => Some(setting),
            Self::Toml(_) => None,
        }
    }
}

/// The setting names, in ACCESS-POLICY.md's order.
pub const SETTING_NAMES: &[&str] = &[
    "adolescent_age",
    "adult_age",
    "patient_account_min_age",
    "max_proxies",
    "adolescent_proxy",
    "limited_sections",
    "adult_proxy",
    "proxy_actions",
    "notify_proxies_of_teen_account_at_ages",
    "leap_day_birthday",
];

impl Policy {
    /// The settings of a preset, as tabled in ACCESS-POLICY.md. California's
    /// `limited_sections` is empty (the table gives "-": unused under
    /// `patient-approval`).
    pub fn preset(preset: Preset) -> Self {
        match preset {
            Preset::California => Self {
                preset,
                adolescent_age: 12,
                adult_age: 18,
                patient_account_min_age: 12,
                max_proxies: 2,
                adolescent_proxy: AdolescentProxy::PatientApproval,
                limited_sections: Vec::new(),
                adult_proxy: AdultProxy::DesigneeWithWrittenConsent,
                proxy_actions: Vec::new(),
                notify_proxies_of_teen_account_at_ages: Vec::new(),
                leap_day_birthday: LeapDayBirthday::March1,
            },
            Preset::Massachusetts => Self {
                preset,
                adolescent_age: 13,
                adult_age: 18,
                patient_account_min_age: 13,
                max_proxies: 0,
                adolescent_proxy: AdolescentProxy::Limited,
                limited_sections: vec![
                    Section::Demographics,
                    Section::Immunizations,
                    Section::Allergies,
                    Section::Appointments,
                    Section::Billing,
                ],
                adult_proxy: AdultProxy::CourtAppointedGuardianOnly,
                proxy_actions: vec![
                    Action::Message,
                    Action::Appointment,
                    Action::Billing,
                    Action::Contact,
                ],
                notify_proxies_of_teen_account_at_ages: vec![13, 14],
                leap_day_birthday: LeapDayBirthday::March1,
            },
        }
    }

    /// The named preset with `overrides` applied (setting name to JSON value, as
    /// in a scenario file's `overrides`).
    ///
    /// # Errors
    /// [`PolicyError::UnknownPreset`], [`PolicyError::UnknownSetting`],
    /// [`PolicyError::BadValue`] naming the setting and value, or
    /// [`PolicyError::Inconsistent`] when the ages contradict one another.
    pub fn from_preset_with_overrides(
        preset: &str,
        overrides: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, PolicyError> {
        let preset: Preset = preset
            .parse()
            .map_err(|_| PolicyError::UnknownPreset(preset.to_owned()))?;
        let mut policy = Self::preset(preset);
        for (name, value) in overrides {
            policy.set(name, value)?;
        }
        policy.check()?;
        Ok(policy)
    }

    /// Reads the `[policy]` table of the configuration file: an optional
    /// `preset` (default `california`) and any settings overriding it, e.g.
    /// `preset = "massachusetts"` and `max_proxies = 3`.
    ///
    /// # Errors
    /// As [`Policy::from_preset_with_overrides`]; a non-text `preset` is a
    /// [`PolicyError::BadValue`].
    pub fn from_toml_table(table: &toml::Table) -> Result<Self, PolicyError> {
        let mut overrides = serde_json::Map::new();
        let mut preset = Preset::default().code().to_owned();
        for (name, value) in table {
            if name == "preset" {
                match value {
                    toml::Value::String(s) => preset = s.clone(),
                    other => {
                        return Err(PolicyError::BadValue {
                            setting: "preset".into(),
                            value: toml_to_json(other).to_string(),
                            expected: "california or massachusetts".into(),
                        })
                    }
                }
            } else {
                overrides.insert(name.clone(), toml_to_json(value));
            }
        }
        Self::from_preset_with_overrides(&preset, &overrides)
    }

    /// Reads a whole configuration file's text and takes its `[policy]` table
    /// (the default policy when there is none); other tables are ignored.
    ///
    /// # Errors
    /// [`PolicyError::Toml`] for text that is not TOML or a `policy` key that is
    /// not a table; otherwise as [`Policy::from_toml_table`].
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let doc: toml::Table =
            toml::from_str(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        match doc.get("policy") {
            None => Ok(Self::default()),
            Some(toml::Value::Table(t)) => Self::from_toml_table(t),
            Some(_) => Err(PolicyError::Toml("`policy` must be a table".into())),
        }
    }

    /// The statute this policy's preset cites, if any ([`Preset::minor_consent_statute`]).
    pub fn minor_consent_statute(&self) -> Option<&'static str> {
        self.preset.minor_consent_statute()
    }

    fn set(&mut self, name: &str, value: &serde_json::Value) -> Result<(), PolicyError> {
        let bad = |expected: &str| PolicyError::BadValue {
            setting: name.to_owned(),
            value: value.to_string(),
            expected: expected.to_owned(),
        };
        let age = |v: &serde_json::Value| -> Option<u8> {
            v.as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .filter(|n| *n <= 130)
        };
        const AGE: &str = "a whole number of years from 0 to 130";
        match name {
            "adolescent_age" => self.adolescent_age = age(value).ok_or_else(|| bad(AGE))?,
            "adult_age" => self.adult_age = age(value).ok_or_else(|| bad(AGE))?,
            "patient_account_min_age" => {
                self.patient_account_min_age = age(value).ok_or_else(|| bad(AGE))?
            }
            "max_proxies" => {
                self.max_proxies = value
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad("a whole number, 0 for no limit"))?
            }
            "adolescent_proxy" => {
                self.adolescent_proxy = parse_code(value).ok_or_else(|| {
                    bad(&expected_codes(
                        AdolescentProxy::ALL.iter().map(|c| c.code()),
                    ))
                })?
            }
            "adult_proxy" => {
                self.adult_proxy = parse_code(value)
                    .ok_or_else(|| bad(&expected_codes(AdultProxy::ALL.iter().map(|c| c.code()))))?
            }
            "limited_sections" => {
                let expected = format!(
                    "a list of sections ({})",
                    expected_codes(Section::ALL.iter().map(|c| c.code()))
                );
                self.limited_sections =
                    parse_list(value, parse_code).ok_or_else(|| bad(&expected))?
            }
            "proxy_actions" => {
                let allowed: Vec<Action> = Action::ALL
                    .iter()
                    .copied()
                    .filter(|a| a.is_proxy_action())
                    .collect();
                let expected = format!(
                    "a list of actions ({})",
                    expected_codes(allowed.iter().map(|c| c.code()))
                );
                self.proxy_actions = parse_list(value, |v| {
                    parse_code::<Action>(v).filter(|a| allowed.contains(a))
                })
                .ok_or_else(|| bad(&expected))?
            }
            "notify_proxies_of_teen_account_at_ages" => {
                self.notify_proxies_of_teen_account_at_ages =
                    parse_list(value, age).ok_or_else(|| bad("a list of ages in whole years"))?
            }
            "leap_day_birthday" => {
                self.leap_day_birthday = match value.as_str() {
                    Some("march-1") => LeapDayBirthday::March1,
                    Some("february-28") => LeapDayBirthday::February28,
                    _ => return Err(bad("march-1 or february-28")),
                }
            }
            "preset" => {
                return Err(PolicyError::Inconsistent {
                    setting: "preset",
                    problem: "the preset is chosen by its own field, not as an override".into(),
                })
            }
            _ => return Err(PolicyError::UnknownSetting(name.to_owned())),
        }
        Ok(())
    }

    fn check(&self) -> Result<(), PolicyError> {
        if self.adolescent_age > self.adult_age {
            return Err(PolicyError::Inconsistent {
                setting: "adolescent_age",
                problem: format!(
                    "adolescent_age ({}) is greater than adult_age ({})",
                    self.adolescent_age, self.adult_age
                ),
            });
        }
        Ok(())
    }
}

impl fmt::Display for Policy {
    /// The `[policy]` table of the configuration file, every setting spelled out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[derive(Serialize)]
        struct File<'a> {
            policy: &'a Policy,
        }
        let text = toml::to_string(&File { policy: self }).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

fn parse_code<T: std::str::FromStr>(v: &serde_json::Value) -> Option<T> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn parse_list<T: PartialEq>(
    v: &serde_json::Value,
    one: impl Fn(&serde_json::Value) -> Option<T>,
) -> Option<Vec<T>> {
    let mut out = Vec::new();
    for item in v.as_array()? {
        let x = one(item)?;
        if !out.contains(&x) {
            out.push(x);
        }
    }
    Some(out)
}

fn expected_codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(", ")
}

/// TOML value to the JSON value the override parser reads (dates become text,
/// which no setting accepts).
fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}
