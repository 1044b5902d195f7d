# Sprout: English catalog. Every key here must also be in es.ftl (a unit test
# checks). Arguments are named in { $braces }.

## Frame

skip-to-content = Skip to main content
language-change = Change language
language-switch = Language
sign-out = Sign out
signed-in-as = Signed in as { $name }
footer-note = Sprout patient portal. For an emergency, call 911.
back-home = Go to the home page

## Errors

error-404-title = Page not found
error-404-body = We could not find that page. The link may be out of date, or the record is not shared with this account.
error-403-title = This form has expired
error-403-body = For your safety we could not accept that form. Go back, reload the page and try again.
error-405-title = That did not work
error-405-body = This page cannot be used that way. Go to the home page and try again.
error-413-title = Too much information
error-413-body = What was sent is larger than this page accepts. Go back, shorten it and try again.
error-400-title = That did not work
error-400-body = We could not read what was sent. Go back, check the form and try again.
error-500-title = Something went wrong on our side
error-500-body = Nothing you did caused this. Please try again in a few minutes. If it keeps happening, call the office.

## Sign-in

login-title = Sign in
login-intro = See your family's health records, immunizations and visits.
login-email = Email
login-password = Password
login-submit = Sign in
login-failed = The email or password is incorrect. Check them and try again.
login-help = Forgot your password or need an account? Call the office.

## Homes

home-title = Your family
home-greeting = Hello, { $name }.
home-empty = No records are shared with this account yet. The office can link your children's records to your account.
staff-home-title = Staff home
staff-role-heading = Your role
staff-find-heading = Open a patient's record
staff-find-mrn = Medical record number (MRN)
staff-find-submit = Open record
staff-find-none = No patient you may see has that medical record number. Check the number and try again.
staff-role-front-desk = Front desk
staff-role-nurse = Nurse
staff-role-clinician = Clinician
staff-role-admin = Practice administrator

## Patient pages

switcher-label = Switch to
tabs-label = Sections of the record
born-on = Born { $date }
tab-summary = Summary
tab-vitals = Vitals
tab-immunizations = Immunizations
tab-medications = Medications
tab-allergies = Allergies
tab-problems = Health problems
tab-visits = Visits
tab-lab-results = Lab results
summary-latest = Latest measurements
summary-all-vitals = See all measurements
summary-records = In the record

vitals-heading = Vitals and measurements
vitals-empty = No measurements recorded yet.
immunizations-heading = Immunizations
immunizations-empty = No immunizations recorded yet.
medications-heading = Medications
medications-empty = No medications recorded yet.
allergies-heading = Allergies
allergies-empty = No allergies recorded yet.
problems-heading = Health problems
problems-empty = No health problems recorded yet.
visits-heading = Visits
visits-empty = No visits recorded yet.
lab-results-heading = Lab results
lab-results-empty = No lab results yet.

## Ages and dates

age-years = { $n ->
    [one] { $n } year old
   *[other] { $n } years old
}
age-months = { $n ->
    [one] { $n } month old
   *[other] { $n } months old
}
age-weeks = { $n ->
    [one] { $n } week old
   *[other] { $n } weeks old
}
age-days = { $n ->
    [one] { $n } day old
   *[other] { $n } days old
}
date-long = { $month } { $day }, { $year }
date-month-year = { $month } { $year }
date-unknown = Date not recorded
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Vitals

vital-weight = Weight
vital-height = Height
vital-bmi = Body mass index (BMI)
vital-head = Head size (circumference)
vital-blood-pressure = Blood pressure
vital-temperature = Temperature
vital-heart-rate = Heart rate
vital-respiratory-rate = Breathing rate
vital-oxygen = Oxygen level
vital-pain = Pain score (0 to 10)
vital-weight-for-length-percentile = Weight for length, percentile
vital-bmi-percentile = BMI for age, percentile
vital-head-percentile = Head size for age, percentile
percentile = { NUMBER($n, type: "ordinal") ->
    [one] { $n }st
    [two] { $n }nd
    [few] { $n }rd
   *[other] { $n }th
} percentile
pounds-ounces = { $lb } lb { $oz } oz
beats-per-minute = { $n } beats per minute
breaths-per-minute = { $n } breaths per minute

## Immunizations

imm-given = Given
imm-not-given = Not given
imm-entered-in-error = Entered in error
imm-reason = Reason: { $reason }
imm-lot = Lot { $lot }

## Medications

med-prescribed = Prescribed { $date }
med-prescribed-by = Prescribed { $date } by { $prescriber }
med-status-active = Active
med-status-on-hold = On hold
med-status-cancelled = Cancelled
med-status-completed = Finished
med-status-entered-in-error = Entered in error
med-status-stopped = Stopped
med-status-draft = Draft
med-status-unknown = Status unknown

