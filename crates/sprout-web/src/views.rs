//! Page templates (askama, HTML auto-escaped) and the frame every page shares.
//!
//! Templates live in `templates/`; every word in them comes from the catalogs
//! through `c.t.get(..)` with a catalog key.

use crate::context::Ctx;
use crate::i18n::{Locale, Tr};
use askama::Template;

/// Renders a template; a failure is logged and becomes a 500.
pub(crate) fn render<T: Template>(t: &T) -> Result<String, crate::error::WebError> {
    t.render()
        .map_err(|e| crate::error::WebError::Internal(format!("template: {e}")))
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters kept).
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The frame of every page: language, title, header forms.
pub(crate) struct Chrome<'a> {
    /// The translator.
    pub t: Tr<'a>,
    /// The page title (without the site name).
    pub title: String,
    /// The CSRF token for the header forms.
    pub csrf: String,
    /// Where the language switch returns to.
    pub return_to: String,
    /// The signed-in user's name, if any.
    pub user_name: Option<String>,
    /// Whether to draw the forms (false on bare error pages without a context).
    pub forms: bool,
    /// The practice's name (brand and window title).
    pub practice: String,
    /// The messages link of the top bar (href, catalog key): "Messages" for
    /// families, "Inbox" for staff who answer messages.
    pub messages_link: Option<(&'static str, &'static str)>,
}

/// One choice of the language switch.
pub(crate) struct LangChoice {
    pub code: &'static str,
    pub name: String,
    pub current: bool,
}

impl<'a> Chrome<'a> {
    /// The frame for a request; `return_to` overrides the current path as the
    /// language switch's return (error pages return home).
    pub fn new(
        state: &crate::AppState,
        t: Tr<'a>,
        title: String,
        ctx: Option<&Ctx>,
        return_to: Option<&str>,
    ) -> Self {
        Self {
            practice: state.config().practice_name.clone(),
            t,
            title,
            csrf: ctx.map(|c| c.csrf_token().to_owned()).unwrap_or_default(),
            return_to: return_to
                .map(str::to_owned)
                .or_else(|| ctx.map(|c| c.path.clone()))
                .unwrap_or_else(|| "/".to_owned()),
            user_name: ctx
                .and_then(|c| c.user.as_ref())
                .map(|u| u.account.display_name.clone()),
            forms: ctx.is_some(),
            messages_link: ctx.and_then(|c| c.user.as_ref()).and_then(|u| {
                match u.actor.staff_role {
                    None => Some(("/messages", "nav-messages")),
                    Some(r) if sprout_domain::messaging::staff_answers_messages(r) => {
                        Some(("/staff/inbox", "nav-inbox"))
                    }
                    Some(_) => None,
                }
            }),
        }
    }

    /// `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.t.locale.code()
    }

    /// "Signed in as …", when signed in.
    pub fn signed_in_line(&self) -> Option<String> {
        self.user_name.as_deref().map(|n| {
            self.t
                .with("signed-in-as", &[("name", crate::i18n::Arg::Text(n))])
        })
    }

    /// The language switch's choices, each named in its own language.
    pub fn languages(&self) -> Vec<LangChoice> {
        Locale::ALL
            .iter()
            .map(|&l| LangChoice {
                code: l.code(),
                name: match l {
                    Locale::En => "English".to_owned(),
                    Locale::Es => "Español".to_owned(),
                },
                current: l == self.t.locale,
            })
            .collect()
    }
}

/// The error page (404, 403, 400, 500...).
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage<'a> {
    pub c: Chrome<'a>,
    pub title: String,
    pub body: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage<'a> {
    pub c: Chrome<'a>,
    pub email: String,
    pub error: bool,
    /// The error's words (the same for every failed password).
    pub failure: String,
    /// A notice above the form (password changed, signed out for inactivity).
    pub notice: Option<String>,
    pub next: String,
}

/// A patient as a card or a switcher link.
pub(crate) struct PatientLink {
    pub href: String,
    pub name: String,
    pub initial: String,
    pub avatar: &'static str,
    pub age: String,
    pub born: String,
}

/// The family home.
#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct HomePage<'a> {
    pub c: Chrome<'a>,
    pub greeting: String,
    pub patients: Vec<PatientLink>,
    /// The patient's own "who can see my record" page, when they manage one.
    pub sharing_href: Option<String>,
}

/// The staff home.
#[derive(Template)]
#[template(path = "staff_home.html")]
pub(crate) struct StaffHomePage<'a> {
    pub c: Chrome<'a>,
    pub greeting: String,
    pub role: String,
    /// The MRN searched for, re-shown.
    pub mrn: String,
    /// "No patient has that number", after a search that found none.
    pub notice: Option<String>,
}

/// One tab of the patient navigation.
pub(crate) struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// What every patient page shows above its section.
pub(crate) struct PatientFrame {
    pub patient: PatientLink,
    pub tabs: Vec<Tab>,
    pub others: Vec<PatientLink>,
}

/// One row of a list section.
pub(crate) struct Row {
    /// What it is ("Weight", "MMR", "Amoxicillin 250 mg").
    pub title: String,
    /// The value, when the item has one ("18.2 kg (40 lb 2 oz)").
    pub value: Option<String>,
    /// A short status shown as a badge.
    pub badge: Option<Badge>,
    /// Further lines (date, reason, prescriber).
    pub lines: Vec<String>,
}

