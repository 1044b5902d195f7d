//! The immunization pages: the record grouped by vaccine group with whether
//! each dose counts, what is due next, and the printable record (PDF) for
//! school, camp and sports (DESIGN.md, capability 8; issue 10).
//!
//! The doses reach these pages only through the one read path
//! ([`crate::read`]: the access policy, item by item, and one audit event; the
//! PDF is audited as an `export`). Whether a dose counts and what is due are
//! CDC's CDSi rules ([`immunization::forecast`]) with "today" from the
//! injected clock and the supporting data the product forecasts with
//! ([`SupportingData::current`]); this module only groups and words them. A
//! dose the policy withholds is simply absent, here and in the forecast.

use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::imm_pdf::{self, DoseRow, GroupTable, RecordDoc};
use crate::pages::{self, Current, Page};
use crate::read::{self, Data, View, Want};
use crate::views::{self, Badge, Chrome, PatientFrame, Row};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiff::civil::Date;
use sprout_domain::immunization::{
    self, AdministeredDose, DoseEvaluation, EvaluationReason, EvaluationStatus, SeriesStatus,
    SupportingData, Timing, VaccineGroupForecast, VaccineGroupForecasts,
};
use sprout_domain::record::{Immunization, Patient, Section};

/// The pages' stylesheet, embedded and served at `/static/imm.css`.
const IMM_CSS: &str = include_str!("../static/imm.css");

/// `GET /static/imm.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        IMM_CSS,
    )
}

/// The immunization routes (merged into the page router, inside the request
/// context).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/immunizations", get(record))
        .route("/patients/{id}/immunizations/due", get(due))
        .route("/patients/{id}/immunizations/record.pdf", get(record_pdf))
}

/// The vaccine groups a parent knows, in the order the record shows them:
/// CDC's vaccine group name (CDSi supporting data) and the catalog key of its
/// plain name. Other CDSi groups (travel vaccines...) follow in the supporting
/// data's order under CDC's name, then "other vaccines".
const GROUPS: [(&str, &str); 15] = [
    ("DTaP/Tdap/Td", "imm-group-dtap"),
    ("Polio", "imm-group-polio"),
    ("MMR", "imm-group-mmr"),
    ("Varicella", "imm-group-varicella"),
    ("HepB", "imm-group-hepb"),
    ("HepA", "imm-group-hepa"),
    ("Hib", "imm-group-hib"),
    ("Pneumococcal", "imm-group-pneumococcal"),
    ("Rotavirus", "imm-group-rotavirus"),
    ("Influenza", "imm-group-influenza"),
    ("COVID-19", "imm-group-covid"),
    ("HPV", "imm-group-hpv"),
    ("Meningococcal", "imm-group-menacwy"),
    ("Meningococcal B", "imm-group-menb"),
    ("RSV", "imm-group-rsv"),
];

/// A patient's immunizations evaluated and forecast by CDSi on one day.
pub(crate) struct Assessment {
    /// Every vaccine group's forecast (in the supporting data's order).
    pub forecast: VaccineGroupForecasts,
    /// For each dose given to the engine, the index of its record item.
    item_of_dose: Vec<usize>,
    /// Per group of `forecast`: its seasons in the supporting data are over
    /// (see [`seasons_over`]), so its evaluation and forecast are not shown.
    stale: Vec<bool>,
}

