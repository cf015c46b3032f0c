//! Watching what elements read from the very start of every document, for states too brief
//! to poll for.

use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

use super::run;
use crate::Browser;

/// Records, in every document opened from now on (from its very start), each change of what
/// the elements matching `selectors` read (`null` while absent or hidden), with the time: so a
/// test sees states too brief to poll for. Read them with [`watched`].
pub async fn watch(browser: &Browser, selectors: &[&str]) {
    let script = format!(
        r#"(() => {{
  const selectors = {};
  const seen = window.__rioSeen = window.__rioSeen || [];
  const last = {{}};
  const check = () => {{
    for (const s of selectors) {{
      const e = document.querySelector(s);
      const text = e && !e.closest('[hidden]') ? e.textContent.replace(/\s+/g, ' ').trim() : null;
      if (text !== last[s]) {{ last[s] = text; seen.push({{s, text, t: Date.now()}}); }}
    }}
  }};
  new MutationObserver(check).observe(document, {{subtree: true, childList: true, characterData: true, attributes: true}});
}})();"#,
        json!(selectors)
    );
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": script }),
        )
        .await;
}

/// What [`watch`] recorded in the current document for `selector`, in order: the texts it
/// read (`None` while absent or hidden).
pub async fn watched(browser: &Browser, selector: &str) -> Vec<Option<String>> {
    run(
        browser,
        "return (window.__rioSeen || []).filter(e => e.s === arguments[0]).map(e => e.text)",
        vec![json!(selector)],
    )
    .await
    .as_array()
    .map(|list| list.iter().map(|v| v.as_str().map(String::from)).collect())
    .unwrap_or_default()
}

/// `seen` (from [`watched`]) from the first time the element was shown: what it read since.
pub fn since_shown(seen: &[Option<String>]) -> &[Option<String>] {
    let first = seen.iter().position(Option::is_some).unwrap_or(seen.len());
    &seen[first..]
}

/// Waits until [`watched`] for `selector` satisfies `done`; returns it.
pub async fn wait_watched(
    browser: &Browser,
    selector: &str,
    what: &str,
    timeout: Duration,
    done: impl Fn(&[Option<String>]) -> bool,
) -> Vec<Option<String>> {
    let deadline = Instant::now() + timeout;
    loop {
        let seen = watched(browser, selector).await;
        if done(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {timeout:?}; `{selector}` read {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
