# Registro de vacunas, vacunas pendientes y registro imprimible
# (src/immunizations.rs, src/imm_pdf.rs). Cada clave de aquí también debe
# estar en imm.en.ftl (lo comprueba una prueba).

## Grupos de vacunas, primero en palabras sencillas

imm-group-dtap = DTaP, Tdap, Td (difteria, tétanos, tos ferina)
imm-group-polio = Polio (IPV)
imm-group-mmr = MMR (sarampión, paperas, rubéola)
imm-group-varicella = Varicela
imm-group-hepb = Hepatitis B
imm-group-hepa = Hepatitis A
imm-group-hib = Hib (Haemophilus influenzae tipo b)
imm-group-pneumococcal = Neumococo
imm-group-rotavirus = Rotavirus
imm-group-influenza = Gripe (influenza)
imm-group-covid = COVID-19
imm-group-hpv = VPH (virus del papiloma humano)
imm-group-menacwy = Meningococo ACWY (MenACWY)
imm-group-menb = Meningococo B (MenB)
imm-group-rsv = VSR (virus respiratorio sincitial)
imm-group-other = Otras vacunas

## Página del registro

imm-record-heading = Vacunas
imm-record-intro = Todas las vacunas de este expediente, agrupadas según lo que previenen, y si cada dosis cuenta según el calendario de vacunación de los CDC.
imm-record-empty = Todavía no hay vacunas registradas.
imm-due-link = Ver qué vacunas tocan
imm-pdf-link = Descargar el registro para la escuela (PDF)
imm-given-on = Aplicada el { $date }
imm-given-on-dose = Aplicada el { $date } (dosis { $n })
imm-recorded-on = Registrada el { $date }
imm-date-missing = Fecha no registrada
imm-badge-counts = Cuenta
imm-badge-not-valid = No cuenta
imm-badge-extra = Dosis de más
imm-badge-given = Aplicada
imm-badge-not-given = No aplicada
imm-badge-entered-in-error = Registrada por error
imm-not-given-reason = Motivo: { $reason }
imm-error-line = Registrada por equivocación; no forma parte del expediente.

## Por qué una dosis no cuenta (motivos de evaluación de los CDC, en palabras sencillas)

imm-why-age-too-young = Aplicada demasiado pronto: el niño tenía menos de la edad mínima para que esta dosis cuente.
imm-why-age-too-old = Aplicada después de la edad máxima en que esta dosis cuenta.
imm-why-interval-too-short = Aplicada demasiado pronto después de la dosis anterior.
imm-why-live-virus-conflict = Aplicada demasiado pronto después de otra vacuna de virus vivos.
imm-why-vaccine-not-allowable = Esta vacuna no cuenta para esta dosis.
imm-why-inadvertent-vaccine = Esta vacuna no es la indicada para la edad del niño.
imm-why-series-already-complete = No hacía falta: la serie ya estaba completa.
imm-why-substandard = La dosis estaba vencida o se aplicó solo en parte.
imm-why-repeat = Puede que haya que aplicarla de nuevo.

## Cómo está cada grupo de vacunas (página del registro, una línea por grupo)

imm-status-complete = Completa
imm-status-immune = Protegido (inmune)
imm-status-not-recommended = No se recomiendan más dosis
imm-status-aged-out = Ya no se aplica a esta edad
imm-status-contraindicated = No se recomienda para este niño
imm-status-overdue = La dosis { $n } está atrasada
imm-status-due = La dosis { $n } toca ahora
imm-status-next = Próxima: dosis { $n }, recomendada el { $date }
imm-status-season = Las reglas disponibles todavía no cubren esta temporada: pregunte en el consultorio.

## Página de vacunas pendientes

imm-due-title = Vacunas pendientes
imm-due-heading = Vacunas pendientes
imm-due-intro = Al { $date }, según el calendario de vacunación de los CDC.
imm-due-back = Volver al registro de vacunas
imm-due-overdue-heading = Atrasadas
imm-due-now-heading = Tocan ahora
imm-due-next-heading = Próximas
imm-due-done-heading = Al día
imm-due-none-heading = No hacen falta ahora
imm-due-ask-heading = Pregunte en el consultorio
imm-due-season-line = La recomendación de esta temporada todavía no está en las reglas disponibles.
imm-due-nothing = Ahora no toca ninguna vacuna.
imm-due-dose = { $group }, dosis { $n }
imm-due-overdue-line = Tocaba a más tardar el { $date }. Se puede aplicar ya.
imm-due-now-line = Recomendada a más tardar el { $date }
imm-due-now-open = Recomendada ahora
imm-due-next-line = Recomendada el { $date }
imm-due-early = Se puede aplicar ya
imm-due-from = Se puede aplicar desde el { $date }
imm-due-note = Calculado a partir de las vacunas de este expediente con las reglas de los CDC para calendarios de vacunación (CDSi, versión de datos { $version }). Si su hijo recibió una vacuna en otro lugar, avise al consultorio para que la agregue.

## Registro imprimible (PDF)

imm-pdf-title = Registro de vacunas
imm-pdf-doc-title = Registro de vacunas de { $name }
imm-pdf-patient = Paciente
imm-pdf-born = Fecha de nacimiento
imm-pdf-printed = Impreso el { $date }
imm-pdf-col-dose = Dosis
imm-pdf-col-date = Fecha de aplicación
imm-pdf-col-vaccine = Vacuna
imm-pdf-col-status = ¿Válida?
imm-pdf-valid = Sí
imm-pdf-not-valid = No
imm-pdf-empty = No hay vacunas registradas.
imm-pdf-note = «Válida» sigue las reglas de los CDC para calendarios de vacunación (CDSi): una dosis que no es válida no cuenta para la serie y puede tener que aplicarse de nuevo.
imm-pdf-certify = Certifico que esta es una copia fiel del registro de vacunas que guarda este consultorio.
imm-pdf-signature = Firma del profesional de salud
imm-pdf-sign-name = Nombre y cargo
imm-pdf-sign-date = Fecha
imm-pdf-page = Página { $n } de { $total }
imm-pdf-footer = { $name }, fecha de nacimiento: { $date }