## Allergies

allergy-reaction = Reaction: { $reaction }
allergy-high-risk = High risk
allergy-status-active = Active
allergy-status-inactive = Inactive
allergy-status-resolved = Resolved
allergy-category-food = Food
allergy-category-medication = Medicine
allergy-category-environment = Environment
allergy-category-biologic = Biologic
recorded-on = Recorded { $date }

## Health problems

problem-since = Since { $date }
problem-resolved-on = Resolved { $date }
problem-status-active = Active
problem-status-recurrence = Came back
problem-status-relapse = Came back
problem-status-inactive = Inactive
problem-status-remission = In remission
problem-status-resolved = Resolved

## Visits

visit = Visit
visit-reason = Reason: { $reason }
visit-with = With { $practitioner }
visit-at = At { $location }
visit-with-at = With { $practitioner } at { $location }
visit-class-amb = Office visit
visit-class-emer = Emergency visit
visit-class-imp = Hospital stay
visit-class-acute = Hospital stay
visit-class-nonac = Hospital stay
visit-class-obsenc = Observation stay
visit-class-prenc = Pre-admission visit
visit-class-ss = Same-day procedure
visit-class-vr = Virtual visit
visit-class-hh = Home visit
visit-class-fld = Visit outside the office
visit-status-planned = Planned
visit-status-arrived = Arrived
visit-status-triaged = Triaged
visit-status-in-progress = In progress
visit-status-onleave = On leave
visit-status-finished = Finished
visit-status-cancelled = Cancelled
visit-status-entered-in-error = Entered in error
visit-status-unknown = Status unknown

## Lab results

obs-status-registered = Ordered
obs-status-preliminary = Preliminary
obs-status-final = Final
obs-status-amended = Amended
obs-status-corrected = Corrected
obs-status-cancelled = Cancelled
obs-status-entered-in-error = Entered in error
obs-status-unknown = Status unknown

## Who can see a record (proxies)

tab-sharing = Sharing
tab-proxies = Proxies
sharing-home-heading = Who can see your record
sharing-home-body = Choose which parents or guardians can see your record, and which parts of it.
sharing-home-link = Choose who can see your record
sharing-heading = Who can see your record
proxies-heading = People who can act for this patient
sharing-intro-teen = Your parents or guardians see your record only after you approve them, and never your confidential care (sexual and reproductive health, mental health, substance use, HIV, abuse). You can hide parts of your record from each of them, or remove their access, at any time.
sharing-intro-limited = Your parents or guardians see only some parts of your record, and never your confidential care (sexual and reproductive health, mental health, substance use, HIV, abuse). You can hide those parts from each of them, or remove their access, at any time.
sharing-intro-adult = You are an adult: parents no longer see your record unless a court named them your guardian. Someone you name can see it once the office has your written consent. You can hide parts of your record from each of them, or remove their access, at any time.
proxies-intro-staff = The patient is { $band } today. Access is worked out again on every page a person opens, from the facts below.
sharing-waiting-heading = Waiting for your approval
sharing-waiting-empty = Nobody is waiting for your approval.
sharing-current-heading = People who can see your record
proxies-current-heading = Proxies
proxies-empty = Nobody else can see this record.
proxies-past-heading = Access that ended
proxy-revoked-on = Access removed on { $date }
proxy-expired-on = Access ended on { $date }
proxy-since = Linked since { $date }
proxy-has-access = Has access
proxy-pending = Waiting for approval
proxy-no-access = No access
proxy-hidden-sections = Hidden from them:
sharing-approve = Approve { $name }
sharing-reject = Say no to { $name }
sharing-sections-legend = What { $name } can see
sharing-sections-save = Save what { $name } can see
proxy-revoke = Remove access for { $name }
proxy-explain-link = Why? See each part of the record
evidence-papers = Guardianship papers on file
evidence-consent = Patient's written consent on file
evidence-until = Valid until (leave empty if there is no end date)
evidence-save = Save
evidence-bad-date = That date could not be read. Write it as year-month-day, for example 2027-06-30.
evidence-past-date = That date has already passed: papers that have run out are not on file. Enter the last day they are valid, or clear the "on file" box.
proxy-add-heading = Add a proxy
proxy-add-hint = The person needs a portal account of their own first. Parents and guardians are for patients under 18; a designee is for adult patients.
proxy-add-email = Email of the person's account
proxy-add-kind = Relationship to the patient
proxy-add-kind-choose = Choose one
proxy-add-submit = Add proxy
proxy-add-kind-missing = Choose the relationship to the patient.
proxy-add-no-account = No portal account uses that email. Check the email, or ask the person to create an account first.
proxy-add-already = That person can already act for this patient.
proxies-done-approve = Approved. They can now see your record, except what you hide.
proxies-done-reject = Done. They cannot see your record.
proxies-done-revoke = Access removed. It ends right away.
proxies-done-sections = Saved. The change applies right away.
proxies-done-evidence = Evidence saved.
proxies-done-add = Proxy added.

