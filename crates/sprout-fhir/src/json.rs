//! Checked readers over FHIR JSON (`serde_json::Value`) for the data types the
//! mapping reads: the primitives (`string`, `code`, `id`, `boolean`, `integer`,
//! `positiveInt`, `decimal`, `date`, `dateTime`, `instant`, `time`) and
//! CodeableConcept, Coding, Quantity, Reference, Period, HumanName.
//!
//! Every reader returns `Err(`[`Invalid`]`)` when the element is present but
//! breaks FHIR R4's JSON form (a string where a number belongs, an object where
//! an array belongs, `null`, a `dateTime` that does not match FHIR's regular
//! expression or names no calendar day...), so a file Sprout cannot read
//! faithfully is rejected instead of stored with holes. An absent element is
//! `Ok(None)` (or an empty list); whether it may be absent is the caller's rule.
//! Strings are trimmed, and a blank one reads as absent.
//!
//! The readers borrow from the parsed document and never clone a sub-tree; only
//! the text that ends up in the record model is copied. The rules are those of
//! FHIR R4 (4.0.1) "Data Types" (<https://hl7.org/fhir/R4/datatypes.html>) and
//! "JSON Representation" (<https://hl7.org/fhir/R4/json.html>).

use serde_json::Value;
use std::fmt;

/// An element that breaks FHIR R4: where it is and what is wrong with it.
///
/// Shown as `{path} {problem}`, e.g. `valueQuantity.value "52.7" is not a FHIR
/// decimal (a JSON number)`; the import puts the resource in front
/// (`Observation/obs-1: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Path of the element inside its resource, in FHIRPath style:
    /// `valueQuantity.value`, `component[1].code.coding[0].code`.
    pub path: String,
    /// What is wrong: `"not-a-date" is not a FHIR dateTime`, `is missing (FHIR
    /// requires it)`.
    pub problem: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{} {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for Invalid {}

impl Invalid {
    /// `key` has `problem`.
    pub(crate) fn new(key: &str, problem: impl Into<String>) -> Self {
        Self {
            path: key.to_owned(),
            problem: problem.into(),
        }
    }

    /// `key` is `found`, which is not `what` ("a FHIR dateTime", "an array").
    pub(crate) fn not_a(key: &str, found: &Value, what: &str) -> Self {
        let problem = match found {
            Value::String(s) => format!("{} is not {what}", quoted(s)),
            Value::Number(n) => format!("{n} is not {what}"),
            Value::Bool(b) => format!("{b} is not {what}"),
            Value::Null => format!("is null, not {what}"),
            Value::Array(_) => format!("is an array, not {what}"),
            Value::Object(_) => format!("is an object, not {what}"),
        };
        Self::new(key, problem)
    }

    /// A required element (cardinality 1..) that is absent.
    pub(crate) fn missing(key: &str) -> Self {
        Self::new(key, "is missing (FHIR requires it)")
    }

    /// The same problem, seen from the element `key` that holds this one.
    pub(crate) fn under(mut self, key: &str) -> Self {
        self.path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{key}.{}", self.path)
        };
        self
    }

    /// The same problem, seen from item `index` of the list `key`.
    pub(crate) fn under_item(self, key: &str, index: usize) -> Self {
        self.under(&format!("{key}[{index}]"))
    }
}

/// A reader's answer.
pub(crate) type Checked<T> = Result<T, Invalid>;

/// `s` in double quotes for a message, cut to 64 characters.
fn quoted(s: &str) -> String {
    format!("{:?}", crate::map::clip(s))
}

/// `value[key]`, with `null` (never valid in FHIR JSON objects) refused.
fn present<'a>(value: &'a Value, key: &str) -> Checked<Option<&'a Value>> {
    match value.get(key) {
        Some(Value::Null) => Err(Invalid::not_a(key, &Value::Null, "a value")),
        other => Ok(other),
    }
}

/// `Some(x)` or the "missing" error for `key`.
pub(crate) fn required<T>(found: Option<T>, key: &str) -> Checked<T> {
    found.ok_or_else(|| Invalid::missing(key))
}

