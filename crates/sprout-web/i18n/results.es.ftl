# Resultados, notas y documentos (issue 7).

tab-notes = Notas y documentos

results-new-notice = { $count ->
    [one] 1 resultado nuevo
   *[other] { $count } resultados nuevos
}
results-table-label = Resultados
results-col-test = Prueba
results-col-value = Resultado
results-col-range = Rango normal
results-col-flag = Indicador
results-no-range = No indicado
results-no-value = Sin valor
results-typical-range = { $range } (rango habitual)
results-flag-low = Bajo
results-flag-high = Alto
results-flag-abnormal = Anormal
results-flag-normal = Normal
results-conclusion = Conclusión:
results-other-results = Otros resultados

report-status-registered = Solicitado
report-status-partial = Parcial
report-status-preliminary = Preliminar
report-status-final = Final
report-status-amended = Modificado
report-status-corrected = Corregido
report-status-appended = Ampliado
report-status-cancelled = Cancelado
report-status-entered-in-error = Registrado por error
report-status-unknown = Estado desconocido

results-hold-heading = Hablar antes de leer
results-hold-explain = Puede pedirnos que retengamos los resultados nuevos hasta que un profesional clínico haya hablado con usted. Los resultados que ya están aquí siguen visibles.
results-hold-start = Retener mis resultados nuevos
results-hold-active = Los resultados nuevos están retenidos hasta que un profesional clínico hable con usted.
results-hold-end = Mostrar ya los resultados nuevos
results-hold-started = Los resultados nuevos se retendrán hasta que un profesional clínico hable con usted.
results-hold-ended = La retención terminó; los resultados retenidos ya se muestran.

docs-heading = Notas y documentos
docs-empty = Todavía no hay notas ni documentos.
docs-kind-visit-summary = Resumen de la visita
docs-kind-clinical-note = Nota clínica
docs-kind-document = Documento
docs-download = Descargar PDF ({ $kb } KB)

labels-link = Etiquetas
labels-title = Etiquetas de confidencialidad
labels-kind = Tipo de registro
labels-current = Etiquetas actuales
labels-none = Ninguna
labels-restricted = Restringido
labels-matched = Motivo (reglas que coincidieron al importar)
labels-matched-none = Ninguna regla coincidió.
labels-history = Cambios anteriores
labels-change = Cambiar las etiquetas
labels-restricted-check = Restringido (oculto a todos los representantes)
labels-categories = Categorías delicadas (ocultas a los representantes de adolescentes)
labels-reason = Motivo del cambio
labels-save = Guardar etiquetas
labels-saved = Etiquetas guardadas. Se aplican desde la próxima página que se abra.
labels-reason-missing = Indique el motivo del cambio.
labels-reason-too-long = El motivo es demasiado largo: 500 caracteres como máximo.

sensitivity-mental-health = Salud mental
sensitivity-substance-use = Consumo de sustancias
sensitivity-sexual-health = Salud sexual
sensitivity-reproductive-health = Salud reproductiva
sensitivity-hiv = VIH
sensitivity-abuse = Maltrato

queue-title = Cola de publicación
queue-intro = Resultados y notas que las familias aún no pueden ver: esperan que el personal los publique, están dentro de un plazo de espera o están retenidos a petición de la familia hasta que un profesional clínico hable con ella.
queue-empty = No hay nada pendiente de publicar.
queue-mrn = N.º de historia
queue-release = Publicar en el portal
queue-end-hold = Ya hablamos: terminar la retención
queue-released = Publicado. La familia lo verá en la próxima página que abra.
queue-why-staff = Espera que el personal lo publique.
queue-why-held = Retenido a petición de la familia hasta que un profesional clínico hable con ella.
queue-why-delay = Aparecerá el { $date }.
queue-staff-link-heading = Resultados por publicar
queue-staff-link-body = Resultados y notas que esperan que el personal los publique o una conversación con la familia.
queue-staff-link = Abrir la cola de publicación

release-category-vitals = Signos vitales
release-category-immunizations = Vacunas
release-category-visit-summaries = Resúmenes de visitas
release-category-lab-results = Resultados de laboratorio
release-category-diagnostic-reports = Informes diagnósticos
release-category-clinical-notes = Notas clínicas
release-category-documents = Documentos
release-category-medications = Medicamentos
release-category-problems = Problemas de salud
release-category-allergies = Alergias
