# Inscripción: hojas de inscripción, invitaciones, activación, registro
# propio, vincular a un hijo, la cuenta propia de un adolescente.

enroll-staff-title = Inscripción
enroll-staff-intro = Ingrese las hojas de inscripción en papel, corrija las que tienen problemas y luego envíe todas las invitaciones a la vez.
enroll-staff-link = Inscripción
enroll-staff-link-body = Hojas de inscripción, invitaciones y solicitudes para vincular a un hijo.
enroll-send-heading = Enviar invitaciones
enroll-valid-count = { $n ->
    [one] Una hoja está lista para enviar.
   *[other] { $n } hojas están listas para enviar.
}
enroll-send-button = { $n ->
    [one] Enviar la invitación
   *[other] Enviar { $n } invitaciones
}
enroll-invalid-heading = Hojas con problemas
enroll-invalid-empty = Ninguna hoja tiene problemas.
enroll-no-name = (sin nombre)
enroll-fix = Corregir
enroll-reject = Rechazar hoja
enroll-requests-heading = Solicitudes para vincular a un hijo
enroll-requests-empty = No hay solicitudes pendientes.
enroll-request-line = Hijo: { $child } · MRN { $mrn } · consulta del { $date }
enroll-request-approve = Aprobar
enroll-request-reject = Rechazar
enroll-request-no-patient = Ningún paciente tiene ese MRN. Verifíquelo con la familia antes de aprobar.
enroll-upload-heading = Subir un archivo CSV de hojas
enroll-upload-hint = Una hoja por fila con las columnas given_name, family_name, birth_date (AAAA-MM-DD), mrn, form_type (under-12 o 12-and-over), consent (yes o no), patient_email, luego proxy1_name, proxy1_email, proxy1_birth_date, proxy1_relationship y lo mismo de proxy2 a proxy4. Como máximo { $kb } KB.
enroll-upload-file = Archivo CSV
enroll-upload-submit = Subir
enroll-upload-report = Resultado de cada fila
enroll-upload-line = Línea
enroll-upload-name = Paciente
enroll-upload-result = Resultado
enroll-upload-ok = Lista para enviar
enroll-upload-done = Archivo leído: { $ok } listas para enviar, { $bad } con problemas. Se guardaron todas las filas.
enroll-upload-not-text = Ese archivo no es texto UTF-8. Guárdelo como "CSV UTF-8" y súbalo de nuevo. No se guardó nada.
enroll-upload-empty = Ese archivo no tiene filas. No se guardó nada.
enroll-upload-bad = Ese archivo no se puede leer como hojas ({ $why }). No se guardó nada.
enroll-new-slip-heading = Ingresar una hoja
enroll-slip-title = Hoja de inscripción
enroll-slip-patient = Paciente
enroll-slip-problems = Esta hoja todavía no se puede enviar:
enroll-slip-save = Guardar hoja
enroll-slip-fix = Guardar cambios
enroll-back = Volver a inscripción
enroll-given-name = Nombre
enroll-family-name = Apellido
enroll-birth-date = Fecha de nacimiento (AAAA-MM-DD)
enroll-mrn = Número de historia clínica (MRN)
enroll-form-type = Formulario
enroll-form-type-under-12 = Menor de 12
enroll-form-type-12-and-over = 12 o más
enroll-choose = Elija…
enroll-patient-email = Correo propio del paciente
enroll-patient-email-hint = Obligatorio en el formulario "12 o más"; debe ser distinto del correo de cada padre.
enroll-consent = La casilla de consentimiento de la hoja está marcada y firmada
enroll-proxy-n = Padre, madre o tutor { $n }
enroll-proxy-name = Nombre completo
enroll-proxy-email = Correo electrónico
enroll-proxy-birth-date = Fecha de nacimiento (AAAA-MM-DD)
enroll-proxy-relationship = Parentesco
enroll-done-saved = Hoja guardada. Está lista para enviar.
enroll-done-rejected = Hoja rechazada.
enroll-done-sent = { $n ->
    [one] Se envió una hoja: sus personas recibieron su correo.
   *[other] Se enviaron { $n } hojas: cada persona recibe un solo correo.
}
enroll-done-failed = { $n ->
    [one] Una hoja no se pudo enviar; aparece en "Hojas con problemas".
   *[other] { $n } hojas no se pudieron enviar; aparecen en "Hojas con problemas".
}
enroll-done-approved = Solicitud aprobada. Se avisó al padre o la madre por correo.
enroll-done-declined = Solicitud rechazada. Se avisó al padre o la madre por correo.
enroll-invite-conflict = Alguien cambió las mismas cuentas al mismo tiempo. No se envió nada; inténtelo de nuevo.
enroll-status-valid = Lista para enviar.
enroll-status-invalid = Tiene problemas.
enroll-status-rejected = Rechazada.
enroll-status-invited = Enviada.

