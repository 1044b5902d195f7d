//! FHIR references and where they point.
//!
//! A reference (`Reference.reference`) may be written as a Bundle entry's
//! `fullUrl` (`urn:uuid:X`, `http://server/fhir/Patient/X`), as a relative
//! `Patient/X`, as an absolute URL ending in `Patient/X` (with or without
//! `/_history/N`), or as `#x` for a contained resource. [`FileIndex`] finds the
//! entry a reference names inside one file; [`parse_reference`] says what a
//! reference names when it is not in the file.

use crate::json::{Concept, HumanName, Ref};
use serde_json::Value;
use std::collections::HashMap;

/// One resource of a file, with the `fullUrl` its Bundle entry gave it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    /// Position in `Bundle.entry` (0 for a single-resource file).
    pub index: usize,
    /// Whether it is a Bundle entry (else the file's one resource).
    pub in_bundle: bool,
    /// `Bundle.entry.fullUrl`, if any.
    pub full_url: Option<&'a str>,
    /// The resource (an object with a known `resourceType`).
    pub resource: &'a Value,
    /// Its `resourceType`.
    pub resource_type: &'a str,
}

impl<'a> Entry<'a> {
    /// The resource's identity at its source: `id`, else the id part of its
    /// `fullUrl` (`urn:uuid:X` -> `X`, `.../Patient/X` -> `X`), else the whole
    /// `fullUrl`.
    pub fn source_id(&self) -> Option<&'a str> {
        if let Some(id) = text_at(self.resource, "id") {
            return Some(id);
        }
        let full_url = self.full_url?.trim();
        if full_url.is_empty() {
            return None;
        }
        match parse_reference(full_url) {
            Target::Outside { id, .. } => Some(id),
            _ => Some(full_url),
        }
    }
}

/// What a reference names, read from its text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// A resource: its type when the reference says it (`Patient/X`, an URL
    /// ending in `Patient/X`; none for `urn:uuid:X`), and its id.
    Outside {
        /// `Patient`, `Practitioner`... when written.
        resource_type: Option<&'a str>,
        /// The id.
        id: &'a str,
    },
    /// A contained resource (`#x`).
    Contained,
    /// Empty or unreadable.
    Unreadable,
}

/// Reads a reference's text: `Type/id`, `http://.../Type/id[/_history/v]`,
/// `urn:uuid:X`, `urn:oid:X`, `#x`.
pub(crate) fn parse_reference(reference: &str) -> Target<'_> {
    let r = reference.trim();
    if r.is_empty() {
        return Target::Unreadable;
    }
    if r.starts_with('#') {
        return Target::Contained;
    }
    for prefix in ["urn:uuid:", "urn:oid:"] {
        if let Some(id) = r.strip_prefix(prefix) {
            return if id.is_empty() {
                Target::Unreadable
            } else {
                Target::Outside {
                    resource_type: None,
                    id,
                }
            };
        }
    }
    let r = r.split(['?', '#']).next().unwrap_or(r);
    let mut parts: Vec<&str> = r.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() >= 4 && parts[parts.len() - 2] == "_history" {
        parts.truncate(parts.len() - 2);
    }
    match parts.as_slice() {
        [.., ty, id] if ty.starts_with(|c: char| c.is_ascii_uppercase()) => Target::Outside {
            resource_type: Some(ty),
            id,
        },
        [id] => Target::Outside {
            resource_type: None,
            id,
        },
        _ => Target::Unreadable,
    }
}

/// The resources of one file, indexed by `fullUrl` and by `Type/id`.
#[derive(Debug, Default)]
pub(crate) struct FileIndex<'a> {
    /// Every resource, in file order.
    pub entries: Vec<Entry<'a>>,
    by_full_url: HashMap<&'a str, usize>,
    by_type_id: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> FileIndex<'a> {
    /// Indexes `entries` (positions in the vector are what lookups return).
    pub fn new(entries: Vec<Entry<'a>>) -> Self {
        let mut by_full_url = HashMap::with_capacity(entries.len());
        let mut by_type_id = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            if let Some(u) = e.full_url.map(str::trim).filter(|u| !u.is_empty()) {
                by_full_url.entry(u).or_insert(i);
            }
            if let Some(id) = e.source_id() {
                by_type_id.entry((e.resource_type, id)).or_insert(i);
            }
        }
        Self {
            entries,
            by_full_url,
            by_type_id,
        }
    }

    /// The entry a reference text names, if it is in this file: by `fullUrl`
    /// first, then by `Type/id` (relative or at the end of an absolute URL).
    pub fn find(&self, reference: &str) -> Option<&Entry<'a>> {
        let r = reference.trim();
        if let Some(&i) = self.by_full_url.get(r) {
            return Some(&self.entries[i]);
        }
        match parse_reference(r) {
            Target::Outside {
                resource_type: Some(ty),
                id,
            } => self.by_type_id.get(&(ty, id)).map(|&i| &self.entries[i]),
            _ => None,
        }
    }
}

