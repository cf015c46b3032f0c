//! The sign-in prompt of a standalone console over HTTP: when the backend refuses the
//! credentials (401), a dialog asks for an access token. The token lives in memory only (the
//! client's credentials): never in a URL, storage, a cookie, the DOM or the log, so a reload
//! forgets it. Esc puts the prompt away; the page keeps what it showed, and its banner offers
//! the prompt again.

use leptos::{html, prelude::*};

use crate::api::{Backend, HttpBackend, use_backend};
use crate::components::modal::Modal;
use crate::components::status::next_id;
use crate::ids;

/// Opens the sign-in prompt (in context in a standalone console over HTTP).
#[derive(Debug, Clone, Copy)]
pub struct SignInPrompt {
    /// Whether the prompt is open.
    pub open: RwSignal<bool>,
}

/// The sign-in prompt in context, if this console has one.
pub fn use_sign_in() -> Option<SignInPrompt> {
    use_context::<SignInPrompt>()
}

/// Wraps the routes: in a standalone console over HTTP, provides [`SignInPrompt`] and shows
/// the prompt whenever the backend refuses the credentials.
#[component]
pub fn SignIn(
    /// The routes.
    children: Children,
) -> impl IntoView {
    let http = match use_backend() {
        Backend::Http(http) if !crate::embed::use_embedded() => http,
        _ => return children().into_any(),
    };
    let open = RwSignal::new(false);
    provide_context(SignInPrompt { open });
    // Every refusal from now on opens it (even one before this effect first runs).
    let refused = http.refused();
    let before = refused.get_untracked();
    Effect::new(move |_| {
        if refused.get() != before {
            open.set(true);
        }
    });
    view! {
        {children()}
        <Modal open=open title="Sign in required" test_id=ids::SIGN_IN_DIALOG>
            <SignInForm http=http.clone() open=open />
        </Modal>
    }
    .into_any()
}

#[component]
fn SignInForm(http: HttpBackend, open: RwSignal<bool>) -> impl IntoView {
    let field = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<&'static str>);
    let field_id = format!("sign-in-token-{}", next_id());
    let hint_id = format!("{field_id}-hint");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = field.get_untracked() else {
            return;
        };
        let token = input.value().trim().to_string();
        // Typed text leaves the DOM at once, whatever happens next.
        input.set_value("");
        if token.is_empty() {
            error.set(Some("Enter your access token."));
            let _ = input.focus();
            return;
        }
        error.set(None);
        http.sign_in(token);
        open.set(false);
    };
    view! {
        <form class="sign-in-form" on:submit=submit novalidate>
            <p>
                "The backend refused this console's credentials (HTTP 401): your session may have expired, or this backend needs an access token. "
                "Updates are paused; what is on screen stays as it was."
            </p>
            <div class="field">
                <label for=field_id.clone()>"Access token"</label>
                <input
                    node_ref=field
                    id=field_id
                    type="password"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    autofocus
                    aria-describedby=hint_id.clone()
                    aria-invalid=move || error.get().is_some().to_string()
                    data-testid=ids::SIGN_IN_TOKEN
                />
                <p class="hint" id=hint_id>
                    "Kept in this tab's memory only: a reload or a new tab asks again."
                </p>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            </div>
            <div class="modal-actions">
                <button type="button" class="button button-secondary" on:click=move |_| open.set(false)>
                    "Not now"
                </button>
                <button type="submit" class="button" data-testid=ids::SIGN_IN_SUBMIT>
                    "Sign in"
                </button>
            </div>
        </form>
    }
}
