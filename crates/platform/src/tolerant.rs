//! `tolerant_enum!`: an enum of the platform's known words plus `Unknown(String)` for anything
//! else, parsed case-insensitively (spaces, `_` and `-` runs compare equal) and written back in
//! the platform's canonical spelling. Unknown text is kept as received.

/// Compares two words the way the platform's strings must be compared: case-insensitively, with
/// any run of spaces, `_` or `-` treated as one space.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.trim().chars() {
        if c.is_whitespace() || c == '_' || c == '-' {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

macro_rules! tolerant_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $canonical:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept as received.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// Parses case-insensitively; anything unrecognised becomes `Unknown(text)`.
            pub fn parse(text: &str) -> Self {
                let key = $crate::tolerant::normalize(text);
                $(
                    if key == $crate::tolerant::normalize($canonical)
                        $(|| key == $crate::tolerant::normalize($alias))*
                    {
                        return $name::$variant;
                    }
                )+
                $name::Unknown(text.to_string())
            }

            /// The platform's spelling (the raw text for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $canonical, )+
                    $name::Unknown(raw) => raw,
                }
            }

            /// True for values this version does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::parse(&text))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalize_ignores_case_and_separators() {
        assert_eq!(normalize("Failed To Update"), "failed to update");
        assert_eq!(normalize("  failed_to-update "), "failed to update");
        assert_eq!(normalize("ONLINE"), "online");
        assert_eq!(normalize(""), "");
    }
}
