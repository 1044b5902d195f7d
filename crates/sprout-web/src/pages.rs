//! Page handlers: the family and staff homes and the patient pages. Handlers are
//! thin: the data comes through [`crate::read`], the words through the catalogs.

use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::present::{self, Vital};
use crate::read::{self, Data, Want};
use crate::views::{
    self, Chrome, CountLink, HomePage, ListPage, PatientFrame, Row, StaffHomePage, SummaryPage, Tab,
};
use crate::AppState;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sprout_domain::record::{Patient, Section};

/// One page of a patient's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    Summary,
    Vitals,
    Immunizations,
    Medications,
    Allergies,
    Problems,
    Visits,
    LabResults,
    Notes,
    Appointments,
}

impl Page {
    const ALL: [Page; 10] = [
        Page::Summary,
        Page::Vitals,
        Page::Immunizations,
        Page::Medications,
        Page::Allergies,
        Page::Problems,
        Page::Visits,
        Page::LabResults,
        Page::Notes,
        Page::Appointments,
    ];

    /// The last path segment (`""` for the summary).
    fn slug(self) -> &'static str {
        match self {
            Self::Summary => "",
            Self::Vitals => "vitals",
            Self::Immunizations => "immunizations",
            Self::Medications => "medications",
            Self::Allergies => "allergies",
            Self::Problems => "problems",
            Self::Visits => "visits",
            Self::LabResults => "lab-results",
            Self::Notes => "notes",
            Self::Appointments => "appointments",
        }
    }

    /// The list page of a section, if it has one.
    fn of_section(s: Section) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| *p != Page::Summary && p.section() == s)
    }

    fn from_slug(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| *p != Page::Summary && p.slug() == s)
    }

    /// The access-policy section the page shows.
    fn section(self) -> Section {
        match self {
            Self::Summary => Section::Demographics,
            Self::Vitals => Section::Vitals,
            Self::Immunizations => Section::Immunizations,
            Self::Medications => Section::Medications,
            Self::Allergies => Section::Allergies,
            Self::Problems => Section::Problems,
            Self::Visits => Section::VisitSummaries,
            Self::LabResults => Section::LabResults,
            Self::Notes => Section::ClinicalNotes,
            Self::Appointments => Section::Appointments,
        }
    }

    fn tab_key(self) -> &'static str {
        match self {
            Self::Summary => "tab-summary",
            Self::Vitals => "tab-vitals",
            Self::Immunizations => "tab-immunizations",
            Self::Medications => "tab-medications",
            Self::Allergies => "tab-allergies",
            Self::Problems => "tab-problems",
            Self::Visits => "tab-visits",
            Self::LabResults => "tab-lab-results",
            Self::Notes => "tab-notes",
            Self::Appointments => "tab-appointments",
        }
    }

    fn href(self, patient: &str) -> String {
        match self {
            Self::Summary => format!("/patients/{patient}"),
            other => format!("/patients/{patient}/{}", other.slug()),
        }
    }
}

