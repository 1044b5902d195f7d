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
