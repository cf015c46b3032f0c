//! Inline SVG icons (decorative: hidden from assistive technology).

use leptos::prelude::*;

/// The product mark shown in the header.
#[component]
pub fn LogoMark() -> impl IntoView {
    view! {
        <svg class="logo-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" />
            <path d="M9 23V9h7.5a4.5 4.5 0 0 1 1.2 8.84L22.5 23h-3.6l-4.3-5H12.2v5zm3.2-8h4.1a1.5 1.5 0 0 0 0-3h-4.1z" />
        </svg>
    }
}

/// A package (box) icon for the catalog.
#[component]
pub fn PackageIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M12 2.5 3.5 7v10L12 21.5 20.5 17V7zM12 4.8 18.2 8 12 11.2 5.8 8zM5.5 9.6l5.5 2.9v6.6l-5.5-2.9zm13 0v6.6L13 19.1v-6.6z" />
        </svg>
    }
}

/// A rocket-like icon for deployments.
#[component]
pub fn DeployIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 4h7v7H4zm2 2v3h3V6zm7-2h7v7h-7zm2 2v3h3V6zM4 13h7v7H4zm2 2v3h3v-3zm10-2h2v3h3v2h-3v3h-2v-3h-3v-2h3z" />
        </svg>
    }
}

/// Waves of robots: the rollouts section.
#[component]
pub fn RolloutIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M3 17h4v3H3zm7-5h4v8h-4zm7-6h4v14h-4zM3 13l5-5 3 3 6-6 1.5 1.5L11 14 8 11l-3.5 3.5z" />
        </svg>
    }
}

/// An information icon used by notices.
#[component]
pub fn InfoIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 4v2h2V8zm0 4v5h2v-5z" />
        </svg>
    }
}

/// A stop (square in a circle) icon for deprovisioning: one element painted by the stylesheet
/// (`.icon-stop`, a mask), since a table builds it once per row and an inline SVG costs the
/// browser a parse and an adoption each time.
#[component]
pub fn StopIcon() -> impl IntoView {
    view! { <span class="icon icon-mask icon-stop" aria-hidden="true"></span> }
}
