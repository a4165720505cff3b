//! The shape of `info.toml`, checked before serde reads it: serde stops at the first unknown
//! field, mistyped value or missing field, so these are looked for here, all of them, each at its
//! byte offset. The field lists mirror `raw.rs` (a test keeps them equal).

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::suggest;

/// One problem: where it is (a byte offset, when there is one) and what it is.
pub type Found = (Option<usize>, String);

/// A table's fields, and how a problem names the table.
struct Schema {
    /// `the fields of <what> are ...`
    what: &'static str,
    fields: &'static [Field],
}

struct Field {
    name: &'static str,
    required: bool,
    kind: Kind,
}

enum Kind {
    /// A plain value, checked by reading it alone as its type, so the message is serde's own.
    Value(for<'i> fn(Spanned<DeValue<'i>>) -> Result<(), toml::de::Error>),
    /// An inline or standard table.
    Table(&'static Schema),
    /// An array of tables (`[[exercises]]`).
    Tables(&'static Schema),
}

const fn field(name: &'static str, required: bool, kind: Kind) -> Field {
    Field {
        name,
        required,
        kind,
    }
}

fn value<T: DeserializeOwned>(value: Spanned<DeValue<'_>>) -> Result<(), toml::de::Error> {
    T::deserialize(ValueDeserializer::from(value)).map(drop)
}

static SERVE: Schema = Schema {
    what: "a `serve` table",
    fields: &[
        field("port", true, Kind::Value(value::<u16>)),
        field("try", false, Kind::Value(value::<Vec<String>>)),
        field(
            "env",
            false,
            Kind::Value(value::<std::collections::BTreeMap<String, String>>),
        ),
    ],
};

static EXERCISE: Schema = Schema {
    what: "an `[[exercises]]` entry",
    fields: &[
        field("name", true, Kind::Value(value::<String>)),
        field("day", true, Kind::Value(value::<u32>)),
        field("title", true, Kind::Value(value::<String>)),
        field("topics", false, Kind::Value(value::<Vec<String>>)),
        field("hints", false, Kind::Value(value::<Vec<String>>)),
        field("timeout_secs", false, Kind::Value(value::<u64>)),
        field("starter_may_pass", false, Kind::Value(value::<String>)),
        field("serve", false, Kind::Table(&SERVE)),
        field("database", false, Kind::Value(value::<String>)),
    ],
};

static COURSE: Schema = Schema {
    what: "`info.toml`",
    fields: &[
        field("format_version", true, Kind::Value(value::<u32>)),
        field("title", true, Kind::Value(value::<String>)),
        field("welcome", false, Kind::Value(value::<String>)),
        field("final_message", false, Kind::Value(value::<String>)),
        field("exercises", false, Kind::Tables(&EXERCISE)),
    ],
};

/// Every unknown field, mistyped value and missing field in the document, in file order.
pub fn problems(document: &Spanned<DeTable<'_>>) -> Vec<Found> {
    let mut found = Vec::new();
    check_table(&COURSE, document.get_ref(), None, None, &mut found);
    // Problems without a position (a field missing from the whole file) come last.
    found.sort_by_key(|(at, _)| at.unwrap_or(usize::MAX));
    found
}

/// Drops the unknown fields (reported by [`problems`]), so serde can still read what is left.
pub fn prune(document: &mut DeTable<'_>) {
    prune_table(&COURSE, document);
}

fn prune_table(schema: &Schema, table: &mut DeTable<'_>) {
    let unknown: Vec<String> = table
        .keys()
        .map(|key| key.get_ref().to_string())
        .filter(|key| !schema.fields.iter().any(|f| f.name == key))
        .collect();
    for key in unknown {
        table.remove(key.as_str());
    }
    for field in schema.fields {
        match (&field.kind, table.get_mut(field.name).map(|v| v.get_mut())) {
            (Kind::Table(inner), Some(DeValue::Table(nested))) => prune_table(inner, nested),
            (Kind::Tables(inner), Some(DeValue::Array(items))) => {
                for item in items.iter_mut() {
                    if let DeValue::Table(nested) = item.get_mut() {
                        prune_table(inner, nested);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `at` is where the table starts and `owner` what it is (`exercise `day01_a``); both `None`
/// for the whole file.
fn check_table(
    schema: &Schema,
    table: &DeTable<'_>,
    at: Option<usize>,
    owner: Option<&str>,
    found: &mut Vec<Found>,
) {
    for (key, value) in table {
        match schema.fields.iter().find(|f| f.name == key.get_ref()) {
            Some(field) => check_value(field, value, owner, found),
            None => found.push((Some(key.span().start), unknown(schema, key.get_ref()))),
        }
    }
    for field in schema.fields.iter().filter(|f| f.required) {
        if !table.contains_key(field.name) {
            let place = owner.map(|o| format!(" in {o}")).unwrap_or_default();
            found.push((at, format!("missing field `{}`{place}", field.name)));
        }
    }
}

fn check_value(
    field: &Field,
    value: &Spanned<DeValue<'_>>,
    owner: Option<&str>,
    found: &mut Vec<Found>,
) {
    let at = value.span().start;
    match (&field.kind, value.get_ref()) {
        (Kind::Value(read), _) => {
            if let Err(e) = read(value.clone()) {
                let start = e.span().map_or(at, |span| span.start);
                found.push((Some(start), e.message().trim().to_string()));
            }
        }
        (Kind::Table(schema), DeValue::Table(table)) => {
            let owner = format!(
                "the `{}` table of {}",
                field.name,
                owner.unwrap_or("the file")
            );
            check_table(schema, table, Some(at), Some(&owner), found);
        }
        (Kind::Tables(schema), DeValue::Array(items)) => {
            for item in items {
                let at = item.span().start;
                match item.get_ref() {
                    DeValue::Table(table) => {
                        let owner = entry_name(table);
                        check_table(schema, table, Some(at), Some(&owner), found);
                    }
                    other => found.push((Some(at), not_a(other, field))),
                }
            }
        }
        (_, other) => found.push((Some(at), not_a(other, field))),
    }
}

/// `exercise `name`` when the entry has a readable name.
fn entry_name(table: &DeTable<'_>) -> String {
    match table.get("name").and_then(|name| name.get_ref().as_str()) {
        Some(name) => format!("exercise `{name}`"),
        None => "this `[[exercises]]` entry".to_string(),
    }
}

fn not_a(value: &DeValue<'_>, field: &Field) -> String {
    let expected = match field.kind {
        Kind::Tables(_) => format!("an array of `[[{}]]` tables", field.name),
        _ => format!("a `{}` table", field.name),
    };
    format!("invalid type: {}, expected {expected}", value.type_str())
}

fn unknown(schema: &Schema, key: &str) -> String {
    let names = schema.fields.iter().map(|f| f.name);
    match suggest::closest(key, names.clone()) {
        Some(near) => format!("unknown field `{key}`; did you mean `{near}`?"),
        None => {
            let all: Vec<String> = names.map(|n| format!("`{n}`")).collect();
            format!(
                "unknown field `{key}`; the fields of {} are {}",
                schema.what,
                all.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::raw::{RawCourse, RawExercise, RawServe};

    /// serde's own list of a struct's fields, from its message for an unknown one
    /// ("expected one of `a`, `b`, `c`", or "expected `a` or `b`").
    fn serde_fields<T: DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let error = toml::from_str::<T>("zz = 1").unwrap_err();
        let message = error.message();
        let (_, expected) = message.split_once("expected").expect(message);
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    }

    fn names(schema: &Schema) -> Vec<String> {
        schema.fields.iter().map(|f| f.name.to_string()).collect()
    }

    #[test]
    fn the_schemas_list_the_fields_of_the_raw_structs() {
        assert_eq!(names(&COURSE), serde_fields::<RawCourse>());
        assert_eq!(names(&EXERCISE), serde_fields::<RawExercise>());
        assert_eq!(names(&SERVE), serde_fields::<RawServe>());
    }
}