/// A FHIR `string` (or `uri`, `markdown`): trimmed, `None` when absent or blank.
pub(crate) fn string<'a>(value: &'a Value, key: &str) -> Checked<Option<&'a str>> {
    match present(value, key)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim()).filter(|s| !s.is_empty())),
        Some(other) => Err(Invalid::not_a(key, other, "a string")),
    }
}

/// [`string`], owned.
pub(crate) fn owned_string(value: &Value, key: &str) -> Checked<Option<String>> {
    Ok(string(value, key)?.map(str::to_owned))
}

/// A list of FHIR `string`s (`HumanName.given`, `Address.line`), trimmed,
/// blanks left out.
pub(crate) fn strings<'a>(value: &'a Value, key: &str) -> Checked<Vec<&'a str>> {
    let mut out = Vec::new();
    for (i, s) in array(value, key)?.iter().enumerate() {
        match s {
            Value::String(s) if !s.trim().is_empty() => out.push(s.trim()),
            Value::String(_) => {}
            other => return Err(Invalid::not_a(&format!("{key}[{i}]"), other, "a string")),
        }
    }
    Ok(out)
}

/// Whether `s` is a FHIR `code`: `[^\s]+(\s[^\s]+)*`, i.e. not empty, no
/// whitespace at either end and never two whitespace characters in a row.
pub(crate) fn is_code(s: &str) -> bool {
    // `\s` of FHIR's (XML Schema) regular expressions: space, tab, CR, LF.
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            !ws(first) && !ws(last) && !b.windows(2).any(|w| ws(&w[0]) && ws(&w[1]))
        }
        _ => false,
    }
}

/// A FHIR `code`.
pub(crate) fn code<'a>(value: &'a Value, key: &str) -> Checked<Option<&'a str>> {
    match present(value, key)? {
        None => Ok(None),
        Some(Value::String(s)) if is_code(s) => Ok(Some(s)),
        Some(other) => Err(Invalid::not_a(key, other, "a FHIR code")),
    }
}

/// A FHIR `code` bound (required binding) to the value set `allowed`.
pub(crate) fn code_in<'a>(
    value: &'a Value,
    key: &str,
    allowed: &[&str],
) -> Checked<Option<&'a str>> {
    match code(value, key)? {
        Some(c) if !allowed.contains(&c) => Err(Invalid::new(
            key,
            format!("{} is not one of {}", quoted(c), allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

/// A list of FHIR `code`s bound to `allowed` (`AllergyIntolerance.category`).
pub(crate) fn codes_in<'a>(value: &'a Value, key: &str, allowed: &[&str]) -> Checked<Vec<&'a str>> {
    let list = array(value, key)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let item = format!("{key}[{i}]");
        match c {
            Value::String(s) if is_code(s) && allowed.contains(&s.as_str()) => out.push(s.as_str()),
            Value::String(s) if is_code(s) => {
                return Err(Invalid::new(
                    &item,
                    format!("{} is not one of {}", quoted(s), allowed.join(", ")),
                ))
            }
            other => return Err(Invalid::not_a(&item, other, "a FHIR code")),
        }
    }
    Ok(out)
}

/// Whether `s` is a FHIR `id`: `[A-Za-z0-9\-\.]{1,64}`.
pub(crate) fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A resource's `id`, a FHIR `id`.
pub(crate) fn resource_id(value: &Value) -> Checked<Option<&str>> {
    match present(value, "id")? {
        None => Ok(None),
        Some(Value::String(s)) if is_id(s) => Ok(Some(s)),
        Some(other) => Err(Invalid::not_a("id", other, "a FHIR id")),
    }
}

/// A FHIR `decimal`: a JSON number.
pub(crate) fn decimal(value: &Value, key: &str) -> Checked<Option<f64>> {
    match present(value, key)? {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(Invalid::not_a(key, other, "a FHIR decimal (a JSON number)")),
    }
}

/// A FHIR `integer`: a JSON number without fraction, within 32 bits.
pub(crate) fn integer(value: &Value, key: &str) -> Checked<Option<i64>> {
    match present(value, key)? {
        None => Ok(None),
        Some(v @ Value::Number(n)) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => Ok(Some(i)),
            _ => Err(Invalid::not_a(key, v, "a FHIR integer")),
        },
        Some(other) => Err(Invalid::not_a(key, other, "a FHIR integer")),
    }
}

