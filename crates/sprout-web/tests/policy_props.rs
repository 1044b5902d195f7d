//! Property: whatever the records, labels, proxies and dates, nothing a proxy
//! of an adolescent receives (any page, any count) carries an item with a
//! sensitivity category or a `restricted` item (ACCESS-POLICY.md rule 4;
//! issue 3, acceptance). Message threads do not exist yet, so "no thread the
//! proxy was not party to" has nothing to check: N/A until messages land.
//!
//! Driven through the real router over HTTP: every generated item's shown
//! text is a unique marker, and every response body is searched for the
//! markers of the items that must be withheld. Counts on the summary must
//! equal the rows on the section's page, all of them allowed items. Both
//! presets run (california's patient approval, massachusetts' limited
//! sections), each on its own server.

mod common;

use common::*;
use jiff::civil::{date, Date};
use jiff::ToSpan;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::StatusCode;
use sprout_domain::people::RelationshipKind;
use sprout_domain::policy::{Policy, Preset};
use sprout_domain::record::{Confidentiality, Labels, Section, Sensitivity};
use sprout_domain::AccountId;
use sprout_store::ImportBatch;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The seven sections with a page, with their path slug.
const PAGES: [(Section, &str); 7] = [
    (Section::Vitals, "vitals"),
    (Section::Immunizations, "immunizations"),
    (Section::Medications, "medications"),
    (Section::Allergies, "allergies"),
    (Section::Problems, "problems"),
    (Section::VisitSummaries, "visits"),
    (Section::LabResults, "lab-results"),
];

#[derive(Debug, Clone)]
struct GenItem {
    page: usize,
    restricted: bool,
    sensitivity: Vec<Sensitivity>,
}

#[derive(Debug, Clone)]
struct GenProxy {
    kind: RelationshipKind,
    /// Days after the adolescent birthday the approval was given (negative:
    /// before it; `None`: never).
    approved: Option<i64>,
    hidden: Vec<Section>,
    revoked: bool,
    verified: bool,
}

#[derive(Debug, Clone)]
struct Case {
    massachusetts: bool,
    /// "Today", as days after 2020-01-01.
    today: i64,
    /// Age today: 12 to 17 years (13 to 17 under massachusetts), plus days.
    years: i8,
    extra_days: i64,
    items: Vec<GenItem>,
    proxies: Vec<GenProxy>,
}

fn item() -> impl Strategy<Value = GenItem> {
    (
        0..PAGES.len(),
        prop::bool::weighted(0.25),
        prop::sample::subsequence(Sensitivity::ALL.to_vec(), 0..=2),
        prop::bool::weighted(0.5),
    )
        .prop_map(|(page, restricted, sensitivity, keep)| GenItem {
            page,
            restricted,
            sensitivity: if keep { sensitivity } else { Vec::new() },
        })
}

