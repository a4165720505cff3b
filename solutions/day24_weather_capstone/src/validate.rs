//! The query parameters, checked before anything costs an upstream call.

use std::collections::HashMap;

use crate::problem::ApiError;

pub const MAX_CITY_CHARS: usize = 64;
pub const MAX_DAYS: u8 = 7;
pub const DEFAULT_DAYS: u8 = 3;

/// The `city` parameter, trimmed: letters of any alphabet, spaces, hyphens, apostrophes and
/// dots, 1 to 64 characters.
pub fn city(query: &HashMap<String, String>) -> Result<String, ApiError> {
    let raw = query.get("city").ok_or(ApiError::MissingCity)?;
    let city = raw.trim();
    if city.is_empty() {
        return Err(ApiError::Invalid("`city` must not be blank".to_string()));
    }
    // Characters, not bytes: "São" is 3 characters and 4 bytes.
    if city.chars().count() > MAX_CITY_CHARS {
        let why = format!("`city` must be at most {MAX_CITY_CHARS} characters");
        return Err(ApiError::Invalid(why));
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.');
    if !city.chars().all(allowed) {
        let why = "`city` may hold only letters, spaces, hyphens, apostrophes and dots";
        return Err(ApiError::Invalid(why.to_string()));
    }
    Ok(city.to_string())
}

/// The `days` parameter: a whole number from 1 to 7, 3 when absent.
pub fn days(query: &HashMap<String, String>) -> Result<u8, ApiError> {
    let Some(raw) = query.get("days") else {
        return Ok(DEFAULT_DAYS);
    };
    match raw.parse::<u8>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Ok(days),
        _ => Err(ApiError::Invalid(format!(
            "`days` must be a whole number from 1 to {MAX_DAYS}"
        ))),
    }
}
