//! The devices a screen needs, never the whole fleet (docs/api.md §6): a page of a devices
//! query (searched, judged against a component, with the summary of how they fit), and the few
//! devices a screen names, by ID. A backend that ignores the query and answers every device
//! (no `total`) is read with the same rules here.

use platform::list::{DeviceListRequest, DevicePage, DeviceQuery, MAX_DEVICE_IDS, select_page};
use platform::rules::compat::FitSummary;
use platform::wire::{Device, Package};
use serde::Deserialize;

use super::{ApiError, Backend, query_path};

/// A devices answer of either kind.
#[derive(Deserialize)]
struct Answer {
    items: Vec<Device>,
    #[serde(rename = "continue", default)]
    next: Option<String>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    fit: Option<FitSummary>,
}

impl Backend {
    /// Up to `limit` devices of `query` from `token` (`None`: the first page), with the total
    /// and, for a query that names a component (of `package`), how the matching devices fit
    /// it.
    pub async fn device_page(
        &self,
        query: &DeviceQuery,
        package: Option<&Package>,
        limit: usize,
        token: Option<&str>,
    ) -> Result<DevicePage<Device>, ApiError> {
        let mut pairs = match token {
            Some(token) => vec![("continue".to_string(), token.to_string())],
            None => query.to_pairs(),
        };
        pairs.push(("limit".into(), limit.to_string()));
        let answer: Answer = self.client().get(&query_path("/devices", &pairs)).await?;
        Ok(match answer.total {
            Some(total) => DevicePage {
                items: answer.items,
                next: answer.next,
                total,
                fit: answer.fit,
            },
            None => whole(query, package, answer.items, limit),
        })
    }

    /// The devices with these IDs (in the order they were registered); an ID no device has is
    /// simply missing from the answer.
    pub async fn devices_by_id(&self, ids: &[String]) -> Result<Vec<Device>, ApiError> {
        let mut found = Vec::new();
        for batch in ids.chunks(MAX_DEVICE_IDS) {
            let query = DeviceQuery {
                ids: batch.to_vec(),
                ..DeviceQuery::default()
            };
            found.extend(
                self.device_page(&query, None, batch.len(), None)
                    .await?
                    .items,
            );
        }
        Ok(found)
    }
}

/// The first page of `query` over every device (a backend that does not filter), with the
/// platform's list and compatibility rules.
fn whole(
    query: &DeviceQuery,
    package: Option<&Package>,
    all: Vec<Device>,
    limit: usize,
) -> DevicePage<Device> {
    let component = query
        .fit
        .as_ref()
        .zip(package)
        .and_then(|(fit, package)| fit.component(package).ok());
    let request = DeviceListRequest {
        query: query.clone(),
        limit: Some(limit),
        after: None,
    };
    let mut page = select_page((1u64..).zip(all.iter()), &request, component);
    // This backend cannot continue from a token of ours: the first page is all there is.
    page.next = None;
    page
}
