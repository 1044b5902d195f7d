//! The scenario runner behind `sprout policy check FILE` (ACCESS-POLICY.md, "The
//! scenario file"): each case is parsed into a [`Request`] and decided by the
//! very [`decide`] the server uses.
//!
//! Parsing is strict so a practice's own file cannot silently test something
//! else than it says: unknown fields, unknown codes and fields that do not fit
//! the actor's kind are errors naming the case and the field.

use crate::people::{AccountStatus, RelationshipKind, StaffRole};
use crate::record::{Confidentiality, Labels, Section, Sensitivity};
use jiff::civil::Date;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use super::request::{
    Action, Actor, ActorKind, Item, OwnAccount, PatientFacts, ProxyFacts, Relationship, Request,
};
use super::rules::{decide, Decision};
use super::settings::{Policy, Preset};

/// The `format` value this runner reads.
pub const SCENARIO_FORMAT: &str = "sprout-policy-scenarios/1";

/// Why a scenario file could not be run. Nothing is decided when the file is
/// malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioFileError {
    /// The text is not JSON.
    #[error("scenario file is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// A top-level field (`format`, `cases`) is missing or wrong.
    #[error("scenario file: field {field}: {problem}")]
    File {
        /// The field's name.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A case is malformed.
    #[error("case {case}: field {field}: {problem}")]
    Case {
        /// The case's `id` in quotes, or `#N` (1-based) when it has none.
        case: String,
        /// Dotted path of the field in the case, e.g. `actor.relationship.kind`.
        field: String,
        /// What is wrong with it, e.g. `unknown value "uncle"`.
        problem: String,
    },
}

/// One scenario case, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The case's id.
    pub id: String,
    /// The effective policy (preset and overrides).
    pub policy: Policy,
    /// The day decided on.
    pub today: Date,
    /// The request.
    pub request: Request,
    /// The expected outcome: `true` for `allow`.
    pub expect_allow: bool,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case's id.
    pub id: String,
    /// Whether `allow` was expected.
    pub expect_allow: bool,
    /// What [`decide`] returned.
    pub decision: Decision,
}

impl CaseResult {
    /// Whether the decision matched the expectation.
    pub fn passed(&self) -> bool {
        self.decision.allow == self.expect_allow
    }
}

impl fmt::Display for CaseResult {
    /// `PASS id`, or `FAIL id: expected allow, got deny (reason-code)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = |allow: bool| if allow { "allow" } else { "deny" };
        if self.passed() {
            write!(f, "PASS {}", self.id)
        } else {
            write!(
                f,
                "FAIL {}: expected {}, got {} ({})",
                self.id,
                word(self.expect_allow),
                word(self.decision.allow),
                self.decision.reason
            )
        }
    }
}

/// The outcome of a scenario file: one result per case, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioReport {
    /// Results in file order.
    pub cases: Vec<CaseResult>,
    /// Cases whose decision matched.
    pub passed: usize,
    /// Cases whose decision did not match.
    pub failed: usize,
}

impl ScenarioReport {
    /// True when no case failed (the CLI exits 0 only then).
    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }
}

impl fmt::Display for ScenarioReport {
    /// One line per case, then `N passed, N failed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for case in &self.cases {
            writeln!(f, "{case}")?;
        }
        writeln!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// Parses and runs a scenario file through [`decide`].
///
/// # Errors
/// [`ScenarioFileError`] for text that is not JSON, a wrong or missing `format`
/// or `cases`, or a malformed case (naming its `id` and the field); no case is
/// run then.
pub fn run_scenarios(json_text: &str) -> Result<ScenarioReport, ScenarioFileError> {
    let scenarios = parse_scenarios(json_text)?;
    let cases: Vec<CaseResult> = scenarios
        .iter()
        .map(|s| CaseResult {
            id: s.id.clone(),
            expect_allow: s.expect_allow,
            decision: decide(&s.policy, &s.request, s.today),
        })
        .collect();
    let passed = cases.iter().filter(|c| c.passed()).count();
    Ok(ScenarioReport {
        failed: cases.len() - passed,
        passed,
        cases,
    })
}

