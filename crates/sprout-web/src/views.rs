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
}