/// A FHIR `positiveInt`: an [`integer`] of at least 1.
pub(crate) fn positive_int(value: &Value, key: &str) -> Checked<Option<i64>> {
    match integer(value, key) {
        Ok(Some(i)) if i < 1 => Err(Invalid::new(key, format!("{i} is not a FHIR positiveInt"))),
        Err(_) => Err(Invalid::not_a(
            key,
            value.get(key).unwrap_or(&Value::Null),
            "a FHIR positiveInt",
        )),
        ok => ok,
    }
}

/// A FHIR `boolean`: JSON `true` or `false`.
pub(crate) fn boolean(value: &Value, key: &str) -> Checked<Option<bool>> {
    match present(value, key)? {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(Invalid::not_a(key, other, "a FHIR boolean (true or false)")),
    }
}

/// Which FHIR date/time type a text must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeKind {
    /// `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// `dateTime`: a `date`, or `YYYY-MM-DDThh:mm:ss[.fff]` with a zone
    /// (`Z`, `+hh:mm`, `-hh:mm`).
    DateTime,
    /// `instant`: always the full form with seconds and a zone.
    Instant,
}

impl TimeKind {
    fn name(self) -> &'static str {
        match self {
            Self::Date => "a FHIR date",
            Self::DateTime => "a FHIR dateTime",
            Self::Instant => "a FHIR instant",
        }
    }
}

/// Whether `s` is a FHIR `date`, `dateTime` or `instant`: FHIR R4's regular
/// expression for the type (year 0001-9999, month 01-12, hour 00-23, minute
/// 00-59, second 00-60, zone -14:00 to +14:00), and the date a real calendar
/// day (no 2021-02-29, no 2020-04-31).
pub(crate) fn is_time(s: &str, kind: TimeKind) -> bool {
    let b = s.as_bytes();
    let Some(year) = digits(b, 0, 4).filter(|y| *y >= 1) else {
        return false;
    };
    let partial_ok = kind != TimeKind::Instant;
    if b.len() == 4 {
        return partial_ok;
    }
    let Some(month) = after(b, 4, b'-')
        .then(|| digits(b, 5, 2))
        .flatten()
        .filter(|m| (1..=12).contains(m))
    else {
        return false;
    };
    if b.len() == 7 {
        return partial_ok;
    }
    let Some(day) = after(b, 7, b'-').then(|| digits(b, 8, 2)).flatten() else {
        return false;
    };
    let real_day = i8::try_from(day)
        .ok()
        .and_then(|d| jiff::civil::Date::new(year as i16, month as i8, d).ok())
        .is_some();
    if !real_day {
        return false;
    }
    if b.len() == 10 {
        return partial_ok;
    }
    if kind == TimeKind::Date || !after(b, 10, b'T') {
        return false;
    }
    let Some(end) = time_end(b, 11) else {
        return false;
    };
    zone_ok(&b[end..])
}

/// Whether `s` is a FHIR `time`: `hh:mm:ss[.fff]`, no zone.
pub(crate) fn is_time_of_day(s: &str) -> bool {
    time_end(s.as_bytes(), 0) == Some(s.len())
}

/// The number written by `len` ASCII digits at `at`.
fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let part = b.get(at..at + len)?;
    part.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// Whether byte `at` is `c`.
fn after(b: &[u8], at: usize, c: u8) -> bool {
    b.get(at) == Some(&c)
}

