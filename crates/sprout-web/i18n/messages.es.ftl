# Mensajería segura (messages.rs): los mensajes de la familia, el formulario,
# una conversación, la bandeja del personal, el aviso por correo.

nav-messages = Mensajes
nav-inbox = Bandeja
msg-list-title = Mensajes
msg-new = Escribir un mensaje
msg-list-empty = Todavía no hay mensajes. Escriba al equipo de atención con una pregunta que pueda esperar uno o dos días.
msg-unread-none = No hay mensajes sin leer.
msg-unread-count = { $n ->
    [one] 1 mensaje sin leer
   *[other] { $n } mensajes sin leer
}
msg-cannot-send = Su consultorio no recibe mensajes de su cuenta por el portal. Por favor, llame al consultorio.
msg-badge-new = Nuevo
msg-compose-title = Escribir al equipo de atención
msg-emergency-title = Los mensajes no son para emergencias.
msg-emergency-body = Si usted o su hijo necesitan ayuda ahora, llame al 911 o vaya a la sala de emergencias más cercana. Para una pregunta urgente, llame al consultorio.
msg-reply-note = El equipo de atención responde en { $n ->
    [one] 1 día hábil
   *[other] { $n } días hábiles
} (sin contar fines de semana ni feriados).
msg-field-patient = Sobre
msg-field-category = Tema
msg-field-subject = Asunto
msg-field-body = Su mensaje
msg-field-reply = Su respuesta
msg-field-files = Adjuntar archivos (opcional)
msg-files-hint = Hasta 10 archivos, 25 MB en total: .docx, .pdf, .png, .jpg/.jpeg, .mov o .mpeg.
msg-send = Enviar mensaje
msg-send-reply = Enviar respuesta
msg-reply-heading = Responder
msg-back = Volver a los mensajes
msg-from-care-team = { $name } (equipo de atención)
msg-datetime = { $date }, { $time }
msg-size-kb = { $n } KB
msg-size-mb = { $n } MB
msg-category-clinical = Pregunta de salud
msg-category-prescription = Pregunta sobre una receta
msg-category-test-results = Resultados de pruebas
msg-category-referral = Remisión a un especialista
msg-category-appointment = Cita
msg-category-general-office = Pregunta para la oficina
msg-category-billing = Facturación
msg-pool-clinical = Clínica (enfermería)
msg-pool-front-office = Recepción
msg-status-open = Abierta
msg-status-closed = Cerrada
msg-refused-too-many = «{ $file }» no se envió: un mensaje puede llevar como máximo { $max } archivos. No se envió nada; quite algunos archivos e inténtelo de nuevo.
msg-refused-too-large = «{ $file }» no se envió: los archivos de un mensaje pueden sumar como máximo 25 MB. No se envió nada; envíe archivos más pequeños o menos archivos.
msg-refused-type = «{ $file }» no se envió: solo se aceptan archivos .docx, .pdf, .png, .jpg/.jpeg, .mov y .mpeg, y el contenido de este archivo no es ninguno de ellos. No se envió nada.
msg-refused-empty = «{ $file }» está vacío. No se envió nada; vuelva a elegir el archivo.
msg-error-patient = Elija al niño o la niña de quien trata el mensaje.
msg-error-category = Elija un tema.
msg-error-subject = Escriba un asunto.
msg-error-subject-long = El asunto puede tener como máximo 200 caracteres.
msg-error-reattach = Los archivos no se guardan cuando un mensaje no se envía: adjúntelos de nuevo.
msg-error-body = Escriba su mensaje.
msg-error-body-long = Un mensaje puede tener como máximo 10 000 caracteres.
msg-email-subject = Nuevo mensaje de { $practice }
msg-email-body = Tiene un mensaje nuevo en el portal de pacientes de { $practice }. Inicie sesión para leerlo: { $link }
msg-inbox-title = Bandeja de mensajes
msg-pools-label = Grupos
msg-inbox-empty = No hay nada pendiente en este grupo.
msg-due-label = Responder antes de
msg-due = Responder antes de: { $when }
msg-overdue = Atrasado
msg-overdue-some = Con la respuesta atrasada:
msg-show-closed = Mostrar conversaciones cerradas
msg-show-open = Mostrar conversaciones abiertas
msg-action-assign = Asignarme
msg-action-unassign = Quitar asignación
msg-action-close = Cerrar conversación
msg-action-reopen = Reabrir conversación
msg-assigned-to = Asignado a { $name }
msg-assigned-me = Asignado a mí
reason-not-thread-participant = Las conversaciones de mensajes solo las ven quienes las escribieron y el equipo de atención.
