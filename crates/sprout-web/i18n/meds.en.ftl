# Medications and refill requests (issue 6), and words the refill and
# appointment pages share (care-*).

meds-request-refill = Request a refill
meds-why-controlled = This is a controlled medicine. Refills cannot be requested online; please call the office.
meds-why-antibiotic = Antibiotics are not refilled online. If you think your child needs more, please call the office or send a message.
meds-why-practice = The office does not refill this medicine online. Please call the office.
meds-why-not-active = This prescription is not active ({ $status }), so it cannot be refilled. Please call the office if your child still needs it.
meds-ask-office = To ask for a refill, please call the office.
meds-requests-heading = Refill requests
meds-request-line = Asked { $when } · Pharmacy: { $pharmacy }
meds-request-sent = Your refill request was sent to the care team. We will email you when it has been answered.
meds-refill-title = Request a refill
meds-pharmacy = Pharmacy
meds-pharmacy-hint = Name and address (or phone) of the pharmacy. We remember it for next time.
meds-pharmacy-missing = Please enter the pharmacy.
meds-note = Note for the care team (optional)
meds-send-request = Send request
meds-back = Back to medications
meds-staff-controlled = Controlled substance: { $ingredient }, schedule { $schedule } ({ $cfr }). Not refillable through the portal.
meds-staff-antibiotic = Antibiotic ({ $class }): { $ingredient }. Not on the practice's allowed list.
meds-queue-title = Refill requests
meds-queue-intro = Requests waiting for a decision, oldest first. The family is emailed when you decide (the email says only that there is an answer).
meds-queue-empty = No refill requests are waiting.
meds-queue-refillable = Refillable
meds-queue-not-refillable = Not refillable online
meds-queue-asked = Asked by { $who }, { $when }
meds-queue-pharmacy = Pharmacy: { $pharmacy }
meds-queue-note = Note: { $note }
meds-queue-approved = Refill approved. The family will be emailed.
meds-queue-denied = Refill denied. The family will be emailed.
meds-approve = Approve
meds-deny = Deny
meds-deny-needs-message = Please write a message to the family saying why the refill is denied.
meds-approve-not-refillable = This medication cannot be refilled through the portal any more; deny the request with a message instead.
meds-staff-link-heading = Refill requests
meds-staff-link-body = Approve or deny the refills families asked for.
meds-staff-link = Open refill requests

care-status-pending = Waiting
care-status-approved = Approved
care-status-denied = Denied
care-status-scheduled = Scheduled
care-status-replied = Answered
care-staff-said = The office wrote: “{ $message }”
care-too-long = That text is too long. Please shorten it.
care-queue-stale = Someone else already decided that request.
care-message-to-family = Message to the family
care-back-home = Back to the start page
care-patient-line = MRN { $mrn } · { $age } · born { $born }
care-date-time = { $date } at { $time }
care-money = ${ $amount }
care-notice-subject = { $practice }: there is an update in your portal
care-notice-body =
    Hello,

    There is an update about a request you made in the { $practice } patient portal.
    Please sign in to the portal to read it. { $link }

    This email does not include any health information. If you did not make a request, you can ignore it.
