# Enrollment: sign-up slips, invitations, activation, self-registration,
# linking a child, a teen's own login.

enroll-staff-title = Enrollment
enroll-staff-intro = Enter paper sign-up slips, fix the ones with problems, then send every invitation at once.
enroll-staff-link = Enrollment
enroll-staff-link-body = Sign-up slips, invitations and requests to link a child.
enroll-send-heading = Send invitations
enroll-valid-count = { $n ->
    [one] One slip is ready to send.
   *[other] { $n } slips are ready to send.
}
enroll-send-button = { $n ->
    [one] Send the invitation
   *[other] Send { $n } invitations
}
enroll-invalid-heading = Slips with problems
enroll-invalid-empty = No slip has a problem.
enroll-no-name = (no name)
enroll-fix = Fix
enroll-reject = Reject slip
enroll-requests-heading = Requests to link a child
enroll-requests-empty = No request is waiting.
enroll-request-line = Child: { $child } · MRN { $mrn } · visit on { $date }
enroll-request-approve = Approve
enroll-request-reject = Decline
enroll-request-no-patient = No patient has that MRN. Check it with the family before approving.
enroll-upload-heading = Upload a CSV file of slips
enroll-upload-hint = One slip per row with the columns given_name, family_name, birth_date (YYYY-MM-DD), mrn, form_type (under-12 or 12-and-over), consent (yes or no), patient_email, then proxy1_name, proxy1_email, proxy1_birth_date, proxy1_relationship and the same for proxy2 to proxy4. At most { $kb } KB.
enroll-upload-file = CSV file
enroll-upload-submit = Upload
enroll-upload-report = What each row became
enroll-upload-line = Line
enroll-upload-name = Patient
enroll-upload-result = Result
enroll-upload-ok = Ready to send
enroll-upload-done = Upload read: { $ok } ready to send, { $bad } with problems. Every row was kept.
enroll-upload-not-text = That file is not text in UTF-8. Save it as "CSV UTF-8" and upload it again. Nothing was stored.
enroll-upload-empty = That file has no rows. Nothing was stored.
enroll-upload-bad = That file cannot be read as slips ({ $why }). Nothing was stored.
enroll-new-slip-heading = Enter a slip
enroll-slip-title = Sign-up slip
enroll-slip-patient = Patient
enroll-slip-problems = This slip cannot be sent yet:
enroll-slip-save = Save slip
enroll-slip-fix = Save changes
enroll-back = Back to enrollment
enroll-given-name = Given name
enroll-family-name = Family name
enroll-birth-date = Birth date (YYYY-MM-DD)
enroll-mrn = Medical record number (MRN)
enroll-form-type = Form
enroll-form-type-under-12 = Under 12
enroll-form-type-12-and-over = 12 and over
enroll-choose = Choose…
enroll-patient-email = Patient's own email
enroll-patient-email-hint = Required on the "12 and over" form; it must differ from every parent's email.
enroll-consent = The consent box on the slip is checked and signed
enroll-proxy-n = Parent or guardian { $n }
enroll-proxy-name = Full name
enroll-proxy-email = Email
enroll-proxy-birth-date = Birth date (YYYY-MM-DD)
enroll-proxy-relationship = Relationship
enroll-done-saved = Slip saved. It is ready to send.
enroll-done-rejected = Slip rejected.
enroll-done-sent = { $n ->
    [one] One slip sent: its people have their email.
   *[other] { $n } slips sent: each person gets one email.
}
enroll-done-failed = { $n ->
    [one] One slip could not be sent; it is listed under "Slips with problems".
   *[other] { $n } slips could not be sent; they are listed under "Slips with problems".
}
enroll-done-approved = Request approved. The parent was told by email.
enroll-done-declined = Request declined. The parent was told by email.
enroll-invite-conflict = Someone changed the same accounts at the same time. Nothing was sent; try again.
enroll-status-valid = Ready to send.
enroll-status-invalid = Has problems.
enroll-status-rejected = Rejected.
enroll-status-invited = Sent.

enroll-problem-consent-missing = The consent box is not checked.
enroll-problem-birth-date-missing = The birth date is missing or is not a date (YYYY-MM-DD).
enroll-problem-form-type-missing = The form (under 12, or 12 and over) is not chosen.
enroll-problem-form-type-mismatch = The form does not fit the patient's age on the slip's date.
enroll-problem-patient-email-missing = A patient of 12 or over needs their own email.
enroll-problem-patient-email-invalid = The patient's email is not an email address.
enroll-problem-patient-email-same-as-proxy = The patient's email is the same as a parent's; the patient needs their own.
enroll-problem-proxy-incomplete = A parent or guardian is missing a name, an email, a birth date or the relationship.
enroll-problem-too-many-proxies = More parents or guardians than this practice allows.
enroll-problem-proxy-missing = A child's slip needs at least one parent or guardian.
enroll-problem-name-missing = The patient's given or family name is missing.
enroll-problem-mrn-missing = The medical record number is missing.
enroll-problem-email-is-staff = An email on the slip belongs to a staff account.
enroll-problem-mrn-birth-date-mismatch = That MRN is on file with another birth date.
enroll-problem-email-is-another-patient = The patient's email is already another patient's own login.
enroll-problem-patient-has-other-login = The patient already has a login with another email.
enroll-problem-too-young-for-login = The patient is too young for a login of their own.
enroll-problem-account-deactivated = An email on the slip belongs to a deactivated account; reactivate it first.
enroll-problem-mrn-ambiguous = More than one patient has that MRN.

enroll-mail-invite-subject = Your { $practice } portal account
enroll-mail-invite-body = Hello { $name },

    { $practice } has created a patient portal account for you. To start, open this link and choose a password:

    { $link }

    The link works once and for { $days } days. If you did not expect this email, you can ignore it.
