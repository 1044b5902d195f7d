# Sprout: catálogo en español. Cada clave de en.ftl debe estar también aquí
# (lo comprueba una prueba unitaria). Los argumentos van entre { $llaves }.

## Marco

skip-to-content = Ir al contenido principal
language-change = Cambiar idioma
language-switch = Idioma
sign-out = Cerrar sesión
signed-in-as = Sesión iniciada como { $name }
footer-note = Portal de pacientes Sprout. En caso de emergencia, llame al 911.
back-home = Ir a la página de inicio

## Errores

error-404-title = No encontramos la página
error-404-body = No pudimos encontrar esa página. Es posible que el enlace sea antiguo o que el expediente no esté compartido con esta cuenta.
error-403-title = Este formulario caducó
error-403-body = Por su seguridad no pudimos aceptar ese formulario. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-405-title = No funcionó
error-405-body = Esta página no se puede usar de esa manera. Vaya a la página de inicio e inténtelo de nuevo.
error-413-title = Demasiada información
error-413-body = Lo que se envió es más grande de lo que acepta esta página. Vuelva atrás, acórtelo e inténtelo de nuevo.
error-400-title = No funcionó
error-400-body = No pudimos leer lo que se envió. Vuelva atrás, revise el formulario e inténtelo de nuevo.
error-500-title = Algo salió mal de nuestra parte
error-500-body = Usted no hizo nada mal. Inténtelo de nuevo en unos minutos. Si sigue pasando, llame al consultorio.

## Inicio de sesión

login-title = Iniciar sesión
login-intro = Consulte los expedientes de salud, las vacunas y las visitas de su familia.
login-email = Correo electrónico
login-password = Contraseña
login-submit = Iniciar sesión
login-failed = El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo.
login-help = ¿Olvidó su contraseña o necesita una cuenta? Llame al consultorio.

## Inicio

home-title = Su familia
home-greeting = Hola, { $name }.
home-empty = Todavía no hay expedientes compartidos con esta cuenta. El consultorio puede vincular los expedientes de sus hijos a su cuenta.
staff-home-title = Inicio del personal
staff-role-heading = Su función
staff-find-heading = Abrir el expediente de un paciente
staff-find-mrn = Número de expediente médico (MRN)
staff-find-submit = Abrir expediente
staff-find-none = Ningún paciente que usted pueda ver tiene ese número de expediente. Revise el número e inténtelo de nuevo.
staff-role-front-desk = Recepción
staff-role-nurse = Enfermería
staff-role-clinician = Médico o profesional clínico
staff-role-admin = Administración del consultorio

## Páginas del paciente

switcher-label = Cambiar a
tabs-label = Secciones del expediente
born-on = Nació el { $date }
tab-summary = Resumen
tab-vitals = Signos vitales
tab-immunizations = Vacunas
tab-medications = Medicamentos
tab-allergies = Alergias
tab-problems = Problemas de salud
tab-visits = Visitas
tab-lab-results = Resultados de laboratorio
summary-latest = Mediciones más recientes
summary-all-vitals = Ver todas las mediciones
summary-records = En el expediente

vitals-heading = Signos vitales y mediciones
vitals-empty = Todavía no hay mediciones registradas.
immunizations-heading = Vacunas
immunizations-empty = Todavía no hay vacunas registradas.
medications-heading = Medicamentos
medications-empty = Todavía no hay medicamentos registrados.
allergies-heading = Alergias
allergies-empty = Todavía no hay alergias registradas.
problems-heading = Problemas de salud
problems-empty = Todavía no hay problemas de salud registrados.
visits-heading = Visitas
visits-empty = Todavía no hay visitas registradas.
lab-results-heading = Resultados de laboratorio
lab-results-empty = Todavía no hay resultados de laboratorio.

## Edades y fechas

age-years = { $n ->
    [one] { $n } año
   *[other] { $n } años
}
age-months = { $n ->
    [one] { $n } mes
   *[other] { $n } meses
}
age-weeks = { $n ->
    [one] { $n } semana
   *[other] { $n } semanas
}
age-days = { $n ->
    [one] { $n } día
   *[other] { $n } días
}
date-long = { $day } de { $month } de { $year }
date-month-year = { $month } de { $year }
date-unknown = Fecha no registrada
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Signos vitales

