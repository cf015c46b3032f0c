//! Runtime configuration: what `config.json` (served next to `index.html`) says, and the mode the
//! console runs in as a result. Parsing and resolution are plain functions, tested natively.

use serde::Deserialize;
use thiserror::Error;

/// The contents of `config.json`. Unknown fields are ignored so newer configs still load.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeConfig {
    /// Base URL of the JSON backend (`https://host/api/v1` or `/api/v1`); none means demo mode.
    #[serde(default)]
    pub api_base: Option<String>,
    /// Run the in-browser simulation even when `apiBase` is set.
    #[serde(default)]
    pub demo: bool,
    /// Settings for running inside a dashboard iframe.
    #[serde(default)]
    pub embed: EmbedConfig,
}

/// The `embed` section of `config.json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedConfig {
    /// Parent page origins allowed to talk to the console, matched exactly.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

/// Why `config.json` could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The server answered with an error status (404 when the file is missing).
    #[error("config.json could not be loaded (the server answered HTTP {0})")]
    Status(u16),
    /// The request failed before an answer arrived.
    #[error("config.json could not be loaded ({0})")]
    Unreachable(String),
    /// No answer arrived in time.
    #[error("config.json did not load within {0} seconds")]
    TimedOut(u32),
    /// The body is not the JSON object the console expects.
    #[error("config.json is not valid: {0}")]
    Malformed(String),
    /// The JSON is well formed but a value cannot be used.
    #[error("config.json has an invalid value: {0}")]
    Invalid(String),
}

impl RuntimeConfig {
    /// Parses and checks the text of `config.json`.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        if !value.is_object() {
            return Err(ConfigError::Malformed(
                "expected a JSON object such as {\"apiBase\": \"/api/v1\"}".into(),
            ));
        }
        let mut config: RuntimeConfig =
            serde_json::from_value(value).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        config.api_base = match config.api_base.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(base) => Some(normalize_api_base(base)?),
        };
        for (i, origin) in config.embed.allowed_origins.iter().enumerate() {
            if !is_origin(origin) {
                return Err(ConfigError::Invalid(format!(
                    "embed.allowedOrigins[{i}] \"{origin}\" is not an origin such as https://dashboard.example.com"
                )));
            }
        }
        Ok(config)
    }
}

fn normalize_api_base(base: &str) -> Result<String, ConfigError> {
    let usable = base.starts_with("http://") && base.len() > "http://".len()
        || base.starts_with("https://") && base.len() > "https://".len()
        || base.starts_with('/');
    if !usable || base.chars().any(char::is_whitespace) {
        return Err(ConfigError::Invalid(format!(
            "apiBase \"{base}\" must be an http(s) URL or a path starting with /"
        )));
    }
    Ok(base.trim_end_matches('/').to_string())
}

/// `scheme://host[:port]` with an http(s) scheme and nothing after the authority.
fn is_origin(origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !authority.is_empty()
        && !authority
            .chars()
            .any(|c| matches!(c, '/' | '?' | '#' | '*' | '@') || c.is_whitespace())
}

/// `?demo=1` (or `?demo=true`, or a bare `?demo`) in the page's query forces demo mode.
pub fn demo_forced_by_query(search: &str) -> bool {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == "demo").then_some(value)
        })
        .any(|value| matches!(value, "" | "1" | "true"))
}

/// Where the console's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The platform simulated in the browser; nothing reaches a real robot.
    Demo,
    /// The JSON backend at `api_base`.
    Http {
        /// Base URL of the backend, without a trailing slash.
        api_base: String,
    },
}

/// What the console runs with: the mode, the embedding allow-list, and a notice to show when
/// the config could not be used as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where data comes from.
    pub mode: Mode,
    /// Parent origins allowed to embed and message the console.
    pub allowed_origins: Vec<String>,
    /// A sentence for the user when the config fell back to demo mode.
    pub notice: Option<String>,
}

impl Settings {
    /// Decides the mode from the loaded config and whether the URL forces demo mode.
    pub fn resolve(loaded: Result<RuntimeConfig, ConfigError>, demo_forced: bool) -> Self {
        match loaded {
            Ok(config) => Self {
                mode: match config.api_base {
                    Some(api_base) if !config.demo && !demo_forced => Mode::Http { api_base },
                    _ => Mode::Demo,
                },
                allowed_origins: config.embed.allowed_origins,
                notice: None,
            },
            Err(error) => Self {
                mode: Mode::Demo,
                allowed_origins: Vec::new(),
                notice: Some(format!(
                    "{error}. The console is running in demo mode: everything you do is simulated in this browser."
                )),
            },
        }
    }
}

