//! The list's view state in the URL (`?phase=&q=&label=&sort=&desc=`) and the backend query it
//! stands for: search, phase, label and order all run on the server (or, against a backend
//! that answers whole lists, in the browser by the same rules from the platform crate).

use platform::list::{DeploymentQuery, Order, SortKey};
use platform::phase::Phase;
use platform::wire::Label;

use crate::api::encode;
use crate::hooks::UrlState;

/// Which phases the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseFilter {
    /// Every phase but Deployment stopped (the default).
    Live,
    /// Every phase.
    All,
    /// One phase.
    Only(Phase),
}

impl PhaseFilter {
    /// The phases to ask the backend for (empty: all).
    pub fn phases(&self) -> Vec<Phase> {
        match self {
            PhaseFilter::Live => Phase::live_phases(),
            PhaseFilter::All => Vec::new(),
            PhaseFilter::Only(phase) => vec![phase.clone()],
        }
    }

    /// The value of the filter's `<option>` and of `phase=` in the URL.
    pub fn value(&self) -> String {
        match self {
            PhaseFilter::Live => String::new(),
            PhaseFilter::All => "all".into(),
            PhaseFilter::Only(phase) => phase.as_str().to_string(),
        }
    }

    /// Reads an option's value; anything unknown is the default.
    pub fn from_value(value: &str) -> PhaseFilter {
        match value.trim() {
            "" | "live" => PhaseFilter::Live,
            "all" => PhaseFilter::All,
            other => match Phase::parse(other) {
                Phase::Unknown(_) => PhaseFilter::Live,
                phase => PhaseFilter::Only(phase),
            },
        }
    }
}

/// The list's view state, kept in the URL query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentsQuery {
    /// Name search.
    pub search: String,
    /// Phase filter.
    pub phase: PhaseFilter,
    /// Sort column (the orders the backend keeps: created, name, phase, generation).
    pub sort: SortKey,
    /// Descending.
    pub descending: bool,
    /// Label selector as written (`site:tokyo`); empty for none.
    pub label: String,
}

impl Default for DeploymentsQuery {
    fn default() -> Self {
        DeploymentsQuery {
            search: String::new(),
            phase: PhaseFilter::Live,
            sort: SortKey::Created,
            descending: true,
            label: String::new(),
        }
    }
}

