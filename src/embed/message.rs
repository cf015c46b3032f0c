//! The postMessage contract (`docs/embed.md`) as plain data: what the parent may send, checked for
//! shape; what the console sends; and which origins may talk to it. Pure, tested natively.

use serde_json::{Value, json};

/// Longest token accepted from the parent (a bearer token, not a document).
pub const MAX_TOKEN_LEN: usize = 4096;
/// Longest path the parent may ask for.
pub const MAX_PATH_LEN: usize = 2048;

/// The colour theme a parent can pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
}

impl Theme {
    /// The `data-theme` value on `<html>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A message from the parent page that passed the shape check.
#[derive(Clone, PartialEq, Eq)]
pub enum ParentMessage {
    /// `rio:auth`: credentials for the backend.
    Auth {
        /// The bearer token.
        token: String,
        /// The `project` header, if given.
        project: Option<String>,
    },
    /// `rio:theme`.
    Theme(Theme),
    /// `rio:navigate`: show another route inside the frame.
    Navigate(String),
}

// Hand-written so a token can never reach a log through `{:?}`.
impl std::fmt::Debug for ParentMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParentMessage::Auth { .. } => f.write_str("Auth { .. }"),
            ParentMessage::Theme(theme) => write!(f, "Theme({theme:?})"),
            ParentMessage::Navigate(path) => write!(f, "Navigate({path:?})"),
        }
    }
}

/// Why a message was ignored (said in the debug log; never with the payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The sender's origin is not in `embed.allowedOrigins`.
    OriginNotAllowed,
    /// The sender is not the window that embeds the console.
    NotFromParent,
    /// Not a JSON object with a `type` string.
    NotAMessage,
    /// A `type` that does not start with `rio:` (another library's message): ignored quietly.
    Foreign,
    /// A `rio:` type the console does not take from a parent.
    UnknownType,
    /// A known type whose fields are missing or of the wrong kind.
    BadShape,
}

impl Refusal {
    /// A short sentence for the debug log.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::OriginNotAllowed => "its origin is not in embed.allowedOrigins",
            Refusal::NotFromParent => "it did not come from the embedding window",
            Refusal::NotAMessage => "it is not an object with a type",
            Refusal::Foreign => "its type is not a rio: message",
            Refusal::UnknownType => "its type is not one the console accepts",
            Refusal::BadShape => "its fields do not have the expected shape",
        }
    }
}

/// Whether `origin` is one of `allowed` (exact match, no wildcards, no normalisation).
pub fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    !origin.is_empty() && origin != "null" && allowed.iter().any(|a| a == origin)
}

/// Checks a message event: who sent it, then what it says. `data` is the message as JSON text
/// (`None` when it could not be serialised, e.g. a cyclic object).
pub fn accept(
    origin: &str,
    from_parent: bool,
    data: Option<&str>,
    allowed: &[String],
) -> Result<ParentMessage, Refusal> {
    if !origin_allowed(origin, allowed) {
        return Err(Refusal::OriginNotAllowed);
    }
    if !from_parent {
        return Err(Refusal::NotFromParent);
    }
    parse(data.ok_or(Refusal::NotAMessage)?)
}

/// Reads a parent message from its JSON text.
pub fn parse(text: &str) -> Result<ParentMessage, Refusal> {
    let value: Value = serde_json::from_str(text).map_err(|_| Refusal::NotAMessage)?;
    let object = value.as_object().ok_or(Refusal::NotAMessage)?;
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .ok_or(Refusal::NotAMessage)?;
    if !kind.starts_with("rio:") {
        return Err(Refusal::Foreign);
    }
    let text_field = |name: &str| object.get(name).and_then(Value::as_str);
    match kind {
        "rio:auth" => {
            let token = text_field("token")
                .filter(|t| is_token(t))
                .ok_or(Refusal::BadShape)?;
            let project = match object.get("project") {
                None | Some(Value::Null) => None,
                Some(Value::String(p)) if p.is_empty() => None,
                Some(Value::String(p)) if is_header_value(p) && p.len() <= 255 => Some(p.clone()),
                Some(_) => return Err(Refusal::BadShape),
            };
            Ok(ParentMessage::Auth {
                token: token.to_string(),
                project,
            })
        }
        "rio:theme" => match text_field("theme") {
            Some("light") => Ok(ParentMessage::Theme(Theme::Light)),
            Some("dark") => Ok(ParentMessage::Theme(Theme::Dark)),
            _ => Err(Refusal::BadShape),
        },
        "rio:navigate" => text_field("path")
            .filter(|p| is_app_path(p))
            .map(|p| ParentMessage::Navigate(p.to_string()))
            .ok_or(Refusal::BadShape),
        _ => Err(Refusal::UnknownType),
    }
}

