//! Entity tags (RFC 9110 section 8.8.3), as on day 6: a post's id and version, so a tag
//! changes with every edit, never comes back, and survives a restart with the database.

/// The strong entity tag of a post's version, e.g. `"7.2"`.
pub fn of(id: i64, version: i64) -> String {
    format!("\"{id}.{version}\"")
}

/// Whether a conditional header (`If-Match`, `If-None-Match`) names `etag`: its value is `*`
/// or a comma-separated list of entity tags, one of which is `etag`.
pub fn matches(header: &str, etag: &str) -> bool {
    let header = header.trim();
    header == "*" || header.split(',').any(|tag| tag.trim() == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_matches_one_of_its_tags_or_any_with_a_star() {
        let tag = of(7, 2);
        for (header, expected) in [
            ("\"7.2\"", true),
            ("\"1.1\", \"7.2\"", true),
            ("*", true),
            ("\"7.1\"", false),
            ("W/\"7.2\"", false),
            ("", false),
        ] {
            assert_eq!(matches(header, &tag), expected, "{header}");
        }
    }
}