enroll-mail-added-subject = New access in your { $practice } portal account
enroll-mail-added-body = Hello { $name },

    { $practice } has added access to your patient portal account. Sign in to see it:

    { $link }
enroll-mail-verify-subject = Confirm your email for { $practice }
enroll-mail-verify-body = Hello { $name },

    Confirm this email address to finish creating your { $practice } portal account:

    { $link }

    If you did not create an account, you can ignore this email.
enroll-mail-exists-subject = Your { $practice } portal account
enroll-mail-exists-body = Hello { $name },

    Someone tried to create a { $practice } portal account with this email, which already has one. If it was you, sign in here, or use "Forgot password" on that page:

    { $link }

    If it was not you, you can ignore this email.
enroll-mail-approved-subject = Your request to { $practice } was approved
enroll-mail-approved-body = Hello { $name },

    The office approved your request. Sign in to see the new access:

    { $link }
enroll-mail-declined-subject = Your request to { $practice }
enroll-mail-declined-body = Hello { $name },

    The office could not approve your request from the details given. Please call the office, or ask for an office PIN at your next visit.

    { $link }

enroll-link-dead-title = This link does not work any more
enroll-link-dead-body = It was used already, or it expired. Sign in if you have set your password, or ask the office for a new invitation.
enroll-go-sign-in = Go to sign in
enroll-activate-title = Activate your account
enroll-activate-intro = Choose a password for { $email }.
enroll-new-password = New password
enroll-new-password-hint = At least 15 characters. A few unrelated words are easy to remember and hard to guess. Pasting is fine.
enroll-accept = I accept the portal's terms of use
enroll-own-consent = I agree to have my own login, and I understand I can choose what my parents or guardians see
enroll-activate-submit = Activate
enroll-activate-accept-missing = Check the box to accept before activating.
enroll-password-too-short = The password needs at least { $min } characters.
enroll-password-too-long = The password is longer than 1024 characters.
enroll-password-refused = That password cannot be used. Choose another.
enroll-activated-title = Your account is active
enroll-activated-body = Sign in with your email and the password you chose.
enroll-verify-title = Confirm your email
enroll-verify-intro = Confirm that { $email } is your email address.
enroll-verify-submit = Confirm
enroll-verified-title = Your email is confirmed
enroll-verified-body = Sign in, then link your children to your account.

enroll-signup-title = Create an account
enroll-signup-intro = For parents and guardians. After confirming your email, you link each child with an office PIN or the details of a visit.
enroll-signup-name = Your full name
enroll-signup-email = Email
enroll-signup-submit = Create account
enroll-signup-have-account = I already have an account
enroll-signup-name-missing = Enter your name.
enroll-signup-email-invalid = Enter a valid email address.
enroll-signup-sent-title = Check your email
enroll-signup-sent-body = We sent a message to the address you gave. Open the link in it to continue. If nothing arrives in a few minutes, check your spam folder.
enroll-signup-link = Create an account

enroll-link-title = Link a child
enroll-link-intro = Add a child to your account with the office PIN, or send the office the details of a visit.
enroll-home-link = Link a child
enroll-back-home = Back to my children
enroll-link-pin-heading = With an office PIN
enroll-link-pin-hint = The office gives the PIN in person or by letter. It works once.
enroll-link-pin = Office PIN
enroll-link-birth-date = Child's birth date
enroll-link-relationship = You are the child's
enroll-link-pin-submit = Link child
enroll-link-pin-refused = The PIN and birth date do not match a child we can link. Check both and try again, or ask the office for a new PIN.
enroll-link-request-heading = Without a PIN
enroll-link-request-hint = The office checks these details and answers by email, usually within two business days.
enroll-link-child-name = Child's full name
enroll-link-visit-date = Date of a recent visit
enroll-link-request-submit = Send to the office
enroll-link-request-incomplete = Fill in the child's name, the MRN and the date of a past visit.
enroll-link-request-too-many = You have many requests waiting already. Please wait for the office's answer.
enroll-link-requested = Sent. The office will answer by email.

enroll-patient-title = Enrollment
enroll-patient-link = Enrollment: office PIN, own login
enroll-pin-heading = Office PIN
enroll-pin-none = No PIN issued.
enroll-pin-live = { $n ->
    [0] A PIN works until { $date }.
    [one] A PIN works until { $date }; one wrong attempt so far.
   *[other] A PIN works until { $date }; { $n } wrong attempts so far.
}
enroll-pin-used = The PIN was used.
enroll-pin-expired = The PIN expired.
enroll-pin-locked = The PIN is locked after { $n } wrong attempts. Issue a new one.
enroll-pin-issue = Issue a new PIN
enroll-pin-issued = New PIN issued. Any earlier PIN no longer works.
enroll-pin-new = New PIN:
enroll-pin-give = Give it to the parent with the child's birth date ({ $date }). It is shown only now.
enroll-teen-heading = Own login
enroll-teen-email = Patient's own email
enroll-teen-submit = Send the invitation
enroll-teen-invited = Invitation sent to the patient.
enroll-teen-not-yet = The patient is too young for a login of their own.
enroll-teen-too-young = The patient is too young for a login of their own.
enroll-teen-email-invalid = That is not an email address.
enroll-teen-email-is-proxy = That is a parent's or guardian's email. The patient needs their own.
enroll-teen-email-taken = That email already has an account.
enroll-teen-effect-approval = Once the patient has a login, parents keep access only with the patient's approval, section by section.
enroll-teen-effect-limited = Parents keep seeing the limited sections the practice allows for teens.
enroll-own-login-pending = Invited as { $email }; not activated yet.
enroll-own-login-active = Has an own login: { $email }.
enroll-own-login-deactivated = Own login { $email } is deactivated.
