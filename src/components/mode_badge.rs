//! The badge in the header that says where the console's data comes from.

use leptos::prelude::*;

use crate::config::Mode;
use crate::ids;

/// "Demo" in demo mode; the backend's address in HTTP mode.
#[component]
pub fn ModeBadge(
    /// The mode the console runs in.
    mode: Mode,
) -> impl IntoView {
    match mode {
        Mode::Demo => view! {
            <span
                class="badge badge-demo"
                data-testid=ids::MODE_BADGE
                data-mode="demo"
                title="Demo mode: the platform is simulated in this browser. Nothing reaches a real robot."
            >
                "Demo"
            </span>
        }
        .into_any(),
        Mode::Http { api_base } => {
            let title = format!("Data comes from the backend at {api_base}");
            view! {
                <span
                    class="badge badge-http"
                    data-testid=ids::MODE_BADGE
                    data-mode="http"
                    title=title
                >
                    <span class="visually-hidden">"Backend: "</span>
                    {backend_label(&api_base, &window().location().host().unwrap_or_default())}
                </span>
            }
            .into_any()
        }
    }
}

/// The host of an absolute base URL; for a path, the host serving the page (`page_host`).
fn backend_label(api_base: &str, page_host: &str) -> String {
    match api_base.split_once("://") {
        Some((_, rest)) => rest.split('/').next().unwrap_or(rest).to_string(),
        None if !page_host.is_empty() => page_host.to_string(),
        None => "this server".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::backend_label;

    #[test]
    fn backend_label_is_the_host_or_same_origin() {
        assert_eq!(
            backend_label("https://api.example.com/api/v1", "console.example.com"),
            "api.example.com"
        );
        assert_eq!(backend_label("http://127.0.0.1:3000", ""), "127.0.0.1:3000");
        assert_eq!(backend_label("/api/v1", "127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(backend_label("/api/v1", ""), "this server");
    }
}
