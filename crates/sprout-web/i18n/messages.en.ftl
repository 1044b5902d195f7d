# Secure messaging (messages.rs): the family's messages, the compose form, a
# thread, the staff inbox, the email notice.

nav-messages = Messages
nav-inbox = Inbox
msg-list-title = Messages
msg-new = Write a message
msg-list-empty = No messages yet. Write to the care team with a question that can wait a day or two.
msg-unread-none = No unread messages.
msg-unread-count = { $n ->
    [one] 1 unread message
   *[other] { $n } unread messages
}
msg-cannot-send = Your practice does not take messages through the portal from your account. Please call the office.
msg-badge-new = New
msg-compose-title = Write to the care team
msg-emergency-title = Messages are not for emergencies.
msg-emergency-body = If you or your child need help now, call 911 or go to the nearest emergency room. For an urgent question, call the office.
msg-reply-note = The care team replies within { $n ->
    [one] 1 business day
   *[other] { $n } business days
} (weekends and holidays not counted).
msg-field-patient = About
msg-field-category = Topic
msg-field-subject = Subject
msg-field-body = Your message
msg-field-reply = Your reply
msg-field-files = Attach files (optional)
msg-files-hint = Up to 10 files, 25 MB in total: .docx, .pdf, .png, .jpg/.jpeg, .mov or .mpeg.
msg-send = Send message
msg-send-reply = Send reply
msg-reply-heading = Reply
msg-back = Back to messages
msg-from-care-team = { $name } (care team)
msg-datetime = { $date }, { $time }
msg-size-kb = { $n } KB
msg-size-mb = { $n } MB
msg-category-clinical = Health question
msg-category-prescription = Prescription question
msg-category-test-results = Test results
msg-category-referral = Referral
msg-category-appointment = Appointment
msg-category-general-office = General office question
msg-category-billing = Billing
msg-pool-clinical = Clinical (nurses)
msg-pool-front-office = Front office
msg-status-open = Open
msg-status-closed = Closed
msg-refused-too-many = “{ $file }” was not sent: a message can carry at most { $max } files. Nothing was sent; remove some files and try again.
msg-refused-too-large = “{ $file }” was not sent: the files of one message may add up to at most 25 MB. Nothing was sent; send smaller or fewer files.
msg-refused-type = “{ $file }” was not sent: only .docx, .pdf, .png, .jpg/.jpeg, .mov and .mpeg files are accepted, and this file's content is none of them. Nothing was sent.
msg-refused-empty = “{ $file }” is empty. Nothing was sent; choose the file again.
msg-error-patient = Choose the child this message is about.
msg-error-category = Choose a topic.
msg-error-subject = Write a subject.
msg-error-subject-long = The subject can be at most 200 characters.
msg-error-reattach = Files are not kept when a message is not sent: attach them again.
msg-error-body = Write your message.
msg-error-body-long = A message can be at most 10,000 characters.
msg-email-subject = New message from { $practice }
msg-email-body = You have a new message in the { $practice } patient portal. Sign in to read it: { $link }
msg-inbox-title = Message inbox
msg-pools-label = Pools
msg-inbox-empty = Nothing waiting in this pool.
msg-due-label = Reply due
msg-due = Reply due { $when }
msg-overdue = Overdue
msg-overdue-some = Past their reply time:
msg-show-closed = Show closed threads
msg-show-open = Show open threads
msg-action-assign = Assign to me
msg-action-unassign = Unassign
msg-action-close = Close thread
msg-action-reopen = Reopen thread
msg-assigned-to = Assigned to { $name }
msg-assigned-me = Assigned to me
reason-not-thread-participant = Message threads are seen only by the people who wrote them and the care team.
