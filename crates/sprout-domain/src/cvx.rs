//! CVX vaccine codes (CDC "Vaccines Administered" code set, download of 2025-12),
//! compiled in from `cvx_table.rs`, which `tools/gen_cvx.py` generates.

#[rustfmt::skip]
mod table {
    include!("cvx_table.rs");
}

/// One CVX code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CvxCode {
    /// The code without leading zeros (`"8"`, `"110"`).
    pub code: &'static str,
    /// CDC's short description ("Hep B, adolescent or pediatric").
    pub short_description: &'static str,
    /// CDC's full vaccine name.
    pub full_name: &'static str,
    /// `Active`, `Inactive`, `Never Active`, `Non-US`.
    pub status: &'static str,
}

/// Looks up a CVX code as written in a record (`"08"`, `"8"`, `" 08 "`).
/// Returns `None` for codes not in CDC's list.
pub fn lookup(code: &str) -> Option<CvxCode> {
    let trimmed = code.trim().trim_start_matches('0');
    let key = if trimmed.is_empty() { "0" } else { trimmed };
    table::CVX
        .binary_search_by(|(c, ..)| (c.len(), *c).cmp(&(key.len(), key)))
        .ok()
        .map(|i| {
            let (code, short_description, full_name, status) = table::CVX[i];
            CvxCode {
                code,
                short_description,
                full_name,
                status,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_with_leading_zeros() {
        assert_eq!(
            lookup("08").unwrap().short_description,
            "Hep B, adolescent or pediatric"
        );
        assert_eq!(lookup("8").unwrap().code, "8");
        assert!(lookup("03").unwrap().short_description.contains("MMR"));
        assert!(lookup("99999").is_none());
        assert!(lookup("abc").is_none());
    }

    #[test]
    fn table_is_sorted_for_binary_search() {
        let keys: Vec<_> = table::CVX.iter().map(|(c, ..)| (c.len(), *c)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
