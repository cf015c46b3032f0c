//! The error codes page: every code with its meaning and recommended action. Codes shown
//! elsewhere link to their entry here (`/error-codes#DEP_E151`).

use leptos::prelude::*;
use platform::error_codes;

use crate::components::page_header::{Crumb, PageHeader};
use crate::ids;

/// Every error code.
#[component]
pub fn ErrorCodesPage() -> impl IntoView {
    // The fragment names the entry to show: scroll to it once it is rendered.
    Effect::new(move |_| {
        let hash = window().location().hash().unwrap_or_default();
        let target = hash.trim_start_matches('#');
        if let Some(row) = (!target.is_empty())
            .then(|| document().get_element_by_id(target))
            .flatten()
        {
            row.scroll_into_view();
        }
    });
    let current = window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string();
    view! {
        <PageHeader
            title="Error codes"
            trail=vec![Crumb::DEVELOPMENT]
            description="What each deployment error code means and what to do about it. Codes not listed fall under their range."
        />
        <div class="panel table-panel">
            <table class="data-table error-codes" data-testid=ids::ERROR_CODES_TABLE>
                <caption class="visually-hidden">"Error codes"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Code"</th>
                        <th scope="col">"Meaning"</th>
                        <th scope="col">"Recommended action"</th>
                    </tr>
                </thead>
                <tbody>
                    {error_codes::all()
                        .map(|info| view! {
                            <tr id=info.code class=if info.code == current { "code-row code-row-current" } else { "code-row" }>
                                <th scope="row"><code>{info.code}</code></th>
                                <td>{info.meaning}</td>
                                <td>{info.action}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