impl DeploymentsQuery {
    /// Reads the query; unknown values (and the sorts earlier versions offered, by package and
    /// status) fall back to the defaults.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> DeploymentsQuery {
        let sort = get("sort")
            .and_then(|word| SortKey::parse(&word))
            .unwrap_or(SortKey::Created);
        let descending = match get("desc").as_deref() {
            Some("1") => true,
            Some("0") => false,
            _ => sort.default_order() == Order::Desc,
        };
        DeploymentsQuery {
            search: get("q").unwrap_or_default(),
            phase: PhaseFilter::from_value(&get("phase").unwrap_or_default()),
            sort,
            descending,
            label: get("label").unwrap_or_default(),
        }
    }

    /// The label the view is narrowed to; `Err` with a sentence when it is not `key:value`.
    pub fn label_filter(&self) -> Result<Option<Label>, String> {
        if self.label.trim().is_empty() {
            return Ok(None);
        }
        Label::from_selector(&self.label).map(Some).ok_or_else(|| {
            format!(
                "\"{}\" is not a label filter. Write it as key:value, for example label=site:tokyo.",
                self.label
            )
        })
    }

    /// The backend query this view stands for; `Err` (the sentence of [`Self::label_filter`])
    /// when the label cannot be read, so nothing is asked.
    pub fn to_list_query(&self) -> Result<DeploymentQuery, String> {
        let labels = self.label_filter()?.into_iter().collect();
        let order = if self.descending {
            Order::Desc
        } else {
            Order::Asc
        };
        Ok(DeploymentQuery::new(
            self.phase.phases(),
            labels,
            &self.search,
            "",
            self.sort,
            order,
        ))
    }

    /// Whether the view narrows the list beyond the default phases (a search or a label).
    pub fn narrows(&self) -> bool {
        !self.search.trim().is_empty() || !self.label.trim().is_empty()
    }

    /// The query string (with `?`, or empty for the defaults).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let phase = self.phase.value();
        if !phase.is_empty() {
            parts.push(format!("phase={}", encode(&phase)));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode(&self.search)));
        }
        if !self.label.is_empty() {
            parts.push(format!("label={}", encode(&self.label)));
        }
        if self.sort != SortKey::Created {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if self.descending != (self.sort.default_order() == Order::Desc) {
            parts.push(format!("desc={}", u8::from(self.descending)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The view sorted by `key`: the other direction when it already is, else the key's own
    /// default direction (newest first for created, A–Z for names).
    pub fn sorted_by(&self, key: SortKey) -> DeploymentsQuery {
        let descending = if self.sort == key {
            !self.descending
        } else {
            key.default_order() == Order::Desc
        };
        DeploymentsQuery {
            sort: key,
            descending,
            ..self.clone()
        }
    }
}

impl UrlState for DeploymentsQuery {
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self {
        DeploymentsQuery::from_pairs(get)
    }

    fn write(&self) -> String {
        self.to_query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> DeploymentsQuery {
        DeploymentsQuery::from_pairs(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_are_live_phases_newest_first_and_leave_no_query() {
        let default = query(&[]);
        assert_eq!(default, DeploymentsQuery::default());
        assert_eq!(default.to_query(), "");
        let asked = default.to_list_query().unwrap();
        assert_eq!(asked.phases, Phase::live_phases());
        assert_eq!((asked.sort, asked.order), (SortKey::Created, Order::Desc));
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_query_round_trips() {
        let views = [
            DeploymentsQuery {
                search: "amr nav".into(),
                phase: PhaseFilter::Only(Phase::FailedToUpdate),
                sort: SortKey::Generation,
                descending: true,
                label: "site:tokyo".into(),
            },
            DeploymentsQuery {
                search: String::new(),
                phase: PhaseFilter::All,
                sort: SortKey::Created,
                descending: false,
                label: String::new(),
            },
            DeploymentsQuery {
                search: "ü&=?".into(),
                phase: PhaseFilter::Live,
                sort: SortKey::Name,
                descending: false,
                label: "env: dev ".into(),
            },
        ];
        for view in views {
            let text = view.to_query();
            let pairs: Vec<(String, String)> = text
                .trim_start_matches('?')
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_string(), percent_decode(v)))
                .collect();
            let back = DeploymentsQuery::from_pairs(|key| {
                pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
            });
            assert_eq!(back, view, "{text}");
        }
    }

    #[test]
    fn bad_values_and_retired_sorts_fall_back_to_defaults() {
        let view = query(&[("phase", "Exploded"), ("sort", "colour"), ("desc", "maybe")]);
        assert_eq!(view, DeploymentsQuery::default());
        for retired in ["package", "status"] {
            assert_eq!(query(&[("sort", retired)]).sort, SortKey::Created);
        }
        assert_eq!(
            query(&[("phase", "failed to update")]).phase,
            PhaseFilter::Only(Phase::FailedToUpdate)
        );
    }

    #[test]
    fn the_backend_query_carries_search_label_phase_and_order() {
        let view = query(&[
            ("q", "  AMR "),
            ("label", "site:tokyo"),
            ("phase", "all"),
            ("sort", "name"),
        ]);
        let asked = view.to_list_query().unwrap();
        assert_eq!(asked.search, "amr");
        assert_eq!(asked.phases, Vec::<Phase>::new());
        assert_eq!(asked.labels.len(), 1);
        assert_eq!((asked.sort, asked.order), (SortKey::Name, Order::Asc));
        assert!(view.narrows());
        let problem = query(&[("label", "tokyo")]).to_list_query().unwrap_err();
        assert!(problem.contains("key:value"), "{problem}");
    }

    #[test]
    fn sorting_by_a_column_again_turns_it_around() {
        let by_name = DeploymentsQuery::default().sorted_by(SortKey::Name);
        assert_eq!((by_name.sort, by_name.descending), (SortKey::Name, false));
        assert!(by_name.sorted_by(SortKey::Name).descending);
        let newest = by_name.sorted_by(SortKey::Created);
        assert_eq!((newest.sort, newest.descending), (SortKey::Created, true));
        assert_eq!(newest.to_query(), "");
    }
}
