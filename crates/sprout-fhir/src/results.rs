//! FHIR R4 results, notes and documents -> Sprout's record model (issue 7):
//! laboratory details of Observations (reference range, interpretation,
//! issue time), DiagnosticReports and DocumentReferences.
//!
//! Same contract as [`crate::map`]: every element read is checked against FHIR
//! R4; a resource that breaks it rejects its file ([`NotMapped::Invalid`]).

use crate::json::{
    code, code_in, concept, concepts, date_time_choice, each, object, quantity, read_reference,
    reference, required, string, time, Checked, Concept, Invalid, TimeKind,
};
use crate::map::{NotMapped, LOINC_SYSTEM};
use crate::reference::{display_of, FileIndex};
use base64::Engine as _;
use serde_json::Value;
use sprout_domain::record::ItemMeta;
use sprout_domain::results::{
    typical_range, Attachment, DiagnosticReport, DocumentKind, DocumentReference, ReferenceRange,
};

/// `DiagnosticReport.status` (required binding `diagnostic-report-status`).
pub const DIAGNOSTIC_REPORT_STATUSES: [&str; 10] = [
    "registered",
    "partial",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "appended",
    "cancelled",
    "entered-in-error",
    "unknown",
];

/// `DocumentReference.status` (required binding `document-reference-status`).
pub const DOCUMENT_REFERENCE_STATUSES: [&str; 3] = ["current", "superseded", "entered-in-error"];

/// Largest attachment kept, in bytes of decoded data (larger files are listed
/// without their content).
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// The laboratory details of an Observation: its reference range (the first
/// `referenceRange` with a limit or a text; else Sprout's typical range for a
/// laboratory result of that LOINC code and unit), its interpretation (the
/// first coded `interpretation`) and `issued`.
///
/// # Errors
/// [`Invalid`] when an element read breaks FHIR (a `low.value` that is not a
/// number, an `issued` that is not an instant...).
pub(crate) fn lab_details(
    resource: &Value,
    laboratory: bool,
    loinc: Option<&str>,
    unit: Option<&str>,
) -> Checked<(Option<ReferenceRange>, Option<String>, Option<String>)> {
    let ranges = each(resource, "referenceRange", |r| {
        let low = quantity(r, "low")?;
        let high = quantity(r, "high")?;
        let text = string(r, "text")?;
        Ok(ReferenceRange {
            low: low.and_then(|q| q.value),
            high: high.and_then(|q| q.value),
            unit: low.or(high).and_then(|q| q.unit).map(str::to_owned),
            text: text.map(str::to_owned),
            typical: false,
        })
    })?;
    let interpretation = concepts(resource, "interpretation")?
        .iter()
        .find_map(Concept::first_code)
        .map(str::to_owned);
    let issued = time(resource, "issued", TimeKind::Instant)?.map(str::to_owned);
    let range = ranges
        .into_iter()
        .find(|r| r.low.is_some() || r.high.is_some() || r.text.is_some())
        .or_else(|| {
            // Only ranges meant for every age: the patient's age at the
            // result is not known here. Pages add an age-fitting typical
            // range ([`sprout_domain::results::range_for_result`]).
            laboratory
                .then(|| loinc.and_then(|c| typical_range(c, unit, None)))
                .flatten()
        });
    Ok((range, interpretation, issued))
}

