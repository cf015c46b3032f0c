//! The catalog's search and category filter, its order, and how package versions compare.

use super::{Category, PackageSummary};

/// What the catalog's search and category filter let through: the name contains the search
/// (case-insensitively), and the category matches when one is chosen. Shared by the backend's
/// `GET /packages` and the console's table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    search: String,
    category: Option<Category>,
}

impl CatalogFilter {
    /// A filter from the search text and category text (empty: any).
    pub fn new(search: &str, category: &str) -> CatalogFilter {
        let category = category.trim();
        CatalogFilter {
            search: search.trim().to_lowercase(),
            category: (!category.is_empty()).then(|| Category::parse(category)),
        }
    }

    /// Whether `package` is shown.
    pub fn matches(&self, package: &PackageSummary) -> bool {
        (self.search.is_empty() || package.package_name.to_lowercase().contains(&self.search))
            && self
                .category
                .as_ref()
                .is_none_or(|c| &package.category == c)
    }
}

impl CatalogFilter {
    /// The packages of `all` this filter lets through, in the catalog's order.
    pub fn list(&self, all: impl IntoIterator<Item = PackageSummary>) -> Vec<PackageSummary> {
        let mut found: Vec<PackageSummary> = all.into_iter().filter(|p| self.matches(p)).collect();
        found.sort_by(catalog_order);
        found
    }
}

/// The catalog's order: name (case-insensitively), then version (numerically).
pub fn catalog_order(a: &PackageSummary, b: &PackageSummary) -> std::cmp::Ordering {
    a.package_name
        .to_lowercase()
        .cmp(&b.package_name.to_lowercase())
        .then_with(|| compare_versions(&a.package_version, &b.package_version))
}

/// Orders package versions the way people read them: runs of digits compare as numbers
/// (`v1.9.0` < `v1.10.0`), other text compares as text, a leading `v` or `V` before a digit is
/// ignored, and a version that is a prefix of another comes first (`1.2` < `1.2.1`). Versions
/// equal by these rules (`v1.0` and `1.0`, `01` and `1`) fall back to comparing the text, so
/// the order is total and consistent with `==`.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn strip_v(text: &str) -> &str {
        match text.strip_prefix(['v', 'V']) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => text,
        }
    }
    /// The next run of digits or of non-digits.
    fn next_run(text: &str) -> Option<(&str, &str)> {
        let first = text.chars().next()?;
        let digits = first.is_ascii_digit();
        let end = text
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(text.len());
        Some(text.split_at(end))
    }
    fn compare_runs(x: &str, y: &str) -> std::cmp::Ordering {
        let numeric = |run: &str| run.starts_with(|c: char| c.is_ascii_digit());
        if numeric(x) && numeric(y) {
            // As numbers of any length: without leading zeros, longer is larger.
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            x.cmp(y)
        }
    }
    let (mut x, mut y) = (strip_v(a.trim()), strip_v(b.trim()));
    loop {
        match (next_run(x), next_run(y)) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some((run_x, rest_x)), Some((run_y, rest_y))) => {
                let order = compare_runs(run_x, run_y);
                if order != std::cmp::Ordering::Equal {
                    return order;
                }
                (x, y) = (rest_x, rest_y);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn the_catalog_filter_matches_names_and_categories() {
        let package = |name: &str, category: Category| PackageSummary {
            guid: format!("pkg-{name}"),
            package_name: name.into(),
            package_version: "v1".into(),
            description: String::new(),
            category,
            is_public: false,
            creator: String::new(),
            created_at: String::new(),
        };
        let volume = package("io-public-persistent-volume", Category::Storage);
        assert!(CatalogFilter::new(" VOLUME ", "").matches(&volume));
        assert!(CatalogFilter::new("", "storage").matches(&volume));
        assert!(!CatalogFilter::new("", "Default").matches(&volume));
        assert!(!CatalogFilter::new("nav", "").matches(&volume));
        let (a, b) = (
            package("Alpha", Category::Default),
            package("beta", Category::Default),
        );
        assert_eq!(
            catalog_order(&a, &b),
            std::cmp::Ordering::Less,
            "names compare case-insensitively"
        );
    }

    #[test]
    fn versions_compare_numbers_as_numbers() {
        assert_eq!(compare_versions("v1.9.0", "v1.10.0"), Less);
        assert_eq!(compare_versions("v1.10.0", "v1.9.0"), Greater);
        assert_eq!(compare_versions("v2.0.0", "v10.0.0"), Less);
        assert_eq!(
            compare_versions("1.2", "1.2.1"),
            Less,
            "a prefix comes first"
        );
        assert_eq!(
            compare_versions("v1.2.3", "1.2.4"),
            Less,
            "a leading v is ignored"
        );
        assert_eq!(compare_versions("V3", "v2"), Greater);
        assert_eq!(compare_versions("1.0.10-rc2", "1.0.10-rc10"), Less);
        assert_eq!(
            compare_versions("99999999999999999999999.1", "100000000000000000000000.0"),
            Less,
            "numbers longer than u64 still compare as numbers"
        );
        assert_eq!(compare_versions("v1.0", "v1.0"), Equal);
    }

    #[test]
    fn versions_fall_back_to_text() {
        assert_eq!(compare_versions("beta", "alpha"), Greater);
        assert_eq!(compare_versions("", "v1"), Less);
        assert_eq!(compare_versions("version", "v1"), "version".cmp("v1"));
        // Equal as versions, different as text: the text decides, so the order stays total.
        assert_eq!(compare_versions("v1.0", "1.0"), "v1.0".cmp("1.0"));
        assert_eq!(compare_versions("1.01", "1.1"), "1.01".cmp("1.1"));
        let mut versions = vec!["v1.10.0", "v1.9.0", "v1.9.10", "v1.9.2", "v0.1", "nightly"];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            ["v0.1", "v1.9.0", "v1.9.2", "v1.9.10", "v1.10.0", "nightly"]
        );
    }
}
