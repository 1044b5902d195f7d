# Medicamentos y solicitudes de resurtido (issue 6), y palabras que comparten
# las páginas de resurtidos y citas (care-*).

meds-request-refill = Pedir un resurtido
meds-why-controlled = Es un medicamento controlado. No se pueden pedir resurtidos en línea; por favor, llame al consultorio.
meds-why-antibiotic = Los antibióticos no se resurten en línea. Si cree que su hijo necesita más, llame al consultorio o envíe un mensaje.
meds-why-practice = El consultorio no resurte este medicamento en línea. Por favor, llame al consultorio.
meds-why-not-active = Esta receta no está activa ({ $status }), así que no se puede resurtir. Llame al consultorio si su hijo todavía la necesita.
meds-ask-office = Para pedir un resurtido, por favor llame al consultorio.
meds-requests-heading = Solicitudes de resurtido
meds-request-line = Pedido el { $when } · Farmacia: { $pharmacy }
meds-request-sent = Su solicitud de resurtido se envió al equipo médico. Le enviaremos un correo cuando tenga respuesta.
meds-refill-title = Pedir un resurtido
meds-pharmacy = Farmacia
meds-pharmacy-hint = Nombre y dirección (o teléfono) de la farmacia. La recordaremos para la próxima vez.
meds-pharmacy-missing = Por favor, escriba la farmacia.
meds-note = Nota para el equipo médico (opcional)
meds-send-request = Enviar solicitud
meds-back = Volver a medicamentos
meds-staff-controlled = Sustancia controlada: { $ingredient }, lista { $schedule } ({ $cfr }). No se resurte por el portal.
meds-staff-antibiotic = Antibiótico ({ $class }): { $ingredient }. No está en la lista de permitidos del consultorio.
meds-queue-title = Solicitudes de resurtido
meds-queue-intro = Solicitudes pendientes, de la más antigua a la más reciente. La familia recibe un correo cuando usted decide (el correo solo dice que hay una respuesta).
meds-queue-empty = No hay solicitudes de resurtido pendientes.
meds-queue-refillable = Se puede resurtir
meds-queue-not-refillable = No se resurte en línea
meds-queue-asked = Pedido por { $who }, el { $when }
meds-queue-pharmacy = Farmacia: { $pharmacy }
meds-queue-note = Nota: { $note }
meds-queue-approved = Resurtido aprobado. La familia recibirá un correo.
meds-queue-denied = Resurtido rechazado. La familia recibirá un correo.
meds-approve = Aprobar
meds-deny = Rechazar
meds-deny-needs-message = Por favor, escriba a la familia por qué se rechaza el resurtido.
meds-approve-not-refillable = Este medicamento ya no se puede resurtir por el portal; rechace la solicitud con un mensaje.
meds-staff-link-heading = Solicitudes de resurtido
meds-staff-link-body = Apruebe o rechace los resurtidos que pidieron las familias.
meds-staff-link = Abrir solicitudes de resurtido

care-status-pending = En espera
care-status-approved = Aprobado
care-status-denied = Rechazado
care-status-scheduled = Programada
care-status-replied = Respondida
care-staff-said = El consultorio escribió: «{ $message }»
care-too-long = El texto es demasiado largo. Por favor, acórtelo.
care-queue-stale = Otra persona ya decidió esa solicitud.
care-message-to-family = Mensaje para la familia
care-back-home = Volver a la página de inicio
care-patient-line = N.º de expediente { $mrn } · { $age } · nació el { $born }
care-date-time = { $date } a las { $time }
care-money = { $amount } US$
care-notice-subject = { $practice }: hay novedades en su portal
care-notice-body =
    Hola:

    Hay novedades sobre una solicitud que hizo en el portal de pacientes de { $practice }.
    Por favor, entre al portal para leerlas. { $link }

    Este correo no incluye información de salud. Si usted no hizo ninguna solicitud, puede ignorarlo.