/// Parses a scenario file without running it.
///
/// # Errors
/// As [`run_scenarios`].
pub fn parse_scenarios(json_text: &str) -> Result<Vec<Scenario>, ScenarioFileError> {
    let root: Value = serde_json::from_str(json_text).map_err(|e| ScenarioFileError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let file_err = |field: &str, problem: String| ScenarioFileError::File {
        field: field.to_owned(),
        problem,
    };
    let root = root
        .as_object()
        .ok_or_else(|| file_err("(top level)", "expected an object".into()))?;
    for key in root.keys() {
        if key != "format" && key != "cases" {
            return Err(file_err(key, "unknown field".into()));
        }
    }
    match root.get("format") {
        Some(Value::String(s)) if s == SCENARIO_FORMAT => {}
        Some(v) => {
            return Err(file_err(
                "format",
                format!("unknown value {v} (expected \"{SCENARIO_FORMAT}\")"),
            ))
        }
        None => return Err(file_err("format", "missing".into())),
    }
    let cases = match root.get("cases") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(file_err("cases", "expected a list of cases".into())),
        None => return Err(file_err("cases", "missing".into())),
    };
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(cases.len());
    for (n, case) in cases.iter().enumerate() {
        let label = case
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{}", n + 1), |id| format!("\"{id}\""));
        let scenario = parse_case(case).map_err(|e| ScenarioFileError::Case {
            case: label.clone(),
            field: e.field,
            problem: e.problem,
        })?;
        if !seen.insert(scenario.id.clone()) {
            return Err(ScenarioFileError::Case {
                case: label,
                field: "id".into(),
                problem: "duplicate id".into(),
            });
        }
        out.push(scenario);
    }
    Ok(out)
}

/// A field error inside one case.
#[derive(Debug)]
struct FieldError {
    field: String,
    problem: String,
}

type Parsed<T> = Result<T, FieldError>;

