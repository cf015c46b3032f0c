//! The deploy form's reactive state, shared by its parts through context: the draft, which
//! fields the user has visited, the backend's field errors, the devices and deployments the
//! draft names (looked up by ID, never listed whole), and the platform's verdict.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use platform::rules::World;
use platform::rules::validate::{Reference, references, validate_provision};
use platform::wire::{Deployment, Device, Package, RoutedNetwork};

use super::model::{DeployDraft, errors_by_field};

/// What the form knows of an object the draft names by ID.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<T> {
    /// Being looked up.
    Pending,
    /// It exists, as read.
    Found(T),
    /// The backend has no such object.
    Missing,
    /// It could not be looked up (the reason, in words).
    Failed(String),
}

impl<T> Lookup<T> {
    /// The object, when found.
    pub fn found(&self) -> Option<&T> {
        match self {
            Lookup::Found(value) => Some(value),
            _ => None,
        }
    }
}

/// The devices and deployments the draft names, by ID.
#[derive(Clone, Copy)]
pub struct Chosen {
    /// Devices by ID.
    pub devices: RwSignal<BTreeMap<String, Lookup<Device>>>,
    /// Deployments (dependencies and volumes) by ID.
    pub deployments: RwSignal<BTreeMap<String, Lookup<Deployment>>>,
}

impl Chosen {
    fn new() -> Chosen {
        Chosen {
            devices: RwSignal::new(BTreeMap::new()),
            deployments: RwSignal::new(BTreeMap::new()),
        }
    }

    /// The device `id`, once found.
    pub fn device(&self, id: &str) -> Option<Device> {
        self.devices
            .with(|m| m.get(id).and_then(Lookup::found).cloned())
    }

    /// The deployment `id`, once found.
    pub fn deployment(&self, id: &str) -> Option<Deployment> {
        self.deployments
            .with(|m| m.get(id).and_then(Lookup::found).cloned())
    }

    /// A device the user picked from a list: known as listed.
    pub fn pick_device(&self, device: Device) {
        self.devices
            .update(|m| drop(m.insert(device.uuid.clone(), Lookup::Found(device))));
    }

    /// A deployment the user picked from a search: known as found.
    pub fn pick_deployment(&self, deployment: Deployment) {
        self.deployments.update(|m| {
            drop(m.insert(deployment.deployment_id.clone(), Lookup::Found(deployment)))
        });
    }
}

/// Everything the form's parts read and change.
#[derive(Clone, Copy)]
pub struct FormState {
    /// What the user typed.
    pub draft: RwSignal<DeployDraft>,
    /// Fields the user has left (their errors show from then on).
    pub touched: RwSignal<BTreeSet<String>>,
    /// CREATE DEPLOYMENT was pressed: every error shows.
    pub submitted: RwSignal<bool>,
    /// The backend's 422 field errors, until the user edits that field.
    pub server_errors: RwSignal<BTreeMap<String, String>>,
    /// The platform's rules applied to the draft, by field path.
    pub client_errors: Memo<BTreeMap<String, String>>,
    /// The package being deployed.
    pub package: StoredValue<Package>,
    /// Routed networks.
    pub networks: StoredValue<Vec<RoutedNetwork>>,
    /// The devices and deployments the draft names.
    pub chosen: Chosen,
    /// Bumped by **Refresh**: the device lists and everything chosen are read again.
    pub refresh: RwSignal<u64>,
    /// The key of the submission being confirmed; a new one after any edit.
    pub submit_key: RwSignal<Option<String>>,
}

impl FormState {
    /// State for `package` starting from `draft`; nothing chosen is known yet (see
    /// [`super::lookups`], which looks it up).
    pub fn new(package: Package, draft: DeployDraft, networks: Vec<RoutedNetwork>) -> FormState {
        let draft = RwSignal::new(draft);
        let package = StoredValue::new(package);
        let networks = StoredValue::new(networks);
        let chosen = Chosen::new();
        let client_errors = Memo::new(move |_| {
            let devices: Vec<Device> = chosen
                .devices
                .with(|m| m.values().filter_map(Lookup::found).cloned().collect());
            let deployments: Vec<Deployment> = chosen
                .deployments
                .with(|m| m.values().filter_map(Lookup::found).cloned().collect());
            package.with_value(|package| {
                networks.with_value(|networks| {
                    let request = draft.with(|d| d.to_request(package.plans.first()));
                    let world = World {
                        devices: &devices,
                        networks,
                        deployments: &deployments,
                    };
                    let mut errors =
                        errors_by_field(&validate_provision(&request, package, &world));
                    // What is still being looked up says nothing yet; what could not be looked
                    // up says so, instead of claiming it does not exist.
                    for (path, reference) in references(&request) {
                        let state = match &reference {
                            Reference::Device(id) => {
                                chosen.devices.with(|m| m.get(id).map(lookup_state))
                            }
                            Reference::Deployment(id) => {
                                chosen.deployments.with(|m| m.get(id).map(lookup_state))
                            }
                        };
                        match state {
                            None | Some(State::Pending) => {
                                errors.remove(&path);
                            }
                            Some(State::Failed(reason)) => {
                                errors.insert(
                                    path,
                                    format!("It could not be checked: {reason} Press Refresh to try again."),
                                );
                            }
                            Some(State::Known) => {}
                        }
                    }
                    errors
                })
            })
        });
        FormState {
            draft,
            touched: RwSignal::new(BTreeSet::new()),
            submitted: RwSignal::new(false),
            server_errors: RwSignal::new(BTreeMap::new()),
            client_errors,
            package,
            networks,
            chosen,
            refresh: RwSignal::new(0),
            submit_key: RwSignal::new(None),
        }
    }

    /// The message to show at `path` now, if any.
    pub fn error(&self, path: &str) -> Option<String> {
        if let Some(message) = self.server_errors.with(|e| e.get(path).cloned()) {
            return Some(message);
        }
        let visible = self.submitted.get() || self.touched.with(|t| t.contains(path));
        visible
            .then(|| self.client_errors.with(|e| e.get(path).cloned()))
            .flatten()
    }

    /// The user left `path`.
    pub fn touch(&self, path: &str) {
        if !self.touched.with_untracked(|t| t.contains(path)) {
            self.touched.update(|t| {
                t.insert(path.to_string());
            });
        }
    }

    /// Changes the draft for `path`: that field's backend error goes, and the next submission
    /// gets a new idempotency key (it is a different request now).
    pub fn edit(&self, path: &str, change: impl FnOnce(&mut DeployDraft)) {
        self.draft.update(change);
        if self.server_errors.with_untracked(|e| e.contains_key(path)) {
            self.server_errors.update(|e| {
                e.remove(path);
            });
        }
        self.submit_key.set(None);
    }
}

/// Where a lookup stands, as the errors need it.
enum State {
    Pending,
    Known,
    Failed(String),
}

fn lookup_state<T>(lookup: &Lookup<T>) -> State {
    match lookup {
        Lookup::Pending => State::Pending,
        Lookup::Found(_) | Lookup::Missing => State::Known,
        Lookup::Failed(reason) => State::Failed(reason.clone()),
    }
}

/// The form state in context.
pub fn use_form() -> FormState {
    expect_context::<FormState>()
}
