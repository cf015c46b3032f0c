//! Key/value labels of devices and deployments, and the `key:value` selectors that pick them.

use serde::{Deserialize, Serialize};

/// A key/value label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Label {
    /// The key.
    #[serde(default)]
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

impl Label {
    /// Reads a label selector written `key:value` (`site:tokyo`), as dashboards put it in a
    /// widget's URL. Spaces around key and value are ignored; both must be non-empty.
    pub fn from_selector(text: &str) -> Option<Label> {
        let (key, value) = text.split_once(':')?;
        let (key, value) = (key.trim(), value.trim());
        (!key.is_empty() && !value.is_empty()).then(|| Label {
            key: key.to_string(),
            value: value.to_string(),
        })
    }

    /// The selector form, `key:value`.
    pub fn selector(&self) -> String {
        format!("{}:{}", self.key, self.value)
    }

    /// Whether `labels` carry this exact key and value.
    pub fn is_in(&self, labels: &[Label]) -> bool {
        labels.iter().any(|l| l == self)
    }
}

#[cfg(test)]
mod tests {
    use super::Label;

    #[test]
    fn selectors_are_key_colon_value() {
        let tokyo = Label::from_selector(" site : tokyo ").expect("a selector");
        assert_eq!(
            (tokyo.key.as_str(), tokyo.value.as_str()),
            ("site", "tokyo")
        );
        assert_eq!(tokyo.selector(), "site:tokyo");
        // The value may itself hold a colon (the first one separates).
        assert_eq!(
            Label::from_selector("url:http://x").map(|l| l.value),
            Some("http://x".into())
        );
        for bad in ["", "site", "site:", ":tokyo", " : "] {
            assert_eq!(Label::from_selector(bad), None, "{bad}");
        }
    }

    #[test]
    fn matching_is_exact() {
        let tokyo = Label::from_selector("site:tokyo").expect("a selector");
        let labels = |pairs: &[(&str, &str)]| -> Vec<Label> {
            pairs
                .iter()
                .map(|(k, v)| Label {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect()
        };
        assert!(tokyo.is_in(&labels(&[("env", "dev"), ("site", "tokyo")])));
        assert!(!tokyo.is_in(&labels(&[("site", "Tokyo")])));
        assert!(!tokyo.is_in(&labels(&[("site", "tokyo-2")])));
        assert!(!tokyo.is_in(&[]));
    }
}
