//! Picking a deployment by typing part of its name (a dependency, or a volume): a combobox
//! that asks the backend for the few deployments that can be picked and match, as the user
//! types, and says how many more match but cannot be picked, and why. A deployment chosen
//! before (a deploy link, a saved draft) is shown by its name once it is looked up by ID.

use leptos::prelude::*;
use leptos::task::spawn_local;
use platform::rules::compat::Pick;
use platform::wire::Deployment;

use super::FieldMessage;
use crate::api::{ApiError, use_backend};
use crate::components::status::PhaseChip;
use crate::ids;
use crate::pages::deploy::model::field_dom_id;
use crate::pages::deploy::state::{Lookup, use_form};

/// Deployments a search lists.
const FOUND: usize = 8;
/// Quiet time after typing before the search goes out.
const SEARCH_DELAY_MS: u64 = 200;

/// What a search found.
#[derive(Debug, Clone, PartialEq, Default)]
struct Found {
    items: Vec<Deployment>,
    others: Option<String>,
}

/// A combobox that picks a deployment for `path` (a dependency, or a volume of the storage
/// package `volume_package`).
#[component]
pub fn DeploymentSearch(
    /// The field's label.
    #[prop(into)]
    label: String,
    /// The field's request path (for its DOM id and errors).
    #[prop(into)]
    path: String,
    /// What may be picked.
    pick: Pick,
    /// The storage package's IDs, one per version (volumes): `None` while they are looked up,
    /// empty when the catalog has none.
    #[prop(into)]
    volume_packages: Signal<Option<Vec<String>>>,
    /// The deployment chosen now (its ID; empty for none).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the deployment the user picks.
    choose: Callback<Deployment>,
) -> impl IntoView {
    let form = use_form();
    let backend = use_backend();
    let dom_id = field_dom_id(&path);
    let list_id = format!("{dom_id}-options");
    let text = RwSignal::new(String::new());
    let editing = RwSignal::new(false);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let found = RwSignal::new(None::<Found>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let asked = StoredValue::new(0u64);

    // The chosen deployment, as looked up.
    let chosen = Memo::new(move |_| {
        let id = value.get();
        if id.trim().is_empty() {
            return None;
        }
        Some(form.chosen.deployments.with(|m| match m.get(&id) {
            Some(Lookup::Found(d)) => (id.clone(), Some(d.clone())),
            _ => (id.clone(), None),
        }))
    });
    // Not typing: the box shows the chosen deployment's name.
    Effect::new(move |_| {
        let shown = chosen
            .get()
            .map(|(id, d)| d.map_or(id, |d| d.name))
            .unwrap_or_default();
        if !editing.get_untracked() {
            text.set(shown);
        }
    });

    let search = move |query_text: String| {
        // A dependency is searched once; a volume once per version of the storage package.
        let packages = match pick {
            Pick::Dependency => vec![String::new()],
            Pick::Volume => volume_packages.get_untracked().unwrap_or_default(),
        };
        if packages.is_empty() {
            return;
        }
        asked.update_value(|n| *n += 1);
        let mine = asked.get_value();
        loading.set(true);
        let backend = backend.clone();
        spawn_local(async move {
            let mut answer = Ok(crate::api::Found::default());
            for package in &packages {
                let query = pick.query(&query_text, package);
                answer = match (answer, backend.find_deployments(&query, FOUND).await) {
                    (Ok(mut all), Ok(more)) => {
                        all.items.extend(more.items);
                        for (phase, n) in more.counts {
                            *all.counts.entry(phase).or_insert(0) += n;
                        }
                        Ok(all)
                    }
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
            }
            if let Ok(all) = &mut answer {
                all.items.sort_by(|a, b| a.name.cmp(&b.name));
                all.items.truncate(FOUND);
            }
            if asked.try_get_value() != Some(mine) {
                return;
            }
            loading.set(false);
            match answer {
                Ok(answer) => {
                    error.set(None);
                    active.set((!answer.items.is_empty()).then_some(0));
                    found.set(Some(Found {
                        others: pick.others(&answer.counts),
                        items: answer.items,
                    }));
                }
                Err(failed) => error.set(Some(failed)),
            }
        });
    };
    let typed_at = StoredValue::new(0u64);
    let on_type = {
        let search = search.clone();
        move |typed: String| {
            text.set(typed);
            editing.set(true);
            open.set(true);
            typed_at.update_value(|n| *n += 1);
            let mine = typed_at.get_value();
            let search = search.clone();
            set_timeout(
                move || {
                    if typed_at.try_get_value() == Some(mine) {
                        search(text.get_untracked());
                    }
                },
                std::time::Duration::from_millis(SEARCH_DELAY_MS),
            );
        }
    };
    let pick_one = move |deployment: Deployment| {
        editing.set(false);
        open.set(false);
        text.set(deployment.name.clone());
        choose.run(deployment);
    };
    let on_focus = {
        let search = search.clone();
        move |_| {
            open.set(true);
            if found.with_untracked(Option::is_none) {
                search(if editing.get_untracked() {
                    text.get_untracked()
                } else {
                    String::new()
                });
            }
        }
    };
    let close = move || {
        open.set(false);
        if editing.get_untracked() {
            editing.set(false);
            let shown = chosen
                .get_untracked()
                .map(|(id, d)| d.map_or(id, |d| d.name))
                .unwrap_or_default();
            text.set(shown);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = found.with_untracked(|f| f.as_ref().map_or(0, |f| f.items.len()));
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                ev.prevent_default();
                let picked = active.get_untracked().and_then(|i| {
                    found.with_untracked(|f| f.as_ref().and_then(|f| f.items.get(i).cloned()))
                });
                if let (true, Some(deployment)) = (open.get_untracked(), picked) {
                    pick_one(deployment);
                }
            }
            "Escape" => close(),
            _ => {}
        }
    };
    let option_id = {
        let dom_id = dom_id.clone();
        move |i: usize| format!("{dom_id}-option-{i}")
    };
    let activedescendant = {
        let option_id = option_id.clone();
        move || {
            open.get()
                .then(|| active.get().map(&option_id))
                .flatten()
                .unwrap_or_default()
        }
    };
    let options = move || {
        let items = found.with(|f| f.as_ref().map(|f| f.items.clone()).unwrap_or_default());
        items
            .into_iter()
            .enumerate()
            .map(|(i, deployment)| {
                let id = option_id(i);
                let (name, meta) = (deployment.name.clone(), deployment.deployment_id.clone());
                let phase = deployment.phase.clone();
                view! {
                    <li
                        id=id
                        role="option"
                        class="combo-option"
                        class:combo-active=move || active.get() == Some(i)
                        aria-selected=move || (active.get() == Some(i)).to_string()
                        data-testid=ids::DEPLOYMENT_OPTION
                        // Before the input's blur, so the click lands.
                        on:mousedown=move |ev| {
                            ev.prevent_default();
                            pick_one(deployment.clone());
                        }
                    >
                        <span class="option-name">{name}</span>
                        <span class="option-meta"><code>{meta}</code></span>
                        <PhaseChip phase=phase />
                    </li>
                }
            })
            .collect_view()
    };
    let note = move || {
        if pick == Pick::Volume {
            match volume_packages.get() {
                None => return Some("Looking for the storage package…".to_string()),
                Some(ids) if ids.is_empty() => {
                    return Some(format!(
                        "The catalog has no storage package ({}), so there is no volume to mount.",
                        platform::rules::VOLUME_PACKAGE_NAME
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(e) = error.get() {
            return Some(format!("The search failed: {e}"));
        }
        let shown = found.get()?;
        let none = shown.items.is_empty().then(|| match pick {
            Pick::Dependency => "No Succeeded deployment matches.".to_string(),
            Pick::Volume => "No Succeeded volume matches.".to_string(),
        });
        match (none, shown.others) {
            (Some(none), Some(others)) => Some(format!("{none} {others}")),
            (none, others) => none.or(others),
        }
    };
    let chosen_line = move || {
        chosen.get().map(|(id, deployment)| match deployment {
            Some(d) => view! {
                <p class="combo-chosen">
                    "Chosen: "<strong>{d.name.clone()}</strong>" "<code class="muted">{id}</code>" "
                    <PhaseChip phase=d.phase.clone() />
                </p>
            }
            .into_any(),
            None => {
                view! { <p class="combo-chosen muted">"Chosen: "<code>{id}</code></p> }.into_any()
            }
        })
    };
    let blur_path = path.clone();
    view! {
        <div class="field grow combo">
            <label for=dom_id.clone()>{label}</label>
            <input
                id=dom_id.clone()
                type="text"
                role="combobox"
                autocomplete="off"
                placeholder="Type part of a name"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || (open.get() && found.with(|f| f.as_ref().is_some_and(|f| !f.items.is_empty()))).to_string()
                aria-activedescendant=activedescendant
                aria-describedby=format!("{dom_id}-error {dom_id}-note")
                aria-busy=move || loading.get().to_string()
                prop:value=move || text.get()
                on:input=move |ev| on_type(event_target_value(&ev))
                on:focus=on_focus
                on:keydown=on_key
                on:blur=move |_| {
                    close();
                    form.touch(&blur_path);
                }
            />
            <ul id=list_id role="listbox" class="combo-list" hidden=move || !open.get() || found.with(|f| f.as_ref().is_none_or(|f| f.items.is_empty()))>
                {options}
            </ul>
            <p class="hint combo-note" id=format!("{dom_id}-note") aria-live="polite">{note}</p>
            {chosen_line}
            <FieldMessage path=path />
        </div>
    }
}