enroll-problem-consent-missing = La casilla de consentimiento no está marcada.
enroll-problem-birth-date-missing = Falta la fecha de nacimiento o no es una fecha (AAAA-MM-DD).
enroll-problem-form-type-missing = No se eligió el formulario (menor de 12, o 12 o más).
enroll-problem-form-type-mismatch = El formulario no corresponde a la edad del paciente en la fecha de la hoja.
enroll-problem-patient-email-missing = Un paciente de 12 años o más necesita su propio correo.
enroll-problem-patient-email-invalid = El correo del paciente no es una dirección de correo.
enroll-problem-patient-email-same-as-proxy = El correo del paciente es igual al de un padre; el paciente necesita el suyo.
enroll-problem-proxy-incomplete = A un padre, madre o tutor le falta el nombre, el correo, la fecha de nacimiento o el parentesco.
enroll-problem-too-many-proxies = Más padres o tutores de los que permite este consultorio.
enroll-problem-proxy-missing = La hoja de un niño necesita al menos un padre, madre o tutor.
enroll-problem-name-missing = Falta el nombre o el apellido del paciente.
enroll-problem-mrn-missing = Falta el número de historia clínica.
enroll-problem-email-is-staff = Un correo de la hoja pertenece a una cuenta del personal.
enroll-problem-mrn-birth-date-mismatch = Ese MRN está registrado con otra fecha de nacimiento.
enroll-problem-email-is-another-patient = El correo del paciente ya es la cuenta propia de otro paciente.
enroll-problem-patient-has-other-login = El paciente ya tiene una cuenta con otro correo.
enroll-problem-too-young-for-login = El paciente es demasiado joven para tener cuenta propia.
enroll-problem-account-deactivated = Un correo de la hoja pertenece a una cuenta desactivada; reactívela primero.
enroll-problem-mrn-ambiguous = Más de un paciente tiene ese MRN.

enroll-mail-invite-subject = Su cuenta del portal de { $practice }
enroll-mail-invite-body = Hola, { $name }:

    { $practice } creó una cuenta del portal para usted. Para empezar, abra este enlace y elija una contraseña:

    { $link }

    El enlace funciona una sola vez y durante { $days } días. Si no esperaba este correo, puede ignorarlo.
enroll-mail-added-subject = Nuevo acceso en su cuenta del portal de { $practice }
enroll-mail-added-body = Hola, { $name }:

    { $practice } agregó acceso a su cuenta del portal. Inicie sesión para verlo:

    { $link }
enroll-mail-verify-subject = Confirme su correo para { $practice }
enroll-mail-verify-body = Hola, { $name }:

    Confirme esta dirección de correo para terminar de crear su cuenta del portal de { $practice }:

    { $link }

    Si usted no creó una cuenta, puede ignorar este correo.
enroll-mail-exists-subject = Su cuenta del portal de { $practice }
enroll-mail-exists-body = Hola, { $name }:

    Alguien intentó crear una cuenta del portal de { $practice } con este correo, que ya tiene una. Si fue usted, inicie sesión aquí o use "Olvidé mi contraseña" en esa página:

    { $link }

    Si no fue usted, puede ignorar este correo.
enroll-mail-approved-subject = Su solicitud a { $practice } fue aprobada
enroll-mail-approved-body = Hola, { $name }:

    El consultorio aprobó su solicitud. Inicie sesión para ver el nuevo acceso:

    { $link }
enroll-mail-declined-subject = Su solicitud a { $practice }
enroll-mail-declined-body = Hola, { $name }:

    El consultorio no pudo aprobar su solicitud con los datos dados. Llame al consultorio o pida un PIN en su próxima consulta.

    { $link }

enroll-link-dead-title = Este enlace ya no funciona
enroll-link-dead-body = Ya se usó o venció. Inicie sesión si ya eligió su contraseña, o pida al consultorio una nueva invitación.
enroll-go-sign-in = Ir a iniciar sesión
enroll-activate-title = Active su cuenta
enroll-activate-intro = Elija una contraseña para { $email }.
enroll-new-password = Contraseña nueva
enroll-new-password-hint = Al menos 15 caracteres. Unas palabras sin relación entre sí son fáciles de recordar y difíciles de adivinar. Puede pegarla.
enroll-accept = Acepto las condiciones de uso del portal
enroll-own-consent = Acepto tener mi propia cuenta y entiendo que puedo elegir qué ven mis padres o tutores
enroll-activate-submit = Activar
enroll-activate-accept-missing = Marque la casilla para aceptar antes de activar.
enroll-password-too-short = La contraseña necesita al menos { $min } caracteres.
enroll-password-too-long = La contraseña tiene más de 1024 caracteres.
enroll-password-refused = Esa contraseña no se puede usar. Elija otra.
enroll-activated-title = Su cuenta está activa
enroll-activated-body = Inicie sesión con su correo y la contraseña que eligió.
enroll-verify-title = Confirme su correo
enroll-verify-intro = Confirme que { $email } es su dirección de correo.
enroll-verify-submit = Confirmar
enroll-verified-title = Su correo está confirmado
enroll-verified-body = Inicie sesión y luego vincule a sus hijos con su cuenta.