vital-weight = Peso
vital-height = Estatura
vital-bmi = Índice de masa corporal (IMC)
vital-head = Tamaño de la cabeza (circunferencia)
vital-blood-pressure = Presión arterial
vital-temperature = Temperatura
vital-heart-rate = Frecuencia cardíaca
vital-respiratory-rate = Frecuencia respiratoria
vital-oxygen = Nivel de oxígeno
vital-pain = Nivel de dolor (0 a 10)
vital-weight-for-length-percentile = Peso para la longitud, percentil
vital-bmi-percentile = IMC para la edad, percentil
vital-head-percentile = Tamaño de la cabeza para la edad, percentil
percentile = percentil { $n }
pounds-ounces = { $lb } lb { $oz } oz
beats-per-minute = { $n } latidos por minuto
breaths-per-minute = { $n } respiraciones por minuto

## Vacunas

imm-given = Aplicada
imm-not-given = No aplicada
imm-entered-in-error = Registrada por error
imm-reason = Motivo: { $reason }
imm-lot = Lote { $lot }

## Medicamentos

med-prescribed = Recetado el { $date }
med-prescribed-by = Recetado el { $date } por { $prescriber }
med-status-active = Activo
med-status-on-hold = En pausa
med-status-cancelled = Cancelado
med-status-completed = Terminado
med-status-entered-in-error = Registrado por error
med-status-stopped = Suspendido
med-status-draft = Borrador
med-status-unknown = Estado desconocido

## Alergias

allergy-reaction = Reacción: { $reaction }
allergy-high-risk = Riesgo alto
allergy-status-active = Activa
allergy-status-inactive = Inactiva
allergy-status-resolved = Resuelta
allergy-category-food = Alimento
allergy-category-medication = Medicamento
allergy-category-environment = Ambiente
allergy-category-biologic = Biológico
recorded-on = Registrada el { $date }

## Problemas de salud

problem-since = Desde el { $date }
problem-resolved-on = Resuelto el { $date }
problem-status-active = Activo
problem-status-recurrence = Reapareció
problem-status-relapse = Reapareció
problem-status-inactive = Inactivo
problem-status-remission = En remisión
problem-status-resolved = Resuelto

## Visitas

visit = Visita
visit-reason = Motivo: { $reason }
visit-with = Con { $practitioner }
visit-at = En { $location }
visit-with-at = Con { $practitioner } en { $location }
visit-class-amb = Consulta en el consultorio
visit-class-emer = Visita de emergencia
visit-class-imp = Hospitalización
visit-class-acute = Hospitalización
visit-class-nonac = Hospitalización
visit-class-obsenc = Estancia en observación
visit-class-prenc = Visita antes del ingreso
visit-class-ss = Procedimiento ambulatorio
visit-class-vr = Visita virtual
visit-class-hh = Visita a domicilio
visit-class-fld = Visita fuera del consultorio
visit-status-planned = Programada
visit-status-arrived = Llegó
visit-status-triaged = En triaje
visit-status-in-progress = En curso
visit-status-onleave = Con permiso
visit-status-finished = Terminada
visit-status-cancelled = Cancelada
visit-status-entered-in-error = Registrada por error
visit-status-unknown = Estado desconocido

## Resultados de laboratorio

obs-status-registered = Solicitado
obs-status-preliminary = Preliminar
obs-status-final = Final
obs-status-amended = Modificado
obs-status-corrected = Corregido
obs-status-cancelled = Cancelado
obs-status-entered-in-error = Registrado por error
obs-status-unknown = Estado desconocido

## Quién puede ver un expediente (representantes)

