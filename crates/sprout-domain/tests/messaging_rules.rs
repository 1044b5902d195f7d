//! Messaging rules: the reply-due time on the practice's calendar (table
//! test across a weekend, configured holidays and both daylight-saving
//! changes), attachment types by content and the limits, and who may read
//! or send a thread.

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sprout_domain::messaging::{
    reply_due, send_access, sniff, thread_access, AttachmentBudget, AttachmentError,
    AttachmentKind, MAX_TOTAL_BYTES,
};
use sprout_domain::people::{AccountStatus, RelationshipKind, StaffRole};
use sprout_domain::policy::{
    Actor, ActorKind, OwnAccount, PatientFacts, Policy, Preset, ProxyFacts, Reason, Relationship,
};

#[test]
fn reply_due_counts_two_business_days_on_the_practice_calendar() {
    let ny = TimeZone::get("America/New_York").unwrap();
    let thanksgiving = [date(2026, 11, 26), date(2026, 11, 27)];
    // (case, received (UTC), holidays, due (UTC))
    let cases: &[(&str, &str, &[jiff::civil::Date], &str)] = &[
        (
            "Monday morning: Wednesday, same time",
            "2026-03-02T15:00:00Z",
            &[],
            "2026-03-04T15:00:00Z",
        ),
        (
            "Monday 22:00 in New York (Tuesday in UTC): Wednesday 22:00 local",
            "2026-03-03T03:00:00Z",
            &[],
            "2026-03-05T03:00:00Z",
        ),
        (
            "Thursday 16:30 EST: the weekend is skipped and the clocks spring forward, Monday 16:30 EDT",
            "2026-03-05T21:30:00Z",
            &[],
            "2026-03-09T20:30:00Z",
        ),
        (
            "Friday 10:00 EST: Tuesday 10:00 EDT (an hour fewer elapse)",
            "2026-03-06T15:00:00Z",
            &[],
            "2026-03-10T14:00:00Z",
        ),
        (
            "Saturday: counted from Monday's start, due as Tuesday ends",
            "2026-03-07T17:00:00Z",
            &[],
            "2026-03-11T04:00:00Z",
        ),
        (
            "Friday 10:00 EDT before the clocks fall back: Tuesday 10:00 EST",
            "2026-10-30T14:00:00Z",
            &[],
            "2026-11-03T15:00:00Z",
        ),
        (
            "Wednesday before Thanksgiving, no holidays configured: Friday",
            "2026-11-25T14:00:00Z",
            &[],
            "2026-11-27T14:00:00Z",
        ),
        (
            "Wednesday before Thanksgiving, Thursday and Friday closed: next Tuesday",
            "2026-11-25T14:00:00Z",
            &thanksgiving,
            "2026-12-01T14:00:00Z",
        ),
        (
            "On the holiday itself: counted from Monday's start, due as Tuesday ends",
            "2026-11-26T18:00:00Z",
            &thanksgiving,
            "2026-12-02T05:00:00Z",
        ),
    ];
    for (case, received, holidays, due) in cases {
        let got = reply_due(received.parse::<Timestamp>().unwrap(), &ny, holidays, 2);
        assert_eq!(got, due.parse::<Timestamp>().unwrap(), "{case}");
    }
}

/// A minimal stored (uncompressed) ZIP with these entries, as Word writes a
/// .docx: `[Content_Types].xml`, `_rels/.rels`, then `word/document.xml`.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        out.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&[0; 4]); // crc (not checked by the sniffer)
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
    }
    out
}

#[test]
fn attachments_are_recognised_by_content() {
    let docx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert_eq!(sniff(&docx), Some(AttachmentKind::Docx));
    // Word's own order: [Content_Types].xml, _rels/, then word/ parts.
    let word = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
        ("word/_rels/document.xml.rels", b"<Relationships/>"),
        ("docProps/app.xml", b"<Properties/>"),
    ]);
    assert_eq!(sniff(&word), Some(AttachmentKind::Docx));
    let xlsx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/_rels/workbook.xml.rels", b"<Relationships/>"),
    ]);
    assert_eq!(sniff(&xlsx), None, "a spreadsheet is no .docx");
    let plain_zip = zip(&[("notes.txt", b"hello"), ("more.txt", b"x"), ("z.txt", b"y")]);
    assert_eq!(sniff(&plain_zip), None, "a ZIP without word/ is no .docx");
    assert_eq!(
        sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        Some(AttachmentKind::Pdf)
    );
    assert_eq!(
        sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        Some(AttachmentKind::Png)
    );
    assert_eq!(
        sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
        Some(AttachmentKind::Jpeg)
    );
    assert_eq!(
        sniff(b"\0\0\0\x14ftypqt  \0\0\0\0qt  "),
        Some(AttachmentKind::Mov)
    );
    assert_eq!(
        sniff(b"\0\0\x01\xba\x44\0\x04\0\x04\x01"),
        Some(AttachmentKind::Mpeg)
    );
    // Refused whatever they are called.
    assert_eq!(
        sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"),
        None,
        "Windows executable"
    );
    assert_eq!(sniff(b"<!DOCTYPE html><html><body>hi</body></html>"), None);
    assert_eq!(
        sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
        None
    );
    assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0"), None);
    assert_eq!(sniff(b""), None);
}