/// `value[key]` as a non-blank string, trimmed; anything else reads as absent.
/// For identities and for names of resources Sprout does not keep, which are
/// read as best they can be and never rejected.
fn text_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The name a person reads for a resource Sprout does not keep (Practitioner,
/// Organization, Location, Medication...): `name` as text (Organization,
/// Location), or the first HumanName put together ("Dr. Barry Nicolas"), or a
/// CodeableConcept `code` (Medication). Best effort: parts that do not have
/// the expected form are passed over, since these resources are not kept and
/// their types give `name` and `code` different shapes.
pub(crate) fn resource_name(resource: &Value) -> Option<String> {
    match resource.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_owned()),
        Some(Value::Array(names)) => {
            let line = names
                .iter()
                .filter_map(|n| HumanName::read(n).ok())
                .find_map(|n| n.line());
            if line.is_some() {
                return line;
            }
        }
        _ => {}
    }
    let code = resource.get("code").filter(|c| c.is_object())?;
    Concept::read(code).ok()?.text().map(str::to_owned)
}

/// The text to show for a reference to something Sprout does not keep: its
/// `display`, else the name of the resource it names when that is in the file.
pub(crate) fn display_of(reference: &Ref<'_>, index: &FileIndex<'_>) -> Option<String> {
    if let Some(d) = reference.display {
        return Some(d.to_owned());
    }
    index
        .find(reference.reference?)
        .and_then(|e| resource_name(e.resource))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_reference_form() {
        let out = |ty, id| Target::Outside {
            resource_type: ty,
            id,
        };
        assert_eq!(parse_reference("Patient/123"), out(Some("Patient"), "123"));
        assert_eq!(
            parse_reference("http://example.org/fhir/Patient/123"),
            out(Some("Patient"), "123")
        );
        assert_eq!(
            parse_reference("https://x.org/fhir/Patient/123/_history/2"),
            out(Some("Patient"), "123")
        );
        assert_eq!(parse_reference("urn:uuid:abc-1"), out(None, "abc-1"));
        assert_eq!(parse_reference("#med1"), Target::Contained);
        assert_eq!(parse_reference(" "), Target::Unreadable);
        assert_eq!(parse_reference("urn:uuid:"), Target::Unreadable);
    }

    #[test]
    fn finds_entries_by_full_url_relative_and_absolute() {
        let p = json!({"resourceType": "Patient", "id": "p1"});
        let dr = json!({"resourceType": "Practitioner", "name": [{"prefix": ["Dr."], "given": ["Barry"], "family": "Nicolas"}]});
        let org = json!({"resourceType": "Organization", "id": "o1", "name": "Brockton Hospital"});
        let index = FileIndex::new(vec![
            Entry {
                index: 0,
                in_bundle: true,
                full_url: Some("http://ehr.example/fhir/Patient/p1"),
                resource: &p,
                resource_type: "Patient",
            },
            Entry {
                index: 1,
                in_bundle: true,
                full_url: Some("urn:uuid:22d5"),
                resource: &dr,
                resource_type: "Practitioner",
            },
            Entry {
                index: 2,
                in_bundle: true,
                full_url: None,
                resource: &org,
                resource_type: "Organization",
            },
        ]);
        assert_eq!(index.find("Patient/p1").unwrap().index, 0);
        assert_eq!(
            index
                .find("http://ehr.example/fhir/Patient/p1")
                .unwrap()
                .index,
            0
        );
        assert_eq!(
            index
                .find("https://elsewhere.example/Patient/p1")
                .unwrap()
                .index,
            0
        );
        assert_eq!(index.find("urn:uuid:22d5").unwrap().index, 1);
        assert_eq!(
            index.find("Practitioner/22d5").unwrap().index,
            1,
            "id taken from the fullUrl"
        );
        assert_eq!(index.find("Organization/o1").unwrap().index, 2);
        assert!(index.find("Patient/p2").is_none());

        let display = |r: Value| {
            let r = crate::json::read_reference(&r).unwrap();
            display_of(&r, &index)
        };
        assert_eq!(
            display(json!({"reference": "urn:uuid:22d5"})).as_deref(),
            Some("Dr. Barry Nicolas")
        );
        assert_eq!(
            display(json!({"reference": "Organization/o1"})).as_deref(),
            Some("Brockton Hospital")
        );
        assert_eq!(
            display(json!({"reference": "urn:uuid:22d5", "display": "Dr. B"})).as_deref(),
            Some("Dr. B")
        );
        assert_eq!(display(json!({"reference": "Practitioner/none"})), None);
    }
}