/// `GET /`: the family home, or the staff home for staff.
pub(crate) async fn home(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let greeting = t.with(
        "home-greeting",
        &[("name", Arg::Text(&user.account.display_name))],
    );
    if let Some(role) = user.actor.staff_role {
        let page = StaffHomePage {
            c: Chrome::new(&state, t, t.get("staff-home-title"), Some(&ctx), None),
            greeting,
            role: t.get(&format!("staff-role-{}", role.code())),
            mrn: String::new(),
            notice: None,
        };
        return Ok(Html(views::render(&page)?).into_response());
    }
    let today = state.clock().today();
    let patients = read::visible_patients(&state, &user)
        .await?
        .iter()
        .map(|p| present::patient_link(&t, p, today, Page::Summary.href(p.id.as_str())))
        .collect();
    let sharing_href = read::own_sharing(&state, &user)
        .await?
        .map(|id| proxies_href(id.as_str()));
    let page = HomePage {
        c: Chrome::new(&state, t, t.get("home-title"), Some(&ctx), None),
        greeting,
        patients,
        sharing_href,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// The staff search form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FindForm {
    csrf: String,
    mrn: String,
}

/// Longest medical record number searched for.
const MAX_MRN: usize = 64;

/// `POST /find`: a staff member opens a patient by medical record number (a
/// POST, so the MRN stays out of URLs and browser history).
pub(crate) async fn find_patient(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<FindForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Some(role) = user.actor.staff_role else {
        return Err(WebError::NotFound);
    };
    let mrn = form.mrn.trim();
    let found = if mrn.is_empty() || mrn.len() > MAX_MRN {
        None
    } else {
        read::find_by_mrn(&state, &ctx, &user, mrn).await?
    };
    if let Some(id) = found {
        return Ok(Redirect::to(&Page::Summary.href(id.as_str())).into_response());
    }
    let t = state.i18n().tr(ctx.locale);
    let page = StaffHomePage {
        c: Chrome::new(&state, t, t.get("staff-home-title"), Some(&ctx), Some("/")),
        greeting: t.with(
            "home-greeting",
            &[("name", Arg::Text(&user.account.display_name))],
        ),
        role: t.get(&format!("staff-role-{}", role.code())),
        mrn: mrn.chars().take(MAX_MRN).collect(),
        notice: Some(t.get("staff-find-none")),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /patients/{id}`.
pub(crate) async fn patient_summary(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let id = path.ok().map(|Path(id)| id);
    show(&state, &ctx, &user, id.as_deref(), Page::Summary).await
}

/// `GET /patients/{id}/{section}`.
pub(crate) async fn patient_section(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
) -> WebResult<Response> {
    let (id, page) = match path {
        Ok(Path((id, slug))) => (Some(id), Page::from_slug(&slug).ok_or(WebError::NotFound)?),
        // A path that is not even text: treat as a malformed id (audited).
        Err(_) => (None, Page::Summary),
    };
    show(&state, &ctx, &user, id.as_deref(), page).await
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    page: Page,
) -> WebResult<Response> {
    let want = match page {
        Page::Summary => Want::Summary,
        other => Want::Section(other.section()),
    };
    let v = read::view(state, ctx, user, raw_id, want).await?;
    let t = state.i18n().tr(ctx.locale);
    let f = frame(&t, &v, Current::Page(page));
    let title = format!("{} · {}", t.get(page.tab_key()), f.patient.name);
    let c = Chrome::new(state, t, title, Some(ctx), None);
    let (heading, empty, rows): (&str, &str, Vec<Row>) = match v.data {
        Data::Summary {
            counts,
            latest_vitals,
            new_results,
        } => return summary(t, c, f, &v.patient, counts, latest_vitals, new_results),
        Data::Vitals(items) => (
            "vitals-heading",
            "vitals-empty",
            items.iter().map(|o| present::vital_row(&t, o)).collect(),
        ),
        Data::Immunizations(items) => (
            "immunizations-heading",
            "immunizations-empty",
            items
                .iter()
                .map(|i| present::immunization_row(&t, i))
                .collect(),
        ),
        Data::Medications(items) => (
            "medications-heading",
            "medications-empty",
            items
                .iter()
                .map(|m| present::medication_row(&t, m))
                .collect(),
        ),
        Data::Allergies(items) => (
            "allergies-heading",
            "allergies-empty",
            items.iter().map(|a| present::allergy_row(&t, a)).collect(),
        ),
        Data::Problems(items) => (
            "problems-heading",
            "problems-empty",
            items.iter().map(|p| present::problem_row(&t, p)).collect(),
        ),
        Data::Visits(items) => (
            "visits-heading",
            "visits-empty",
            items.iter().map(|e| present::visit_row(&t, e)).collect(),
        ),
        Data::LabResults(items) => (
            "lab-results-heading",
            "lab-results-empty",
            items.iter().map(|o| present::lab_row(&t, o)).collect(),
        ),
        // Shown by their own pages (crate::results).
        Data::Results { .. } | Data::Documents(_) => return Err(WebError::NotFound),
    };
    let page = ListPage {
        c,
        f,
        heading: t.get(heading),
        rows,
        empty: t.get(empty),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// The summary: counts per section the user may see and the latest vitals.
fn summary(
    t: Tr<'_>,
    c: Chrome<'_>,
    f: PatientFrame,
    patient: &Patient,
    counts: read::Counts,
    latest_vitals: Option<Vec<sprout_domain::record::Observation>>,
    new_results: u64,
) -> WebResult<Response> {
    let id = patient.id.as_str();
    let counts = counts
        .into_iter()
        .filter_map(|(s, count)| {
            let p = Page::of_section(s)?;
            Some(CountLink {
                href: p.href(id),
                label: t.get(p.tab_key()),
                count,
            })
        })
        .collect();
    let latest_vitals = latest_vitals.map(|vitals| {
        Vital::SUMMARY
            .into_iter()
            .filter_map(|kind| {
                vitals
                    .iter()
                    .find(|o| o.loinc.as_deref().and_then(Vital::from_loinc) == Some(kind))
                    .map(|o| present::vital_row(&t, o))
            })
            .collect()
    });
    let new_results = (new_results > 0).then(|| {
        t.with(
            "results-new-notice",
            &[(
                "count",
                Arg::Num(i64::try_from(new_results).unwrap_or(i64::MAX)),
            )],
        )
    });
    let page = SummaryPage {
        c,
        new_results,
        results_href: Page::LabResults.href(id),
        vitals_href: Page::Vitals.href(id),
        f,
        counts,
        latest_vitals,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// Which tab of the patient frame is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Current {
    /// A record page.
    Page(Page),
    /// The proxies page.
    Proxies,
}

/// The path of a patient's proxies page.
pub(crate) fn proxies_href(patient: &str) -> String {
    format!("/patients/{patient}/proxies")
}

/// The patient's name and avatar, the tabs the user may open (only sections
/// the policy lets them view, and the proxies page where they may see it), and
/// the switcher (only patients they may see something of today).
pub(crate) fn frame(t: &Tr<'_>, v: &read::View, current: Current) -> PatientFrame {
    frame_parts(
        t,
        &v.patient,
        &v.sections,
        &v.others,
        v.sharing,
        v.today,
        current,
    )
}

/// [`frame`] from its parts.
pub(crate) fn frame_parts(
    t: &Tr<'_>,
    patient: &Patient,
    sections: &[Section],
    others: &[Patient],
    sharing: Option<read::Sharing>,
    today: jiff::civil::Date,
    current: Current,
) -> PatientFrame {
    let id = patient.id.as_str();
    let mut tabs: Vec<Tab> = Page::ALL
        .into_iter()
        .filter(|p| *p == Page::Summary || sections.contains(&p.section()))
        .map(|p| Tab {
            href: p.href(id),
            label: t.get(p.tab_key()),
            current: current == Current::Page(p),
        })
        .collect();
    if let Some(sharing) = sharing {
        tabs.push(Tab {
            href: proxies_href(id),
            label: t.get(match sharing {
                read::Sharing::Patient => "tab-sharing",
                read::Sharing::Staff { .. } => "tab-proxies",
            }),
            current: current == Current::Proxies,
        });
    }
    // The switcher keeps the page where it means the same for the other
    // patient; the proxies page switches to the other's summary.
    let page = match current {
        Current::Page(p) => p,
        Current::Proxies => Page::Summary,
    };
    let others = others
        .iter()
        .map(|p| present::patient_link(t, p, today, page.href(p.id.as_str())))
        .collect();
    PatientFrame {
        patient: present::patient_link(t, patient, today, Page::Summary.href(id)),
        tabs,
        others,
    }
}