impl Assessment {
    /// Evaluates the doses given (records `completed`, with a date and a CVX
    /// code) and forecasts every vaccine group on `today`.
    pub fn new(patient: &Patient, items: &[Immunization], today: Date) -> Self {
        let mut doses = Vec::new();
        let mut item_of_dose = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if item.status != "completed" {
                continue;
            }
            let (Some(date), Some(cvx)) = (item.occurrence, item.cvx.as_deref()) else {
                continue;
            };
            doses.push(AdministeredDose {
                date,
                cvx: cvx.to_owned(),
            });
            item_of_dose.push(i);
        }
        let facts = immunization::PatientFacts {
            birth_date: patient.birth_date,
            sex: patient.sex,
        };
        let data = SupportingData::current();
        let forecast = immunization::forecast(&facts, &doses, today, data);
        let stale = forecast
            .groups
            .iter()
            .map(|g| {
                // Age and contraindications do not depend on the season.
                !matches!(
                    g.status,
                    SeriesStatus::AgedOut | SeriesStatus::Contraindicated | SeriesStatus::Immune
                ) && seasons_over(data, &g.vaccine_group, today)
            })
            .collect();
        Self {
            forecast,
            item_of_dose,
            stale,
        }
    }

    /// The record items grouped for display: each vaccine group with a dose
    /// (given, not given, or entered in error), in [`GROUPS`] order, then the
    /// other CDSi groups, then the vaccines no group covers. A combination
    /// vaccine is listed in every group it counts for.
    pub fn grouped<'a>(&'a self, items: &'a [Immunization]) -> Vec<GroupDoses<'a>> {
        let data = SupportingData::current();
        let groups = &self.forecast.groups;
        let mut per_group: Vec<Vec<DoseLine<'a>>> = groups.iter().map(|_| Vec::new()).collect();
        let mut placed = vec![false; items.len()];
        for (gi, g) in groups.iter().enumerate() {
            for ev in &g.doses {
                let Some(&i) = self.item_of_dose.get(ev.dose) else {
                    continue;
                };
                placed[i] = true;
                per_group[gi].push(DoseLine {
                    item: &items[i],
                    eval: (!self.stale[gi]).then_some(ev),
                });
            }
        }
        let mut other = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let of_cvx = item
                .cvx
                .as_deref()
                .and_then(immunization::parse_cvx)
                .map(|cvx| groups_of_cvx(data, &self.forecast, cvx))
                .unwrap_or_default();
            if of_cvx.is_empty() {
                other.push(DoseLine { item, eval: None });
            }
            for gi in of_cvx {
                per_group[gi].push(DoseLine { item, eval: None });
            }
        }
        let mut order: Vec<usize> = GROUPS
            .iter()
            .filter_map(|(name, _)| groups.iter().position(|g| g.vaccine_group == *name))
            .collect();
        for gi in 0..groups.len() {
            if !order.contains(&gi) {
                order.push(gi);
            }
        }
        let mut out: Vec<GroupDoses<'a>> = Vec::new();
        for gi in order {
            let doses = std::mem::take(&mut per_group[gi]);
            if !doses.is_empty() {
                out.push(GroupDoses {
                    forecast: Some(&groups[gi]),
                    stale: self.stale[gi],
                    doses,
                });
            }
        }
        if !other.is_empty() {
            out.push(GroupDoses {
                forecast: None,
                stale: false,
                doses: other,
            });
        }
        for g in &mut out {
            // Oldest first, as a record reads; undated records last.
            g.doses
                .sort_by_key(|d| (d.item.occurrence.is_none(), d.item.occurrence));
        }
        out
    }

    /// The groups the forecast page speaks of, in [`GROUPS`] order, each
    /// with whether its seasons are over: those where a series applies to the
    /// patient without a risk indication (CDSi `relevant`), and of those
    /// outside [`GROUPS`] (zoster at 50, travel vaccines) only the ones with
    /// a dose given.
    fn relevant(&self) -> Vec<(&VaccineGroupForecast, bool)> {
        let groups = &self.forecast.groups;
        let mut order: Vec<usize> = GROUPS
            .iter()
            .filter_map(|(name, _)| groups.iter().position(|g| g.vaccine_group == *name))
            .collect();
        for (gi, g) in groups.iter().enumerate() {
            if !order.contains(&gi) && !g.doses.is_empty() {
                order.push(gi);
            }
        }
        order
            .into_iter()
            .filter(|&gi| groups[gi].relevant)
            .map(|gi| (&groups[gi], self.stale[gi]))
            .collect()
    }
}

/// Whether every season the supporting data gives a vaccine group (influenza:
/// one recommendation per season) ended before `today`. The release then
/// predates this season: CDSi would call this season's dose "extra" and the
/// group complete, so the pages say to ask the office instead (unless the
/// patient has aged out of the group or cannot have it, whatever the season).
fn seasons_over(data: &SupportingData, group: &str, today: Date) -> bool {
    let Some(vg) = data.vaccine_group(group) else {
        return false;
    };
    let mut ends = vg
        .antigens
        .iter()
        .filter_map(|&a| data.antigens.get(a))
        .flat_map(|a| &a.series)
        .flat_map(|s| &s.doses)
        .filter_map(|d| d.season.as_ref().and_then(|s| s.end))
        .peekable();
    ends.peek().is_some() && ends.all(|end| end < today)
}