kind-parent = Parent
kind-legal-guardian = Legal guardian
kind-court-appointed-guardian = Court-appointed guardian
kind-designee = Named by the patient (designee)
band-child = a child
band-adolescent = a teen (confidential care stays private)
band-adult = an adult

section-demographics = Personal details
section-vitals = Vitals and measurements
section-immunizations = Immunizations
section-medications = Medications
section-allergies = Allergies
section-problems = Health problems
section-visit-summaries = Visits
section-lab-results = Lab results
section-clinical-notes = Clinical notes
section-documents = Documents
section-appointments = Appointments
section-messages = Messages
section-billing = Billing

explain-heading = What { $name } can see
explain-intro = Decided for today, { $date }, by the practice's access policy.
explain-band = The patient is
explain-kind = Relationship
explain-granted = Linked since
explain-approved = Approved by the patient on
explain-hidden = Hidden by the patient
explain-evidence = Papers or written consent
explain-evidence-on-file = On file
explain-evidence-until = On file, valid until { $date }
explain-expires = Access ends after
explain-revoked = Access removed on
explain-none = None
explain-sections-heading = Each part of the record
explain-items-heading = Marked entries
explain-item-restricted = Entries marked restricted
explain-item-sensitive = Confidential care (for example mental health)
explain-allowed = Can see
explain-withheld = Hidden
explain-back = Back to the proxies
exception-privacy = Withheld under the privacy exception (45 CFR 171.202).
exception-required-by-law = Withheld because the law requires it (information-blocking exception, 45 CFR 171.202).

reason-account-not-active = This person's account is not active, so they see nothing.
reason-staff-role = Practice staff see this as their role allows.
reason-emergency-access = Seen under emergency access.
reason-staff-role-excludes-section = This staff role does not include this part of the record.
reason-staff-role-excludes-action = This staff role cannot do that.
reason-restricted-needs-clinician = Restricted entries are for clinicians only.
reason-own-record = The patient's own record.
reason-no-own-account = The patient has no active account of their own.
reason-below-account-age = The patient is too young for an account of their own.
reason-no-relationship = This account is not linked to the patient.
reason-relationship-revoked = Access was removed.
reason-relationship-expired = Access ended on its end date.
reason-relationship-not-yet-granted = Access starts on a later date.
reason-relationship-not-verified = The office has not verified this person yet.
reason-child-parent = Parent or guardian of a child: sees the whole record except restricted entries.
reason-adolescent-approved = Approved by the patient: sees the record except confidential care and the parts the patient hid.
reason-adolescent-not-approved = Waiting for the patient's approval: sees nothing until the patient approves.
reason-approval-before-adolescence = The approval was given before the patient's teen years began, so the patient needs to approve again.
reason-section-hidden-by-patient = The patient chose to hide this part.
reason-adolescent-limited = Parent or guardian of a teen: sees only some parts of the record.
reason-adolescent-limited-section = Not one of the parts parents of a teen can see.
reason-adolescent-sensitive-item = Confidential care (sexual or reproductive health, mental health, substance use, HIV, abuse) is never shown to parents of a teen.
reason-restricted-item = Entries marked restricted are not shown to anyone acting for the patient.
reason-patient-only-thread = Conversations the patient had without this person are not shown to them.
reason-adult-parent-no-access = Parents do not see an adult's record unless a court named them guardian.
reason-court-appointed-guardian = Court-appointed guardian with papers on file: sees the record except restricted entries.
reason-guardianship-papers-missing = Court-appointed guardian, but the guardianship papers are not on file or have expired.
reason-designee = Named by the patient, with written consent on file: sees the record except confidential care and hidden parts.
reason-written-consent-missing = Named by the patient, but the written consent is not on file yet.
reason-designee-not-allowed = At this practice an adult cannot name someone to see their record; only a court-appointed guardian can.
reason-designee-sensitive-item = Confidential care is not shown to someone the patient named.
reason-proxy-action-not-allowed = People acting for the patient cannot do that here.
reason-kind-does-not-fit-band = That relationship does not fit the patient's age: a designee is only for adults, a parent or legal guardian only for patients under 18.
reason-proxy-limit-reached = The patient already has as many people with access as this practice allows.
reason-same-email-as-patient = That is the patient's own email. A proxy needs an account of their own.
reason-grant-needs-proxy = Only a person's own account can be made a proxy.
reason-grant-allowed = Access may be given.
reason-section-required = No part of the record was named.
