//! The single-field checks: names, label keys and values, parameter values and mount paths,
//! each answering with what is wrong, and the character rules they share.

/// Longest deployment name.
pub const NAME_MAX: usize = 64;
/// Shortest deployment name.
pub const NAME_MIN: usize = 3;
/// Longest label key.
pub const LABEL_KEY_MAX: usize = 63;
/// Longest label value.
pub const LABEL_VALUE_MAX: usize = 253;
/// Longest parameter value (an environment variable of the component, kept in every answer
/// that carries the deployment).
pub const PARAMETER_VALUE_MAX: usize = 4096;

/// Whether `c` cannot be seen or changes how the text around it is shown: control characters,
/// whitespace other than the plain space, zero-width characters and joiners, bidirectional
/// controls (which can make text read differently from what it holds), variation selectors,
/// tags and the byte order mark.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// A character as a message names it: in quotes, or by its code point when quoting it would
/// show nothing (an invisible character) or attach it to the quote (a combining mark).
fn describe(c: char) -> String {
    if is_invisible(c) {
        format!("The invisible character U+{:04X}", u32::from(c))
    } else if matches!(c, '\u{0300}'..='\u{036F}' | '\u{20D0}'..='\u{20FF}') {
        format!("The combining mark U+{:04X}", u32::from(c))
    } else {
        format!("\"{c}\"")
    }
}

/// What is wrong with a deployment name (checked after trimming), if anything.
pub fn name_error(name: &str) -> Option<String> {
    let name = name.trim();
    let length = name.chars().count();
    if name.is_empty() {
        return Some("Enter a name for the deployment.".into());
    }
    if length < NAME_MIN {
        return Some(format!(
            "Use at least {NAME_MIN} characters (this has {length})."
        ));
    }
    if length > NAME_MAX {
        return Some(format!(
            "Use at most {NAME_MAX} characters (this has {length})."
        ));
    }
    // The character first, so "é" or "<" is named rather than "start with a letter".
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
    {
        return Some(format!(
            "{} is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .",
            describe(bad)
        ));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Some("Start the name with a letter or a digit.".into());
    }
    None
}

/// What is wrong with a label key, if anything.
pub fn label_key_error(key: &str) -> Option<String> {
    let length = key.chars().count();
    if key.is_empty() {
        return Some("Enter a key.".into());
    }
    if length > LABEL_KEY_MAX {
        return Some(format!(
            "Use at most {LABEL_KEY_MAX} characters (this has {length})."
        ));
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Some(format!(
            "{} is not allowed in a key: use A–Z, a–z, 0–9, _, . and -.",
            describe(bad)
        ));
    }
    let edges_ok = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && key
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !edges_ok {
        return Some("Start and end the key with a letter or a digit.".into());
    }
    None
}

/// What is wrong with a label value, if anything.
pub fn label_value_error(value: &str) -> Option<String> {
    let length = value.chars().count();
    if value.trim().is_empty() {
        return Some("Enter a value.".into());
    }
    if length > LABEL_VALUE_MAX {
        return Some(format!(
            "Use at most {LABEL_VALUE_MAX} characters (this has {length})."
        ));
    }
    // Label values are shown and matched (`site:tokyo`) as typed: nothing hidden in them.
    if let Some(bad) = value.chars().find(|&c| c != ' ' && is_invisible(c)) {
        return Some(format!("{} is not allowed in a value.", describe(bad)));
    }
    None
}

/// What is wrong with the value of the parameter `name`, if anything.
pub fn parameter_value_error(name: &str, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some(format!("Enter a value for {name}."));
    }
    let length = value.chars().count();
    if length > PARAMETER_VALUE_MAX {
        return Some(format!(
            "Use at most {PARAMETER_VALUE_MAX} characters (this has {length})."
        ));
    }
    // A component gets its parameters as environment variables, which end at a NUL.
    if value.contains('\0') {
        return Some("The NUL character (U+0000) cannot be passed to a component.".into());
    }
    None
}

/// What is wrong with a volume mount path, if anything.
pub fn mount_path_error(path: &str) -> Option<String> {
    if path.trim().is_empty() {
        return Some("Enter the path to mount the volume at.".into());
    }
    if !path.starts_with('/') {
        return Some("Use an absolute path, starting with /.".into());
    }
    if path
        .split('/')
        .all(|segment| segment.is_empty() || segment == ".")
    {
        return Some("Mounting over / is not allowed; choose a directory such as /data.".into());
    }
    if let Some(bad) = path.chars().find(|&c| c != ' ' && is_invisible(c)) {
        return Some(format!("{} is not allowed in a path.", describe(bad)));
    }
    if path.contains(' ') {
        return Some("Paths cannot contain spaces.".into());
    }
    if path.split('/').any(|segment| segment == "..") {
        return Some("Paths cannot contain \"..\".".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_named_by_code_point() {
        assert_eq!(
            name_error("nav\u{200B}bot").as_deref(),
            Some(
                "The invisible character U+200B is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and ."
            )
        );
        assert_eq!(
            name_error("\u{202E}nav").as_deref(),
            Some(
                "The invisible character U+202E is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and ."
            )
        );
        assert_eq!(
            name_error("nave\u{0301}").as_deref(),
            Some("The combining mark U+0301 is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .")
        );
        assert_eq!(
            name_error("<script>").as_deref(),
            Some("\"<\" is not allowed: use A–Z, a–z, 0–9, spaces, -, _ and .")
        );
        assert_eq!(
            name_error("-nav").as_deref(),
            Some("Start the name with a letter or a digit.")
        );
        assert_eq!(
            label_key_error("si\u{FEFF}te").as_deref(),
            Some(
                "The invisible character U+FEFF is not allowed in a key: use A–Z, a–z, 0–9, _, . and -."
            )
        );
    }

    #[test]
    fn label_values_hold_nothing_hidden() {
        assert_eq!(label_value_error("tokyo osaka"), None);
        assert_eq!(label_value_error("東京 <b>"), None);
        for hidden in ["a\nb", "a\tb", "a\u{200D}b", "a\u{2066}b", "a\u{0}b"] {
            assert!(
                label_value_error(hidden)
                    .is_some_and(|m| m.ends_with("is not allowed in a value.")),
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn parameter_values_have_a_length_and_no_nul() {
        assert_eq!(parameter_value_error("RATE", "10"), None);
        assert_eq!(parameter_value_error("CERT", "line 1\nline 2"), None);
        assert_eq!(
            parameter_value_error("RATE", " ").as_deref(),
            Some("Enter a value for RATE.")
        );
        let long = "9".repeat(PARAMETER_VALUE_MAX + 1);
        assert_eq!(
            parameter_value_error("RATE", &long).as_deref(),
            Some("Use at most 4096 characters (this has 4097).")
        );
        assert!(parameter_value_error("RATE", &long[1..]).is_none());
        assert!(parameter_value_error("RATE", "1\u{0}").is_some());
    }

    #[test]
    fn mount_paths_hold_nothing_hidden() {
        assert_eq!(
            mount_path_error("/data\u{200B}").as_deref(),
            Some("The invisible character U+200B is not allowed in a path.")
        );
        assert_eq!(
            mount_path_error("/my data").as_deref(),
            Some("Paths cannot contain spaces.")
        );
        assert_eq!(mount_path_error("/data/<x>"), None);
    }
}