/// A JSON object being read, with its dotted path; [`Obj::finish`] rejects
/// fields nobody asked for.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    read: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value, path: &str) -> Parsed<Self> {
        match value.as_object() {
            Some(map) => Ok(Self {
                map,
                path: path.to_owned(),
                read: Vec::new(),
            }),
            None => Err(err(path, format!("expected an object, got {value}"))),
        }
    }

    fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The field, `None` when absent or null.
    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.read.push(key);
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn required(&mut self, key: &'static str) -> Parsed<&'a Value> {
        self.get(key)
            .ok_or_else(|| err(&self.path(key), "missing".into()))
    }

    fn str_of(&self, key: &str, v: &'a Value) -> Parsed<&'a str> {
        v.as_str()
            .ok_or_else(|| err(&self.path(key), format!("expected text, got {v}")))
    }

    fn code<T: FromStr>(&self, key: &str, v: &Value, expected: &str) -> Parsed<T> {
        let s = self.str_of(key, v)?;
        s.parse().map_err(|_| {
            err(
                &self.path(key),
                format!("unknown value \"{s}\" (expected {expected})"),
            )
        })
    }

    fn req_code<T: FromStr>(&mut self, key: &'static str, expected: &str) -> Parsed<T> {
        let v = self.required(key)?;
        self.code(key, v, expected)
    }

    fn opt_code<T: FromStr>(&mut self, key: &'static str, expected: &str) -> Parsed<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => self.code(key, v, expected).map(Some),
        }
    }

    fn date(&self, key: &str, v: &Value) -> Parsed<Date> {
        let s = self.str_of(key, v)?;
        s.parse::<Date>().map_err(|_| {
            err(
                &self.path(key),
                format!("not an ISO date (YYYY-MM-DD): \"{s}\""),
            )
        })
    }

    fn req_date(&mut self, key: &'static str) -> Parsed<Date> {
        let v = self.required(key)?;
        self.date(key, v)
    }

    fn opt_date(&mut self, key: &'static str) -> Parsed<Option<Date>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => self.date(key, v).map(Some),
        }
    }

    fn opt_bool(&mut self, key: &'static str) -> Parsed<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(err(
                &self.path(key),
                format!("expected true or false, got {v}"),
            )),
        }
    }

    fn opt_str(&mut self, key: &'static str) -> Parsed<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => self.str_of(key, v).map(|s| Some(s.to_owned())),
        }
    }

    fn opt_count(&mut self, key: &'static str) -> Parsed<Option<u32>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| {
                    err(
                        &self.path(key),
                        format!("expected a whole number 0 or more, got {v}"),
                    )
                }),
        }
    }

    fn opt_codes<T: FromStr>(&mut self, key: &'static str, expected: &str) -> Parsed<Vec<T>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let list = v
            .as_array()
            .ok_or_else(|| err(&self.path(key), format!("expected a list, got {v}")))?;
        list.iter()
            .enumerate()
            .map(|(i, x)| self.code(&format!("{key}[{i}]"), x, expected))
            .collect()
    }

    fn opt_obj(&mut self, key: &'static str) -> Parsed<Option<Obj<'a>>> {
        let path = self.path(key);
        self.get(key).map(|v| Obj::new(v, &path)).transpose()
    }

    fn req_obj(&mut self, key: &'static str) -> Parsed<Obj<'a>> {
        let path = self.path(key);
        let v = self.required(key)?;
        Obj::new(v, &path)
    }

    /// A field present (even null) that this actor kind does not take.
    fn reject(&self, key: &str, why: &str) -> Parsed<()> {
        if self.map.contains_key(key) {
            Err(err(&self.path(key), why.to_owned()))
        } else {
            Ok(())
        }
    }

    fn finish(self) -> Parsed<()> {
        match self.map.keys().find(|k| !self.read.contains(&k.as_str())) {
            Some(k) => Err(err(&self.path(k), "unknown field".into())),
            None => Ok(()),
        }
    }
}

fn err(field: &str, problem: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        problem,
    }
}

/// "a, b or c" from an enumeration's codes.
fn one_of<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> String {
    let codes: Vec<&str> = all.iter().map(|c| code(*c)).collect();
    match codes.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

fn parse_case(value: &Value) -> Parsed<Scenario> {
    let mut case = Obj::new(value, "")?;
    let id = {
        let v = case.required("id")?;
        case.str_of("id", v)?.to_owned()
    };
    if id.trim().is_empty() {
        return Err(err("id", "empty".into()));
    }
    let preset: Preset = case
        .opt_code("preset", &one_of(Preset::ALL, Preset::code))?
        .unwrap_or_default();
    let empty = Map::new();
    let overrides = match case.get("overrides") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(v) => return Err(err("overrides", format!("expected an object, got {v}"))),
    };
    let policy = Policy::from_preset_with_overrides(preset.code(), overrides).map_err(|e| {
        let field = e
            .setting()
            .map_or_else(|| "overrides".to_owned(), |s| format!("overrides.{s}"));
        err(&field, e.to_string())
    })?;
    let today = case.req_date("today")?;
    let patient = parse_patient(case.req_obj("patient")?)?;
    let actor = parse_actor(case.req_obj("actor")?)?;
    let action: Action = case.req_code("action", &one_of(Action::ALL, Action::code))?;
    let section: Option<Section> =
        case.opt_code("section", &one_of(Section::ALL, Section::code))?;
    let item = case.opt_obj("item")?.map(parse_item).transpose()?;
    let expect = {
        let v = case.required("expect")?;
        match case.str_of("expect", v)? {
            "allow" => true,
            "deny" => false,
            other => {
                return Err(err(
                    "expect",
                    format!("unknown value \"{other}\" (expected allow or deny)"),
                ))
            }
        }
    };
    case.finish()?;
    Ok(Scenario {
        id,
        policy,
        today,
        request: Request {
            actor,
            patient,
            action,
            section,
            item,
        },
        expect_allow: expect,
    })
}

