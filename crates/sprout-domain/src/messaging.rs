//! Secure messaging's rules (DESIGN.md capability 4, issue 5): message
//! categories and the staff pools they go to, the reply-due time on the
//! practice's business calendar, which attachments a message may carry
//! (recognised by their content, never their name), and who may read or send
//! a thread (the access policy, plus the thread's participants).
//!
//! Pure: the time a message arrived, the practice's time zone and holidays are
//! arguments; nothing here reads the clock or a file.

use crate::people::StaffRole;
use crate::policy::{self, Action, ActorKind, Decision, Item, PatientFacts, Policy, Reason};
use crate::record::{code_enum, Section};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::collections::BTreeMap;
use std::path::PathBuf;

code_enum!(
    /// What a family's message is about; picks the staff pool that answers it.
    Category, "message category", {
        /// A question about the child's health (symptoms, a rash, a fever).
        Clinical = "clinical",
        /// A question about a prescription.
        Prescription = "prescription",
        /// A question about test results.
        TestResults = "test-results",
        /// A referral to a specialist.
        Referral = "referral",
        /// An appointment question.
        Appointment = "appointment",
        /// Anything for the front office (forms, school notes).
        GeneralOffice = "general-office",
        /// A bill or insurance question.
        Billing = "billing",
    }
);

impl Category {
    /// The pool a practice sends this category to when its configuration
    /// names none: clinical, prescription, test results and referrals to the
    /// nurses (`clinical`), the rest to the front office (`front-office`).
    pub fn default_pool(self) -> &'static str {
        match self {
            Self::Clinical | Self::Prescription | Self::TestResults | Self::Referral => "clinical",
            Self::Appointment | Self::GeneralOffice | Self::Billing => "front-office",
        }
    }
}

code_enum!(
    /// Where a thread stands.
    ThreadStatus, "thread status", {
        /// Waiting for staff or for the family.
        Open = "open",
        /// Closed by staff; a new message from the family opens it again.
        Closed = "closed",
    }
);

/// Business days staff have to reply (practice policy: "every question
/// answered within two business days").
pub const REPLY_BUSINESS_DAYS: u32 = 2;

/// The practice's messaging settings (`[messaging]` of the configuration file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Days the practice is closed besides Saturdays and Sundays (civil dates
    /// in the practice's time zone).
    pub holidays: Vec<Date>,
    /// Pool of each category; a category not listed goes to
    /// [`Category::default_pool`].
    pub pools: BTreeMap<Category, String>,
    /// The address of each pool, for overdue reminders and new-message
    /// notices; a pool without one is told through every staff account that
    /// may answer messages.
    pub pool_emails: BTreeMap<String, String>,
    /// Business days to reply ([`REPLY_BUSINESS_DAYS`] by default).
    pub reply_business_days: u32,
    /// The folder attachments are stored in (default `./data/attachments`).
    pub attachments_dir: PathBuf,
    /// How long a file no message refers to is kept before the cleanup job
    /// removes it (default 24 hours): longer than any upload takes.
    pub orphan_grace: SignedDuration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            holidays: Vec::new(),
            pools: BTreeMap::new(),
            pool_emails: BTreeMap::new(),
            reply_business_days: REPLY_BUSINESS_DAYS,
            attachments_dir: PathBuf::from("./data/attachments"),
            orphan_grace: SignedDuration::from_hours(24),
        }
    }
}

impl Settings {
    /// The pool that answers `category`.
    pub fn pool_of(&self, category: Category) -> String {
        self.pools
            .get(&category)
            .cloned()
            .unwrap_or_else(|| category.default_pool().to_owned())
    }

