//! Issue 4 acceptance: one slip per rejection reason and one valid slip; each
//! is rejected with exactly its reason, the valid one passes.

use jiff::civil::{date, Date};
use sprout_domain::enrollment::{validate_slip, FormType, ProxyEntry, Slip, SlipProblem};
use sprout_domain::policy::{Policy, Preset};

/// The day the slips were received.
const SLIP_DATE: Date = date(2026, 11, 30);

fn mom() -> ProxyEntry {
    ProxyEntry {
        name: "Ana Lopez".into(),
        email: "ana.lopez@example.org".into(),
        birth_date: "1988-04-02".into(),
        relationship: "parent".into(),
    }
}

fn dad() -> ProxyEntry {
    ProxyEntry {
        name: "Luis Lopez".into(),
        email: "luis.lopez@example.org".into(),
        birth_date: "1986-09-12".into(),
        relationship: "parent".into(),
    }
}

/// A valid slip of a 7-year-old.
fn child() -> Slip {
    Slip {
        given_name: "Sofia".into(),
        family_name: "Lopez".into(),
        birth_date: "2019-05-01".into(),
        mrn: "MRN-100".into(),
        form_type: "under-12".into(),
        consent: true,
        patient_email: String::new(),
        proxies: vec![mom(), dad()],
    }
}

/// A valid slip of a 14-year-old.
fn teen() -> Slip {
    Slip {
        given_name: "Mateo".into(),
        family_name: "Lopez".into(),
        birth_date: "2012-03-15".into(),
        mrn: "MRN-101".into(),
        form_type: "12-and-over".into(),
        consent: true,
        patient_email: "mateo@example.org".into(),
        proxies: vec![mom()],
    }
}

#[test]
fn one_slip_per_reason_each_refused_with_exactly_that_reason() {
    let policy = Policy::default();
    let cases: Vec<(&str, Slip, Option<SlipProblem>)> = vec![
        ("valid child", child(), None),
        ("valid teen", teen(), None),
        (
            "consent not checked",
            Slip {
                consent: false,
                ..child()
            },
            Some(SlipProblem::ConsentMissing),
        ),
        (
            "form type does not fit the age on the slip's date",
            Slip {
                form_type: "12-and-over".into(),
                ..child()
            },
            Some(SlipProblem::FormTypeMismatch),
        ),
        (
            "12 and over without an own email",
            Slip {
                patient_email: "  ".into(),
                ..teen()
            },
            Some(SlipProblem::PatientEmailMissing),
        ),
        (
            "patient email equals a proxy's (case, spaces)",
            Slip {
                patient_email: "  ANA.Lopez@Example.org ".into(),
                ..teen()
            },
            Some(SlipProblem::PatientEmailSameAsProxy),
        ),
        (
            "proxy information incomplete",
            Slip {
                proxies: vec![
                    mom(),
                    ProxyEntry {
                        birth_date: String::new(),
                        ..dad()
                    },
                ],
                ..child()
            },
            Some(SlipProblem::ProxyIncomplete),
        ),
        (
            "birth date missing",
            Slip {
                birth_date: String::new(),
                ..child()
            },
            Some(SlipProblem::BirthDateMissing),
        ),
        (
            "more proxies than max_proxies (2)",
            Slip {
                proxies: vec![
                    mom(),
                    dad(),
                    ProxyEntry {
                        name: "Rosa Diaz".into(),
                        email: "rosa@example.org".into(),
                        birth_date: "1960-01-01".into(),
                        relationship: "legal-guardian".into(),
                    },
                ],
                ..child()
            },
            Some(SlipProblem::TooManyProxies),
        ),
    ];
    for (name, slip, expected) in cases {
        let got = validate_slip(&slip, &policy, SLIP_DATE);
        match expected {
            None => {
                let ok = got.unwrap_or_else(|p| panic!("{name}: refused with {p:?}"));
                assert_eq!(ok.proxies.len(), slip.proxies.len(), "{name}");
            }
            Some(reason) => assert_eq!(got.err(), Some(vec![reason]), "{name}"),
        }
    }
}

#[test]
fn the_form_type_follows_the_practice_adolescent_age_on_the_slip_date() {
    // Born 2014-12-01: 11 on 2026-11-30, 12 the next day.
    let slip = Slip {
        birth_date: "2014-12-01".into(),
        ..child()
    };
    let ca = Policy::default();
    assert!(validate_slip(&slip, &ca, SLIP_DATE).is_ok());
    let ok = validate_slip(&slip, &ca, date(2026, 12, 1));
    assert_eq!(
        ok.err(),
        Some(vec![
            SlipProblem::FormTypeMismatch,
            SlipProblem::PatientEmailMissing
        ])
    );
    // Massachusetts: adolescent at 13, so a 12-year-old still uses `under-12`
    // and gives no own email.
    let ma = Policy::preset(Preset::Massachusetts);
    let twelve = Slip {
        birth_date: "2014-06-01".into(),
        ..child()
    };
    assert_eq!(
        validate_slip(&twelve, &ma, SLIP_DATE).map(|v| v.form_type),
        Ok(FormType::Under12)
    );
    // ... and may name any number of proxies (max_proxies = 0).
    let many = Slip {
        proxies: vec![
            mom(),
            dad(),
            ProxyEntry {
                email: "x@example.org".into(),
                ..dad()
            },
        ],
        ..twelve
    };
    assert!(validate_slip(&many, &ma, SLIP_DATE).is_ok());
}

#[test]
fn blank_proxy_rows_are_ignored_and_emails_normalised() {
    let slip = Slip {
        proxies: vec![
            ProxyEntry::default(),
            ProxyEntry {
                email: " ANA@Example.ORG ".into(),
                ..mom()
            },
        ],
        ..child()
    };
    let v = validate_slip(&slip, &Policy::default(), SLIP_DATE).unwrap();
    assert_eq!(v.proxies.len(), 1);
    assert_eq!(v.proxies[0].email, "ana@example.org");
}
