//! The devices and deployments a draft names, looked up by ID (a deploy link, a saved draft,
//! or a choice made before a refresh), so the platform's rules can judge them without the
//! form ever reading a whole fleet: each new ID once, everything chosen again on **Refresh**.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{FormState, Lookup};
use crate::api::{ApiError, Backend};

/// Starts looking up what `form`'s draft names, through `backend`.
pub fn look_up_choices(form: FormState, backend: Backend) {
    // Bumped by each Refresh: an answer to an earlier round does not replace a later one's.
    let round = StoredValue::new(0u64);
    let b = backend.clone();
    Effect::new(move |_| {
        let (devices, deployments) = form.draft.with(|d| d.chosen_ids());
        let devices: Vec<String> = form.chosen.devices.with_untracked(|m| {
            devices
                .into_iter()
                .filter(|id| !m.contains_key(id))
                .collect()
        });
        let deployments: Vec<String> = form.chosen.deployments.with_untracked(|m| {
            deployments
                .into_iter()
                .filter(|id| !m.contains_key(id))
                .collect()
        });
        if !devices.is_empty() {
            form.chosen.devices.update(|m| {
                for id in &devices {
                    m.insert(id.clone(), Lookup::Pending);
                }
            });
        }
        if !deployments.is_empty() {
            form.chosen.deployments.update(|m| {
                for id in &deployments {
                    m.insert(id.clone(), Lookup::Pending);
                }
            });
        }
        fetch(form, b.clone(), round, devices, deployments);
    });
    Effect::new(move |previous: Option<()>| {
        form.refresh.track();
        if previous.is_some() {
            round.update_value(|n| *n += 1);
            let (devices, deployments) = form.draft.with_untracked(|d| d.chosen_ids());
            fetch(form, backend.clone(), round, devices, deployments);
        }
    });
}

/// Whether an answer of `asked` (a round) may replace `held`: the latest round's always, an
/// earlier one's only where nothing is known yet.
fn takes<T>(asked: u64, round: StoredValue<u64>, held: Option<&Lookup<T>>) -> bool {
    round.try_get_value() == Some(asked) || matches!(held, None | Some(Lookup::Pending))
}

/// Reads `devices` (one request) and `deployments` (one each) and records what came back.
fn fetch(
    form: FormState,
    backend: Backend,
    round: StoredValue<u64>,
    devices: Vec<String>,
    deployments: Vec<String>,
) {
    if devices.is_empty() && deployments.is_empty() {
        return;
    }
    let asked = round.get_value();
    spawn_local(async move {
        if !devices.is_empty() {
            let found = backend.devices_by_id(&devices).await;
            form.chosen.devices.try_update(|m| {
                for id in &devices {
                    if !takes(asked, round, m.get(id)) {
                        continue;
                    }
                    let lookup = match &found {
                        Ok(found) => found
                            .iter()
                            .find(|d| &d.uuid == id)
                            .map_or(Lookup::Missing, |d| Lookup::Found(d.clone())),
                        Err(error) => Lookup::Failed(error.to_string()),
                    };
                    m.insert(id.clone(), lookup);
                }
            });
        }
        for id in deployments {
            let lookup = match backend.deployment(&id).await {
                Ok(deployment) => Lookup::Found(deployment),
                Err(ApiError::NotFound(_)) => Lookup::Missing,
                Err(error) => Lookup::Failed(error.to_string()),
            };
            form.chosen.deployments.try_update(|m| {
                if takes(asked, round, m.get(&id)) {
                    m.insert(id, lookup);
                }
            });
        }
    });
}
