//! The other lists (devices, packages) and one deployment as stored.

use platform::PlatformError;
use platform::list::{DeviceListRequest, DevicePage};
use platform::rules::compat::{DeviceProfile, FitSummary};
use platform::sim::Rows;
use platform::wire::{CatalogFilter, Package, PackageSummary};

use super::driver::{Value, col};
use super::error::StoreError;
use super::filter::{Filter, name_search, take_page};
use super::lists::{Raw, raw, raw_column};
use super::rows::{FLEET_SCOPE, SqlRows, label_scope, parse};

impl SqlRows<'_> {
    /// A page of the devices list. A query naming a component judges the devices by their
    /// profiles (few, counted per profile), never one by one; 404 when the component does not
    /// exist.
    pub fn devices_page(
        &mut self,
        request: &DeviceListRequest,
    ) -> Result<Result<DevicePage<Raw>, PlatformError>, StoreError> {
        let query = &request.query;
        let component = match &query.fit {
            None => None,
            Some(fit) => {
                let Some(package) = Rows::package(self, &fit.package_id)? else {
                    return Ok(Err(PlatformError::not_found("package", &fit.package_id)));
                };
                match fit.component(&package) {
                    Ok(component) => Some(component.clone()),
                    Err(refused) => return Ok(Err(refused)),
                }
            }
        };
        let mut filter = Filter::new();
        if let Some(status) = &query.status {
            let status = filter.bind(status.as_str().into());
            filter.and(format!("d.status = {status}"));
        }
        if let Some(architecture) = &query.architecture {
            let architecture = filter.bind(architecture.as_str().into());
            filter.and(format!("d.architecture = {architecture}"));
        }
        for label in &query.labels {
            let key = filter.bind(label.key.as_str().into());
            let value = filter.bind(label.value.as_str().into());
            filter.and(format!(
                "EXISTS (SELECT 1 FROM device_labels l WHERE l.key = {key} AND l.value = {value} AND l.uuid = d.uuid)"
            ));
        }
        if !query.ids.is_empty() {
            let ids: Vec<String> = query
                .ids
                .iter()
                .map(|id| filter.bind(id.as_str().into()))
                .collect();
            filter.and(format!("d.uuid IN ({})", ids.join(", ")));
        }
        if !query.search.is_empty() {
            name_search(
                &mut filter,
                "device_names",
                &query.search,
                self.dialect,
                true,
            );
        }
        // Devices per profile under these filters: the counts kept for the whole fleet and for
        // each label when that is all the query asks; counted otherwise.
        let kept = match (&query.status, &query.architecture, query.labels.as_slice()) {
            (None, None, []) if query.search.is_empty() && query.ids.is_empty() => {
                Some(FLEET_SCOPE.to_string())
            }
            (None, None, [label]) if query.search.is_empty() && query.ids.is_empty() => {
                Some(label_scope(&label.key, &label.value))
            }
            _ => None,
        };
        let profiles: Vec<(DeviceProfile, u64)> = {
            let (sql, params) = match kept {
                Some(scope) => (
                    "SELECT profile, n FROM device_profiles WHERE scope = $1 AND n > 0".to_string(),
                    vec![Value::Text(scope)],
                ),
                None => (
                    format!(
                        "SELECT d.profile, count(*) FROM devices d{} GROUP BY d.profile",
                        filter.sql()
                    ),
                    filter.params.clone(),
                ),
            };
            self.db
                .query(&sql, &params)?
                .into_iter()
                .filter_map(|row| {
                    let profile = DeviceProfile::from_key(col(&row, 0).text())?;
                    Some((profile, u64::try_from(col(&row, 1).int()).unwrap_or(0)))
                })
                .collect()
        };
        let fit = component
            .as_ref()
            .map(|component| FitSummary::of(component, profiles.iter().map(|(p, n)| (p, *n))));
        let listed: Vec<&(DeviceProfile, u64)> = profiles
            .iter()
            .filter(|(profile, _)| query.fits(component.as_ref(), profile))
            .collect();
        let total: u64 = listed.iter().map(|(_, n)| n).sum();
        if query.fit.as_ref().is_some_and(|f| f.compatible.is_some()) {
            let keys: Vec<String> = listed
                .iter()
                .map(|(profile, _)| filter.bind(profile.key().into()))
                .collect();
            filter.and(if keys.is_empty() {
                "1 = 0".to_string()
            } else {
                format!("d.profile IN ({})", keys.join(", "))
            });
        }
        if let Some(after) = request.after {
            let after = filter.bind(Value::Int(i64::try_from(after).unwrap_or(i64::MAX)));
            filter.and(format!("d.seq > {after}"));
        }
        let limit = filter.limit(request.limit);
        let sql = format!(
            "SELECT d.seq, d.body FROM devices d{} ORDER BY d.seq{limit}",
            filter.sql()
        );
        let mut rows = self.db.query(&sql, &filter.params)?;
        let more = take_page(&mut rows, request.limit);
        let next = rows
            .last()
            .filter(|_| more)
            .map(|last| request.continue_token(u64::try_from(col(last, 0).int()).unwrap_or(0)));
        let items = raw_column(rows, 1)?;
        Ok(Ok(DevicePage {
            items,
            next,
            total,
            fit,
        }))
    }

    /// A deployment as stored, to send as it is.
    pub fn deployment_raw(&mut self, id: &str) -> Result<Option<Raw>, StoreError> {
        let rows = self.db.query(
            "SELECT deployment FROM deployments WHERE id = $1",
            &[id.into()],
        )?;
        rows.into_iter()
            .next()
            .and_then(|row| row.into_iter().next())
            .map(|text| raw(text.into_text()))
            .transpose()
    }

    /// Every catalog package, in the order they were added.
    pub fn all_packages(&mut self) -> Result<Vec<Package>, StoreError> {
        self.db
            .query("SELECT body FROM packages ORDER BY seq", &[])?
            .into_iter()
            .map(|row| parse(col(&row, 0).text(), "package"))
            .collect()
    }

    /// The catalog as `GET /packages` lists it.
    pub fn packages(
        &mut self,
        search: &str,
        category: Option<&str>,
    ) -> Result<Vec<PackageSummary>, StoreError> {
        let all = self.all_packages()?.into_iter().map(|p| p.summary);
        Ok(CatalogFilter::new(search, category.unwrap_or_default()).list(all))
    }
}
