//! Rollouts in the database: one row each (the rollout with its request and targets as JSON),
//! numbered in creation order (`seq`, which the list pages on, newest first). A changed
//! rollout is saved with a conditional `UPDATE … WHERE rv = <the version it was read at>`,
//! like a deployment, so two processes moving one rollout on never lose a wave.

use platform::PlatformError;
use platform::list::{DeviceListRequest, DeviceQuery};
use platform::rollout::{
    Rollout, RolloutList, RolloutListRequest, TargetAnswer, TargetListRequest,
};
use platform::sim::Rng;
use platform::sim::rollouts::RolloutRecord;
use platform::wire::{Device, Label};

use super::driver::{Value, col};
use super::error::StoreError;
use super::rows::{SqlRows, json, parse};

impl SqlRows<'_> {
    /// The devices carrying every one of `labels` (the label index finds them).
    pub(super) fn devices_with(&mut self, labels: &[Label]) -> Result<Vec<Device>, StoreError> {
        if labels.is_empty() {
            return Ok(Vec::new());
        }
        let page = self.devices_page(&DeviceListRequest {
            query: DeviceQuery {
                labels: labels.to_vec(),
                ..DeviceQuery::default()
            },
            limit: None,
            after: None,
        })?;
        // Without a component to judge by, nothing is refused.
        let Ok(page) = page else {
            return Ok(Vec::new());
        };
        page.items
            .iter()
            .map(|raw| parse(raw.get(), "device"))
            .collect()
    }

    /// A rollout with the version it was read at.
    pub(super) fn rollout_row(&mut self, id: &str) -> Result<Option<RolloutRecord>, StoreError> {
        let rows = self
            .db
            .query("SELECT body, rv FROM rollouts WHERE id = $1", &[id.into()])?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let mut record: RolloutRecord = parse(col(&row, 0).text(), "rollout")?;
        record.version = u64::try_from(col(&row, 1).int()).unwrap_or(0);
        Ok(Some(record))
    }

    /// An ID no rollout has.
    pub(super) fn fresh_rollout_id(&mut self) -> Result<String, StoreError> {
        self.fresh_id("ro", "rollouts", 0x0DD5_EED5_0DD5_EED5)
    }

    /// A new `prefix-…` ID that no row of `table` has: from the store's ID counter, on a
    /// sequence of its own for each `salt` (apart from the seeded world's).
    pub(super) fn fresh_id(
        &mut self,
        prefix: &str,
        table: &str,
        salt: u64,
    ) -> Result<String, StoreError> {
        self.version()?;
        let start = Rng(self.seed ^ salt).next_u64();
        let sql = format!("SELECT 1 FROM {table} WHERE id = $1");
        loop {
            let n = self.bump("next_id")? as u64;
            let mut rng = Rng(start.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
            let id = rng.id(prefix);
            if self.db.query(&sql, &[id.as_str().into()])?.is_empty() {
                return Ok(id);
            }
        }
    }

    /// Stores a new rollout, or a changed one over the version it was read at.
    pub(super) fn store_rollout(&mut self, record: &RolloutRecord) -> Result<(), StoreError> {
        let version = self.version()?;
        let id = record.rollout.rollout_id.as_str();
        let mut stamped = record.clone();
        stamped.stamp(u64::try_from(version).unwrap_or(0));
        let body = json(&stamped)?;
        if record.version == 0 {
            self.db.execute(
                "INSERT INTO rollouts (id, seq, rv, body) VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM rollouts), $2, $3)",
                &[id.into(), version.into(), body.into()],
            )?;
            return Ok(());
        }
        let changed = self.db.execute(
            "UPDATE rollouts SET rv = $1, body = $2 WHERE id = $3 AND rv = $4",
            &[
                version.into(),
                body.into(),
                id.into(),
                i64::try_from(record.version).unwrap_or(-1).into(),
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::Changed(id.to_string()));
        }
        Ok(())
    }

    /// `GET /rollouts`: a page, newest first, without the targets.
    pub fn rollouts_page(
        &mut self,
        request: &RolloutListRequest,
    ) -> Result<RolloutList, StoreError> {
        let before = request
            .before
            .map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let limit = i64::try_from(request.limit).unwrap_or(i64::MAX);
        let rows = self.db.query(
            "SELECT seq, body FROM rollouts WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
            &[Value::Int(before), Value::Int(limit.saturating_add(1))],
        )?;
        let more = rows.len() > request.limit;
        let mut items = Vec::new();
        let mut last = None;
        for row in rows.into_iter().take(request.limit) {
            let record: RolloutRecord = parse(col(&row, 1).text(), "rollout")?;
            items.push(record.rollout.summary());
            last = Some(col(&row, 0).int());
        }
        let next = last
            .filter(|_| more)
            .map(|seq| RolloutListRequest::token(u64::try_from(seq).unwrap_or(0)));
        Ok(RolloutList { items, next })
    }

    /// `GET /rollouts/{id}`: the rollout's summary (its counts, per wave too, and the failed
    /// targets), without the other targets.
    pub fn rollout_view(&mut self, id: &str) -> Result<Option<Rollout>, StoreError> {
        Ok(self.rollout_row(id)?.map(|r| r.rollout.summary()))
    }

    /// `GET /rollouts/{id}/targets`: a page of its targets, or what changed in them since a
    /// version; `None` when there is no such rollout.
    pub fn rollout_targets(
        &mut self,
        id: &str,
        request: &TargetListRequest,
    ) -> Result<Option<Result<TargetAnswer, PlatformError>>, StoreError> {
        let Some(record) = self.rollout_row(id)? else {
            return Ok(None);
        };
        let version = u64::try_from(self.meta("rv")?).unwrap_or(0);
        let epoch = u64::try_from(self.meta("epoch")?).unwrap_or(0);
        Ok(Some(request.answer(
            &record.rollout.targets,
            version,
            epoch,
        )))
    }
}
