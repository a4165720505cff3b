//! One spelling per inbox (day 16).

use crate::error::ApiError;

/// RFC 5321's limit for a whole address.
const MAX_LEN: usize = 254;

/// Trims and lowercases an address, and checks its shape: one `@` between two non-empty parts,
/// no whitespace, at most 254 characters.
pub fn normalize(email: &str) -> Result<String, ApiError> {
    let email = key(email);
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
                && email.chars().count() <= MAX_LEN
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(ApiError::InvalidEmail)
    }
}

/// The address as the database and the login limiter know it: trimmed and lowercased, whether
/// or not it is valid (a login never says which).
pub fn key(email: &str) -> String {
    email.trim().to_lowercase()
}