/// A bearer token: visible ASCII without spaces, so it cannot break the header it goes into.
fn is_token(token: &str) -> bool {
    !token.is_empty() && token.len() <= MAX_TOKEN_LEN && token.bytes().all(|b| b.is_ascii_graphic())
}

fn is_header_value(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// A path inside this app: `/…`, not `//host` or `/\host`, no scheme, no control characters.
pub fn is_app_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= MAX_PATH_LEN
        && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// `rio:ready`.
pub fn ready(version: &str) -> Value {
    json!({"type": "rio:ready", "version": version})
}

/// `rio:resize`.
pub fn resize(height: u32) -> Value {
    json!({"type": "rio:resize", "height": height})
}

/// `rio:navigated`.
pub fn navigated(path: &str) -> Value {
    json!({"type": "rio:navigated", "path": path})
}

/// `rio:phase`.
pub fn phase(deployment_id: &str, phase: &str, status: &str, generation: u64) -> Value {
    json!({
        "type": "rio:phase",
        "deploymentId": deployment_id,
        "phase": phase,
        "status": status,
        "generation": generation,
    })
}

/// `rio:phase` of a rollout: its state as the phase, and the wave it is at.
pub fn rollout_phase(rollout_id: &str, state: &str, wave: u32) -> Value {
    json!({
        "type": "rio:phase",
        "rolloutId": rollout_id,
        "phase": state,
        "wave": wave,
    })
}

/// `rio:auth-expired`.
pub fn auth_expired() -> Value {
    json!({"type": "rio:auth-expired"})
}

/// The origin to post to: the embedding page's origin as the browser reports it
/// (`location.ancestorOrigins[0]`, else the referrer's origin) when it is allowed; else the only
/// allowed origin, if there is exactly one (the browser delivers only if it matches). `None`:
/// the console does not post at all.
pub fn target_origin(reported: Option<&str>, allowed: &[String]) -> Option<String> {
    match reported {
        Some(origin) if !origin.is_empty() => {
            origin_allowed(origin, allowed).then(|| origin.to_string())
        }
        _ => match allowed {
            [only] => Some(only.clone()),
            _ => None,
        },
    }
}

/// The origin part (`scheme://host[:port]`) of an absolute URL such as a referrer.
pub fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || rest.is_empty() {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + end])
}

/// Whether the page's query turns embedded mode on (`?embed=1` or `?embed=true`).
pub fn embed_requested(search: &str) -> bool {
    search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| matches!(pair, "embed" | "embed=1" | "embed=true"))
}