/// The end of `hh:mm:ss[.fff]` starting at `at`, if it is one.
fn time_end(b: &[u8], at: usize) -> Option<usize> {
    digits(b, at, 2).filter(|h| *h <= 23)?;
    after(b, at + 2, b':').then_some(())?;
    digits(b, at + 3, 2).filter(|m| *m <= 59)?;
    after(b, at + 5, b':').then_some(())?;
    digits(b, at + 6, 2).filter(|s| *s <= 60)?;
    let mut end = at + 8;
    if after(b, end, b'.') {
        let fraction = b[end + 1..]
            .iter()
            .take_while(|d| d.is_ascii_digit())
            .count();
        if fraction == 0 {
            return None;
        }
        end += 1 + fraction;
    }
    Some(end)
}

/// Whether `z` is exactly a zone: `Z`, or `+hh:mm` / `-hh:mm` from 00:00 to
/// 13:59, or 14:00.
fn zone_ok(z: &[u8]) -> bool {
    if z == b"Z" {
        return true;
    }
    if z.len() != 6 || !matches!(z[0], b'+' | b'-') || z[3] != b':' {
        return false;
    }
    match (digits(z, 1, 2), digits(z, 4, 2)) {
        (Some(h), Some(m)) => (h <= 13 && m <= 59) || (h == 14 && m == 0),
        _ => false,
    }
}

/// A FHIR `date`, `dateTime` or `instant` (see [`is_time`]), as written.
pub(crate) fn time<'a>(value: &'a Value, key: &str, kind: TimeKind) -> Checked<Option<&'a str>> {
    match present(value, key)? {
        None => Ok(None),
        Some(Value::String(s)) if is_time(s, kind) => Ok(Some(s)),
        Some(other) => Err(Invalid::not_a(key, other, kind.name())),
    }
}

/// A FHIR `dateTime`, owned.
pub(crate) fn date_time(value: &Value, key: &str) -> Checked<Option<String>> {
    Ok(time(value, key, TimeKind::DateTime)?.map(str::to_owned))
}

/// A FHIR `time` (`hh:mm:ss`), as written.
pub(crate) fn time_of_day<'a>(value: &'a Value, key: &str) -> Checked<Option<&'a str>> {
    match present(value, key)? {
        None => Ok(None),
        Some(Value::String(s)) if is_time_of_day(s) => Ok(Some(s)),
        Some(other) => Err(Invalid::not_a(key, other, "a FHIR time")),
    }
}

/// An element of a complex type: a JSON object.
pub(crate) fn object<'a>(value: &'a Value, key: &str) -> Checked<Option<&'a Value>> {
    match present(value, key)? {
        None => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o)),
        Some(other) => Err(Invalid::not_a(key, other, "an object")),
    }
}

/// A repeating element: a JSON array (empty when absent).
pub(crate) fn array<'a>(value: &'a Value, key: &str) -> Checked<&'a [Value]> {
    match present(value, key)? {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(Invalid::not_a(key, other, "an array")),
    }
}

/// A repeating element of a complex type, read item by item with `read`;
/// problems come back with the item's path (`component[1].code`).
pub(crate) fn each<'a, T>(
    value: &'a Value,
    key: &str,
    mut read: impl FnMut(&'a Value) -> Checked<T>,
) -> Checked<Vec<T>> {
    let list = array(value, key)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        if !item.is_object() {
            return Err(Invalid::not_a(&format!("{key}[{i}]"), item, "an object"));
        }
        out.push(read(item).map_err(|e| e.under_item(key, i))?);
    }
    Ok(out)
}

/// A checked CodeableConcept: its `text` and its codings (each an object whose
/// `system` is a string, `code` a FHIR code and `display` a string).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Concept<'a> {
    text: Option<&'a str>,
    codings: &'a [Value],
}

impl<'a> Concept<'a> {
    /// Checks a CodeableConcept object.
    pub(crate) fn read(concept: &'a Value) -> Checked<Self> {
        let text = string(concept, "text")?;
        let codings = array(concept, "coding")?;
        for (i, c) in codings.iter().enumerate() {
            if !c.is_object() {
                return Err(Invalid::not_a(&format!("coding[{i}]"), c, "an object"));
            }
            check_coding(c).map_err(|e| e.under_item("coding", i))?;
        }
        Ok(Self { text, codings })
    }