tab-sharing = Compartir
tab-proxies = Representantes
sharing-home-heading = Quién puede ver su expediente
sharing-home-body = Elija qué padres o tutores pueden ver su expediente y qué partes de él.
sharing-home-link = Elegir quién puede ver su expediente
sharing-heading = Quién puede ver su expediente
proxies-heading = Personas que pueden actuar por este paciente
sharing-intro-teen = Sus padres o tutores ven su expediente solo después de que usted los apruebe, y nunca su atención confidencial (salud sexual y reproductiva, salud mental, consumo de sustancias, VIH, abuso). Puede ocultarles partes de su expediente, o quitarles el acceso, cuando quiera.
sharing-intro-limited = Sus padres o tutores ven solo algunas partes de su expediente, y nunca su atención confidencial (salud sexual y reproductiva, salud mental, consumo de sustancias, VIH, abuso). Puede ocultarles esas partes, o quitarles el acceso, cuando quiera.
sharing-intro-adult = Usted es adulto: sus padres ya no ven su expediente, salvo que un juez los haya nombrado sus tutores. Una persona que usted nombre puede verlo cuando el consultorio tenga su consentimiento por escrito. Puede ocultarles partes de su expediente, o quitarles el acceso, cuando quiera.
proxies-intro-staff = Hoy el paciente es { $band }. El acceso se vuelve a calcular en cada página que se abre, a partir de los datos de abajo.
sharing-waiting-heading = Esperan su aprobación
sharing-waiting-empty = Nadie espera su aprobación.
sharing-current-heading = Personas que pueden ver su expediente
proxies-current-heading = Representantes
proxies-empty = Nadie más puede ver este expediente.
proxies-past-heading = Accesos que terminaron
proxy-revoked-on = Acceso quitado el { $date }
proxy-expired-on = El acceso terminó el { $date }
proxy-since = Vinculado desde el { $date }
proxy-has-access = Tiene acceso
proxy-pending = Espera aprobación
proxy-no-access = Sin acceso
proxy-hidden-sections = Oculto para esta persona:
sharing-approve = Aprobar a { $name }
sharing-reject = Decir que no a { $name }
sharing-sections-legend = Lo que { $name } puede ver
sharing-sections-save = Guardar lo que { $name } puede ver
proxy-revoke = Quitar el acceso a { $name }
proxy-explain-link = ¿Por qué? Ver cada parte del expediente
evidence-papers = Documentos de tutela en archivo
evidence-consent = Consentimiento por escrito del paciente en archivo
evidence-until = Válido hasta (déjelo vacío si no tiene fecha de fin)
evidence-save = Guardar
evidence-bad-date = No pudimos leer esa fecha. Escríbala como año-mes-día, por ejemplo 2027-06-30.
evidence-past-date = Esa fecha ya pasó: los documentos vencidos no cuentan como archivados. Escriba el último día en que son válidos o desmarque la casilla "en archivo".
proxy-add-heading = Agregar un representante
proxy-add-hint = La persona necesita primero su propia cuenta del portal. Padres y tutores son para pacientes menores de 18 años; una persona designada es para pacientes adultos.
proxy-add-email = Correo electrónico de la cuenta de la persona
proxy-add-kind = Relación con el paciente
proxy-add-kind-choose = Elija una
proxy-add-submit = Agregar representante
proxy-add-kind-missing = Elija la relación con el paciente.
proxy-add-no-account = Ninguna cuenta del portal usa ese correo electrónico. Revise el correo o pida a la persona que primero cree una cuenta.
proxy-add-already = Esa persona ya puede actuar por este paciente.
proxies-done-approve = Aprobado. Ahora puede ver su expediente, salvo lo que usted oculte.
proxies-done-reject = Listo. No puede ver su expediente.
proxies-done-revoke = Acceso quitado. Termina de inmediato.
proxies-done-sections = Guardado. El cambio se aplica de inmediato.
proxies-done-evidence = Documentación guardada.
proxies-done-add = Representante agregado.

kind-parent = Padre o madre
kind-legal-guardian = Tutor legal
kind-court-appointed-guardian = Tutor nombrado por un juez
kind-designee = Persona designada por el paciente
band-child = un niño o una niña
band-adolescent = adolescente (su atención confidencial es privada)
band-adult = adulto

section-demographics = Datos personales
section-vitals = Signos vitales y medidas
section-immunizations = Vacunas
section-medications = Medicamentos
section-allergies = Alergias
section-problems = Problemas de salud
section-visit-summaries = Visitas
section-lab-results = Resultados de laboratorio
section-clinical-notes = Notas clínicas
section-documents = Documentos
section-appointments = Citas
section-messages = Mensajes
section-billing = Facturación