/// Widget routes are always embedded views.
pub const WIDGET_PREFIX: &str = "/widgets/";

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec![
            "https://dash.example.com".into(),
            "http://127.0.0.1:9000".into(),
        ]
    }

    #[test]
    fn a_rollout_reports_its_state_as_its_phase() {
        assert_eq!(
            rollout_phase("ro-1", "halted", 2),
            serde_json::json!({"type": "rio:phase", "rolloutId": "ro-1", "phase": "halted", "wave": 2})
        );
    }

    #[test]
    fn good_messages_are_read() {
        assert_eq!(
            parse(r#"{"type":"rio:auth","token":"abc.def-123","project":"proj-1"}"#),
            Ok(ParentMessage::Auth {
                token: "abc.def-123".into(),
                project: Some("proj-1".into())
            })
        );
        assert_eq!(
            parse(r#"{"type":"rio:auth","token":"t","project":null,"extra":1}"#),
            Ok(ParentMessage::Auth {
                token: "t".into(),
                project: None
            })
        );
        assert_eq!(
            parse(r#"{"type":"rio:theme","theme":"dark"}"#),
            Ok(ParentMessage::Theme(Theme::Dark))
        );
        assert_eq!(
            parse(r#"{"type":"rio:navigate","path":"/deployments?phase=all"}"#),
            Ok(ParentMessage::Navigate("/deployments?phase=all".into()))
        );
    }

    #[test]
    fn wrong_shapes_are_refused() {
        for bad in [
            r#"{"type":"rio:auth"}"#,
            r#"{"type":"rio:auth","token":""}"#,
            r#"{"type":"rio:auth","token":42}"#,
            r#"{"type":"rio:auth","token":"a b"}"#,
            r#"{"type":"rio:auth","token":"a\r\nX-Evil: 1"}"#,
            r#"{"type":"rio:auth","token":"ok","project":7}"#,
            r#"{"type":"rio:auth","token":"ok","project":"a\nb"}"#,
            r#"{"type":"rio:theme","theme":"purple"}"#,
            r#"{"type":"rio:theme","theme":["dark"]}"#,
            r#"{"type":"rio:theme"}"#,
            r#"{"type":"rio:navigate","path":"https://evil.example/"}"#,
            r#"{"type":"rio:navigate","path":"//evil.example/x"}"#,
            r#"{"type":"rio:navigate","path":"/\\evil.example"}"#,
            r#"{"type":"rio:navigate","path":"javascript:alert(1)"}"#,
            r#"{"type":"rio:navigate","path":"/a\u0000b"}"#,
            r#"{"type":"rio:navigate"}"#,
        ] {
            assert_eq!(parse(bad), Err(Refusal::BadShape), "{bad}");
        }
        let long = format!(
            r#"{{"type":"rio:auth","token":"{}"}}"#,
            "a".repeat(MAX_TOKEN_LEN + 1)
        );
        assert_eq!(parse(&long), Err(Refusal::BadShape));
    }

    #[test]
    fn non_messages_and_other_types_are_refused() {
        for bad in [
            "",
            "null",
            "42",
            r#""rio:theme""#,
            "[]",
            r#"{"theme":"dark"}"#,
            r#"{"type":7}"#,
            "{",
        ] {
            assert_eq!(parse(bad), Err(Refusal::NotAMessage), "{bad}");
        }
        assert_eq!(parse(r#"{"type":"webpackOk"}"#), Err(Refusal::Foreign));
        // The console's own outgoing types are not accepted from a parent.
        assert_eq!(
            parse(r#"{"type":"rio:ready","version":"1"}"#),
            Err(Refusal::UnknownType)
        );
        assert_eq!(parse(r#"{"type":"rio:phase"}"#), Err(Refusal::UnknownType));
    }

    #[test]
    fn only_allowed_origins_and_the_parent_are_heard() {
        let theme = Some(r#"{"type":"rio:theme","theme":"light"}"#);
        assert!(accept("http://127.0.0.1:9000", true, theme, &allowed()).is_ok());
        for origin in [
            "http://127.0.0.1:9001",
            "https://dash.example.com:443",
            "https://dash.example.com/",
            "HTTPS://DASH.EXAMPLE.COM",
            "null",
            "",
        ] {
            assert_eq!(
                accept(origin, true, theme, &allowed()),
                Err(Refusal::OriginNotAllowed),
                "{origin}"
            );
        }
        assert_eq!(
            accept("http://127.0.0.1:9000", false, theme, &allowed()),
            Err(Refusal::NotFromParent)
        );
        assert_eq!(
            accept("http://127.0.0.1:9000", true, None, &allowed()),
            Err(Refusal::NotAMessage)
        );
        assert_eq!(
            accept("http://127.0.0.1:9000", true, theme, &[]),
            Err(Refusal::OriginNotAllowed)
        );
    }

    #[test]
    fn outgoing_messages_follow_the_contract() {
        assert_eq!(
            ready("0.1.0").to_string(),
            r#"{"type":"rio:ready","version":"0.1.0"}"#
        );
        assert_eq!(resize(412)["height"], 412);
        assert_eq!(navigated("/deployments")["path"], "/deployments");
        let phase = phase("dep-1", "Provisioning", "Pending", 2);
        assert_eq!(phase["type"], "rio:phase");
        assert_eq!(phase["deploymentId"], "dep-1");
        assert_eq!(phase["generation"], 2);
        assert_eq!(auth_expired().to_string(), r#"{"type":"rio:auth-expired"}"#);
    }

    #[test]
    fn the_target_origin_is_never_a_wildcard() {
        let allowed = allowed();
        assert_eq!(
            target_origin(Some("http://127.0.0.1:9000"), &allowed).as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(target_origin(Some("https://evil.example"), &allowed), None);
        assert_eq!(target_origin(None, &allowed), None);
        let one = vec!["https://dash.example.com".to_string()];
        assert_eq!(
            target_origin(None, &one).as_deref(),
            Some("https://dash.example.com")
        );
        assert_eq!(target_origin(Some("https://evil.example"), &one), None);
        assert_eq!(target_origin(None, &[]), None);
    }

    #[test]
    fn referrer_origins_and_embed_flags_are_read() {
        assert_eq!(
            origin_of("http://127.0.0.1:9000/host.html?x=1"),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(
            origin_of("https://dash.example.com"),
            Some("https://dash.example.com")
        );
        assert_eq!(origin_of("not a url"), None);
        assert!(embed_requested("?embed=1"));
        assert!(embed_requested("?label=site%3Atokyo&embed=true"));
        assert!(!embed_requested("?embed=0"));
        assert!(!embed_requested("?embedded=1"));
        assert!(is_app_path("/widgets/deployment/dep-1"));
        assert!(!is_app_path("deployments"));
    }
}