    /// Every coding's (system, code), in order, for codings that have a code.
    pub(crate) fn codes(&self) -> impl Iterator<Item = (Option<&'a str>, &'a str)> + '_ {
        self.codings.iter().filter_map(|c| {
            let code = c.get("code")?.as_str()?;
            Some((c.get("system").and_then(Value::as_str), code))
        })
    }

    /// The code of the first coding in `system` (exact match).
    pub(crate) fn code_in_system(&self, system: &str) -> Option<&'a str> {
        self.codes()
            .find(|(s, _)| *s == Some(system))
            .map(|(_, c)| c)
    }

    /// The code of the first coding that has one, whatever its system.
    pub(crate) fn first_code(&self) -> Option<&'a str> {
        self.codes().next().map(|(_, c)| c)
    }

    /// The first coding's display that is not blank.
    pub(crate) fn first_display(&self) -> Option<&'a str> {
        self.codings.iter().find_map(|c| {
            c.get("display")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|d| !d.is_empty())
        })
    }

    /// `text`, as written.
    pub(crate) fn text_only(&self) -> Option<&'a str> {
        self.text
    }

    /// Text as a person reads it: `text`, else the first coding's `display`,
    /// else the first coding's `code`.
    pub(crate) fn text(&self) -> Option<&'a str> {
        self.text
            .or_else(|| self.first_display())
            .or_else(|| self.first_code())
    }
}

/// Checks a Coding object.
fn check_coding(c: &Value) -> Checked<()> {
    string(c, "system")?;
    code(c, "code")?;
    string(c, "display")?;
    Ok(())
}

/// The Coding at `value[key]` (`Encounter.class`), checked: its code.
pub(crate) fn coding_code<'a>(value: &'a Value, key: &str) -> Checked<Option<&'a str>> {
    let Some(c) = object(value, key)? else {
        return Ok(None);
    };
    check_coding(c).map_err(|e| e.under(key))?;
    Ok(c.get("code").and_then(Value::as_str))
}

/// The CodeableConcept at `value[key]`, checked.
pub(crate) fn concept<'a>(value: &'a Value, key: &str) -> Checked<Option<Concept<'a>>> {
    match object(value, key)? {
        None => Ok(None),
        Some(c) => Concept::read(c).map(Some).map_err(|e| e.under(key)),
    }
}

/// The CodeableConcepts of the list `value[key]`, checked.
pub(crate) fn concepts<'a>(value: &'a Value, key: &str) -> Checked<Vec<Concept<'a>>> {
    each(value, key, Concept::read)
}

/// [`Concept::text`] of `value[key]`, owned.
pub(crate) fn concept_text(value: &Value, key: &str) -> Checked<Option<String>> {
    Ok(concept(value, key)?
        .and_then(|c| c.text())
        .map(str::to_owned))
}

/// A checked Quantity (or SimpleQuantity): its `value` and unit (the UCUM
/// `code`, else the human `unit`), and its `unit` text alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Quantity<'a> {
    /// `value`.
    pub value: Option<f64>,
    /// `code`, else `unit`.
    pub unit: Option<&'a str>,
    /// `unit`, as a person reads it.
    pub unit_text: Option<&'a str>,
}

/// The Quantity at `value[key]`, checked (`value` a decimal, `unit` and
/// `system` strings, `code` and `comparator` codes).
pub(crate) fn quantity<'a>(value: &'a Value, key: &str) -> Checked<Option<Quantity<'a>>> {
    let Some(q) = object(value, key)? else {
        return Ok(None);
    };
    let read = || -> Checked<Quantity<'a>> {
        let number = decimal(q, "value")?;
        code_in(q, "comparator", &["<", "<=", ">=", ">"])?;
        let unit_text = string(q, "unit")?;
        string(q, "system")?;
        let ucum = code(q, "code")?;
        Ok(Quantity {
            value: number,
            unit: ucum.or(unit_text),
            unit_text,
        })
    };
    read().map(Some).map_err(|e| e.under(key))
}