explain-heading = Lo que { $name } puede ver
explain-intro = Decidido para hoy, { $date }, según la política de acceso del consultorio.
explain-band = El paciente es
explain-kind = Relación
explain-granted = Vinculado desde
explain-approved = Aprobado por el paciente el
explain-hidden = Oculto por el paciente
explain-evidence = Documentos o consentimiento por escrito
explain-evidence-on-file = En archivo
explain-evidence-until = En archivo, válido hasta el { $date }
explain-expires = El acceso termina después del
explain-revoked = Acceso quitado el
explain-none = Ninguno
explain-sections-heading = Cada parte del expediente
explain-items-heading = Entradas marcadas
explain-item-restricted = Entradas marcadas como restringidas
explain-item-sensitive = Atención confidencial (por ejemplo, salud mental)
explain-allowed = Puede ver
explain-withheld = Oculto
explain-back = Volver a los representantes
exception-privacy = Retenido según la excepción de privacidad (45 CFR 171.202).
exception-required-by-law = Retenido porque la ley lo exige (excepción de bloqueo de información, 45 CFR 171.202).

reason-account-not-active = La cuenta de esta persona no está activa, así que no ve nada.
reason-staff-role = El personal del consultorio ve esto según su función.
reason-emergency-access = Visto con acceso de emergencia.
reason-staff-role-excludes-section = Esta función del personal no incluye esta parte del expediente.
reason-staff-role-excludes-action = Esta función del personal no puede hacer eso.
reason-restricted-needs-clinician = Las entradas restringidas son solo para profesionales clínicos.
reason-own-record = El expediente del propio paciente.
reason-no-own-account = El paciente no tiene una cuenta propia activa.
reason-below-account-age = El paciente es demasiado joven para tener cuenta propia.
reason-no-relationship = Esta cuenta no está vinculada al paciente.
reason-relationship-revoked = Se quitó el acceso.
reason-relationship-expired = El acceso terminó en su fecha de fin.
reason-relationship-not-yet-granted = El acceso empieza en una fecha posterior.
reason-relationship-not-verified = El consultorio todavía no ha verificado a esta persona.
reason-child-parent = Padre, madre o tutor de un niño: ve todo el expediente salvo las entradas restringidas.
reason-adolescent-approved = Aprobado por el paciente: ve el expediente salvo la atención confidencial y las partes que el paciente ocultó.
reason-adolescent-not-approved = Espera la aprobación del paciente: no ve nada hasta que el paciente lo apruebe.
reason-approval-before-adolescence = La aprobación se dio antes de que el paciente entrara en la adolescencia, así que debe aprobar de nuevo.
reason-section-hidden-by-patient = El paciente decidió ocultar esta parte.
reason-adolescent-limited = Padre, madre o tutor de un adolescente: ve solo algunas partes del expediente.
reason-adolescent-limited-section = No es una de las partes que los padres de un adolescente pueden ver.
reason-adolescent-sensitive-item = La atención confidencial (salud sexual o reproductiva, salud mental, consumo de sustancias, VIH, abuso) nunca se muestra a los padres de un adolescente.
reason-restricted-item = Las entradas restringidas no se muestran a nadie que actúe por el paciente.
reason-patient-only-thread = Las conversaciones que el paciente tuvo sin esta persona no se le muestran.
reason-adult-parent-no-access = Los padres no ven el expediente de un adulto, salvo que un juez los haya nombrado tutores.
reason-court-appointed-guardian = Tutor nombrado por un juez con documentos en archivo: ve el expediente salvo las entradas restringidas.
reason-guardianship-papers-missing = Tutor nombrado por un juez, pero los documentos de tutela no están en archivo o vencieron.
reason-designee = Persona designada por el paciente, con consentimiento por escrito en archivo: ve el expediente salvo la atención confidencial y las partes ocultas.
reason-written-consent-missing = Persona designada por el paciente, pero el consentimiento por escrito todavía no está en archivo.
reason-designee-not-allowed = En este consultorio un adulto no puede designar a otra persona para ver su expediente; solo un tutor nombrado por un juez puede.
reason-designee-sensitive-item = La atención confidencial no se muestra a una persona designada por el paciente.
reason-proxy-action-not-allowed = Quienes actúan por el paciente no pueden hacer eso aquí.
reason-kind-does-not-fit-band = Esa relación no corresponde a la edad del paciente: una persona designada es solo para adultos; padre, madre o tutor legal, solo para menores de 18 años.
reason-proxy-limit-reached = El paciente ya tiene tantas personas con acceso como permite este consultorio.
reason-same-email-as-patient = Ese es el correo electrónico del propio paciente. Un representante necesita su propia cuenta.
reason-grant-needs-proxy = Solo la cuenta propia de una persona puede ser representante.
reason-grant-allowed = Se puede dar acceso.
reason-section-required = No se indicó ninguna parte del expediente.
