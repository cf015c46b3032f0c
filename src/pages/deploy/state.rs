//! The deploy form's reactive state, shared by its parts through context: the draft, which
//! fields the user has visited, the backend's field errors, and the platform's verdict.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use platform::rules::{World, validate::validate_provision};
use platform::wire::{Deployment, Device, Package, RoutedNetwork};

use super::model::{DeployDraft, errors_by_field};

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
    /// Devices as last fetched.
    pub devices: Signal<Vec<Device>>,
    /// Routed networks.
    pub networks: StoredValue<Vec<RoutedNetwork>>,
    /// Deployments (for dependencies and volumes).
    pub deployments: StoredValue<Vec<Deployment>>,
    /// The key of the submission being confirmed; a new one after any edit.
    pub submit_key: RwSignal<Option<String>>,
}

impl FormState {
    /// State for `package` starting from `draft`.
    pub fn new(
        package: Package,
        draft: DeployDraft,
        devices: Signal<Vec<Device>>,
        networks: Vec<RoutedNetwork>,
        deployments: Vec<Deployment>,
    ) -> FormState {
        let draft = RwSignal::new(draft);
        let package = StoredValue::new(package);
        let networks = StoredValue::new(networks);
        let deployments = StoredValue::new(deployments);
        let client_errors = Memo::new(move |_| {
            let devices = devices.get();
            package.with_value(|package| {
                networks.with_value(|networks| {
                    deployments.with_value(|deployments| {
                        let request = draft.with(|d| d.to_request(package.plans.first()));
                        let world = World {
                            devices: &devices,
                            networks,
                            deployments,
                        };
                        errors_by_field(&validate_provision(&request, package, &world))
                    })
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
            devices,
            networks,
            deployments,
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

/// The form state in context.
pub fn use_form() -> FormState {
    expect_context::<FormState>()
}
