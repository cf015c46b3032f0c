//! What [`Browser::finish`] checks beyond the console: that no document broke its
//! Content-Security-Policy and that no secret the test named showed anywhere.

use std::sync::PoisonError;

use serde_json::json;

use super::Browser;

/// What a CSP violation looks like in the browser log (see [`CSP_WATCH`]).
pub const CSP_VIOLATION: &str = "rio-e2e: Content-Security-Policy violation";

/// Installed in every new document before its own scripts: logs each CSP violation as an
/// error and keeps it in `window.__rioCspViolations`.
pub(super) const CSP_WATCH: &str = r#"(() => {
  const seen = window.__rioCspViolations = [];
  document.addEventListener('securitypolicyviolation', e => {
    const what = `${e.effectiveDirective || e.violatedDirective} refused ${e.blockedURI || 'inline code'} (${e.sourceFile || location.href}:${e.lineNumber})`;
    seen.push(what);
    console.error('rio-e2e: Content-Security-Policy violation: ' + what);
  }, true);
})();"#;

/// Where a secret could leak in one document: its URL, the URLs it requested, storage,
/// cookies and the DOM (attributes and text; a field's typed value is not in it).
const SECRET_PLACES: &str = r#"
const storage = s => { try { return Object.keys(s).map(k => k + '=' + s.getItem(k)); } catch (e) { return []; } };
return {
  href: location.href,
  resources: performance.getEntries().map(e => e.name),
  local: storage(localStorage),
  session: storage(sessionStorage),
  cookie: document.cookie,
  frames: [...document.querySelectorAll('iframe')].map(f => f.src),
  dom: document.documentElement.outerHTML,
};
"#;

impl Browser {
    /// Checks the console for errors (see `assert_no_console_errors`), that no document had a
    /// CSP violation and that no secret leaked (see [`Browser::keep_secret`]), then closes the
    /// session.
    pub async fn finish(self, allowed: &[&str]) {
        self.assert_no_console_errors(allowed).await;
        self.assert_no_csp_violations().await;
        self.assert_secrets_hidden().await;
        self.close().await;
    }

    /// Fails the test if any document of this session reported a CSP violation, even one
    /// whose log line a test read (and so drained) itself.
    pub async fn assert_no_csp_violations(&self) {
        self.logs().await;
        let violations: Vec<String> = self
            .history
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|entry| entry.message.contains(CSP_VIOLATION))
            .map(|entry| entry.message.clone())
            .collect();
        assert!(
            violations.is_empty(),
            "the page broke its Content-Security-Policy:\n{}",
            violations.join("\n")
        );
    }

    /// Names a secret (a token) the test hands the console: from now on [`Browser::finish`]
    /// fails if it shows anywhere a page could leak it.
    pub fn keep_secret(&self, secret: &str) {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(secret.to_string());
    }

    /// Fails if a secret named with [`Browser::keep_secret`] is in a URL this tab visited
    /// (its navigation history), in the top document's or any frame's URL, requested URLs,
    /// local or session storage, cookies or DOM, or anywhere in the browser log so far. Leaves
    /// the commands in the top-level page.
    pub async fn assert_secrets_hidden(&self) {
        let secrets = self
            .secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if secrets.is_empty() {
            return;
        }
        self.enter_top().await;
        let mut places = vec![
            (
                "the tab's navigation history".to_string(),
                self.try_cdp("Page.getNavigationHistory", json!({}))
                    .await
                    .unwrap_or_default(),
            ),
            (
                "the top document".to_string(),
                self.eval(SECRET_PLACES).await,
            ),
        ];
        let frames = self
            .eval("return document.querySelectorAll('iframe').length")
            .await
            .as_u64()
            .unwrap_or_default();
        for index in 0..frames {
            let Ok(index) = u16::try_from(index) else {
                break;
            };
            if self.client.enter_frame(index).await.is_ok() {
                if let Ok(value) = self.client.execute(SECRET_PLACES, Vec::new()).await {
                    places.push((format!("frame {index}"), value));
                }
                self.enter_top().await;
            }
        }
        self.logs().await;
        let log: Vec<String> = self
            .history
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|entry| entry.message.clone())
            .collect();
        places.push(("the browser log".to_string(), json!(log)));
        for (place, value) in &places {
            let text = value.to_string();
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "the secret {secret} is in {place}: {text}"
                );
            }
        }
        assert!(
            places[0].1["entries"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
            "the navigation history was read: {}",
            places[0].1
        );
    }
}