/// A checked Reference: its `reference` and `display` texts.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ref<'a> {
    /// `reference`.
    pub reference: Option<&'a str>,
    /// `display`.
    pub display: Option<&'a str>,
}

/// Checks a Reference object.
pub(crate) fn read_reference(r: &Value) -> Checked<Ref<'_>> {
    Ok(Ref {
        reference: string(r, "reference")?,
        display: string(r, "display")?,
    })
}

/// The Reference at `value[key]`, checked.
pub(crate) fn reference<'a>(value: &'a Value, key: &str) -> Checked<Option<Ref<'a>>> {
    match object(value, key)? {
        None => Ok(None),
        Some(r) => read_reference(r).map(Some).map_err(|e| e.under(key)),
    }
}

/// The Period at `value[key]`, checked: (`start`, `end`), FHIR dateTimes.
pub(crate) fn period<'a>(
    value: &'a Value,
    key: &str,
) -> Checked<Option<(Option<&'a str>, Option<&'a str>)>> {
    let Some(p) = object(value, key)? else {
        return Ok(None);
    };
    let read = || -> Checked<_> {
        Ok((
            time(p, "start", TimeKind::DateTime)?,
            time(p, "end", TimeKind::DateTime)?,
        ))
    };
    read().map(Some).map_err(|e| e.under(key))
}

/// A FHIR `dateTime` choice as the source wrote it: `<prefix>DateTime`, else
/// `<prefix>Instant`, else `<prefix>Period.start`, else `<prefix>String`. Each
/// of them that is present is checked.
pub(crate) fn date_time_choice(value: &Value, prefix: &str) -> Checked<Option<String>> {
    let key = |suffix: &str| format!("{prefix}{suffix}");
    let date_time = time(value, &key("DateTime"), TimeKind::DateTime)?;
    let instant = time(value, &key("Instant"), TimeKind::Instant)?;
    let start = period(value, &key("Period"))?.and_then(|(start, _)| start);
    let text = string(value, &key("String"))?;
    Ok(date_time.or(instant).or(start).or(text).map(str::to_owned))
}

/// The calendar date at the start of a FHIR `date` / `dateTime` text
/// (`2013-01-10`, `2018-06-23T03:19:07+00:00`). `None` for partial dates
/// (`2012`, `2012-01`) and for anything else.
pub(crate) fn civil_date(text: &str) -> Option<jiff::civil::Date> {
    let head = text.trim().get(..10)?;
    head.parse().ok()
}

/// A checked HumanName.
#[derive(Debug, Clone, Default)]
pub(crate) struct HumanName<'a> {
    /// `use` (`official`, `usual`, `old`...).
    pub name_use: Option<&'a str>,
    /// `text`.
    pub text: Option<&'a str>,
    /// `family`.
    pub family: Option<&'a str>,
    /// `given`, blanks left out.
    pub given: Vec<&'a str>,
    /// `prefix`.
    pub prefix: Vec<&'a str>,
    /// `suffix`.
    pub suffix: Vec<&'a str>,
}

/// The uses of a HumanName (required binding `name-use`).
const NAME_USES: [&str; 7] = [
    "usual",
    "official",
    "temp",
    "nickname",
    "anonymous",
    "old",
    "maiden",
];

impl<'a> HumanName<'a> {
    /// Checks a HumanName object.
    pub(crate) fn read(name: &'a Value) -> Checked<Self> {
        Ok(Self {
            name_use: code_in(name, "use", &NAME_USES)?,
            text: string(name, "text")?,
            family: string(name, "family")?,
            given: strings(name, "given")?,
            prefix: strings(name, "prefix")?,
            suffix: strings(name, "suffix")?,
        })
    }