/// A short status ("Given", "Active") and its tone (`ok`, `warn`, `muted`).
pub(crate) struct Badge {
    pub text: String,
    pub tone: &'static str,
}

impl Badge {
    /// A badge.
    pub fn new(text: String, tone: &'static str) -> Self {
        Self { text, tone }
    }
}

/// A list section page (vitals, immunizations...).
#[derive(Template)]
#[template(path = "patient_list.html")]
pub(crate) struct ListPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub heading: String,
    pub rows: Vec<Row>,
    pub empty: String,
}

/// One count on the summary page.
pub(crate) struct CountLink {
    pub href: String,
    pub label: String,
    pub count: u64,
}

/// The patient summary page.
#[derive(Template)]
#[template(path = "patient_summary.html")]
pub(crate) struct SummaryPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub counts: Vec<CountLink>,
    pub latest_vitals: Option<Vec<Row>>,
    pub vitals_href: String,
    /// "2 new results", when the user may see new results (issue 7).
    pub new_results: Option<String>,
    /// The results page.
    pub results_href: String,
}

/// One section a patient may hide from or show to a proxy (a checkbox).
pub(crate) struct SectionChoice {
    /// The section's code (the checkbox's value).
    pub code: &'static str,
    /// Its name.
    pub label: String,
    /// Checked: shown to the proxy.
    pub shown: bool,
    /// The checkbox's element id.
    pub id: String,
}

/// The staff's evidence form of one relationship.
pub(crate) struct EvidenceForm {
    /// "Guardianship papers on file" or "Written consent on file".
    pub label: String,
    /// Checked: on file.
    pub on_file: bool,
    /// The end date as typed (`YYYY-MM-DD`), or empty.
    pub expires_on: String,
    /// The date was refused.
    pub error: bool,
    /// The relationship's id (element ids).
    pub id: String,
}

/// One proxy in force (or waiting for the patient's approval).
pub(crate) struct ProxyCard {
    /// Where its forms post (`/patients/{id}/proxies/{rel}`).
    pub action_base: String,
    pub rel_id: String,
    pub name: String,
    pub email: String,
    /// "Parent", "Legal guardian"...
    pub kind: String,
    /// "Since March 2, 2026".
    pub since: String,
    /// Whether the proxy may see anything today.
    pub has_access: bool,
    /// Why (the policy's reason in plain words).
    pub status: String,
    /// Sections the patient hid, named, comma-separated (empty for none).
    pub hidden: String,
    /// Waiting for the patient's approval.
    pub pending: bool,
    /// The patient's per-section choices (empty for staff).
    pub section_choices: Vec<SectionChoice>,
    /// The evidence form (front desk, guardians and designees).
    pub evidence: Option<EvidenceForm>,
    /// The explain view (staff).
    pub explain_href: Option<String>,
    /// Whether a revoke button is offered.
    pub may_revoke: bool,
    /// Button and legend words that name the proxy ("Approve Carlos").
    pub approve_label: String,
    pub reject_label: String,
    pub sections_legend: String,
    pub sections_save: String,
    pub revoke_label: String,
}

/// A relationship that ended.
pub(crate) struct PastProxy {
    pub name: String,
    pub kind: String,
    /// "Access removed on ..." or "Ended on ...".
    pub ended: String,
}

/// One choice of the relationship kind select.
pub(crate) struct KindChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The front desk's add form, with what was typed.
pub(crate) struct AddProxyForm {
    pub email: String,
    pub kinds: Vec<KindChoice>,
    /// Where it posts.
    pub action: String,
}

/// A patient's proxies: the patient's "who can see my record" page, or the
/// staff's proxies page.
#[derive(Template)]
#[template(path = "proxies.html")]
pub(crate) struct ProxiesPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub heading: String,
    pub intro: String,
    /// The patient's own page (approve, reject, sections) rather than staff's.
    pub patient_view: bool,
    /// A change went through.
    pub notice: Option<String>,
    /// A change was refused, and why.
    pub error: Option<String>,
    /// Requests waiting for the patient's approval.
    pub waiting: Vec<ProxyCard>,
    /// Proxies in force (and, for staff, those waiting).
    pub current: Vec<ProxyCard>,
    /// Ended relationships.
    pub past: Vec<PastProxy>,
    /// The front desk's add form.
    pub add: Option<AddProxyForm>,
}

/// One line of the explain view.
pub(crate) struct ExplainRow {
    /// The section (or kind of item).
    pub label: String,
    pub allowed: bool,
    /// "Can see" or "Hidden".
    pub verdict: String,
    /// The reason in plain words.
    pub why: String,
    /// The information-blocking exception in words, or empty.
    pub exception: String,
}

/// For one proxy of one patient today: each section's decision and why.
#[derive(Template)]
#[template(path = "proxy_explain.html")]
pub(crate) struct ExplainPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub heading: String,
    pub intro: String,
    /// The facts decided on: (label, value).
    pub facts: Vec<(String, String)>,
    pub rows: Vec<ExplainRow>,
    pub item_rows: Vec<ExplainRow>,
    /// The proxies page.
    pub back: String,
}