/// The indexes of the forecast's groups that a CVX code counts for (through
/// the supporting data's CVX-to-antigen map).
fn groups_of_cvx(data: &SupportingData, forecast: &VaccineGroupForecasts, cvx: u16) -> Vec<usize> {
    let antigens: Vec<usize> = data
        .cvx_associations(cvx)
        .iter()
        .map(|a| a.antigen)
        .collect();
    forecast
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| {
            data.vaccine_group(&g.vaccine_group)
                .is_some_and(|vg| vg.antigens.iter().any(|a| antigens.contains(a)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// One record item shown under a vaccine group, with its evaluation there
/// (none for records not given, entered in error, or not evaluated).
pub(crate) struct DoseLine<'a> {
    pub item: &'a Immunization,
    pub eval: Option<&'a DoseEvaluation>,
}

/// The items of one vaccine group (`forecast` none: "other vaccines").
pub(crate) struct GroupDoses<'a> {
    pub forecast: Option<&'a VaccineGroupForecast>,
    /// The group's seasons in the supporting data are over: doses are not
    /// evaluated.
    pub stale: bool,
    pub doses: Vec<DoseLine<'a>>,
}

/// A vaccine group's name in plain words (CDC's name for groups a parent
/// rarely meets; "Other vaccines" for none).
fn group_name(t: &Tr<'_>, cdc: Option<&str>) -> String {
    match cdc {
        None => t.get("imm-group-other"),
        Some(name) => GROUPS
            .iter()
            .find(|(c, _)| *c == name)
            .map(|(_, key)| t.get(key))
            .unwrap_or_else(|| name.to_owned()),
    }
}

/// Catalog key of a reason a dose does not count.
fn reason_key(r: EvaluationReason) -> &'static str {
    match r {
        EvaluationReason::AgeTooYoung => "imm-why-age-too-young",
        EvaluationReason::AgeTooOld => "imm-why-age-too-old",
        EvaluationReason::IntervalTooShort => "imm-why-interval-too-short",
        EvaluationReason::LiveVirusConflict => "imm-why-live-virus-conflict",
        EvaluationReason::VaccineNotAllowable => "imm-why-vaccine-not-allowable",
        EvaluationReason::InadvertentVaccine => "imm-why-inadvertent-vaccine",
        EvaluationReason::SeriesAlreadyComplete => "imm-why-series-already-complete",
    }
}

/// Why a dose does not count, in plain words (CDSi's reason; a sub-standard
/// dose has its own words).
fn why_not(t: &Tr<'_>, e: &DoseEvaluation) -> String {
    match (e.status, e.reason) {
        (EvaluationStatus::SubStandard, _) => t.get("imm-why-substandard"),
        (EvaluationStatus::Extraneous, None) => t.get("imm-why-series-already-complete"),
        (_, Some(r)) => t.get(reason_key(r)),
        (_, None) => String::new(),
    }
}

/// The vaccine's name: CDC's short description of the CVX code, else the
/// source's text.
fn vaccine_name(i: &Immunization) -> String {
    i.cvx
        .as_deref()
        .and_then(sprout_domain::cvx::lookup)
        .map(|c| c.short_description.to_owned())
        .unwrap_or_else(|| i.vaccine_text.clone())
}

fn date_or_missing(t: &Tr<'_>, d: Option<Date>) -> String {
    d.map(|d| t.date(d))
        .unwrap_or_else(|| t.get("imm-date-missing"))
}

/// A record item as a row of the record page.
fn dose_row(t: &Tr<'_>, line: &DoseLine<'_>) -> Row {
    let item = line.item;
    let date = date_or_missing(t, item.occurrence);
    let given = t.with("imm-given-on", &[("date", Arg::Text(&date))]);
    let (badge, lines) = match item.status.as_str() {
        "completed" => match line.eval {
            None => (Badge::new(t.get("imm-badge-given"), "ok"), vec![given]),
            Some(e) => match e.status {
                EvaluationStatus::Valid => {
                    let first = match e.dose_number {
                        Some(n) => t.with(
                            "imm-given-on-dose",
                            &[("date", Arg::Text(&date)), ("n", Arg::Num(i64::from(n)))],
                        ),
                        None => given,
                    };
                    (Badge::new(t.get("imm-badge-counts"), "ok"), vec![first])
                }
                EvaluationStatus::Extraneous => (
                    Badge::new(t.get("imm-badge-extra"), "muted"),
                    vec![given, why_not(t, e)],
                ),
                EvaluationStatus::NotValid | EvaluationStatus::SubStandard => (
                    Badge::new(t.get("imm-badge-not-valid"), "warn"),
                    vec![given, why_not(t, e), t.get("imm-why-repeat")],
                ),
            },
        },
        "not-done" => {
            let mut lines = vec![t.with("imm-recorded-on", &[("date", Arg::Text(&date))])];
            if let Some(reason) = &item.status_reason {
                lines.push(t.with("imm-not-given-reason", &[("reason", Arg::Text(reason))]));
            }
            (Badge::new(t.get("imm-badge-not-given"), "warn"), lines)
        }
        "entered-in-error" => (
            Badge::new(t.get("imm-badge-entered-in-error"), "muted"),
            vec![date, t.get("imm-error-line")],
        ),
        other => (Badge::new(other.to_owned(), "muted"), vec![date]),
    };
    Row {
        title: vaccine_name(item),
        value: None,
        badge: Some(badge),
        lines: lines.into_iter().filter(|l| !l.is_empty()).collect(),
    }
}

/// Where a vaccine group stands, in one line, and whether it needs the
/// parent's attention (a dose overdue or due); none for groups the forecast
/// does not speak of for this patient.
fn group_status(
    t: &Tr<'_>,
    g: &VaccineGroupForecast,
    today: Date,
    stale: bool,
) -> Option<(String, bool)> {
    if !g.relevant {
        return None;
    }
    if stale {
        return Some((t.get("imm-status-season"), false));
    }
    let mut warn = false;
    let text = match g.status {
        SeriesStatus::Complete => t.get("imm-status-complete"),
        SeriesStatus::Immune => t.get("imm-status-immune"),
        SeriesStatus::NotRecommended => t.get("imm-status-not-recommended"),
        SeriesStatus::AgedOut => t.get("imm-status-aged-out"),
        SeriesStatus::Contraindicated => t.get("imm-status-contraindicated"),
        SeriesStatus::NotComplete => {
            let n = Arg::Num(i64::from(g.dose_number?));
            let dates = g.dates?;
            match dates.timing(today) {
                Timing::Overdue => {
                    warn = true;
                    t.with("imm-status-overdue", &[("n", n)])
                }
                Timing::Due => {
                    warn = true;
                    t.with("imm-status-due", &[("n", n)])
                }
                Timing::Early | Timing::NotYet => t.with(
                    "imm-status-next",
                    &[("n", n), ("date", Arg::Text(&t.date(dates.recommended)))],
                ),
            }
        }
    };
    Some((text, warn))
}

/// One vaccine group on the record page.
pub(crate) struct GroupView {
    /// Its name in plain words.
    pub name: String,
    /// Where it stands ("Complete", "Dose 2 is due now").
    pub status: Option<String>,
    /// The status asks for attention (overdue, due now).
    pub warn: bool,
    /// Its records, oldest first.
    pub rows: Vec<Row>,
}

/// The record page.
#[derive(Template)]
#[template(path = "imm_record.html")]
pub(crate) struct RecordPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub groups: Vec<GroupView>,
    pub due_href: String,
    pub pdf_href: String,
}

