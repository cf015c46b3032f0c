//! Waiting between tries: jittered exponential backoff for reads and polls, and an async sleep.
//! One place for both schedules, so a read's retries and a poll's pauses stay consistent.

use crate::api::error::ApiError;

/// A backoff schedule: the first ceiling and the largest, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The ceiling after the first failure.
    pub base_ms: f64,
    /// The largest ceiling.
    pub cap_ms: f64,
}

/// A one-off read retried by the HTTP client: short waits, a few tries.
pub const READ_BACKOFF: Backoff = Backoff {
    base_ms: 400.0,
    cap_ms: 8_000.0,
};

/// A poll that failed (live data, logs): from 2 s up to a minute between tries.
pub const POLL_BACKOFF: Backoff = Backoff {
    base_ms: 2_000.0,
    cap_ms: 60_000.0,
};

impl Backoff {
    /// How long to wait after the `failures`-th failure in a row: the server's Retry-After
    /// when it gave one, else a random time between half and all of `base · 2^(failures-1)`,
    /// at most `cap` ("equal jitter": spread out like full jitter, but never a burst of
    /// near-zero waits).
    pub fn wait_ms(self, error: &ApiError, failures: u32) -> u32 {
        wait_ms(
            error,
            failures,
            self.base_ms,
            self.cap_ms,
            js_sys::Math::random(),
        )
    }
}

/// [`Backoff::wait_ms`] with the random draw `random` in `[0, 1)` given.
fn wait_ms(error: &ApiError, failures: u32, base_ms: f64, cap_ms: f64, random: f64) -> u32 {
    if let ApiError::RateLimited(Some(seconds)) = error {
        // Honoured, up to ten minutes (a wild value must not overflow a browser timer).
        return (*seconds).min(600).saturating_mul(1000);
    }
    let exponent = failures.saturating_sub(1).min(30) as i32;
    let ceiling = (base_ms * 2f64.powi(exponent)).min(cap_ms);
    (ceiling / 2.0 * (1.0 + random.clamp(0.0, 1.0))) as u32
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u32) as i32,
            )
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_from_half_to_all_of_the_ceiling_up_to_the_cap() {
        let error = ApiError::Network;
        for (failures, low, high) in [(1, 1_000, 2_000), (5, 16_000, 32_000), (6, 30_000, 60_000)] {
            assert_eq!(wait_ms(&error, failures, 2_000.0, 60_000.0, 0.0), low);
            assert_eq!(
                wait_ms(&error, failures, 2_000.0, 60_000.0, 0.999_999),
                high - 1
            );
        }
        assert_eq!(wait_ms(&error, u32::MAX, 2_000.0, 60_000.0, 0.0), 30_000);
    }

    #[test]
    fn after_the_fifth_failure_at_most_three_tries_a_minute() {
        // The shortest waits the draws allow, from the sixth try on.
        let error = ApiError::Network;
        let shortest: u32 = (5..8)
            .map(|n| wait_ms(&error, n, 2_000.0, 60_000.0, 0.0))
            .sum();
        assert!(shortest >= 60_000, "three waits take {shortest} ms");
    }

    #[test]
    fn retry_after_is_honoured_up_to_ten_minutes() {
        let wait = |s| wait_ms(&ApiError::RateLimited(Some(s)), 1, 2_000.0, 60_000.0, 0.0);
        assert_eq!(wait(20), 20_000);
        assert_eq!(wait(u32::MAX), 600_000);
    }
}