enroll-signup-title = Crear una cuenta
enroll-signup-intro = Para padres y tutores. Después de confirmar su correo, vincula a cada hijo con un PIN del consultorio o con los datos de una consulta.
enroll-signup-name = Su nombre completo
enroll-signup-email = Correo electrónico
enroll-signup-submit = Crear cuenta
enroll-signup-have-account = Ya tengo una cuenta
enroll-signup-name-missing = Escriba su nombre.
enroll-signup-email-invalid = Escriba una dirección de correo válida.
enroll-signup-sent-title = Revise su correo
enroll-signup-sent-body = Enviamos un mensaje a la dirección que dio. Abra el enlace que contiene para continuar. Si no llega nada en unos minutos, revise la carpeta de correo no deseado.
enroll-signup-link = Crear una cuenta

enroll-link-title = Vincular a un hijo
enroll-link-intro = Agregue a un hijo a su cuenta con el PIN del consultorio, o envíe al consultorio los datos de una consulta.
enroll-home-link = Vincular a un hijo
enroll-back-home = Volver a mis hijos
enroll-link-pin-heading = Con un PIN del consultorio
enroll-link-pin-hint = El consultorio entrega el PIN en persona o por carta. Funciona una sola vez.
enroll-link-pin = PIN del consultorio
enroll-link-birth-date = Fecha de nacimiento del niño
enroll-link-relationship = Usted es del niño el o la
enroll-link-pin-submit = Vincular
enroll-link-pin-refused = El PIN y la fecha de nacimiento no corresponden a un niño que podamos vincular. Revise ambos e inténtelo de nuevo, o pida al consultorio un PIN nuevo.
enroll-link-request-heading = Sin PIN
enroll-link-request-hint = El consultorio revisa estos datos y responde por correo, normalmente en dos días hábiles.
enroll-link-child-name = Nombre completo del niño
enroll-link-visit-date = Fecha de una consulta reciente
enroll-link-request-submit = Enviar al consultorio
enroll-link-request-incomplete = Complete el nombre del niño, el MRN y la fecha de una consulta pasada.
enroll-link-request-too-many = Ya tiene muchas solicitudes pendientes. Espere la respuesta del consultorio.
enroll-link-requested = Enviado. El consultorio responderá por correo.

enroll-patient-title = Inscripción
enroll-patient-link = Inscripción: PIN del consultorio, cuenta propia
enroll-pin-heading = PIN del consultorio
enroll-pin-none = No se ha emitido ningún PIN.
enroll-pin-live = { $n ->
    [0] Hay un PIN válido hasta el { $date }.
    [one] Hay un PIN válido hasta el { $date }; un intento fallido hasta ahora.
   *[other] Hay un PIN válido hasta el { $date }; { $n } intentos fallidos hasta ahora.
}
enroll-pin-used = El PIN ya se usó.
enroll-pin-expired = El PIN venció.
enroll-pin-locked = El PIN está bloqueado después de { $n } intentos fallidos. Emita uno nuevo.
enroll-pin-issue = Emitir un PIN nuevo
enroll-pin-issued = PIN nuevo emitido. Cualquier PIN anterior ya no funciona.
enroll-pin-new = PIN nuevo:
enroll-pin-give = Entréguelo al padre o la madre junto con la fecha de nacimiento del niño ({ $date }). Solo se muestra ahora.
enroll-teen-heading = Cuenta propia
enroll-teen-email = Correo propio del paciente
enroll-teen-submit = Enviar la invitación
enroll-teen-invited = Invitación enviada al paciente.
enroll-teen-not-yet = El paciente es demasiado joven para tener cuenta propia.
enroll-teen-too-young = El paciente es demasiado joven para tener cuenta propia.
enroll-teen-email-invalid = Esa no es una dirección de correo.
enroll-teen-email-is-proxy = Ese es el correo de un padre, madre o tutor. El paciente necesita el suyo.
enroll-teen-email-taken = Ese correo ya tiene una cuenta.
enroll-teen-effect-approval = Cuando el paciente tenga cuenta, los padres solo conservan el acceso con la aprobación del paciente, sección por sección.
enroll-teen-effect-limited = Los padres siguen viendo las secciones limitadas que el consultorio permite para adolescentes.
enroll-own-login-pending = Invitado como { $email }; todavía no activó la cuenta.
enroll-own-login-active = Tiene cuenta propia: { $email }.
enroll-own-login-deactivated = La cuenta propia { $email } está desactivada.
