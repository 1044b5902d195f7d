# Results, notes and documents (issue 7).

tab-notes = Notes & documents

results-new-notice = { $count ->
    [one] 1 new result
   *[other] { $count } new results
}
results-table-label = Results
results-col-test = Test
results-col-value = Result
results-col-range = Normal range
results-col-flag = Flag
results-no-range = Not given
results-no-value = No value
results-typical-range = { $range } (typical range)
results-flag-low = Low
results-flag-high = High
results-flag-abnormal = Abnormal
results-flag-normal = Normal
results-conclusion = Conclusion:
results-other-results = Other results

report-status-registered = Ordered
report-status-partial = Partial
report-status-preliminary = Preliminary
report-status-final = Final
report-status-amended = Amended
report-status-corrected = Corrected
report-status-appended = Appended
report-status-cancelled = Cancelled
report-status-entered-in-error = Entered in error
report-status-unknown = Status unknown

results-hold-heading = Talk before you read
results-hold-explain = You can ask us to hold new results until a clinician has talked with you about them. Results that are already here stay visible.
results-hold-start = Hold my new results
results-hold-active = New results are held until a clinician has talked with you.
results-hold-end = Show new results now
results-hold-started = New results will be held until a clinician has talked with you.
results-hold-ended = The hold has ended; held results are now shown.

docs-heading = Notes & documents
docs-empty = No notes or documents yet.
docs-kind-visit-summary = Visit summary
docs-kind-clinical-note = Clinical note
docs-kind-document = Document
docs-download = Download PDF ({ $kb } KB)

labels-link = Labels
labels-title = Sensitivity labels
labels-kind = Record type
labels-current = Labels now
labels-none = None
labels-restricted = Restricted
labels-matched = Why (rules that matched at import)
labels-matched-none = No rule matched.
labels-history = Earlier changes
labels-change = Change the labels
labels-restricted-check = Restricted (hidden from every proxy)
labels-categories = Sensitive categories (hidden from proxies of adolescents)
labels-reason = Reason for the change
labels-save = Save labels
labels-saved = Labels saved. They apply from the next page anyone opens.
labels-reason-missing = Please give a reason for the change.
labels-reason-too-long = The reason is too long: 500 characters at most.

sensitivity-mental-health = Mental health
sensitivity-substance-use = Substance use
sensitivity-sexual-health = Sexual health
sensitivity-reproductive-health = Reproductive health
sensitivity-hiv = HIV
sensitivity-abuse = Abuse

queue-title = Release queue
queue-intro = Results and notes families cannot see yet: waiting for a staff release, within a delay, or held at the family's request until a clinician has talked with them.
queue-empty = Nothing is waiting for release.
queue-mrn = MRN
queue-release = Release to the portal
queue-end-hold = We have talked: end the hold
queue-released = Released. The family sees it from their next page.
queue-why-staff = Waits for a staff release.
queue-why-held = Held at the family's request until a clinician has talked with them.
queue-why-delay = Appears on { $date }.
queue-staff-link-heading = Results to release
queue-staff-link-body = Results and notes that wait for a staff release or a conversation with the family.
queue-staff-link = Open the release queue

release-category-vitals = Vitals
release-category-immunizations = Immunizations
release-category-visit-summaries = Visit summaries
release-category-lab-results = Lab results
release-category-diagnostic-reports = Diagnostic reports
release-category-clinical-notes = Clinical notes
release-category-documents = Documents
release-category-medications = Medications
release-category-problems = Health problems
release-category-allergies = Allergies