/// One part of the forecast page (overdue, due now, coming up...).
pub(crate) struct DuePart {
    /// Element id (`imm-overdue`, `imm-due-now`...).
    pub id: &'static str,
    pub heading: String,
    pub rows: Vec<Row>,
    /// Drawn as one compact card (coming up, up to date...) rather than a
    /// card per dose (overdue, due now).
    pub compact: bool,
}

/// The forecast page.
#[derive(Template)]
#[template(path = "imm_due.html")]
pub(crate) struct DuePage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub intro: String,
    /// Nothing overdue or due now.
    pub nothing_due: bool,
    pub parts: Vec<DuePart>,
    pub note: String,
    pub back_href: String,
}

fn record_href(patient: &str) -> String {
    format!("/patients/{patient}/immunizations")
}

/// Reads the immunizations section of the patient in the path through the
/// one read path (`export` names the download the success event records).
async fn read_section(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    path: Result<Path<String>, PathRejection>,
    export: Option<&str>,
) -> WebResult<(View, Vec<Immunization>)> {
    let id = path.ok().map(|Path(id)| id);
    let want = Want::Section(Section::Immunizations);
    let mut v = match export {
        None => read::view(state, ctx, user, id.as_deref(), want).await?,
        Some(object) => read::export(state, ctx, user, id.as_deref(), want, object).await?,
    };
    let items = match std::mem::replace(&mut v.data, Data::Immunizations(Vec::new())) {
        Data::Immunizations(items) => items,
        _ => {
            return Err(WebError::Internal(
                "immunizations read gave other data".into(),
            ))
        }
    };
    Ok((v, items))
}

