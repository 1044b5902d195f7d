//! The words of the notices, in English and Spanish.
//!
//! Why a module of its own: what a notice may say is a product rule. A notice
//! says what will change in the portal and what to do, in plain words; it
//! never carries health information (DESIGN.md, "Messaging": "email notices
//! that carry no health information"). The only facts about the patient it
//! uses are the first name and the day of the change; everything else comes
//! from the practice's policy.

use crate::notices::NoticeKind;
use jiff::civil::Date;
use sprout_domain::policy::{AdolescentProxy, AdultProxy, Policy};
use sprout_domain::record::Section;

/// The language of a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// English (the default).
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The recipient's language from their account's locale (`es`, `es-MX`:
    /// Spanish; anything else or none: English).
    pub(crate) fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(l) if l.trim().to_ascii_lowercase().starts_with("es") => Self::Es,
            _ => Self::En,
        }
    }

    /// The locale code stored with the message.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }
}

/// Who receives a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A proxy; `guardian_papers`: a court-appointed guardian whose papers are
    /// on file (keeps access at the adult birthday, ACCESS-POLICY.md rule 4).
    Proxy { guardian_papers: bool },
    /// The patient, through their own account.
    Patient,
}

/// What a notice is about. No health information.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    /// Which notice.
    pub kind: NoticeKind,
    /// The patient's first name.
    pub first_name: &'a str,
    /// The recipient's name as shown in the portal.
    pub recipient_name: &'a str,
    /// The birthday (birthday notices) or the day the notice is sent
    /// (teen-account notices).
    pub day: Date,
    /// The age reached on `day`, in completed years.
    pub age: u8,
    /// The practice's policy.
    pub policy: &'a Policy,
    /// Whether the patient has an own account that is not deactivated.
    pub patient_has_account: bool,
}

/// A composed notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// A date in words: "June 1, 2026", "1 de junio de 2026".
pub(crate) fn long_date(d: Date, lang: Lang) -> String {
    let m = usize::try_from(d.month() - 1).unwrap_or(0).min(11);
    match lang {
        Lang::En => format!("{} {}, {}", MONTHS_EN[m], d.day(), d.year()),
        Lang::Es => format!("{} de {} de {}", d.day(), MONTHS_ES[m], d.year()),
    }
}

/// A section's plain name.
fn section_name(s: Section, lang: Lang) -> &'static str {
    match (s, lang) {
        (Section::Demographics, Lang::En) => "personal and contact details",
        (Section::Demographics, Lang::Es) => "datos personales y de contacto",
        (Section::Vitals, Lang::En) => "vital signs",
        (Section::Vitals, Lang::Es) => "signos vitales",
        (Section::Immunizations, Lang::En) => "immunizations",
        (Section::Immunizations, Lang::Es) => "vacunas",
        (Section::Medications, Lang::En) => "medications",
        (Section::Medications, Lang::Es) => "medicamentos",
        (Section::Allergies, Lang::En) => "allergies",
        (Section::Allergies, Lang::Es) => "alergias",
        (Section::Problems, Lang::En) => "health problems",
        (Section::Problems, Lang::Es) => "problemas de salud",
        (Section::VisitSummaries, Lang::En) => "visit summaries",
        (Section::VisitSummaries, Lang::Es) => "resúmenes de visitas",
        (Section::LabResults, Lang::En) => "lab results",
        (Section::LabResults, Lang::Es) => "resultados de laboratorio",
        (Section::ClinicalNotes, Lang::En) => "clinical notes",
        (Section::ClinicalNotes, Lang::Es) => "notas clínicas",
        (Section::Documents, Lang::En) => "documents",
        (Section::Documents, Lang::Es) => "documentos",
        (Section::Appointments, Lang::En) => "appointments",
        (Section::Appointments, Lang::Es) => "citas",
        (Section::Messages, Lang::En) => "messages",
        (Section::Messages, Lang::Es) => "mensajes",
        (Section::Billing, Lang::En) => "billing",
        (Section::Billing, Lang::Es) => "facturación",
    }
}

