//! What the **Deploy to a fleet** form holds, as typed: kept in the session per package (and
//! read from a deploy link's query), turned into the API's rollout request, with what is wrong
//! with it before anything is sent (the platform's own rules; the backend checks the rest).

use std::collections::BTreeMap;

use platform::rollout::{RolloutRequest, Wave, default_waves, waves};
use platform::wire::{Label, Package, Plan, Runtime};
use serde::{Deserialize, Serialize};

/// The form's fields, as the user typed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FleetDraft {
    /// The package it is for.
    pub package_id: String,
    /// Labels the devices carry, `key:value` separated by commas or spaces.
    pub selector: String,
    /// The device component.
    pub component_id: String,
    /// The name pattern.
    pub name: String,
    /// Parameter values by name.
    pub parameters: BTreeMap<String, String>,
    /// The routed network (empty: none).
    pub network: String,
    /// The waves, `1, 10%, 100%`.
    pub waves: String,
    /// Failed deployments that halt it.
    pub max_failures: String,
}

/// `waves` as the form writes them.
pub fn waves_text(waves: &[Wave]) -> String {
    waves
        .iter()
        .map(|w| match w {
            Wave::Count(n) => n.to_string(),
            Wave::Percent(p) => format!("{p}%"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plan's device components.
pub fn device_components(plan: &Plan) -> impl Iterator<Item = &platform::wire::Component> {
    plan.components
        .iter()
        .filter(|c| c.required_runtime == Runtime::Device)
}

impl FleetDraft {
    /// The defaults for `package`: its first device component with its parameters' defaults,
    /// `<package>-{device}`, one device then 10 % then all, halting at the first failure.
    pub fn new(package: &Package) -> FleetDraft {
        let plan = package.plans.first();
        let component = plan.and_then(|p| device_components(p).next());
        let slug: String = package
            .summary
            .package_name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        FleetDraft {
            package_id: package.summary.guid.clone(),
            selector: String::new(),
            component_id: component
                .map(|c| c.component_id.clone())
                .unwrap_or_default(),
            name: format!("{}-{{device}}", slug.trim_matches('-')),
            parameters: component
                .map(|c| {
                    c.parameters
                        .iter()
                        .map(|p| (p.name.clone(), p.default.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            network: String::new(),
            waves: waves_text(&default_waves()),
            max_failures: "1".into(),
        }
    }

    /// Takes a deploy link's `selector`, `component`, `name`, `waves` and `maxFailures`;
    /// whether the query had any of them.
    pub fn apply_query(&mut self, query: &[(String, String)]) -> bool {
        let mut any = false;
        for (key, value) in query {
            let field = match key.as_str() {
                "selector" => &mut self.selector,
                "component" => &mut self.component_id,
                "name" => &mut self.name,
                "waves" => &mut self.waves,
                "maxFailures" => &mut self.max_failures,
                _ => continue,
            };
            *field = value.clone();
            any = true;
        }
        any
    }

    /// The selector's labels, or what is wrong with the text.
    pub fn labels(&self) -> Result<Vec<Label>, String> {
        self.selector
            .split([',', ' '])
            .filter(|part| !part.trim().is_empty())
            .map(|part| {
                Label::from_selector(part).ok_or_else(|| {
                    format!(
                        "\"{}\" is not a label: write key:value, such as site:tokyo.",
                        part.trim()
                    )
                })
            })
            .collect()
    }

    /// The waves, or what is wrong with them.
    pub fn wave_list(&self) -> Result<Vec<Wave>, String> {
        let list = self
            .waves
            .split(',')
            .filter(|w| !w.trim().is_empty())
            .map(waves::parse)
            .collect::<Result<Vec<_>, _>>()?;
        match waves::waves_error(&list) {
            Some(message) => Err(message),
            None => Ok(list),
        }
    }

    /// The failure threshold, or what is wrong with it.
    pub fn threshold(&self) -> Result<u32, String> {
        match self.max_failures.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err("Write how many failed deployments halt the rollout: 1 or more.".into()),
        }
    }

    /// What is wrong before anything is sent, by field (`selector`, `waves`, `maxFailures`).
    pub fn errors(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        match self.labels() {
            Err(message) => {
                errors.insert("selector".into(), message);
            }
            Ok(labels) if labels.is_empty() => {
                errors.insert(
                    "selector".into(),
                    "Add a label the target devices carry, such as site:tokyo.".into(),
                );
            }
            Ok(_) => {}
        }
        if let Err(message) = self.wave_list() {
            errors.insert("waves".into(), message);
        }
        if let Err(message) = self.threshold() {
            errors.insert("maxFailures".into(), message);
        }
        errors
    }

    /// The API's request (fields that do not read are sent empty, for the backend to name).
    pub fn to_request(&self, plan_id: &str) -> RolloutRequest {
        RolloutRequest {
            package_id: self.package_id.clone(),
            plan_id: plan_id.to_string(),
            name: self.name.trim().to_string(),
            selector: self.labels().unwrap_or_default(),
            component_id: self.component_id.clone(),
            labels: Vec::new(),
            parameters: self.parameters.clone(),
            routed_networks: (!self.network.is_empty())
                .then(|| platform::wire::NetworkRef {
                    guid: self.network.clone(),
                    name: None,
                })
                .into_iter()
                .collect(),
            restart_policy: None,
            waves: self.wave_list().unwrap_or_default(),
            max_failures: self.threshold().unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> FleetDraft {
        FleetDraft {
            selector: "site:tokyo, tier:canary".into(),
            waves: "1, 10%, 100%".into(),
            max_failures: "2".into(),
            name: " nav-{device} ".into(),
            ..FleetDraft::default()
        }
    }

    #[test]
    fn a_good_draft_reads_into_a_request() {
        let request = draft().to_request("plan-1");
        assert_eq!(request.selector.len(), 2);
        assert_eq!(request.waves, default_waves());
        assert_eq!(request.max_failures, 2);
        assert_eq!(request.name, "nav-{device}");
        assert!(draft().errors().is_empty());
    }

    #[test]
    fn what_does_not_read_is_named_by_field() {
        let mut bad = draft();
        bad.selector = "site".into();
        bad.waves = "1, lots".into();
        bad.max_failures = "0".into();
        let errors = bad.errors();
        assert!(errors["selector"].contains("\"site\""));
        assert!(errors["waves"].contains("\"lots\""));
        assert!(errors.contains_key("maxFailures"));
        bad.selector = " ".into();
        bad.waves = "1, 50%".into();
        let errors = bad.errors();
        assert!(errors["selector"].contains("Add a label"));
        assert!(errors["waves"].contains("100%"), "{}", errors["waves"]);
    }

    #[test]
    fn a_deploy_link_fills_the_form() {
        let mut form = draft();
        let query = vec![
            ("selector".to_string(), "site:osaka".to_string()),
            ("waves".to_string(), "2, 100%".to_string()),
            ("other".to_string(), "x".to_string()),
        ];
        assert!(form.apply_query(&query));
        assert_eq!(form.selector, "site:osaka");
        assert_eq!(form.waves, "2, 100%");
        assert!(!form.apply_query(&[]));
    }
}
