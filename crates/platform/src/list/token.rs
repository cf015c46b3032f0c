//! `continue` tokens: the query and the position a page ended at, as base64url JSON. Opaque to
//! clients and self-contained, so any backend process can answer the next page.

use base64_alphabet::{ALPHABET, value_of};
use serde::{Deserialize, Serialize};

use super::{Cursor, DeploymentQuery, SortValue, bad};
use crate::errors::PlatformError;

/// The version written into tokens; others are refused.
const TOKEN_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct ListToken {
    v: u32,
    q: DeploymentQuery,
    k: SortValue,
    i: String,
}

/// The token for a page of `query` that ended at `cursor`.
pub(super) fn encode_list(query: &DeploymentQuery, cursor: &Cursor) -> String {
    let token = ListToken {
        v: TOKEN_VERSION,
        q: query.clone(),
        k: cursor.value.clone(),
        i: cursor.id.clone(),
    };
    base64url_encode(serde_json::to_string(&token).unwrap_or_default().as_bytes())
}

/// The query and cursor in a token; 400 for anything this module did not write.
pub(super) fn decode_list(text: &str) -> Result<(DeploymentQuery, Cursor), PlatformError> {
    let token: ListToken = decode_json(text)?;
    Ok((
        token.q,
        Cursor {
            value: token.k,
            id: token.i,
        },
    ))
}

/// A token's JSON, checked for this version.
pub(super) fn decode_json<T: serde::de::DeserializeOwned + Versioned>(
    text: &str,
) -> Result<T, PlatformError> {
    base64url_decode(text.trim())
        .and_then(|bytes| serde_json::from_slice::<T>(&bytes).ok())
        .filter(|token| token.version() == TOKEN_VERSION)
        .ok_or_else(|| {
            bad("This continue token is not one this backend gave out; list again from the first page.")
        })
}

/// A token that says which version wrote it.
pub(super) trait Versioned {
    fn version(&self) -> u32;
}

impl Versioned for ListToken {
    fn version(&self) -> u32 {
        self.v
    }
}

/// The version for device tokens.
pub(super) fn version() -> u32 {
    TOKEN_VERSION
}

mod base64_alphabet {
    /// RFC 4648 §5 (URL- and file-name-safe).
    pub const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// The 6-bit value of an alphabet byte.
    pub fn value_of(byte: u8) -> Option<u32> {
        ALPHABET
            .iter()
            .position(|b| *b == byte)
            .and_then(|p| u32::try_from(p).ok())
    }
}

/// base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Reads base64url without padding; `None` for anything else.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, byte) in chunk.iter().enumerate() {
            n |= value_of(*byte)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i) & 255) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['+', '/', '=']), "{text}");
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        assert_eq!(base64url_decode("Zm8"), Some(b"fo".to_vec()));
    }

    #[test]
    fn base64url_refuses_what_it_cannot_read() {
        for bad in ["Z", "Zm9v!", "Zm+v", "Zm9v====", "é"] {
            assert_eq!(base64url_decode(bad), None, "{bad}");
        }
    }
}