fn parse_patient(mut o: Obj<'_>) -> Parsed<PatientFacts> {
    let birth_date = o.req_date("birth_date")?;
    let account = o
        .opt_code("account", &one_of(OwnAccount::ALL, OwnAccount::code))?
        .unwrap_or(OwnAccount::None);
    let email = o.opt_str("email")?;
    o.finish()?;
    Ok(PatientFacts {
        birth_date,
        account,
        email,
    })
}

fn parse_actor(mut o: Obj<'_>) -> Parsed<Actor> {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Patient,
        Proxy,
        Staff,
    }
    let kind = {
        let v = o.required("kind")?;
        match o.str_of("kind", v)? {
            "patient" => Kind::Patient,
            "proxy" => Kind::Proxy,
            "staff" => Kind::Staff,
            other => {
                return Err(err(
                    &o.path("kind"),
                    format!("unknown value \"{other}\" (expected patient, proxy or staff)"),
                ))
            }
        }
    };
    let account: AccountStatus =
        o.req_code("account", &one_of(AccountStatus::ALL, AccountStatus::code))?;
    if kind != Kind::Staff {
        o.reject("staff_role", "only for kind staff")?;
        o.reject("emergency_access", "only for kind staff")?;
    }
    if kind != Kind::Proxy {
        for key in ["relationship", "other_proxies_with_access", "email"] {
            o.reject(key, "only for kind proxy")?;
        }
    }
    let kind = match kind {
        Kind::Patient => ActorKind::Patient,
        Kind::Staff => ActorKind::Staff {
            role: o
                .req_code::<StaffRole>("staff_role", &one_of(StaffRole::ALL, StaffRole::code))?,
            emergency_access: o.opt_bool("emergency_access")?.unwrap_or(false),
        },
        Kind::Proxy => ActorKind::Proxy(ProxyFacts {
            relationship: o
                .opt_obj("relationship")?
                .map(parse_relationship)
                .transpose()?,
            other_proxies_with_access: o.opt_count("other_proxies_with_access")?.unwrap_or(0),
            email: o.opt_str("email")?,
        }),
    };
    o.finish()?;
    Ok(Actor { account, kind })
}

fn parse_relationship(mut o: Obj<'_>) -> Parsed<Relationship> {
    let kind: RelationshipKind = o.req_code(
        "kind",
        &one_of(RelationshipKind::ALL, RelationshipKind::code),
    )?;
    let rel = Relationship {
        kind,
        granted_on: o.req_date("granted_on")?,
        verified: o.opt_bool("verified")?.unwrap_or(false),
        patient_approved_on: o.opt_date("patient_approved_on")?,
        sections_hidden: o.opt_codes("sections_hidden", &one_of(Section::ALL, Section::code))?,
        evidence_on_file: o.opt_bool("evidence_on_file")?.unwrap_or(false),
        expires_on: o.opt_date("expires_on")?,
        revoked_on: o.opt_date("revoked_on")?,
    };
    o.finish()?;
    Ok(rel)
}

fn parse_item(mut o: Obj<'_>) -> Parsed<Item> {
    let confidentiality: Confidentiality = o
        .opt_code(
            "confidentiality",
            &one_of(Confidentiality::ALL, Confidentiality::code),
        )?
        .unwrap_or_default();
    let sensitivity: Vec<Sensitivity> =
        o.opt_codes("sensitivity", &one_of(Sensitivity::ALL, Sensitivity::code))?;
    let patient_only_thread = o.opt_bool("patient_only_thread")?.unwrap_or(false);
    o.finish()?;
    Ok(Item {
        labels: Labels {
            confidentiality,
            sensitivity,
        },
        patient_only_thread,
    })
}