    /// Every pool in use, sorted, without repeats.
    pub fn pool_names(&self) -> Vec<String> {
        let mut v: Vec<String> = Category::ALL.iter().map(|c| self.pool_of(*c)).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Whether `day` is a business day: not a Saturday, Sunday or holiday.
pub fn is_business_day(day: Date, holidays: &[Date]) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays.contains(&day)
}

/// The time a reply is due for a message that arrived at `received`: the same
/// wall-clock time, in the practice's time zone `tz`, `business_days`
/// business days later (weekends and `holidays` skipped). A message that
/// arrives on a day the practice is closed starts the count at midnight
/// opening the next business day, so a Saturday message is due at the end of
/// Tuesday (midnight starting Wednesday) with two business days.
///
/// Wall-clock time is kept across a daylight-saving change (a message sent
/// at 10:00 on the Friday before the spring change is due at 10:00 on the
/// Tuesday after it, one hour fewer elapsed); a wall-clock time that does not
/// exist on the due day (in the skipped hour) moves forward by the gap.
///
/// Source: practice policy (issue 5: "two business days, counted on the
/// practice's calendar").
pub fn reply_due(
    received: Timestamp,
    tz: &TimeZone,
    holidays: &[Date],
    business_days: u32,
) -> Timestamp {
    let local = received.to_zoned(tz.clone());
    let mut day = local.date();
    let mut time = local.time();
    if !is_business_day(day, holidays) {
        time = jiff::civil::Time::midnight();
        // Count from the start of the next business day: that day itself is
        // day zero.
        while !is_business_day(day, holidays) {
            day = next_day(day);
        }
    }
    let mut left = business_days;
    while left > 0 {
        day = next_day(day);
        if is_business_day(day, holidays) {
            left -= 1;
        }
    }
    day.to_datetime(time)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        // Only fails out of jiff's range (year 9999); keep the time as given.
        .unwrap_or(received)
}

fn next_day(d: Date) -> Date {
    d.checked_add(1.day()).unwrap_or(d)
}

/// Whether a thread due at `due` is overdue at `now`.
pub fn is_overdue(due: Option<Timestamp>, now: Timestamp) -> bool {
    due.is_some_and(|d| now > d)
}

// ---------------------------------------------------------------------------
// Attachments

/// At most this many files per message.
pub const MAX_FILES: usize = 10;

/// At most this many bytes in all of a message's files together: 25 MB,
/// counted as 25 × 1024 × 1024 = 26,214,400 bytes.
pub const MAX_TOTAL_BYTES: u64 = 25 * 1024 * 1024;

/// Bytes of a file's beginning that [`sniff`] needs to recognise every
/// accepted type (a .docx's third ZIP entry may start some kilobytes in).
pub const SNIFF_BYTES: usize = 64 * 1024;

code_enum!(
    /// A type of file a message may carry, recognised by its content.
    AttachmentKind, "attachment type", {
        /// Word document (.docx): a ZIP whose entries include `word/`.
        Docx = "docx",
        /// PDF.
        Pdf = "pdf",
        /// PNG image.
        Png = "png",
        /// JPEG image (.jpg, .jpeg).
        Jpeg = "jpeg",
        /// QuickTime movie (.mov).
        Mov = "mov",
        /// MPEG video (.mpeg, .mpg).
        Mpeg = "mpeg",
    }
);

impl AttachmentKind {
    /// The media type sent with a download.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Mov => "video/quicktime",
            Self::Mpeg => "video/mpeg",
        }
    }

    /// The file extension a download is named with (the stored type's, not
    /// the name the user gave).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Docx => "docx",
            Self::Pdf => "pdf",
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Mov => "mov",
            Self::Mpeg => "mpeg",
        }
    }

    /// Whether it is an image that can be shown inline as a thumbnail.
    pub fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg)
    }
}

/// The type of a file from its first bytes (at least [`SNIFF_BYTES`] of them,
/// or the whole file when shorter), by magic numbers (the `infer` crate's
/// matchers), never its name. `None` for anything else: executables, HTML,
/// SVG and other text, other archives and media.
pub fn sniff(head: &[u8]) -> Option<AttachmentKind> {
    use AttachmentKind as K;
    if infer::archive::is_pdf(head) {
        Some(K::Pdf)
    } else if infer::image::is_png(head) {
        Some(K::Png)
    } else if infer::image::is_jpeg(head) {
        Some(K::Jpeg)
    } else if infer::video::is_mov(head) {
        Some(K::Mov)
    } else if infer::video::is_mpeg(head) {
        Some(K::Mpeg)
    } else if infer::doc::is_docx(head) || zip_with_word_entry(head) {
        Some(K::Docx)
    } else {
        None
    }
}

/// Whether `head` starts a ZIP archive with an entry under `word/` among the
/// local file headers it holds: what makes a ZIP a Word document (ECMA-376
/// Part 2, Open Packaging Conventions: the main part of a WordprocessingML
/// package is `word/document.xml`). `infer`'s own test looks at the third and
/// fourth entries only and calls other orders (LibreOffice's, minimal
/// writers') generic OOXML.
fn zip_with_word_entry(head: &[u8]) -> bool {
    const SIG: &[u8] = b"PK\x03\x04";
    if !head.starts_with(SIG) {
        return false;
    }
    let mut at = 0;
    while let Some(i) = head[at..].windows(SIG.len()).position(|w| w == SIG) {
        let h = at + i;
        let name_len = head
            .get(h + 26..h + 28)
            .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        if head
            .get(h + 30..h + 30 + name_len)
            .is_some_and(|name| name.starts_with(b"word/"))
        {
            return true;
        }
        at = h + SIG.len();
    }
    false
}

