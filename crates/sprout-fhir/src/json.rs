//! Small readers over FHIR JSON (`serde_json::Value`) for the data types the
//! mapping uses: strings, CodeableConcept, Coding, Quantity, Period.
//!
//! They borrow from the parsed document and never clone a sub-tree; only the
//! text that ends up in the record model is copied.

use serde_json::Value;

/// `value[key]` as a non-empty string (after trimming), borrowed.
pub(crate) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// `value[key]` as an owned non-empty string.
pub(crate) fn string_at(value: &Value, key: &str) -> Option<String> {
    str_at(value, key).map(str::to_owned)
}

/// `value[key]` as an array (empty when absent or not an array).
pub(crate) fn array_at<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The codings of a CodeableConcept.
pub(crate) fn codings(concept: &Value) -> &[Value] {
    array_at(concept, "coding")
}

/// The code of the first coding in `system` (exact match), trimmed.
pub(crate) fn code_in_system<'a>(concept: &'a Value, system: &str) -> Option<&'a str> {
    codings(concept)
        .iter()
        .find(|c| c.get("system").and_then(Value::as_str) == Some(system))
        .and_then(|c| str_at(c, "code"))
}

/// The code of the first coding that has one, whatever its system.
pub(crate) fn first_code(concept: &Value) -> Option<&str> {
    codings(concept).iter().find_map(|c| str_at(c, "code"))
}

/// Text of a CodeableConcept as a person reads it: `text`, else the first
/// coding's `display`, else the first coding's `code`.
pub(crate) fn concept_text(concept: &Value) -> Option<&str> {
    str_at(concept, "text")
        .or_else(|| codings(concept).iter().find_map(|c| str_at(c, "display")))
        .or_else(|| first_code(concept))
}

/// [`concept_text`] of `value[key]`, owned.
pub(crate) fn concept_text_at(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(concept_text).map(str::to_owned)
}

/// A number (`decimal`, `integer`) as f64.
pub(crate) fn number_at(value: &Value, key: &str) -> Option<f64> {
    value.get(key)?.as_f64()
}

/// A Quantity's value and unit: the UCUM `code`, else the human `unit`.
pub(crate) fn quantity(q: &Value) -> (Option<f64>, Option<String>) {
    let unit = str_at(q, "code").or_else(|| str_at(q, "unit"));
    (number_at(q, "value"), unit.map(str::to_owned))
}

/// A FHIR `dateTime` choice: `<prefix>DateTime`, `<prefix>Instant`,
/// `<prefix>Period.start`, or `<prefix>String`, as the source wrote it.
pub(crate) fn date_time_choice(value: &Value, prefix: &str) -> Option<String> {
    let mut key = String::with_capacity(prefix.len() + 8);
    for suffix in ["DateTime", "Instant"] {
        key.clear();
        key.push_str(prefix);
        key.push_str(suffix);
        if let Some(s) = str_at(value, &key) {
            return Some(s.to_owned());
        }
    }
    key.clear();
    key.push_str(prefix);
    key.push_str("Period");
    if let Some(s) = value.get(&key).and_then(|p| str_at(p, "start")) {
        return Some(s.to_owned());
    }
    key.clear();
    key.push_str(prefix);
    key.push_str("String");
    string_at(value, &key)
}

/// The calendar date at the start of a FHIR `date` / `dateTime` text
/// (`2013-01-10`, `2018-06-23T03:19:07+00:00`). `None` for partial dates
/// (`2012`, `2012-01`) and for anything else.
pub(crate) fn civil_date(text: &str) -> Option<jiff::civil::Date> {
    let head = text.trim().get(..10)?;
    head.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn concept_text_prefers_text_then_display_then_code() {
        let c = json!({"coding": [{"system": "s", "code": "1", "display": "One"}], "text": "Uno"});
        assert_eq!(concept_text(&c), Some("Uno"));
        let c = json!({"coding": [{"system": "s", "code": "1"}, {"code": "2", "display": "Two"}]});
        assert_eq!(concept_text(&c), Some("Two"));
        let c = json!({"coding": [{"system": "s", "code": "1"}]});
        assert_eq!(concept_text(&c), Some("1"));
        assert_eq!(concept_text(&json!({})), None);
        assert_eq!(code_in_system(&c, "s"), Some("1"));
        assert_eq!(code_in_system(&c, "t"), None);
    }

    #[test]
    fn quantity_prefers_ucum_code() {
        let q = json!({"value": 50.5, "unit": "centimeter", "code": "cm"});
        assert_eq!(quantity(&q), (Some(50.5), Some("cm".to_owned())));
        let q = json!({"value": 3, "unit": "mg"});
        assert_eq!(quantity(&q), (Some(3.0), Some("mg".to_owned())));
    }

    #[test]
    fn date_time_choice_reads_every_form() {
        let v = json!({"effectiveDateTime": "2020-01-02"});
        assert_eq!(
            date_time_choice(&v, "effective").as_deref(),
            Some("2020-01-02")
        );
        let v = json!({"onsetPeriod": {"start": "2020-01-03"}});
        assert_eq!(date_time_choice(&v, "onset").as_deref(), Some("2020-01-03"));
        let v = json!({"occurrenceString": "January 2012"});
        assert_eq!(
            date_time_choice(&v, "occurrence").as_deref(),
            Some("January 2012")
        );
        assert_eq!(date_time_choice(&json!({}), "onset"), None);
    }

    #[test]
    fn civil_date_takes_full_dates_only() {
        assert_eq!(
            civil_date("2018-06-23T03:19:07+00:00"),
            Some(jiff::civil::date(2018, 6, 23))
        );
        assert_eq!(
            civil_date("2013-01-10"),
            Some(jiff::civil::date(2013, 1, 10))
        );
        assert_eq!(civil_date("2012-01"), None);
        assert_eq!(civil_date("January 2012"), None);
        assert_eq!(civil_date("2013-02-30"), None);
    }
}
