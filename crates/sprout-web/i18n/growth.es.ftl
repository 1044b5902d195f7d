# Curvas de crecimiento (src/growth.rs, templates/growth_*.html). Las mismas
# claves que growth.en.ftl.

growth-tab = Crecimiento
growth-heading = Curvas de crecimiento
growth-intro = Cada punto es una medición, colocada en las curvas que usan los pediatras: los patrones de crecimiento de la OMS desde el nacimiento hasta los 2 años y las curvas de los CDC de 2 a 20 años. Las líneas son percentiles: el 50 es el centro, y la mayoría de los niños sanos crecen siguiendo una de las líneas entre la más baja y la más alta.
growth-preterm = Nació a las { $weeks } semanas de embarazo. Hasta los 2 años, las mediciones se comparan con la edad corregida: la edad contada desde la fecha prevista de parto.
growth-age-today = Hoy: { $age } ({ $corrected }).
growth-age-today-before-term = Hoy: { $age }; aún no llega a la fecha prevista de parto.
growth-corrected-age = edad corregida { $age }
growth-empty = Aún no hay mediciones de talla, peso o cabeza para graficar.
growth-no-sex = Las curvas de crecimiento necesitan el sexo del niño registrado como masculino o femenino: las curvas de niños y niñas son distintas. Pida al consultorio que actualice el expediente.
growth-not-charted = { $n ->
    [one] Una medición está
   *[other] { $n } mediciones están
} fuera de las edades que cubren estas curvas y no se muestran aquí; la pestaña Signos vitales las muestra todas.
growth-sources = Fuentes: Patrones de Crecimiento Infantil de la OMS (2006); Curvas de Crecimiento de los CDC (2000). Percentiles y puntuaciones z calculados con las tablas LMS publicadas.
growth-no-points = Ninguna medición de este tipo se pudo colocar en una curva; la tabla explica por qué.

## Indicadores y curvas

growth-indicator-weight-for-age = Peso para la edad
growth-indicator-length-height-for-age = Longitud y estatura para la edad
growth-indicator-head-circumference-for-age = Tamaño de la cabeza para la edad
growth-indicator-bmi-for-age = Índice de masa corporal (IMC) para la edad
growth-indicator-weight-for-length-height = Peso para la longitud
growth-chart-who = Patrones de crecimiento de la OMS
growth-chart-cdc-infant = Curvas de los CDC, del nacimiento a los 3 años
growth-chart-cdc = Curvas de los CDC, de 2 a 20 años
growth-axis-age-months = Edad (meses)
growth-axis-age-years = Edad (años)
growth-axis-length = Longitud (cm)
growth-axis-height = Estatura (cm)
growth-axis-weight = Peso (kg)
growth-axis-length-height = Longitud o estatura (cm)
growth-axis-head = Perímetro cefálico (cm)
growth-axis-bmi = IMC (kg/m²)
growth-chart-desc = { $n ->
    [one] Una medición
   *[other] { $n } mediciones
} del { $first } al { $last }, dibujadas sobre las líneas de percentiles. La tabla de abajo las muestra una por una.
growth-legend = Líneas: percentiles { $list } (la línea gruesa es el 50, la mediana). Puntos: mediciones de { $name }.
growth-latest = Última, { $date }: { $summary }
growth-summary = { $measure } { $value }, { $percentile }

## Mediciones

growth-measure-weight = Peso
growth-measure-length = Longitud
growth-measure-height = Estatura
growth-measure-head = Tamaño de la cabeza
growth-measure-bmi = IMC
growth-weight-at-length = { $weight } con { $length }
growth-lb-oz = { $lb } lb { $oz } oz
growth-inches = { $n } in
growth-table-caption = { $indicator }: mediciones
growth-col-date = Fecha y edad
growth-col-value = Medición
growth-col-percentile = Percentil
growth-col-z = Puntuación z
growth-percentile = percentil { $n }
growth-percentile-short = { $n }
growth-percentile-short-below-1 = menor que 1
growth-percentile-short-above-99 = mayor que 99
growth-percentile-below-1 = por debajo del percentil 1
growth-percentile-above-99 = por encima del percentil 99
growth-not-computed = No calculado: { $reason }

## Edades

growth-age-days = { $n ->
    [one] { $n } día
   *[other] { $n } días
}
growth-age-weeks = { $n ->
    [one] { $n } semana
   *[other] { $n } semanas
}
growth-age-months = { $n ->
    [one] { $n } mes
   *[other] { $n } meses
}
growth-age-years = { $n ->
    [one] { $n } año
   *[other] { $n } años
}
growth-age-years-months = { $years ->
    [one] { $years } año
   *[other] { $years } años
} y { $months ->
    [one] { $months } mes
   *[other] { $months } meses
}

## Por qué una medición no tiene percentil (en palabras sencillas)

growth-error-invalid-value = el valor registrado no es un número positivo.
growth-error-unit = la unidad del valor ({ $unit }) no es una que usen las curvas.
growth-error-missing-length = no se midió la longitud o estatura el mismo día.
growth-error-age = la curva no cubre la edad de esta medición.
growth-error-length = la curva no cubre esta longitud o estatura.
growth-error-before-birth = la fecha es anterior a la fecha de nacimiento.
growth-error-gestation = la duración del embarazo registrada no es un número de semanas posible.
growth-error-before-term = medido antes de la fecha prevista de parto; las curvas empiezan en un nacimiento a término.
growth-error-oedema = no se calcula en un niño con hinchazón (edema).
growth-error-implausible = el valor está muy lejos de lo posible a esta edad; puede ser un error al medir o al escribir.
growth-error-sex = las curvas tienen tablas solo para niños y niñas.