/// `GET /patients/{id}/immunizations`: the record, grouped by vaccine group.
pub(crate) async fn record(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let (v, items) = read_section(&state, &ctx, &user, path, None).await?;
    let t = state.i18n().tr(ctx.locale);
    let assessment = Assessment::new(&v.patient, &items, v.today);
    let groups = assessment
        .grouped(&items)
        .iter()
        .map(|g| {
            let status = g
                .forecast
                .and_then(|f| group_status(&t, f, v.today, g.stale));
            GroupView {
                name: group_name(&t, g.forecast.map(|f| f.vaccine_group.as_str())),
                warn: status.as_ref().is_some_and(|s| s.1),
                status: status.map(|s| s.0),
                rows: g.doses.iter().map(|d| dose_row(&t, d)).collect(),
            }
        })
        .collect();
    let f = pages::frame(&t, &v, Current::Page(Page::Immunizations));
    let title = format!("{} · {}", t.get("imm-record-heading"), f.patient.name);
    let base = record_href(v.patient.id.as_str());
    let page = RecordPage {
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        groups,
        due_href: format!("{base}/due"),
        pdf_href: format!("{base}/record.pdf"),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// The forecast in parts a parent reads: overdue, due now, coming up, up to
/// date, not needed now. Groups that are not `relevant` are left out; empty
/// parts too.
fn due_parts(t: &Tr<'_>, a: &Assessment, today: Date) -> Vec<DuePart> {
    let mut overdue: Vec<(Date, Row)> = Vec::new();
    let mut now: Vec<(Date, Row)> = Vec::new();
    let mut next: Vec<(Date, Row)> = Vec::new();
    let mut done = Vec::new();
    let mut none = Vec::new();
    let mut ask = Vec::new();
    for (g, stale) in a.relevant() {
        let name = group_name(t, Some(&g.vaccine_group));
        let plain = |badge: Option<Badge>| Row {
            title: name.clone(),
            value: None,
            badge,
            lines: Vec::new(),
        };
        let word = || {
            group_status(t, g, today, false)
                .map(|s| s.0)
                .unwrap_or_default()
        };
        if stale {
            ask.push(Row {
                lines: vec![t.get("imm-due-season-line")],
                ..plain(None)
            });
            continue;
        }
        match g.status {
            SeriesStatus::Complete | SeriesStatus::Immune => {
                done.push(plain(Some(Badge::new(word(), "ok"))));
            }
            SeriesStatus::NotRecommended
            | SeriesStatus::AgedOut
            | SeriesStatus::Contraindicated => {
                none.push(plain(Some(Badge::new(word(), "muted"))));
            }
            SeriesStatus::NotComplete => {
                let (Some(n), Some(d)) = (g.dose_number, g.dates) else {
                    next.push((Date::MAX, plain(None)));
                    continue;
                };
                let title = t.with(
                    "imm-due-dose",
                    &[("group", Arg::Text(&name)), ("n", Arg::Num(i64::from(n)))],
                );
                let row = |badge: Option<Badge>, lines: Vec<String>| Row {
                    title: title.clone(),
                    value: None,
                    badge,
                    lines,
                };
                let on = |key: &str, date: Date| t.with(key, &[("date", Arg::Text(&t.date(date)))]);
                match d.timing(today) {
                    Timing::Overdue => {
                        let by = d.past_due.unwrap_or(d.recommended);
                        overdue.push((
                            by,
                            row(
                                Some(Badge::new(t.get("imm-due-overdue-heading"), "warn")),
                                vec![on("imm-due-overdue-line", by)],
                            ),
                        ));
                    }
                    Timing::Due => {
                        let line = match d.past_due {
                            Some(by) => on("imm-due-now-line", by),
                            None => t.get("imm-due-now-open"),
                        };
                        now.push((
                            d.recommended,
                            row(
                                Some(Badge::new(t.get("imm-due-now-heading"), "warn")),
                                vec![line],
                            ),
                        ));
                    }
                    Timing::Early => next.push((
                        d.recommended,
                        row(
                            Some(Badge::new(t.get("imm-due-early"), "ok")),
                            vec![on("imm-due-next-line", d.recommended)],
                        ),
                    )),
                    Timing::NotYet => {
                        let mut lines = vec![on("imm-due-next-line", d.recommended)];
                        if d.earliest < d.recommended {
                            lines.push(on("imm-due-from", d.earliest));
                        }
                        next.push((d.recommended, row(None, lines)));
                    }
                }
            }
        }
    }
    let sorted = |mut v: Vec<(Date, Row)>| {
        v.sort_by_key(|(d, _)| *d);
        v.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
    };
    [
        (
            "imm-overdue",
            "imm-due-overdue-heading",
            sorted(overdue),
            false,
        ),
        ("imm-due-now", "imm-due-now-heading", sorted(now), false),
        ("imm-ask", "imm-due-ask-heading", ask, false),
        ("imm-coming-up", "imm-due-next-heading", sorted(next), true),
        ("imm-up-to-date", "imm-due-done-heading", done, true),
        ("imm-not-needed", "imm-due-none-heading", none, true),
    ]
    .into_iter()
    .filter(|(_, _, rows, _)| !rows.is_empty())
    .map(|(id, key, rows, compact)| DuePart {
        id,
        heading: t.get(key),
        rows,
        compact,
    })
    .collect()
}

/// `GET /patients/{id}/immunizations/due`: what is due now, overdue, and next.
pub(crate) async fn due(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let (v, items) = read_section(&state, &ctx, &user, path, None).await?;
    let t = state.i18n().tr(ctx.locale);
    let assessment = Assessment::new(&v.patient, &items, v.today);
    let parts = due_parts(&t, &assessment, v.today);
    let nothing_due = !parts
        .iter()
        .any(|p| p.id == "imm-overdue" || p.id == "imm-due-now");
    let f = pages::frame(&t, &v, Current::Page(Page::Immunizations));
    let title = format!("{} · {}", t.get("imm-due-title"), f.patient.name);
    let page = DuePage {
        intro: t.with("imm-due-intro", &[("date", Arg::Text(&t.date(v.today)))]),
        note: t.with(
            "imm-due-note",
            &[(
                "version",
                Arg::Text(&assessment.forecast.supporting_data_version),
            )],
        ),
        back_href: record_href(v.patient.id.as_str()),
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        nothing_due,
        parts,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// The printable record's words and rows: doses given only (records not
/// given or entered in error are not part of a school record), by group.
fn record_doc(state: &AppState, t: &Tr<'_>, v: &View, items: &[Immunization]) -> RecordDoc {
    let given: Vec<Immunization> = items
        .iter()
        .filter(|i| i.status == "completed")
        .cloned()
        .collect();
    let assessment = Assessment::new(&v.patient, &given, v.today);
    let groups = assessment
        .grouped(&given)
        .iter()
        .map(|g| GroupTable {
            name: group_name(t, g.forecast.map(|f| f.vaccine_group.as_str())),
            rows: g
                .doses
                .iter()
                .map(|d| {
                    let valid = d.eval.is_none_or(|e| e.status == EvaluationStatus::Valid);
                    let counts = match d.eval {
                        Some(e) if !valid => {
                            format!("{} – {}", t.get("imm-pdf-not-valid"), why_not(t, e))
                        }
                        Some(_) => t.get("imm-pdf-valid"),
                        None => String::new(),
                    };
                    DoseRow {
                        dose: d
                            .eval
                            .filter(|_| valid)
                            .and_then(|e| e.dose_number)
                            .map_or_else(|| "–".to_owned(), |n| n.to_string()),
                        date: date_or_missing(t, d.item.occurrence),
                        vaccine: vaccine_name(d.item),
                        counts,
                        valid,
                    }
                })
                .collect(),
        })
        .collect();
    let name = v.patient.display_name();
    let born = t.date(v.patient.birth_date);
    let config = state.config();
    RecordDoc {
        lang: t.locale.code(),
        doc_title: t.with("imm-pdf-doc-title", &[("name", Arg::Text(&name))]),
        practice_name: config.practice_name.clone(),
        practice_address: config.practice_address.clone(),
        title: t.get("imm-pdf-title"),
        patient: (t.get("imm-pdf-patient"), name.clone()),
        born: (t.get("imm-pdf-born"), born.clone()),
        printed: t.with("imm-pdf-printed", &[("date", Arg::Text(&t.date(v.today)))]),
        columns: [
            t.get("imm-pdf-col-dose"),
            t.get("imm-pdf-col-date"),
            t.get("imm-pdf-col-vaccine"),
            t.get("imm-pdf-col-status"),
        ],
        groups,
        empty: t.get("imm-pdf-empty"),
        note: t.get("imm-pdf-note"),
        certify: t.get("imm-pdf-certify"),
        signature: [
            t.get("imm-pdf-signature"),
            t.get("imm-pdf-sign-name"),
            t.get("imm-pdf-sign-date"),
        ],
        footer: t.with(
            "imm-pdf-footer",
            &[("name", Arg::Text(&name)), ("date", Arg::Text(&born))],
        ),
    }
}

/// The download's file name: `immunizations-<family name>.pdf`, the name
/// folded to lowercase ASCII letters, digits and hyphens (accents dropped) so
/// the header needs no encoding.
fn file_name(family: &str) -> String {
    let mut slug = String::new();
    for c in family.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if (c == ' ' || c == '-') && !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "immunizations.pdf".to_owned()
    } else {
        format!("immunizations-{slug}.pdf")
    }
}

/// `GET /patients/{id}/immunizations/record.pdf`: the printable record, made
/// on the server (in `spawn_blocking`) in the user's language; audited as an
/// `export` of the immunizations.
pub(crate) async fn record_pdf(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let (v, items) = read_section(&state, &ctx, &user, path, Some("record.pdf")).await?;
    let t = state.i18n().tr(ctx.locale);
    let doc = record_doc(&state, &t, &v, &items);
    let locale = ctx.locale;
    let blocking = state.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let t = blocking.i18n().tr(locale);
        imm_pdf::render(&doc, |n, total| {
            t.with(
                "imm-pdf-page",
                &[("n", Arg::Num(n as i64)), ("total", Arg::Num(total as i64))],
            )
        })
    })
    .await?
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file_name(&v.patient.family_name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Locale};
    use jiff::civil::date;
    use sprout_domain::record::{AdministrativeSex, ItemMeta, Labels};
    use sprout_domain::{ItemId, PatientId};

    fn patient(born: Date) -> Patient {
        Patient {
            id: PatientId::parse("p1").unwrap(),
            source_id: None,
            mrn: None,
            given_name: "Ana".into(),
            family_name: "Lopez".into(),
            birth_date: born,
            sex: AdministrativeSex::Female,
            phone: None,
            email: None,
            address: None,
            gestation_weeks: None,
            labels: Labels::default(),
        }
    }

    fn shot(n: u8, cvx: &str, status: &str, on: Date) -> Immunization {
        Immunization {
            meta: ItemMeta {
                id: ItemId::parse(&format!("i{n}")).unwrap(),
                patient_id: PatientId::parse("p1").unwrap(),
                source_id: format!("s{n}"),
                labels: Labels::default(),
            },
            status: status.into(),
            status_reason: None,
            cvx: Some(cvx.into()),
            vaccine_text: format!("text {n}"),
            occurrence: Some(on),
            lot_number: None,
            site: None,
            primary_source: Some(true),
        }
    }

    #[test]
    fn every_group_and_reason_has_words_in_both_languages() {
        let i18n = I18n::new();
        for l in Locale::ALL {
            let t = i18n.tr(l);
            for (_, key) in GROUPS {
                assert_ne!(t.get(key), key, "{} lacks {key}", l.code());
            }
            for r in [
                EvaluationReason::AgeTooYoung,
                EvaluationReason::AgeTooOld,
                EvaluationReason::IntervalTooShort,
                EvaluationReason::LiveVirusConflict,
                EvaluationReason::VaccineNotAllowable,
                EvaluationReason::InadvertentVaccine,
                EvaluationReason::SeriesAlreadyComplete,
            ] {
                let key = reason_key(r);
                assert_ne!(t.get(key), key, "{} lacks {key}", l.code());
            }
        }
        // Every group named here exists in the supporting data.
        for (name, _) in GROUPS {
            assert!(
                SupportingData::current().vaccine_group(name).is_some(),
                "{name}"
            );
        }
    }

    #[test]
    fn doses_are_grouped_evaluated_and_combinations_listed_in_each_group() {
        let born = date(2020, 1, 1);
        let items = vec![
            // MMR at 12 months: counts. A second MMR 3 weeks later: too soon.
            shot(1, "03", "completed", date(2021, 1, 20)),
            shot(2, "03", "completed", date(2021, 2, 10)),
            // DTaP-HepB-IPV (Pediarix) at 2 months: DTaP, hepatitis B, polio.
            shot(3, "110", "completed", date(2020, 3, 1)),
            // Not given, and an unknown code.
            shot(4, "21", "not-done", date(2021, 1, 5)),
            shot(5, "999999", "completed", date(2021, 2, 1)),
        ];
        let a = Assessment::new(&patient(born), &items, date(2021, 6, 1));
        let groups = a.grouped(&items);
        let names: Vec<Option<&str>> = groups
            .iter()
            .map(|g| g.forecast.map(|f| f.vaccine_group.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                Some("DTaP/Tdap/Td"),
                Some("Polio"),
                Some("MMR"),
                Some("Varicella"),
                Some("HepB"),
                None
            ]
        );
        let mmr = &groups[2];
        assert_eq!(mmr.doses.len(), 2);
        assert_eq!(mmr.doses[0].eval.unwrap().status, EvaluationStatus::Valid);
        let second = mmr.doses[1].eval.unwrap();
        assert_eq!(second.status, EvaluationStatus::NotValid);
        assert_eq!(second.reason, Some(EvaluationReason::IntervalTooShort));
        // The not-done varicella record is under varicella, unevaluated.
        assert!(groups[3].doses[0].eval.is_none());
        assert_eq!(groups[3].doses[0].item.status, "not-done");

        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        let row = dose_row(&t, &mmr.doses[1]);
        assert_eq!(row.badge.unwrap().text, "Does not count");
        assert!(row
            .lines
            .contains(&"Given too soon after the dose before it.".to_owned()));
        let row = dose_row(&t, &mmr.doses[0]);
        assert_eq!(row.lines[0], "Given January 20, 2021 (dose 1)");
    }

    #[test]
    fn forecast_parts_for_a_kindergartner_without_the_four_year_doses() {
        let born = date(2019, 1, 10);
        let mut items = Vec::new();
        let mut n = 0;
        let mut add = |cvx: &str, months: i32| {
            n += 1;
            let on = born.checked_add(jiff::Span::new().months(months)).unwrap();
            items.push(shot(n, cvx, "completed", on));
        };
        for m in [2, 4, 6, 15] {
            add("20", m); // DTaP
        }
        for m in [2, 4, 9] {
            add("10", m); // IPV
        }
        add("03", 12); // MMR
        add("21", 12); // varicella
        let a = Assessment::new(&patient(born), &items, date(2024, 3, 1));
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        let parts = due_parts(&t, &a, date(2024, 3, 1));
        let due: Vec<&str> = parts
            .iter()
            .filter(|p| p.id == "imm-due-now" || p.id == "imm-overdue")
            .flat_map(|p| p.rows.iter().map(|r| r.title.as_str()))
            .collect();
        for want in ["DTaP", "Polio", "MMR", "Chickenpox"] {
            assert!(
                due.iter().any(|d| d.starts_with(want)),
                "{want} not due: {due:?}"
            );
        }
        assert!(due.contains(&"MMR (measles, mumps, rubella), dose 2"));
    }

    #[test]
    fn a_season_the_supporting_data_does_not_cover_is_not_judged() {
        let born = date(2020, 1, 1);
        // Flu shots in two seasons; the 4.64 data ends with 2025-26.
        let items = vec![
            shot(1, "150", "completed", date(2025, 10, 1)),
            shot(2, "150", "completed", date(2026, 10, 28)),
        ];
        let in_season = Assessment::new(&patient(born), &items, date(2026, 3, 2));
        let flu = |a: &Assessment| {
            a.forecast
                .groups
                .iter()
                .position(|g| g.vaccine_group == "Influenza")
                .unwrap()
        };
        assert!(!in_season.stale[flu(&in_season)]);
        let later = Assessment::new(&patient(born), &items, date(2026, 11, 30));
        assert!(later.stale[flu(&later)]);
        let groups = later.grouped(&items);
        let g = groups
            .iter()
            .find(|g| g.forecast.is_some_and(|f| f.vaccine_group == "Influenza"))
            .unwrap();
        assert!(g.stale && g.doses.iter().all(|d| d.eval.is_none()));
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        assert_eq!(dose_row(&t, &g.doses[1]).badge.unwrap().text, "Given");
        let parts = due_parts(&t, &later, date(2026, 11, 30));
        let ask = parts.iter().find(|p| p.id == "imm-ask").unwrap();
        assert_eq!(ask.rows[0].title, "Flu (influenza)");
        assert!(!parts
            .iter()
            .filter(|p| p.id != "imm-ask")
            .any(|p| p.rows.iter().any(|r| r.title.starts_with("Flu"))));
        // Zoster (at 50) is not forecast for a child.
        assert!(!parts
            .iter()
            .any(|p| p.rows.iter().any(|r| r.title.starts_with("Zoster"))));
    }

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(file_name("Lopez"), "immunizations-lopez.pdf");
        assert_eq!(file_name("O'Keefe"), "immunizations-okeefe.pdf");
        assert_eq!(file_name("Muñoz Pérez"), "immunizations-munoz-perez.pdf");
        assert_eq!(file_name("\"; x"), "immunizations-x.pdf");
        assert_eq!(file_name("王"), "immunizations.pdf");
    }
}