fn proxy() -> impl Strategy<Value = GenProxy> {
    (
        prop::sample::select(vec![
            RelationshipKind::Parent,
            RelationshipKind::LegalGuardian,
            RelationshipKind::CourtAppointedGuardian,
        ]),
        prop::option::weighted(0.8, -30i64..2000),
        prop::sample::subsequence(Section::ALL.to_vec(), 0..=3),
        prop::bool::weighted(0.15),
        any::<bool>(),
    )
        .prop_map(|(kind, approved, hidden, revoked, verified)| GenProxy {
            kind,
            approved,
            hidden,
            revoked,
            verified,
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<bool>(),
        0i64..(15 * 365),
        12i8..18,
        0i64..365,
        prop::collection::vec(item(), 1..14),
        prop::collection::vec(proxy(), 1..=2),
    )
        .prop_map(
            |(massachusetts, today, years, extra_days, items, proxies)| Case {
                massachusetts,
                today,
                years: if massachusetts { years.max(13) } else { years },
                extra_days,
                items,
                proxies,
            },
        )
}

/// A server and two signed-in proxy accounts.
struct Server {
    app: App,
    proxies: Vec<(AccountId, Browser)>,
}

async fn server(policy: Policy, tag: &str) -> Server {
    let app = start_with(sprout_web::WebConfig {
        policy,
        ..sprout_web::WebConfig::default()
    })
    .await;
    let mut proxies = Vec::new();
    for n in 0..2 {
        let email = format!("proxy{n}.{tag}@example.com");
        let id = add_account(&app, &email, &format!("Proxy {n}"), None, None).await;
        let b = Browser::new(&app);
        b.sign_in(&email, PASSWORD).await;
        proxies.push((id, b));
    }
    Server { app, proxies }
}

/// How much the cases exercised, so the property cannot pass vacuously.
#[derive(Default)]
struct Stats {
    /// Items shown to a proxy.
    shown: AtomicUsize,
    /// Section pages shown to a proxy while the section held a withheld item.
    filtered: AtomicUsize,
}

/// Runs one case: stores a new adolescent with the generated items and
/// relationships, then reads every page as each proxy and checks the bodies.
async fn run(s: &Server, n: usize, c: &Case, stats: &Stats) -> Result<(), TestCaseError> {
    let today = date(2020, 1, 1).checked_add(c.today.days()).unwrap();
    let adolescent_age = if c.massachusetts { 13 } else { 12 };
    let born: Date = today
        .checked_sub(i64::from(c.years).years())
        .unwrap()
        .checked_sub(c.extra_days.days())
        .unwrap();
    let teen_birthday = born.checked_add(i64::from(adolescent_age).years()).unwrap();
    s.app.clock.set_today(today);

    let pid = new_patient_id();
    let mut items = Vec::new();
    let mut forbidden = Vec::new();
    let mut allowed_markers: Vec<Vec<String>> = vec![Vec::new(); PAGES.len()];
    let mut forbidden_in = [0usize; PAGES.len()];
    for (i, g) in c.items.iter().enumerate() {
        let marker = format!("MARK{n}X{i}Z");
        let labels = Labels {
            confidentiality: if g.restricted {
                Confidentiality::Restricted
            } else {
                Confidentiality::Normal
            },
            sensitivity: g.sensitivity.clone(),
        };
        if g.restricted || !g.sensitivity.is_empty() {
            forbidden.push(marker.clone());
            forbidden_in[g.page] += 1;
        } else {
            allowed_markers[g.page].push(marker.clone());
        }
        items.push(marked_item(&pid, PAGES[g.page].0, &marker, labels));
    }
    s.app
        .store
        .import_batch(&ImportBatch {
            patients: vec![patient(&pid, &format!("Teen{n}"), "Prop", born)],
            items,
        })
        .await
        .unwrap();
    for (g, (account, _)) in c.proxies.iter().zip(&s.proxies) {
        let mut rel = relationship(account, &pid);
        rel.kind = g.kind;
        rel.granted_on = born.checked_add(7.days()).unwrap();
        rel.verified_on = g.verified.then_some(rel.granted_on);
        rel.patient_approved_on = g
            .approved
            .and_then(|d| teen_birthday.checked_add(d.days()).ok())
            .map(|d| d.min(today));
        rel.sections_hidden = g.hidden.clone();
        rel.revoked_on = g.revoked.then_some(today);
        s.app.store.add_relationship(&rel).await.unwrap();
    }

    let mut paths = record_paths(&pid);
    paths.push("/".to_owned());
    paths.push(format!("/patients/{pid}/proxies"));
    for (_, b) in s.proxies.iter().take(c.proxies.len()) {
        let mut listed: Vec<Option<usize>> = vec![None; PAGES.len()];
        let mut summary_body = None;
        for path in &paths {
            let page = b.get(path).await;
            prop_assert!(
                page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND,
                "{path}: {}",
                page.status
            );
            for m in &forbidden {
                prop_assert!(!page.body.contains(m.as_str()), "{path} leaks {m}");
            }
            if page.status != StatusCode::OK {
                continue;
            }
            if let Some(i) = PAGES
                .iter()
                .position(|(_, slug)| path.ends_with(&format!("/{slug}")))
            {
                let shown = page.body.matches(&format!("MARK{n}X")).count();
                // Every marker shown is an allowed one of this section.
                let allowed = allowed_markers[i]
                    .iter()
                    .filter(|m| page.body.contains(m.as_str()))
                    .count();
                prop_assert_eq!(shown, allowed, "{} shows a foreign item", path);
                listed[i] = Some(shown);
                stats.shown.fetch_add(shown, Ordering::Relaxed);
                if forbidden_in[i] > 0 {
                    stats.filtered.fetch_add(1, Ordering::Relaxed);
                }
            }
            if path == &format!("/patients/{pid}") {
                summary_body = Some(page.body);
            }
        }
        // Every count on the summary equals the rows its page shows.
        if let Some(body) = summary_body {
            for (i, (_, slug)) in PAGES.iter().enumerate() {
                let link = format!("href=\"/patients/{pid}/{slug}\"><span class=\"count\">");
                match (body.find(&link), listed[i]) {
                    (Some(at), Some(rows)) => {
                        let rest = &body[at + link.len()..];
                        let count: usize = rest[..rest.find('<').unwrap()].parse().unwrap();
                        prop_assert_eq!(count, rows, "count of {}", slug);
                    }
                    (Some(_), None) => {
                        prop_assert!(false, "a count links to {slug}, which is not shown")
                    }
                    (None, _) => {}
                }
            }
        }
    }
    Ok(())
}

#[test]
fn proxies_of_adolescents_never_receive_sensitive_or_restricted_items() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (ca, ma) = rt.block_on(async {
        (
            server(Policy::preset(Preset::California), "ca").await,
            server(Policy::preset(Preset::Massachusetts), "ma").await,
        )
    });
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let counter = AtomicUsize::new(0);
    let stats = Stats::default();
    runner
        .run(&case(), |c| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let s = if c.massachusetts { &ma } else { &ca };
            rt.block_on(run(s, n, &c, &stats))
        })
        .unwrap();
    // Proxies did see items, and pages were drawn from sections that held
    // withheld ones: the filter, not an empty record, kept them out.
    let (shown, filtered) = (
        stats.shown.load(Ordering::Relaxed),
        stats.filtered.load(Ordering::Relaxed),
    );
    assert!(shown > 20, "only {shown} items shown in all cases");
    assert!(
        filtered > 10,
        "only {filtered} pages had something to withhold"
    );
}