    /// The name on one line: its `text`, else prefix, given names, family and
    /// suffix joined by spaces.
    pub(crate) fn line(&self) -> Option<String> {
        if let Some(t) = self.text {
            return Some(t.to_owned());
        }
        let parts: Vec<&str> = self
            .prefix
            .iter()
            .chain(&self.given)
            .chain(&self.family)
            .chain(&self.suffix)
            .copied()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn concept_text_prefers_text_then_display_then_code() {
        let v = json!({"coding": [{"system": "s", "code": "1", "display": "One"}], "text": "Uno"});
        assert_eq!(Concept::read(&v).unwrap().text(), Some("Uno"));
        let v = json!({"coding": [{"system": "s", "code": "1"}, {"code": "2", "display": "Two"}]});
        assert_eq!(Concept::read(&v).unwrap().text(), Some("Two"));
        let v = json!({"coding": [{"system": "s", "code": "1"}]});
        let c = Concept::read(&v).unwrap();
        assert_eq!(c.text(), Some("1"));
        assert_eq!(c.code_in_system("s"), Some("1"));
        assert_eq!(c.code_in_system("t"), None);
        let v = json!({});
        assert_eq!(Concept::read(&v).unwrap().text(), None);
    }

    #[test]
    fn concepts_with_broken_parts_are_invalid() {
        let v = json!({"code": {"coding": {"code": "1"}}});
        assert_eq!(
            concept(&v, "code").unwrap_err().to_string(),
            "code.coding is an object, not an array"
        );
        let v = json!({"code": {"coding": [{"code": "a"}, {"code": " b"}]}});
        assert_eq!(
            concept(&v, "code").unwrap_err().to_string(),
            "code.coding[1].code \" b\" is not a FHIR code"
        );
        let v = json!({"code": {"text": 7}});
        assert_eq!(
            concept(&v, "code").unwrap_err().to_string(),
            "code.text 7 is not a string"
        );
        let v = json!({"code": "8302-2"});
        assert_eq!(
            concept(&v, "code").unwrap_err().to_string(),
            "code \"8302-2\" is not an object"
        );
    }

    #[test]
    fn quantity_prefers_ucum_code_and_needs_a_number() {
        let v = json!({"q": {"value": 50.5, "unit": "centimeter", "code": "cm"}});
        let q = quantity(&v, "q").unwrap().unwrap();
        assert_eq!((q.value, q.unit), (Some(50.5), Some("cm")));
        let v = json!({"q": {"value": 3, "unit": "mg"}});
        let q = quantity(&v, "q").unwrap().unwrap();
        assert_eq!((q.value, q.unit), (Some(3.0), Some("mg")));
        let v = json!({"valueQuantity": {"value": "52.7", "unit": "kg"}});
        assert_eq!(
            quantity(&v, "valueQuantity").unwrap_err().to_string(),
            "valueQuantity.value \"52.7\" is not a FHIR decimal (a JSON number)"
        );
    }

    #[test]
    fn primitives_are_checked() {
        let v = json!({"b": "true", "i": 2.5, "p": 0, "c": "", "c2": "a  b", "s": ["x"],
            "n": null, "id": "a b", "ok": true, "t": "25:00:00"});
        assert_eq!(
            boolean(&v, "b").unwrap_err().to_string(),
            "b \"true\" is not a FHIR boolean (true or false)"
        );
        assert_eq!(boolean(&v, "ok"), Ok(Some(true)));
        assert_eq!(
            integer(&v, "i").unwrap_err().to_string(),
            "i 2.5 is not a FHIR integer"
        );
        assert_eq!(
            positive_int(&v, "p").unwrap_err().to_string(),
            "p 0 is not a FHIR positiveInt"
        );
        assert!(code(&v, "c").is_err());
        assert!(code(&v, "c2").is_err());
        assert_eq!(code(&json!({"c": "a b"}), "c"), Ok(Some("a b")));
        assert_eq!(
            string(&v, "s").unwrap_err().to_string(),
            "s is an array, not a string"
        );
        assert_eq!(
            string(&v, "n").unwrap_err().to_string(),
            "n is null, not a value"
        );
        assert_eq!(string(&v, "absent"), Ok(None));
        assert!(resource_id(&v).is_err());
        assert!(time_of_day(&v, "t").is_err());
        assert_eq!(
            time_of_day(&json!({"t": "23:59:60.5"}), "t"),
            Ok(Some("23:59:60.5"))
        );
        assert_eq!(
            code_in(
                &json!({"status": "complete"}),
                "status",
                &["completed", "not-done"]
            )
            .unwrap_err()
            .to_string(),
            "status \"complete\" is not one of completed, not-done"
        );
        assert_eq!(
            array(&json!({"a": {"x": 1}}), "a").unwrap_err().to_string(),
            "a is an object, not an array"
        );
    }

    #[test]
    fn date_times_follow_the_fhir_regex_and_the_calendar() {
        use TimeKind::{Date, DateTime, Instant};
        for ok in [
            "2018",
            "2018-06",
            "2018-06-23",
            "2018-06-23T03:19:07+00:00",
            "2018-06-23T03:19:07Z",
            "2018-06-23T03:19:07.123-05:00",
            "2016-12-31T23:59:60Z",
            "2020-02-29",
            "0001-01-01T00:00:00+14:00",
        ] {
            assert!(is_time(ok, DateTime), "{ok}");
        }
        for bad in [
            "not-a-date",
            "",
            "0000",
            "18",
            "2018-6",
            "2018-13",
            "2018-06-31",
            "2019-02-29",
            "2018-06-23T03:19",
            "2018-06-23T03:19:07",
            "2018-06-23T24:00:00Z",
            "2018-06-23T03:19:07.+00:00",
            "2018-06-23T03:19:07+15:00",
            "2018-06-23T03:19:07+14:30",
            "2018-06-23 03:19:07Z",
            "2018-06-23T03:19:07Z ",
            " 2018",
            "June 2018",
        ] {
            assert!(!is_time(bad, DateTime), "{bad:?}");
        }
        assert!(is_time("2018-06-23", Date));
        assert!(!is_time("2018-06-23T03:19:07Z", Date));
        assert!(is_time("2018-06-23T03:19:07Z", Instant));
        assert!(!is_time("2018-06-23", Instant));
        let v = json!({"occurrenceDateTime": "not-a-date"});
        assert_eq!(
            time(&v, "occurrenceDateTime", DateTime)
                .unwrap_err()
                .to_string(),
            "occurrenceDateTime \"not-a-date\" is not a FHIR dateTime"
        );
    }

    #[test]
    fn date_time_choice_reads_every_form() {
        let v = json!({"effectiveDateTime": "2020-01-02"});
        assert_eq!(
            date_time_choice(&v, "effective").unwrap().as_deref(),
            Some("2020-01-02")
        );
        let v = json!({"onsetPeriod": {"start": "2020-01-03"}});
        assert_eq!(
            date_time_choice(&v, "onset").unwrap().as_deref(),
            Some("2020-01-03")
        );
        let v = json!({"occurrenceString": "January 2012"});
        assert_eq!(
            date_time_choice(&v, "occurrence").unwrap().as_deref(),
            Some("January 2012")
        );
        assert_eq!(date_time_choice(&json!({}), "onset"), Ok(None));
        let v = json!({"onsetPeriod": {"start": "yesterday"}});
        assert_eq!(
            date_time_choice(&v, "onset").unwrap_err().to_string(),
            "onsetPeriod.start \"yesterday\" is not a FHIR dateTime"
        );
    }

    #[test]
    fn each_reports_the_item_path() {
        let v = json!({"component": [{"code": {}}, {"code": {"coding": [{"code": 5}]}}]});
        let err = each(&v, "component", |c| concept(c, "code")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "component[1].code.coding[0].code 5 is not a FHIR code"
        );
        let v = json!({"component": ["x"]});
        assert_eq!(
            each(&v, "component", |c| concept(c, "code"))
                .unwrap_err()
                .to_string(),
            "component[0] \"x\" is not an object"
        );
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