/// "a, b and c" / "a, b y c".
fn list(sections: &[Section], lang: Lang) -> String {
    let names: Vec<&str> = sections.iter().map(|s| section_name(*s, lang)).collect();
    let and = match lang {
        Lang::En => " and ",
        Lang::Es => " y ",
    };
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// A body from its parts: greeting, opening paragraph, "what will change"
/// points, "what to do" points, closing line.
fn body(lang: Lang, recipient: &str, opening: &str, change: &[String], todo: &[String]) -> String {
    let (hello, change_head, todo_head, footer) = match lang {
        Lang::En => (
            "Hello",
            "What will change:",
            "What to do:",
            "This message was sent automatically by the patient portal and contains no \
             health information. Please do not reply to it; sign in to the portal or call \
             the office with any questions.",
        ),
        Lang::Es => (
            "Hola",
            "Qué cambiará:",
            "Qué hacer:",
            "Este mensaje lo envió automáticamente el portal del paciente y no contiene \
             información de salud. No lo responda; inicie sesión en el portal o llame al \
             consultorio si tiene preguntas.",
        ),
    };
    let mut out = format!("{hello} {recipient},\n\n{opening}\n");
    for (head, points) in [(change_head, change), (todo_head, todo)] {
        if points.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(head);
        out.push('\n');
        for p in points {
            out.push_str("- ");
            out.push_str(p);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(footer);
    out.push('\n');
    out
}

/// Composes a notice for one recipient.
pub(crate) fn compose(f: &Facts<'_>, role: Role, lang: Lang) -> Text {
    match f.kind {
        NoticeKind::AdolescentBirthday => adolescent(f, role, lang),
        NoticeKind::AdultBirthday => adult(f, role, lang),
        NoticeKind::TeenAccount => teen_account(f, lang),
    }
}

fn adolescent(f: &Facts<'_>, role: Role, lang: Lang) -> Text {
    let n = f.first_name;
    let age = f.age;
    let day = long_date(f.day, lang);
    let p = f.policy;
    let min = p.patient_account_min_age;
    let limited = list(&p.limited_sections, lang);
    let approval = p.adolescent_proxy == AdolescentProxy::PatientApproval;
    let s = |x: &str| x.to_owned();
    match (role, lang) {
        (Role::Proxy { .. }, Lang::En) => {
            let subject = format!("{n} turns {age} on {day}: changes to your portal access");
            let what = if approval {
                format!("{n}'s record")
            } else {
                format!("part of {n}'s record")
            };
            let opening = format!(
                "{n} turns {age} on {day}. From that day, {what} in the patient portal \
                 becomes confidential, as our practice's policy provides for patients from \
                 age {age}."
            );
            let mut change = if approval {
                vec![
                    format!(
                        "You will see {n}'s record only after {n} approves your access from \
                         their own portal account, on or after {day}."
                    ),
                    format!("{n} can choose which parts of the record you see."),
                ]
            } else {
                vec![
                    format!("You will still see: {limited}."),
                    format!("You will no longer see the other parts of {n}'s record."),
                ]
            };
            change.push(format!(
                "Confidential care stays between {n} and the care team."
            ));
            let mut todo = Vec::new();
            if approval {
                todo.push(format!("Talk with {n} about approving your access."));
            } else {
                todo.push(s("Nothing, to keep the access described above."));
            }
            todo.push(if f.patient_has_account {
                format!("{n} already has their own portal account.")
            } else {
                format!(
                    "{n} can have their own portal account from age {min}: ask the office \
                     for an invitation for {n}."
                )
            });
            Text {
                subject,
                body: body(lang, f.recipient_name, &opening, &change, &todo),
            }
        }
        (Role::Proxy { .. }, Lang::Es) => {
            let subject = format!("{n} cumple {age} años el {day}: cambios en su acceso al portal");
            let what = if approval {
                format!("el expediente de {n}")
            } else {
                format!("parte del expediente de {n}")
            };
            let opening = format!(
                "{n} cumple {age} años el {day}. Desde ese día, {what} en el portal del \
                 paciente pasa a ser confidencial, como lo dispone la política de nuestro \
                 consultorio para pacientes desde los {age} años."
            );
            let mut change = if approval {
                vec![
                    format!(
                        "Usted verá el expediente de {n} solo después de que {n} apruebe su \
                         acceso desde su propia cuenta del portal, a partir del {day}."
                    ),
                    format!("{n} podrá elegir qué partes del expediente ve usted."),
                ]
            } else {
                vec![
                    format!("Seguirá viendo: {limited}."),
                    format!("Ya no verá las demás partes del expediente de {n}."),
                ]
            };
            change.push(format!(
                "La atención confidencial queda entre {n} y el equipo de atención."
            ));
            let mut todo = Vec::new();
            if approval {
                todo.push(format!("Hable con {n} sobre aprobar su acceso."));
            } else {
                todo.push(s("Nada, para conservar el acceso descrito arriba."));
            }
            todo.push(if f.patient_has_account {
                format!("{n} ya tiene su propia cuenta del portal.")
            } else {
                format!(
                    "{n} puede tener su propia cuenta del portal desde los {min} años: pida \
                     al consultorio una invitación para {n}."
                )
            });
            Text {
                subject,
                body: body(lang, f.recipient_name, &opening, &change, &todo),
            }
        }
        (Role::Patient, Lang::En) => {
            let subject = format!("Your portal record changes on {day}");
            let opening = format!(
                "You turn {age} on {day}. From that day, your record in the patient portal \
                 becomes confidential."
            );
            let change = if approval {
                vec![
                    s(
                        "Your parents or guardians will see your record only if you approve \
                       them, and you choose which parts each of them sees.",
                    ),
                    s("Confidential care stays between you and your care team."),
                ]
            } else {
                vec![
                    format!("Your parents or guardians will see only: {limited}."),
                    s("Confidential care stays between you and your care team."),
                ]
            };
            let todo = if approval {
                vec![format!(
                    "On or after {day}, sign in to the portal to approve your parents or \
                     guardians and choose what each of them sees."
                )]
            } else {
                vec![s(
                    "Nothing. Sign in to the portal any time to see your record.",
                )]
            };
            Text {
                subject,
                body: body(lang, f.recipient_name, &opening, &change, &todo),
            }
        }
        (Role::Patient, Lang::Es) => {
            let subject = format!("Su expediente del portal cambia el {day}");
            let opening = format!(
                "Usted cumple {age} años el {day}. Desde ese día, su expediente en el portal \
                 del paciente pasa a ser confidencial."
            );
            let change =
                if approval {
                    vec![
                    s("Sus padres o tutores verán su expediente solo si usted los aprueba, y \
                       usted elige qué partes ve cada uno."),
                    s("La atención confidencial queda entre usted y su equipo de atención."),
                ]
                } else {
                    vec![
                        format!("Sus padres o tutores verán solamente: {limited}."),
                        s("La atención confidencial queda entre usted y su equipo de atención."),
                    ]
                };
            let todo = if approval {
                vec![format!(
                    "A partir del {day}, inicie sesión en el portal para aprobar a sus padres \
                     o tutores y elegir qué ve cada uno."
                )]
            } else {
                vec![s(
                    "Nada. Inicie sesión en el portal cuando quiera para ver su expediente.",
                )]
            };
            Text {
                subject,
                body: body(lang, f.recipient_name, &opening, &change, &todo),
            }
        }
    }
}

fn adult(f: &Facts<'_>, role: Role, lang: Lang) -> Text {
    let n = f.first_name;
    let age = f.age;
    let day = long_date(f.day, lang);
    let designees = f.policy.adult_proxy == AdultProxy::DesigneeWithWrittenConsent;
    let s = |x: &str| x.to_owned();
    match (role, lang) {
        (Role::Proxy { guardian_papers }, Lang::En) => {
            let opening = format!(
                "{n} turns {age} on {day} and becomes an adult. From that day, parents and \
                 guardians no longer have access to {n}'s record in the patient portal, \
                 unless a court has appointed them as {n}'s guardian."
            );
            if guardian_papers {
                return Text {
                    subject: format!("{n} turns {age} on {day}: your portal access continues"),
                    body: body(
                        lang,
                        f.recipient_name,
                        &opening,
                        &[s(
                            "Your guardianship papers are on file, so your access continues.",
                        )],
                        &[s(
                            "If your guardianship papers end or change, bring the new papers \
                             to the office.",
                        )],
                    ),
                };
            }
            let mut todo = Vec::new();
            if designees {
                todo.push(format!(
                    "If {n} wants you to keep helping with their care, {n} can name you in \
                     writing as someone who may see their record. Ask the office for the form."
                ));
            }
            todo.push(format!(
                "If a court has appointed you as {n}'s guardian, bring the court papers to the \
                 office before {day} so that your access continues."
            ));
            Text {
                subject: format!("{n} turns {age} on {day}: your portal access ends"),
                body: body(
                    lang,
                    f.recipient_name,
                    &opening,
                    &[format!("Your access to {n}'s record ends on {day}.")],
                    &todo,
                ),
            }
        }
        (Role::Proxy { guardian_papers }, Lang::Es) => {
            let opening = format!(
                "{n} cumple {age} años el {day} y pasa a ser mayor de edad. Desde ese día, los \
                 padres y tutores dejan de tener acceso al expediente de {n} en el portal del \
                 paciente, salvo que un tribunal los haya nombrado tutores de {n}."
            );
            if guardian_papers {
                return Text {
                    subject: format!(
                        "{n} cumple {age} años el {day}: su acceso al portal continúa"
                    ),
                    body: body(
                        lang,
                        f.recipient_name,
                        &opening,
                        &[s(
                            "Tenemos en archivo sus documentos de tutela, así que su acceso \
                             continúa.",
                        )],
                        &[s(
                            "Si sus documentos de tutela vencen o cambian, traiga los nuevos \
                             documentos al consultorio.",
                        )],
                    ),
                };
            }
            let mut todo = Vec::new();
            if designees {
                todo.push(format!(
                    "Si {n} quiere que usted siga ayudando con su atención, {n} puede \
                     nombrarle por escrito como persona autorizada a ver su expediente. Pida \
                     el formulario en el consultorio."
                ));
            }
            todo.push(format!(
                "Si un tribunal le nombró tutor de {n}, traiga los documentos del tribunal al \
                 consultorio antes del {day} para que su acceso continúe."
            ));
            Text {
                subject: format!("{n} cumple {age} años el {day}: su acceso al portal termina"),
                body: body(
                    lang,
                    f.recipient_name,
                    &opening,
                    &[format!("Su acceso al expediente de {n} termina el {day}.")],
                    &todo,
                ),
            }
        }
        (Role::Patient, Lang::En) => {
            let mut todo = Vec::new();
            if designees {
                todo.push(s(
                    "If you want someone to keep helping with your care, you can name them \
                     in writing. Ask the office for the form.",
                ));
            }
            todo.push(s("Sign in to the portal to check your contact details."));
            Text {
                subject: format!("You turn {age} on {day}: your portal record"),
                body: body(
                    lang,
                    f.recipient_name,
                    &format!(
                        "You turn {age} on {day}. From that day, you alone decide who can see \
                         your record in the patient portal."
                    ),
                    &[format!(
                        "Your parents' or guardians' access to your record ends on {day}, \
                         unless a court has appointed a guardian for you."
                    )],
                    &todo,
                ),
            }
        }
        (Role::Patient, Lang::Es) => {
            let mut todo = Vec::new();
            if designees {
                todo.push(s(
                    "Si quiere que alguien siga ayudándole con su atención, puede nombrarle \
                     por escrito. Pida el formulario en el consultorio.",
                ));
            }
            todo.push(s(
                "Inicie sesión en el portal para revisar sus datos de contacto.",
            ));
            Text {
                subject: format!("Usted cumple {age} años el {day}: su expediente del portal"),
                body: body(
                    lang,
                    f.recipient_name,
                    &format!(
                        "Usted cumple {age} años el {day}. Desde ese día, solo usted decide \
                         quién puede ver su expediente en el portal del paciente."
                    ),
                    &[format!(
                        "El acceso de sus padres o tutores a su expediente termina el {day}, \
                         salvo que un tribunal le haya nombrado un tutor."
                    )],
                    &todo,
                ),
            }
        }
    }
}

fn teen_account(f: &Facts<'_>, lang: Lang) -> Text {
    let n = f.first_name;
    let p = f.policy;
    let limited = list(&p.limited_sections, lang);
    let approval = p.adolescent_proxy == AdolescentProxy::PatientApproval;
    match lang {
        Lang::En => Text {
            subject: format!("{n} now has their own portal account"),
            body: body(
                lang,
                f.recipient_name,
                &format!("{n} now has their own account in the patient portal."),
                &[
                    format!("{n} can sign in and see their own record."),
                    if approval {
                        format!(
                            "Your access to {n}'s record depends on {n}'s approval, and {n} \
                             can choose which parts you see."
                        )
                    } else {
                        format!(
                            "Your own access to {n}'s record does not change: you see \
                             {limited}."
                        )
                    },
                ],
                &["Nothing. If you did not expect this, please call the office.".to_owned()],
            ),
        },
        Lang::Es => Text {
            subject: format!("{n} ya tiene su propia cuenta del portal"),
            body: body(
                lang,
                f.recipient_name,
                &format!("{n} ya tiene su propia cuenta en el portal del paciente."),
                &[
                    format!("{n} puede iniciar sesión y ver su propio expediente."),
                    if approval {
                        format!(
                            "Su acceso al expediente de {n} depende de la aprobación de {n}, y \
                             {n} puede elegir qué partes ve usted."
                        )
                    } else {
                        format!(
                            "Su propio acceso al expediente de {n} no cambia: usted ve \
                             {limited}."
                        )
                    },
                ],
                &["Nada. Si no esperaba este aviso, llame al consultorio.".to_owned()],
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use sprout_domain::policy::Preset;

    fn facts<'a>(kind: NoticeKind, policy: &'a Policy, has_account: bool) -> Facts<'a> {
        Facts {
            kind,
            first_name: "Lucía",
            recipient_name: "Marta Ruiz",
            day: date(2026, 6, 1),
            age: 12,
            policy,
            patient_has_account: has_account,
        }
    }

    const ROLES: [Role; 3] = [
        Role::Proxy {
            guardian_papers: false,
        },
        Role::Proxy {
            guardian_papers: true,
        },
        Role::Patient,
    ];

    #[test]
    fn dates_in_words() {
        assert_eq!(long_date(date(2026, 6, 1), Lang::En), "June 1, 2026");
        assert_eq!(long_date(date(2026, 6, 1), Lang::Es), "1 de junio de 2026");
        assert_eq!(
            long_date(date(2027, 12, 31), Lang::Es),
            "31 de diciembre de 2027"
        );
    }

    #[test]
    fn locales() {
        assert_eq!(Lang::from_locale(Some("es")), Lang::Es);
        assert_eq!(Lang::from_locale(Some("es-MX")), Lang::Es);
        assert_eq!(Lang::from_locale(Some("en")), Lang::En);
        assert_eq!(Lang::from_locale(Some("fr")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::En);
    }

    #[test]
    fn section_lists_read_as_sentences() {
        let s = [Section::Immunizations, Section::Allergies, Section::Billing];
        assert_eq!(list(&s, Lang::En), "immunizations, allergies and billing");
        assert_eq!(list(&s, Lang::Es), "vacunas, alergias y facturación");
        assert_eq!(list(&s[..1], Lang::En), "immunizations");
        assert_eq!(list(&[], Lang::En), "");
    }

    /// Every notice, in both languages, for both presets: greets the
    /// recipient, names the patient and the day, has both headings where it
    /// has points, ends with the no-health-information line, and has no
    /// doubled spaces or unfilled braces.
    #[test]
    fn every_notice_is_complete() {
        for preset in [Preset::California, Preset::Massachusetts] {
            let policy = Policy::preset(preset);
            for kind in [
                NoticeKind::AdolescentBirthday,
                NoticeKind::AdultBirthday,
                NoticeKind::TeenAccount,
            ] {
                for role in ROLES {
                    for lang in [Lang::En, Lang::Es] {
                        for has_account in [false, true] {
                            let t = compose(&facts(kind, &policy, has_account), role, lang);
                            let all = format!("{}\n{}", t.subject, t.body);
                            let ctx = format!("{preset:?} {kind:?} {role:?} {lang:?}:\n{all}");
                            assert!(
                                t.body.starts_with(match lang {
                                    Lang::En => "Hello Marta Ruiz,\n\n",
                                    Lang::Es => "Hola Marta Ruiz,\n\n",
                                }),
                                "{ctx}"
                            );
                            if role != Role::Patient {
                                assert!(all.contains("Lucía"), "{ctx}");
                            }
                            if kind != NoticeKind::TeenAccount {
                                assert!(all.contains(&long_date(date(2026, 6, 1), lang)), "{ctx}");
                                assert!(all.contains("12"), "{ctx}");
                            }
                            assert!(
                                t.body.contains(match lang {
                                    Lang::En => "contains no health information",
                                    Lang::Es => "no contiene información de salud",
                                }),
                                "{ctx}"
                            );
                            assert!(!all.contains("  "), "{ctx}");
                            assert!(!all.contains('{') && !all.contains('}'), "{ctx}");
                            assert!(!all.contains(": ."), "{ctx}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn adolescent_notice_follows_the_policy() {
        let ca = Policy::preset(Preset::California);
        let proxy = Role::Proxy {
            guardian_papers: false,
        };
        let t = compose(
            &facts(NoticeKind::AdolescentBirthday, &ca, false),
            proxy,
            Lang::En,
        );
        assert!(
            t.body.contains("only after Lucía approves your access"),
            "{}",
            t.body
        );
        assert!(
            t.body.contains("ask the office for an invitation"),
            "{}",
            t.body
        );
        let t = compose(
            &facts(NoticeKind::AdolescentBirthday, &ca, true),
            proxy,
            Lang::En,
        );
        assert!(t.body.contains("already has their own portal account"));

        let ma = Policy::preset(Preset::Massachusetts);
        let t = compose(
            &facts(NoticeKind::AdolescentBirthday, &ma, false),
            proxy,
            Lang::En,
        );
        assert!(
            t.body.contains(
                "You will still see: personal and contact details, immunizations, allergies, \
                 appointments and billing."
            ),
            "{}",
            t.body
        );
        assert!(t.body.contains("part of Lucía's record"), "{}", t.body);
        let t = compose(
            &facts(NoticeKind::AdolescentBirthday, &ma, false),
            proxy,
            Lang::Es,
        );
        assert!(t
            .body
            .contains("Seguirá viendo: datos personales y de contacto, vacunas"));
        assert_eq!(
            t.subject,
            "Lucía cumple 12 años el 1 de junio de 2026: cambios en su acceso al portal"
        );
    }

    #[test]
    fn adult_notice_follows_the_policy_and_the_guardianship() {
        let ca = Policy::preset(Preset::California);
        let ma = Policy::preset(Preset::Massachusetts);
        let proxy = Role::Proxy {
            guardian_papers: false,
        };
        let t = compose(
            &facts(NoticeKind::AdultBirthday, &ca, true),
            proxy,
            Lang::En,
        );
        assert!(t
            .body
            .contains("Your access to Lucía's record ends on June 1, 2026."));
        assert!(t.body.contains("can name you in writing"));
        let t = compose(
            &facts(NoticeKind::AdultBirthday, &ma, true),
            proxy,
            Lang::En,
        );
        assert!(
            !t.body.contains("can name you in writing"),
            "designees: california only"
        );
        assert!(t.body.contains("bring the court papers"));
        let guardian = Role::Proxy {
            guardian_papers: true,
        };
        let t = compose(
            &facts(NoticeKind::AdultBirthday, &ma, true),
            guardian,
            Lang::En,
        );
        assert!(t.body.contains("your access continues"));
        assert!(!t.body.contains("ends on"));
    }
}
