//! A small deterministic random generator (SplitMix64): the same seed gives the same ids, log
//! lines and choices, so a run can be replayed exactly.

use serde::{Deserialize, Serialize};

/// SplitMix64 state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// `prefix-` followed by 12 hex digits.
    pub fn id(&mut self, prefix: &str) -> String {
        format!("{prefix}-{:012x}", self.next_u64() >> 16)
    }
}

/// FNV-1a, 64 bits: a cheap, stable hash of bytes (log lines per deployment, ETags).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        assert_eq!((a.id("dep"), a.below(10)), (b.id("dep"), b.below(10)));
        assert_ne!(Rng(7).next_u64(), Rng(8).next_u64());
        assert_eq!(Rng(1).id("x").len(), "x-".len() + 12);
    }
}
