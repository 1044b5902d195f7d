# Account security: passwords, the second factor, sessions, recovery,
# throttling and staff account management (src/account.rs, src/recovery.rs,
# src/staff_accounts.rs).

## Password rules (sprout_domain::password)
password-too-short = Use at least { $min } characters. A long phrase of unrelated words is easy to remember and hard to guess.
password-too-long = Use at most { $max } characters.
password-personal = Do not build your password from your name or email address.
password-common = This is one of the most commonly used passwords. Choose something only you would think of.
password-common-words = Common words and names on their own are easy to guess. Add more unrelated words.
password-repeated = Repeated letters or patterns, like "aaaa" or "abcabc", are easy to guess.
password-pattern = Sequences and keyboard rows, like "abcd", "1234" or "qwerty", are easy to guess.
password-dates = Dates and years are easy to guess.
password-guessable = This password would be easy to guess. Add more unrelated words.

## Sign-in: second step, throttling, notices
security-forgot-link = Forgot your password?
security-temporary-expired = This temporary password has expired. Call the office for a new one.
security-429-title = Too many attempts
security-429-body = For your safety, please wait a few minutes before trying again.
security-code-title = Enter your code
security-code-intro = Open the authenticator app on your phone and enter the 6-digit code for this portal.
security-code-label = Code
security-code-hint = Lost your phone? Enter one of your recovery codes instead.
security-code-submit = Continue
security-code-start-over = Start over
security-code-wrong = That code did not work. Codes change every 30 seconds and each can be used once; enter the newest one.
security-notice-password-changed = Your password was changed. Sign in with your new password.
security-notice-deactivated = Your account is deactivated and you are signed out. Call the office if you want it back.
security-notice-code-expired = The sign-in took too long. Please sign in again.

## The account page
security-nav-account = Account security
security-account-title = Account security
security-password-heading = Password
security-password-changed-on = Last changed:
security-password-change = Change password
security-two-factor-heading = Two-step sign-in
security-two-factor-on = On: a code from your authenticator app is asked for at sign-in.
security-two-factor-off = Off
security-two-factor-why = With two-step sign-in, someone who learns your password still cannot see your family's records without your phone.
security-two-factor-enable = Turn on two-step sign-in
security-two-factor-replace = Use a new phone or app
security-two-factor-remove = Turn off two-step sign-in
security-codes-left = Unused recovery codes:
security-deactivate-heading = Deactivate account
security-deactivate-body = You will be signed out everywhere and no one can sign in with this account. Your family's records are kept. The office can turn the account back on.
security-deactivate-submit = Deactivate my account
security-confirm-password = Your password
security-current-wrong = That password is not right.
security-notice-password-changed-here = Your password was changed. You were signed out on every other device.
security-notice-two-factor-removed = Two-step sign-in is off.
security-two-factor-staff-keep = Staff accounts must keep two-step sign-in. You can move it to a new phone instead.
security-two-factor-password-short = Your password is shorter than { $min } characters. Choose a longer password before turning off two-step sign-in.

## Changing the password
security-password-title = Change password
security-password-forced = You signed in with a temporary password. Choose your own password to continue.
security-current-password = Current password
security-new-password = New password
security-password-rule = At least { $min } characters. Long phrases are welcome; you may paste from a password manager.
security-password-submit = Save new password
security-password-same = The new password must differ from the current one.

## Enrolling the second factor
security-two-factor-title = Set up two-step sign-in
security-two-factor-required = Staff accounts need two-step sign-in before they can open patient records.
security-two-factor-replacing = Setting up a new phone or app replaces the old one and your old recovery codes.
security-enroll-step-app = Install an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or a password manager).
security-enroll-step-scan = In the app, add an account and scan this code.
security-enroll-step-type = Cannot scan? Type this key instead:
security-enroll-open-app = On this phone? Open the key in your authenticator app.
security-enroll-step-code = Enter the 6-digit code the app shows.
security-enroll-submit = Turn on
security-enroll-wrong = That code did not match. Check the key and the time on your phone, then enter the newest code.
security-codes-title = Your recovery codes
security-two-factor-done = Two-step sign-in is on.
security-codes-intro = Keep these codes somewhere safe, such as printed at home. Each one signs you in once if you lose your phone. They are shown only now.
security-codes-done = Done

## Confirming the password
security-confirm-title = Confirm it is you
security-confirm-intro = For your safety, enter your password again before making this change.
security-confirm-submit = Continue

## Forgot password
security-forgot-title = Forgot your password
security-forgot-intro = Enter the email address you sign in with. If it belongs to an account, we will send a link to choose a new password.
security-forgot-submit = Send link
security-forgot-sent-title = Check your email
security-forgot-sent-body = If that address belongs to an account, a link to choose a new password is on its way. The link works once, for one hour.
security-back-to-sign-in = Back to sign in
security-reset-title = Choose a new password
security-reset-dead-title = This link no longer works
security-reset-dead-body = Password links work once and for one hour. Ask for a new one.
security-reset-ask-again = Ask for a new link
security-reset-email-subject = { $practice }: choose a new password
security-reset-email-body =
    Hello { $name },

    Someone asked to reset the password of your { $practice } patient portal account. To choose a new password, open this link within one hour:

    { $link }

    The link works once. If you did not ask for this, you can ignore this email: your password stays the same.

## Staff: accounts
security-staff-link-heading = Accounts
security-staff-link-body = Find a family's or a colleague's account to print a temporary password, deactivate or reactivate it.
security-staff-title = Accounts
security-staff-intro = Find an account by its email address.
security-staff-find = Find an account
security-staff-find-submit = Find
security-staff-not-found = No account you can manage has that email address.
security-staff-kind = Kind
security-staff-status = Status
security-staff-temporary = Temporary password valid until
security-staff-family-account = Family
security-staff-issue-temporary = Print a temporary password
security-staff-remove-two-factor = Turn off two-step sign-in (lost phone)
security-staff-deactivate = Deactivate
security-staff-reactivate = Reactivate
security-staff-done-deactivated = The account is deactivated and signed out everywhere.
security-staff-done-reactivated = The account is active again.
security-staff-done-two-factor = Two-step sign-in is off for this account. It is signed out everywhere.
security-status-pending = Not yet activated
security-status-active = Active
security-status-deactivated = Deactivated
security-letter-title = Temporary password
security-letter-back = Back to the account
security-letter-heading = Your patient portal password
security-letter-body = Here is a temporary password for the patient portal.
security-letter-address = Portal address
security-letter-password = Temporary password
security-letter-until = This password works until { $date }.
security-letter-change = When you sign in, you will be asked to choose your own password.
security-letter-portal-fallback = Ask the office for the portal's address.

## Audit trail words
audit-object-account = Account
audit-object-password = Password
audit-object-second-factor = Two-step sign-in
audit-object-password-reset = Password reset link
