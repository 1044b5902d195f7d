//! The import report: per file, whether it was imported, what is now stored and
//! what was skipped and why. It serializes (serde) to
//! `{"files": [{"path", "status", "stored", "skipped", "error"}]}` for
//! `sprout import fhir --json`, and prints for people through [`Display`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::{self, Display};

/// What happened to every file of one import run, in the order they were read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// One entry per file.
    pub files: Vec<FileReport>,
}

/// Whether a file's data went in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Its kept resources were written (in one transaction); some may be skipped.
    Imported,
    /// Nothing of it was stored; `error` says why.
    Rejected,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// The file's path as given or found in a folder.
    pub path: String,
    /// Imported or rejected.
    pub status: FileStatus,
    /// Per FHIR resource type (`"Patient"`, `"Immunization"`...): how many of this
    /// file's resources of that type are in the database after the import.
    /// Empty for a rejected file.
    pub stored: BTreeMap<String, u64>,
    /// Resources of the file that were not stored, each with the reason.
    pub skipped: Vec<Skipped>,
    /// Why the file was rejected; `null` when imported.
    pub error: Option<String>,
}

/// One resource that was not stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Its `resourceType` as written (may be empty when it had none).
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    /// Its id (or the entry's `fullUrl`), when it had one.
    pub id: Option<String>,
    /// Why, e.g. "resource type Claim is not kept".
    pub reason: String,
}

impl FileReport {
    /// A rejected file: nothing stored.
    pub fn rejected(path: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            status: FileStatus::Rejected,
            stored: BTreeMap::new(),
            skipped: Vec::new(),
            error: Some(error.into()),
        }
    }

    /// How many of this file's resources of `resource_type` are stored (0 when none).
    pub fn stored_count(&self, resource_type: &str) -> u64 {
        self.stored.get(resource_type).copied().unwrap_or(0)
    }
}

impl ImportReport {
    /// How many files were rejected.
    pub fn rejected_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status == FileStatus::Rejected)
            .count()
    }

    /// The report of the file whose path ends with `suffix`, if any.
    pub fn file(&self, suffix: &str) -> Option<&FileReport> {
        self.files.iter().find(|f| f.path.ends_with(suffix))
    }
}

/// One line per file, then the skipped resources of all files grouped by reason
/// (most frequent first):
///
/// ```text
/// imported  data/a.json  Patient 1, Encounter 25, Immunization 12  (40 skipped)
/// rejected  data/b.json  invalid JSON at line 3, column 7: EOF while parsing an object
///
/// 2 files: 1 imported, 1 rejected
/// skipped:
///     30  resource type Claim is not kept
///     10  Observation category survey is not kept
/// ```
impl Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            match file.status {
                FileStatus::Imported => {
                    write!(f, "imported  {}  ", file.path)?;
                    if file.stored.is_empty() {
                        f.write_str("nothing stored")?;
                    } else {
                        let parts: Vec<String> = file
                            .stored
                            .iter()
                            .map(|(ty, n)| format!("{ty} {n}"))
                            .collect();
                        f.write_str(&parts.join(", "))?;
                    }
                    if !file.skipped.is_empty() {
                        write!(f, "  ({} skipped)", file.skipped.len())?;
                    }
                    writeln!(f)?;
                }
                FileStatus::Rejected => writeln!(
                    f,
                    "rejected  {}  {}",
                    file.path,
                    file.error.as_deref().unwrap_or("rejected")
                )?,
            }
        }
        let rejected = self.rejected_count();
        writeln!(
            f,
            "\n{} file{}: {} imported, {} rejected",
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" },
            self.files.len() - rejected,
            rejected
        )?;
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for s in self.files.iter().flat_map(|f| &f.skipped) {
            *by_reason.entry(s.reason.as_str()).or_default() += 1;
        }
        if !by_reason.is_empty() {
            let mut groups: Vec<(&str, usize)> = by_reason.into_iter().collect();
            groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            writeln!(f, "skipped:")?;
            for (reason, n) in groups {
                writeln!(f, "  {n:>5}  {reason}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_the_documented_shape() {
        let report = ImportReport {
            files: vec![
                FileReport {
                    path: "a.json".into(),
                    status: FileStatus::Imported,
                    stored: BTreeMap::from([
                        ("Patient".to_owned(), 1),
                        ("Immunization".to_owned(), 12),
                    ]),
                    skipped: vec![Skipped {
                        resource_type: "Claim".into(),
                        id: Some("c1".into()),
                        reason: "resource type Claim is not kept".into(),
                    }],
                    error: None,
                },
                FileReport::rejected("b.json", "invalid JSON at line 1, column 2: x"),
            ],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"files": [
                {"path": "a.json", "status": "imported", "stored": {"Immunization": 12, "Patient": 1},
                 "skipped": [{"resourceType": "Claim", "id": "c1", "reason": "resource type Claim is not kept"}],
                 "error": null},
                {"path": "b.json", "status": "rejected", "stored": {}, "skipped": [],
                 "error": "invalid JSON at line 1, column 2: x"}
            ]})
        );
        let back: ImportReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);

        let text = report.to_string();
        assert!(
            text.contains("imported  a.json  Immunization 12, Patient 1  (1 skipped)"),
            "{text}"
        );
        assert!(
            text.contains("rejected  b.json  invalid JSON at line 1, column 2: x"),
            "{text}"
        );
        assert!(text.contains("2 files: 1 imported, 1 rejected"), "{text}");
        assert!(
            text.contains("    1  resource type Claim is not kept"),
            "{text}"
        );
    }
}
