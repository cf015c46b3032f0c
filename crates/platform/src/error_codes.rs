//! The platform's deployment error codes, each with its meaning and recommended action. The
//! table is `data/error-codes.tsv`, embedded at build time.

const TABLE: &str = include_str!("../data/error-codes.tsv");

/// One entry of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// The code as listed (`DEP_E151`, or a range such as `DEP_E2xx`).
    pub code: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// What to do about it.
    pub action: &'static str,
}

/// What a looked-up code resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The code is in the table.
    Exact(ErrorCodeInfo),
    /// The code is not listed but falls in a listed range (`DEP_E2xx`, …).
    Range(ErrorCodeInfo),
    /// Nothing is known about the code.
    Unknown,
}

impl Lookup {
    /// The entry that explains the code, if any.
    pub fn info(&self) -> Option<ErrorCodeInfo> {
        match self {
            Lookup::Exact(info) | Lookup::Range(info) => Some(*info),
            Lookup::Unknown => None,
        }
    }

    /// The meaning, or a plain sentence for an unknown code.
    pub fn meaning(&self) -> &'static str {
        self.info()
            .map_or("This error code is not documented.", |info| info.meaning)
    }

    /// The recommended action, or a plain sentence for an unknown code.
    pub fn action(&self) -> &'static str {
        self.info().map_or(
            "Contact support with the deployment ID and this code.",
            |info| info.action,
        )
    }
}

/// Every entry, in table order (specific codes first, then the ranges).
pub fn all() -> impl Iterator<Item = ErrorCodeInfo> {
    TABLE.lines().skip(1).filter_map(|line| {
        let mut parts = line.split('\t');
        let code = parts.next()?.trim();
        let meaning = parts.next()?.trim();
        let action = parts.next()?.trim();
        (!code.is_empty()).then_some(ErrorCodeInfo {
            code,
            meaning,
            action,
        })
    })
}

/// Looks up `code` (case-insensitive, surrounding spaces ignored), falling back to its range.
pub fn lookup(code: &str) -> Lookup {
    let code = code.trim().to_ascii_uppercase();
    if let Some(info) = all().find(|info| info.code == code) {
        return Lookup::Exact(info);
    }
    let range = code
        .strip_prefix("DEP_E")
        .filter(|digits| digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()))
        .map(|digits| format!("DEP_E{}xx", &digits[..1]));
    match range.and_then(|range| all().find(|info| info.code == range)) {
        Some(info) => Lookup::Range(info),
        None => Lookup::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        let codes: Vec<_> = all().map(|info| info.code).collect();
        assert_eq!(codes.len(), 20);
        assert!(codes.contains(&"DEP_E151") && codes.contains(&"DEP_E317"));
        assert!(all().all(|info| !info.meaning.is_empty() && !info.action.is_empty()));
    }

    #[test]
    fn known_codes_resolve_exactly() {
        let found = lookup(" dep_e151 ");
        assert!(matches!(found, Lookup::Exact(info) if info.code == "DEP_E151"));
        assert_eq!(
            found.meaning(),
            "The device is offline or cannot be reached."
        );
    }

    #[test]
    fn unlisted_codes_fall_back_to_their_range() {
        assert!(matches!(lookup("DEP_E201"), Lookup::Range(info) if info.code == "DEP_E2xx"));
        assert!(matches!(lookup("DEP_E399"), Lookup::Range(info) if info.code == "DEP_E3xx"));
        assert!(matches!(lookup("DEP_E404"), Lookup::Range(info) if info.code == "DEP_E4xx"));
        assert_eq!(lookup("DEP_E318").info().map(|i| i.code), Some("DEP_E3xx"));
    }

    #[test]
    fn anything_else_is_plainly_unknown() {
        for code in ["DEP_E999", "DEP_E1", "E151", "", "DEP_E15a", "DEP_E100"] {
            assert_eq!(lookup(code), Lookup::Unknown, "{code}");
        }
        assert_eq!(
            lookup("nope").meaning(),
            "This error code is not documented."
        );
    }
}
