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