/// Why a message's files are refused, naming the file where one is to blame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// More than [`MAX_FILES`] files; `file` is the first one over.
    #[error("{file}: a message may carry at most {MAX_FILES} files")]
    TooMany {
        /// The name the user gave the first file over the limit.
        file: String,
    },
    /// The files together exceed [`MAX_TOTAL_BYTES`]; `file` is the one that
    /// went over.
    #[error("{file}: the files of a message may add up to at most 25 MB")]
    TooLarge {
        /// The name the user gave the file that went over.
        file: String,
    },
    /// A file whose content is not one of the accepted types.
    #[error("{file}: only .docx, .pdf, .png, .jpg/.jpeg, .mov and .mpeg files are accepted")]
    NotAllowed {
        /// The name the user gave it.
        file: String,
    },
    /// An empty file.
    #[error("{file}: the file is empty")]
    Empty {
        /// The name the user gave it.
        file: String,
    },
}

/// Counts a message's files as they arrive, refusing as soon as a limit is
/// crossed, so nothing over a limit is ever written.
#[derive(Debug, Clone, Default)]
pub struct AttachmentBudget {
    files: usize,
    bytes: u64,
}

impl AttachmentBudget {
    /// A new file named `file` starts; refused when it would be the 11th.
    ///
    /// # Errors
    /// [`AttachmentError::TooMany`].
    pub fn start_file(&mut self, file: &str) -> Result<(), AttachmentError> {
        if self.files >= MAX_FILES {
            return Err(AttachmentError::TooMany {
                file: file.to_owned(),
            });
        }
        self.files += 1;
        Ok(())
    }

    /// `n` more bytes of `file` arrived; refused when the total goes over
    /// [`MAX_TOTAL_BYTES`].
    ///
    /// # Errors
    /// [`AttachmentError::TooLarge`].
    pub fn add_bytes(&mut self, file: &str, n: u64) -> Result<(), AttachmentError> {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes > MAX_TOTAL_BYTES {
            return Err(AttachmentError::TooLarge {
                file: file.to_owned(),
            });
        }
        Ok(())
    }

    /// Files counted so far.
    pub fn files(&self) -> usize {
        self.files
    }

    /// Bytes counted so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

// ---------------------------------------------------------------------------
// Who may read and send

/// Whether `actor` may read a thread of the patient on `today`: the access
/// policy's `view` of the `messages` section for the thread as an item
/// (ACCESS-POLICY.md rule 4: a thread the proxy was not party to is a
/// patient-only thread, hidden from every proxy of an adolescent), and, for
/// everyone but staff, being a participant: a thread is visible to its
/// participants and the care team only, so a child's other parent, or the
/// patient, does not see a thread a parent started ([`Reason::NotThreadParticipant`]).
///
/// `participant`: whether the actor's account started or wrote in the thread.
pub fn thread_access(
    policy: &Policy,
    actor: &policy::Actor,
    patient: &PatientFacts,
    participant: bool,
    today: Date,
) -> Decision {
    let item = Item {
        patient_only_thread: !participant,
        ..Item::default()
    };
    let decision = policy::decide(
        policy,
        &policy::Request {
            actor: actor.clone(),
            patient: patient.clone(),
            action: Action::View,
            section: Some(Section::Messages),
            item: Some(item),
        },
        today,
    );
    if !decision.allow || participant || matches!(actor.kind, ActorKind::Staff { .. }) {
        return decision;
    }
    Decision {
        allow: false,
        reason: Reason::NotThreadParticipant,
        exception: Reason::NotThreadParticipant.exception(policy),
    }
}

/// Whether `actor` may send a message about the patient on `today` (start a
/// thread, reply): the access policy's `message` action (ACCESS-POLICY.md
/// rule 4: a proxy needs `message` in `proxy_actions`, which the `california`
/// preset leaves empty; rule 2: nurses and clinicians answer messages).
pub fn send_access(
    policy: &Policy,
    actor: &policy::Actor,
    patient: &PatientFacts,
    today: Date,
) -> Decision {
    policy::decide(
        policy,
        &policy::Request {
            actor: actor.clone(),
            patient: patient.clone(),
            action: Action::Message,
            section: Some(Section::Messages),
            item: None,
        },
        today,
    )
}

/// Whether a staff role works the message inbox (rule 2: the roles that may
/// take the `message` action).
pub fn staff_answers_messages(role: StaffRole) -> bool {
    policy::staff_may_do(role, Action::Message) && policy::staff_may_view(role, Section::Messages)
}
