//! The other lists (devices, packages) and one deployment as stored.

use platform::list::{DeviceListRequest, DevicePage};
use platform::wire::{CatalogFilter, Package, PackageSummary};

use super::driver::{Value, col};
use super::error::StoreError;
use super::filter::{Filter, take_page};
use super::lists::{Raw, raw, raw_column};
use super::rows::{SqlRows, parse};

impl SqlRows<'_> {
    /// A page of the devices list.
    pub fn devices_page(
        &mut self,
        request: &DeviceListRequest,
    ) -> Result<DevicePage<Raw>, StoreError> {
        let query = &request.query;
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
        let total_sql = format!("SELECT count(*) FROM devices d{}", filter.sql());
        let total = self
            .db
            .query(&total_sql, &filter.params)?
            .first()
            .and_then(|r| r.first())
            .map_or(0, Value::int);
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
        Ok(DevicePage {
            items,
            next,
            total: u64::try_from(total).unwrap_or(0),
        })
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