/// A DiagnosticReport.
///
/// Category: the first category code (HL7 v2 table 0074: `LAB`, `RAD`...).
/// Text: the `text/plain` `presentedForm`, decoded. Results: the source ids of
/// the Observations in `result`, in order.
///
/// # Errors
/// [`NotMapped::Invalid`] when `status` or `code` is missing (FHIR requires
/// both) or an element read breaks FHIR.
pub(crate) fn diagnostic_report(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<DiagnosticReport, NotMapped> {
    let status = required(
        code_in(resource, "status", &DIAGNOSTIC_REPORT_STATUSES)?,
        "status",
    )?
    .to_owned();
    let code = required(concept(resource, "code")?, "code")?;
    let display = code
        .text()
        .ok_or_else(|| Invalid::new("code", "has no text and no coding with a code or display"))?;
    let category = concepts(resource, "category")?
        .iter()
        .find_map(Concept::first_code)
        .map(str::to_owned);
    let effective = date_time_choice(resource, "effective")?;
    let issued = time(resource, "issued", TimeKind::Instant)?.map(str::to_owned);
    let performers = each(resource, "performer", read_reference)?;
    let results = each(resource, "result", read_reference)?;
    let conclusion = string(resource, "conclusion")?.map(str::to_owned);
    let forms = each(resource, "presentedForm", attachment)?;
    let encounter = reference(resource, "encounter")?;
    Ok(DiagnosticReport {
        meta,
        status,
        category,
        loinc: code.code_in_system(LOINC_SYSTEM).map(str::to_owned),
        display: display.to_owned(),
        effective,
        issued,
        conclusion,
        text: forms.iter().find_map(|f| f.text.clone()),
        result_source_ids: results
            .iter()
            .filter_map(|r| referenced_id(r, index))
            .collect(),
        performer: performers.iter().find_map(|r| display_of(r, index)),
        encounter_source_id: encounter.and_then(|r| referenced_id(&r, index)),
    })
}

/// A DocumentReference.
///
/// Kind: by its type's LOINC codes and its categories
/// ([`DocumentKind::of_codes`]). Text: the first `text/plain` attachment,
/// decoded. File: the first `application/pdf` attachment with data (at most
/// [`MAX_ATTACHMENT_BYTES`]). Other content (HTML, images, URLs) is not kept:
/// Sprout never serves a document's markup from its own origin.
///
/// # Errors
/// [`NotMapped::Invalid`] when `status` or `content` is missing (FHIR requires
/// both), an attachment's data is not base64, or an element read breaks FHIR.
pub(crate) fn document_reference(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<DocumentReference, NotMapped> {
    let status = required(
        code_in(resource, "status", &DOCUMENT_REFERENCE_STATUSES)?,
        "status",
    )?
    .to_owned();
    let doc_type = concept(resource, "type")?;
    let categories = concepts(resource, "category")?;
    let date = time(resource, "date", TimeKind::Instant)?.map(str::to_owned);
    let description = string(resource, "description")?.map(str::to_owned);
    let authors = each(resource, "author", read_reference)?;
    let content = each(resource, "content", |c| {
        let a = required(object(c, "attachment")?, "attachment")?;
        attachment(a).map_err(|e| e.under("attachment"))
    })?;
    if content.is_empty() {
        return Err(Invalid::missing("content").into());
    }
    let encounters = match object(resource, "context")? {
        None => Vec::new(),
        Some(ctx) => each(ctx, "encounter", read_reference).map_err(|e| e.under("context"))?,
    };
    let type_codes: Vec<&str> = doc_type
        .iter()
        .flat_map(|c| c.codes().map(|(_, code)| code).collect::<Vec<_>>())
        .collect();
    let category_codes: Vec<&str> = categories
        .iter()
        .flat_map(|c| c.codes().map(|(_, code)| code).collect::<Vec<_>>())
        .collect();
    let kind = DocumentKind::of_codes(&type_codes, &category_codes);
    let type_text = doc_type
        .and_then(|c| c.text())
        .or_else(|| categories.iter().find_map(Concept::text))
        .or_else(|| content.iter().find_map(|a| a.title.as_deref()))
        .unwrap_or(match kind {
            DocumentKind::VisitSummary => "Visit summary",
            DocumentKind::ClinicalNote => "Clinical note",
            DocumentKind::Document => "Document",
        })
        .to_owned();
    let pdf = content
        .iter()
        .find(|a| a.content_type.as_deref() == Some("application/pdf") && a.data.is_some());
    Ok(DocumentReference {
        meta,
        status,
        kind,
        type_code: doc_type
            .and_then(|c| c.code_in_system(LOINC_SYSTEM))
            .map(str::to_owned),
        type_text,
        date,
        description,
        author: authors.iter().find_map(|r| display_of(r, index)),
        encounter_source_id: encounters.iter().find_map(|r| referenced_id(r, index)),
        text: content.iter().find_map(|a| a.text.clone()),
        attachment: pdf.map(|a| Attachment {
            content_type: "application/pdf".to_owned(),
            title: a.title.clone(),
            size: a.size,
            data: a.data.clone(),
        }),
    })
}

/// A checked Attachment, with its text decoded (`text/plain`) or its data
/// kept as base64 (other types, up to [`MAX_ATTACHMENT_BYTES`]).
struct ReadAttachment {
    content_type: Option<String>,
    title: Option<String>,
    size: Option<u64>,
    text: Option<String>,
    data: Option<String>,
}

fn attachment(a: &Value) -> Checked<ReadAttachment> {
    let content_type = code(a, "contentType")?.map(str::to_owned);
    let title = string(a, "title")?.map(str::to_owned);
    string(a, "url")?;
    let data = match string(a, "data")? {
        None => None,
        Some(d) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(d.trim())
                .map_err(|_| Invalid::new("data", "is not base64"))?;
            Some(bytes)
        }
    };
    // `text/plain; charset=utf-8` counts as text/plain.
    let base_type = content_type.as_deref().map(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let mut out = ReadAttachment {
        content_type: base_type.clone(),
        title,
        size: data.as_ref().map(|d| d.len() as u64),
        text: None,
        data: None,
    };
    if let Some(bytes) = data {
        if base_type.as_deref() == Some("text/plain") {
            out.text = Some(String::from_utf8_lossy(&bytes).into_owned());
        } else if bytes.len() <= MAX_ATTACHMENT_BYTES {
            out.data = Some(base64::engine::general_purpose::STANDARD.encode(&bytes));
        }
    }
    Ok(out)
}

/// The source id a reference names: the referenced entry's id when it is in
/// the file, else the id written in the reference.
fn referenced_id(reference: &crate::json::Ref<'_>, index: &FileIndex<'_>) -> Option<String> {
    let text = reference.reference?;
    if let Some(e) = index.find(text) {
        return e.source_id().map(str::to_owned);
    }
    match crate::reference::parse_reference(text) {
        crate::reference::Target::Outside { id, .. } => Some(id.to_owned()),
        _ => None,
    }
}