#[test]
fn budget_allows_ten_files_and_25_mb_exactly() {
    let mut b = AttachmentBudget::default();
    for i in 0..10 {
        b.start_file(&format!("f{i}.png")).unwrap();
    }
    assert_eq!(
        b.start_file("eleventh.png"),
        Err(AttachmentError::TooMany {
            file: "eleventh.png".into()
        })
    );
    let mut b = AttachmentBudget::default();
    b.add_bytes("a.pdf", MAX_TOTAL_BYTES - 1).unwrap();
    b.add_bytes("b.pdf", 1).unwrap();
    assert_eq!(b.bytes(), 25 * 1024 * 1024);
    assert_eq!(
        b.add_bytes("c.pdf", 1),
        Err(AttachmentError::TooLarge {
            file: "c.pdf".into()
        })
    );
}

fn proxy(approved: Option<jiff::civil::Date>) -> Actor {
    Actor {
        account: AccountStatus::Active,
        kind: ActorKind::Proxy(ProxyFacts {
            relationship: Some(Relationship {
                kind: RelationshipKind::Parent,
                granted_on: date(2015, 1, 1),
                verified: true,
                patient_approved_on: approved,
                sections_hidden: vec![],
                evidence_on_file: false,
                expires_on: None,
                revoked_on: None,
            }),
            other_proxies_with_access: 1,
            email: None,
        }),
    }
}

fn patient(born: jiff::civil::Date, account: OwnAccount) -> PatientFacts {
    PatientFacts {
        birth_date: born,
        account,
        email: None,
    }
}

#[test]
fn threads_are_for_participants_and_the_care_team() {
    let today = date(2026, 3, 2);
    let ma = Policy::preset(Preset::Massachusetts);
    let ca = Policy::preset(Preset::California);
    let child = patient(date(2020, 5, 1), OwnAccount::None);
    // A child's parent sees a thread they wrote, not the other parent's.
    assert!(thread_access(&ma, &proxy(None), &child, true, today).allow);
    let other = thread_access(&ma, &proxy(None), &child, false, today);
    assert!(!other.allow);
    assert_eq!(other.reason, Reason::NotThreadParticipant);
    // A 14-year-old's own threads are hidden from an approved proxy.
    let teen = patient(date(2011, 6, 1), OwnAccount::Active);
    let approved = proxy(Some(date(2025, 7, 1)));
    let d = thread_access(&ca, &approved, &teen, false, today);
    assert_eq!((d.allow, d.reason), (false, Reason::PatientOnlyThread));
    // Nurses see every thread; front desk none (their role has no messages).
    let nurse = Actor {
        account: AccountStatus::Active,
        kind: ActorKind::Staff {
            role: StaffRole::Nurse,
            emergency_access: false,
        },
    };
    assert!(thread_access(&ca, &nurse, &teen, false, today).allow);
    let desk = Actor {
        kind: ActorKind::Staff {
            role: StaffRole::FrontDesk,
            emergency_access: false,
        },
        ..nurse.clone()
    };
    assert!(!thread_access(&ca, &desk, &child, false, today).allow);
    // Sending: the california preset gives proxies no actions; the patient
    // and nurses may.
    let d = send_access(&ca, &proxy(None), &child, today);
    assert_eq!((d.allow, d.reason), (false, Reason::ProxyActionNotAllowed));
    assert!(send_access(&ma, &proxy(None), &child, today).allow);
    let me = Actor {
        account: AccountStatus::Active,
        kind: ActorKind::Patient,
    };
    assert!(send_access(&ca, &me, &teen, today).allow);
    assert!(send_access(&ca, &nurse, &child, today).allow);
}
