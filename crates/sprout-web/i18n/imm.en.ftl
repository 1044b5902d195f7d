# Immunization record, forecast and printable record (src/immunizations.rs,
# src/imm_pdf.rs). Every key here must also be in imm.es.ftl (a unit test
# checks).

## Vaccine groups, named in plain words first

imm-group-dtap = DTaP, Tdap, Td (diphtheria, tetanus, whooping cough)
imm-group-polio = Polio (IPV)
imm-group-mmr = MMR (measles, mumps, rubella)
imm-group-varicella = Chickenpox (varicella)
imm-group-hepb = Hepatitis B
imm-group-hepa = Hepatitis A
imm-group-hib = Hib (Haemophilus influenzae type b)
imm-group-pneumococcal = Pneumococcal
imm-group-rotavirus = Rotavirus
imm-group-influenza = Flu (influenza)
imm-group-covid = COVID-19
imm-group-hpv = HPV (human papillomavirus)
imm-group-menacwy = Meningococcal ACWY (MenACWY)
imm-group-menb = Meningococcal B (MenB)
imm-group-rsv = RSV (respiratory syncytial virus)
imm-group-other = Other vaccines

## Record page

imm-record-heading = Immunizations
imm-record-intro = Every vaccine in this record, grouped by what it protects against, and whether each dose counts under CDC's immunization schedule.
imm-record-empty = No immunizations recorded yet.
imm-due-link = See what is due next
imm-pdf-link = Download the record for school (PDF)
imm-given-on = Given { $date }
imm-given-on-dose = Given { $date } (dose { $n })
imm-recorded-on = Recorded { $date }
imm-date-missing = Date not recorded
imm-badge-counts = Counts
imm-badge-not-valid = Does not count
imm-badge-extra = Extra dose
imm-badge-given = Given
imm-badge-not-given = Not given
imm-badge-entered-in-error = Entered in error
imm-not-given-reason = Reason: { $reason }
imm-error-line = Recorded by mistake; not part of the record.

## Why a dose does not count (CDC's evaluation reasons, in plain words)

imm-why-age-too-young = Given too early: the child was younger than the youngest age this dose counts.
imm-why-age-too-old = Given after the oldest age this dose counts.
imm-why-interval-too-short = Given too soon after the dose before it.
imm-why-live-virus-conflict = Given too soon after another live vaccine.
imm-why-vaccine-not-allowable = This vaccine does not count for this dose.
imm-why-inadvertent-vaccine = This vaccine is not the one for the child's age.
imm-why-series-already-complete = Not needed: the series was already complete.
imm-why-substandard = The dose was expired or only partly given.
imm-why-repeat = It may need to be given again.

## Where a vaccine group stands (record page, one line per group)

imm-status-complete = Complete
imm-status-immune = Protected (immune)
imm-status-not-recommended = No more doses recommended
imm-status-aged-out = No longer given at this age
imm-status-contraindicated = Not recommended for this child
imm-status-overdue = Dose { $n } is overdue
imm-status-due = Dose { $n } is due now
imm-status-next = Next: dose { $n }, recommended { $date }
imm-status-season = The rules on file do not cover this season yet: ask the office.

## Forecast page: what is due

imm-due-title = What is due
imm-due-heading = What is due
imm-due-intro = As of { $date }, following CDC's immunization schedule.
imm-due-back = Back to the immunization record
imm-due-overdue-heading = Overdue
imm-due-now-heading = Due now
imm-due-next-heading = Coming up
imm-due-done-heading = Up to date
imm-due-none-heading = Not needed now
imm-due-ask-heading = Ask the office
imm-due-season-line = This season's recommendation is not in the rules on file yet.
imm-due-nothing = Nothing is due now.
imm-due-dose = { $group }, dose { $n }
imm-due-overdue-line = Was due by { $date }. It can be given now.
imm-due-now-line = Recommended by { $date }
imm-due-now-open = Recommended now
imm-due-next-line = Recommended { $date }
imm-due-early = Can be given now
imm-due-from = Can be given from { $date }
imm-due-note = Worked out from the immunizations in this record with CDC's rules for immunization schedules (CDSi, data version { $version }). If your child had a vaccine somewhere else, tell the office so it can be added.

## Printable record (PDF)

imm-pdf-title = Immunization Record
imm-pdf-doc-title = Immunization record of { $name }
imm-pdf-patient = Patient
imm-pdf-born = Date of birth
imm-pdf-printed = Printed { $date }
imm-pdf-col-dose = Dose
imm-pdf-col-date = Date given
imm-pdf-col-vaccine = Vaccine
imm-pdf-col-status = Valid?
imm-pdf-valid = Yes
imm-pdf-not-valid = No
imm-pdf-empty = No immunizations are recorded.
imm-pdf-note = "Valid" follows CDC's rules for immunization schedules (CDSi): a dose that is not valid does not count toward the series and may need to be given again.
imm-pdf-certify = I certify that this is a true copy of the immunization record kept by this practice.
imm-pdf-signature = Signature of health care provider
imm-pdf-sign-name = Printed name and title
imm-pdf-sign-date = Date
imm-pdf-page = Page { $n } of { $total }
imm-pdf-footer = { $name }, born { $date }
