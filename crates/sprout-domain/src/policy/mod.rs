//! The access policy: who may see and do what in a patient's portal record, and
//! when (ACCESS-POLICY.md).
//!
//! This module exists so that every channel (pages, API responses, exports,
//! downloads, notifications, counts) and the `sprout policy check` scenario
//! runner obey one pure decision function, [`decide`], with "today" passed in:
//! age bands are computed from the birth date on each decision, so access
//! changes at midnight of a birthday without any job having run.
//!
//! - [`Policy`]: the practice's settings, from a preset (`california`, the
//!   default, or `massachusetts`) and overrides from the configuration file.
//! - [`Request`] and [`decide`]: rules 1-5 in ACCESS-POLICY.md's order, first
//!   that decides wins, default deny; every [`Decision`] has a [`Reason`] with a
//!   stable code, and withheld data an [`InfoBlockingException`].
//! - [`filter_items`] and [`visible_sections`]: the same rules over the items
//!   and sections of a view.
//! - [`run_scenarios`]: the scenario-file runner.
//!
//! Sources: ACCESS-POLICY.md, which draws on the published policies of real
//! pediatric portals, California Health & Safety Code §123115(a), HIPAA
//! 45 CFR 164.502(g)(3) and the information-blocking privacy exception
//! 45 CFR 171.202. Presets are starting points for a practice's counsel, not
//! legal advice.

mod request;
mod rules;
mod scenario;
mod settings;

pub use request::{
    Action, Actor, ActorKind, Item, OwnAccount, PatientFacts, ProxyFacts, Relationship, Request,
};
pub use rules::{
    band, decide, filter_items, may_have_own_account, next_band_change, staff_may_do,
    staff_may_view, teen_account_notice_due, visible_sections, AgeBand, Decision, Filtered,
    InfoBlockingException, PolicyItem, Reason, Withheld,
};
pub use scenario::{
    parse_scenarios, run_scenarios, CaseResult, Scenario, ScenarioFileError, ScenarioReport,
    SCENARIO_FORMAT,
};
pub use settings::{AdolescentProxy, AdultProxy, Policy, PolicyError, Preset, SETTING_NAMES};