/// Fetches `config.json` next to `index.html`, giving up after `timeout_secs`.
pub async fn load_runtime_config(timeout_secs: u32) -> Result<RuntimeConfig, ConfigError> {
    use std::{cell::Cell, rc::Rc, time::Duration};

    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = Rc::clone(&timed_out);
        leptos::prelude::set_timeout_with_handle(
            move || {
                timed_out.set(true);
                if let Some(controller) = controller {
                    controller.abort();
                }
            },
            Duration::from_secs(u64::from(timeout_secs)),
        )
        .ok()
    };
    let result = async {
        let response = gloo_net::http::Request::get("config.json")
            .cache(web_sys::RequestCache::NoStore)
            .abort_signal(signal.as_ref())
            .send()
            .await
            .map_err(|e| ConfigError::Unreachable(e.to_string()))?;
        if !response.ok() {
            return Err(ConfigError::Status(response.status()));
        }
        let text = response
            .text()
            .await
            .map_err(|e| ConfigError::Unreachable(e.to_string()))?;
        RuntimeConfig::parse(&text)
    }
    .await;
    if let Some(timer) = timer {
        timer.clear();
    }
    match result {
        Err(_) if timed_out.get() => Err(ConfigError::TimedOut(timeout_secs)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_is_read() {
        let config = RuntimeConfig::parse(
            r#"{"apiBase": "https://api.example.com/api/v1/", "demo": false,
                "embed": {"allowedOrigins": ["https://dash.example.com", "http://127.0.0.1:9000"]},
                "somethingNew": 1}"#,
        )
        .unwrap();
        assert_eq!(
            config.api_base.as_deref(),
            Some("https://api.example.com/api/v1")
        );
        assert_eq!(config.embed.allowed_origins.len(), 2);
    }

    #[test]
    fn api_base_selects_http_mode() {
        let config = RuntimeConfig::parse(r#"{"apiBase": "/api/v1"}"#);
        let settings = Settings::resolve(config, false);
        assert_eq!(
            settings.mode,
            Mode::Http {
                api_base: "/api/v1".into()
            }
        );
        assert_eq!(settings.notice, None);
    }

    #[test]
    fn no_api_base_means_demo_mode_without_a_notice() {
        for text in [r#"{}"#, r#"{"apiBase": null}"#, r#"{"apiBase": "  "}"#] {
            let settings = Settings::resolve(RuntimeConfig::parse(text), false);
            assert_eq!(settings.mode, Mode::Demo, "{text}");
            assert_eq!(settings.notice, None, "{text}");
        }
    }

    #[test]
    fn demo_flag_and_query_override_api_base() {
        let with_flag = RuntimeConfig::parse(r#"{"apiBase": "/api/v1", "demo": true}"#);
        assert_eq!(Settings::resolve(with_flag, false).mode, Mode::Demo);
        let plain = RuntimeConfig::parse(r#"{"apiBase": "/api/v1"}"#);
        assert_eq!(Settings::resolve(plain, true).mode, Mode::Demo);
    }

    #[test]
    fn malformed_config_falls_back_to_demo_with_a_notice() {
        for text in ["", "{", "[]", r#"{"apiBase": 42}"#, "<html>oops</html>"] {
            let settings = Settings::resolve(RuntimeConfig::parse(text), false);
            assert_eq!(settings.mode, Mode::Demo, "{text}");
            let notice = settings.notice.expect("a notice");
            assert!(notice.starts_with("config.json is not valid"), "{notice}");
            assert!(notice.contains("demo mode"), "{notice}");
        }
    }

    #[test]
    fn missing_config_notice_names_the_status() {
        let settings = Settings::resolve(Err(ConfigError::Status(404)), false);
        assert_eq!(settings.mode, Mode::Demo);
        assert!(settings.notice.unwrap().contains("HTTP 404"));
    }

    #[test]
    fn unusable_values_are_refused_with_the_value_named() {
        let err = RuntimeConfig::parse(r#"{"apiBase": "api.example.com"}"#).unwrap_err();
        assert!(err.to_string().contains("\"api.example.com\""), "{err}");
        let err = RuntimeConfig::parse(r#"{"apiBase": "https://"}"#).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid(_)), "{err}");
        let err =
            RuntimeConfig::parse(r#"{"embed": {"allowedOrigins": ["https://ok.example", "*"]}}"#)
                .unwrap_err();
        assert!(err.to_string().contains("allowedOrigins[1]"), "{err}");
    }

    #[test]
    fn origins_have_no_path_or_wildcard() {
        assert!(is_origin("https://dash.example.com"));
        assert!(is_origin("http://127.0.0.1:9000"));
        for bad in [
            "dash.example.com",
            "https://dash.example.com/",
            "https://*.example.com",
            "ftp://x",
            "https://",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }

    #[test]
    fn demo_query_is_recognised() {
        assert!(demo_forced_by_query("?demo=1"));
        assert!(demo_forced_by_query("?x=2&demo=true"));
        assert!(demo_forced_by_query("?demo"));
        assert!(!demo_forced_by_query("?demo=0"));
        assert!(!demo_forced_by_query("?demonstration=1"));
        assert!(!demo_forced_by_query(""));
    }
}
