# Growth charts (src/growth.rs, templates/growth_*.html). Every key starts
# with `growth-`; growth.es.ftl has the same keys.

growth-tab = Growth
growth-heading = Growth charts
growth-intro = Each dot is one measurement, placed on the charts pediatricians use: the WHO growth standards from birth to 2 years and the CDC growth charts from 2 to 20 years. The lines are percentiles: the 50th is the middle, and most healthy children grow along one of the lines between the lowest and the highest.
growth-preterm = Born at { $weeks } weeks of pregnancy. Until age 2, measurements are compared at the corrected age: the age counted from the due date.
growth-age-today = Today: { $age } ({ $corrected }).
growth-age-today-before-term = Today: { $age }, not yet at the due date.
growth-corrected-age = corrected age { $age }
growth-empty = No height, weight or head measurements to chart yet.
growth-no-sex = Growth charts need the child's sex recorded as male or female: the charts for boys and girls differ. Ask the practice to update the record.
growth-not-charted = { $n ->
    [one] One measurement is
   *[other] { $n } measurements are
} outside the ages these charts cover and not shown here; the Vitals tab lists every measurement.
growth-sources = Sources: WHO Child Growth Standards (2006); CDC 2000 Growth Charts. Percentiles and z-scores computed from the published LMS tables.
growth-no-points = No measurement of this kind could be placed on a chart; the table says why.

## Indicators and charts

growth-indicator-weight-for-age = Weight for age
growth-indicator-length-height-for-age = Length and height for age
growth-indicator-head-circumference-for-age = Head size for age
growth-indicator-bmi-for-age = Body mass index (BMI) for age
growth-indicator-weight-for-length-height = Weight for length
growth-chart-who = WHO growth standards
growth-chart-cdc-infant = CDC growth charts, birth to 3 years
growth-chart-cdc = CDC growth charts, 2 to 20 years
growth-axis-age-months = Age (months)
growth-axis-age-years = Age (years)
growth-axis-length = Length (cm)
growth-axis-height = Height (cm)
growth-axis-weight = Weight (kg)
growth-axis-length-height = Length or height (cm)
growth-axis-head = Head circumference (cm)
growth-axis-bmi = BMI (kg/m²)
growth-chart-desc = { $n ->
    [one] One measurement
   *[other] { $n } measurements
} from { $first } to { $last }, drawn over the percentile lines. The table below lists each one.
growth-legend = Lines: percentiles { $list } (the thick line is the 50th, the median). Dots: { $name }'s measurements.
growth-latest = Latest, { $date }: { $summary }
growth-summary = { $measure } { $value }, { $percentile }

## Measurements

growth-measure-weight = Weight
growth-measure-length = Length
growth-measure-height = Height
growth-measure-head = Head size
growth-measure-bmi = BMI
growth-weight-at-length = { $weight } at { $length }
growth-lb-oz = { $lb } lb { $oz } oz
growth-inches = { $n } in
growth-table-caption = { $indicator }: measurements
growth-col-date = Date and age
growth-col-value = Measurement
growth-col-percentile = Percentile
growth-col-z = z-score
growth-percentile = { NUMBER($n, type: "ordinal") ->
    [one] { $n }st
    [two] { $n }nd
    [few] { $n }rd
   *[other] { $n }th
} percentile
growth-percentile-short = { NUMBER($n, type: "ordinal") ->
    [one] { $n }st
    [two] { $n }nd
    [few] { $n }rd
   *[other] { $n }th
}
growth-percentile-short-below-1 = below 1st
growth-percentile-short-above-99 = above 99th
growth-percentile-below-1 = below the 1st percentile
growth-percentile-above-99 = above the 99th percentile
growth-not-computed = Not computed: { $reason }

## Ages

growth-age-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
growth-age-weeks = { $n ->
    [one] { $n } week
   *[other] { $n } weeks
}
growth-age-months = { $n ->
    [one] { $n } month
   *[other] { $n } months
}
growth-age-years = { $n ->
    [one] { $n } year
   *[other] { $n } years
}
growth-age-years-months = { $years ->
    [one] { $years } year
   *[other] { $years } years
} { $months ->
    [one] { $months } month
   *[other] { $months } months
}

## Why a measurement has no percentile (plain words)

growth-error-invalid-value = the recorded value is not a positive number.
growth-error-unit = the value's unit ({ $unit }) is not one the charts use.
growth-error-missing-length = no length or height was measured the same day.
growth-error-age = the chart does not cover the age at this measurement.
growth-error-length = the chart does not cover this length or height.
growth-error-before-birth = the date is before the birth date.
growth-error-gestation = the recorded length of pregnancy is not a plausible number of weeks.
growth-error-before-term = measured before the due date; the charts start at a full-term birth.
growth-error-oedema = not computed for a child with swelling (oedema).
growth-error-implausible = the value is far outside what is possible at this age; it may be a measuring or typing error.
growth-error-sex = the charts have tables for boys and girls only.
