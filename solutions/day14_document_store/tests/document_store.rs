//! What "done" means for day 14: a JSON document store on a real (in-memory) SQLite database,
//! with secondary indexes that always agree with the documents.

use day14_document_store::{DocError, DocId, DocStore, Filter};
use serde_json::{Value, json};

/// Four people; returns the store and their ids in insertion order.
fn people() -> (DocStore, Vec<DocId>) {
    let mut store = DocStore::open_in_memory().expect("open the store");
    let docs = [
        json!({"name": "Ada", "age": 36, "role": "dev", "address": {"city": "London"}, "tags": ["math", "rust"]}),
        json!({"name": "Alan", "age": 41, "role": "dev", "address": {"city": "Manchester"}, "tags": ["math"]}),
        json!({"name": "Grace", "age": 85, "role": "admiral", "address": {"city": "New York"}, "tags": ["cobol"]}),
        json!({"name": "Linus", "age": 28, "role": "dev", "address": {"city": "London"}}),
    ];
    let ids = docs
        .into_iter()
        .map(|doc| store.insert(doc).expect("insert a document"))
        .collect();
    (store, ids)
}

fn names(docs: &[Value]) -> Vec<&str> {
    docs.iter()
        .map(|d| d["name"].as_str().unwrap_or("?"))
        .collect()
}

/// The index as stored: `(value as JSON text, doc id)` for one field, sorted.
fn index_rows(store: &DocStore, field: &str) -> Vec<(String, DocId)> {
    let mut statement = store
        .connection()
        .prepare("SELECT value, doc_id FROM index_entries WHERE field = ?1 ORDER BY value, doc_id")
        .unwrap();
    statement
        .query_map([field], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn rows(list: &[(&str, DocId)]) -> Vec<(String, DocId)> {
    list.iter().map(|(v, id)| (v.to_string(), *id)).collect()
}

#[test]
fn inserts_a_document_and_gets_it_back_with_its_id() {
    let mut store = DocStore::open_in_memory().unwrap();
    let id = store
        .insert(json!({"title": "Dune", "year": 1965, "author": {"name": "Frank Herbert"}}))
        .expect("insert a document");
    assert_eq!(
        store.get(id).unwrap(),
        Some(
            json!({"_id": id, "title": "Dune", "year": 1965, "author": {"name": "Frank Herbert"}})
        ),
        "get returns the document as inserted, plus its `_id`"
    );
    assert_eq!(store.get(id + 100).unwrap(), None, "an unknown id is None");
}

#[test]
fn only_json_objects_are_documents() {
    let mut store = DocStore::open_in_memory().unwrap();
    for not_an_object in [json!([1, 2]), json!("text"), json!(42), Value::Null] {
        let result = store.insert(not_an_object.clone());
        assert!(
            matches!(result, Err(DocError::NotAnObject)),
            "inserting {not_an_object} should be Err(NotAnObject), got {result:?}"
        );
    }
    assert!(
        store.find(&Filter::new()).unwrap().is_empty(),
        "nothing was stored"
    );
}

#[test]
fn finds_documents_by_equality_on_nested_fields() {
    let (store, _) = people();
    let london = store
        .find(&Filter::new().eq("address.city", json!("London")))
        .unwrap();
    assert_eq!(
        names(&london),
        ["Ada", "Linus"],
        "a dotted path reaches into objects; results in id order"
    );
    let everyone = store.find(&Filter::new()).unwrap();
    assert_eq!(everyone.len(), 4, "an empty filter matches every document");
    assert!(
        everyone[0]["_id"].is_i64(),
        "found documents carry their `_id`"
    );
    let nobody = store
        .find(&Filter::new().eq("address.zip", json!("E1")))
        .unwrap();
    assert!(
        nobody.is_empty(),
        "a missing field matches nothing, got {nobody:?}"
    );
}

#[test]
fn finds_with_ranges_and_several_conditions() {
    let (store, _) = people();
    let thirties_devs = Filter::new()
        .eq("role", json!("dev"))
        .gt("age", json!(30))
        .lt("age", json!(40));
    assert_eq!(
        names(&store.find(&thirties_devs).unwrap()),
        ["Ada"],
        "every condition must hold"
    );
    let after_h = store.find(&Filter::new().gt("name", json!("H"))).unwrap();
    assert_eq!(names(&after_h), ["Linus"], "strings compare with strings");
    let mixed = store.find(&Filter::new().gt("age", json!("30"))).unwrap();
    assert!(
        mixed.is_empty(),
        "a number is never greater than a string: different types do not compare, got {mixed:?}"
    );
}

#[test]
fn an_array_field_matches_any_of_its_elements() {
    let (store, _) = people();
    let math = store
        .find(&Filter::new().eq("tags", json!("math")))
        .unwrap();
    assert_eq!(
        names(&math),
        ["Ada", "Alan"],
        "\"tags\": [\"math\", ..] contains \"math\""
    );
}

#[test]
fn update_merges_a_patch_and_null_removes_a_field() {
    let (mut store, ids) = people();
    let patch = json!({"age": 37, "address": {"zip": "NW1"}, "tags": null});
    assert!(
        store.update(ids[0], &patch).unwrap(),
        "Ada exists, so the update happens"
    );
    assert_eq!(
        store.get(ids[0]).unwrap(),
        Some(json!({
            "_id": ids[0], "name": "Ada", "age": 37, "role": "dev",
            "address": {"city": "London", "zip": "NW1"}
        })),
        "a merge patch replaces `age`, merges into `address`, and removes `tags` (null)"
    );
    assert!(
        !store.update(9999, &json!({"age": 1})).unwrap(),
        "no document 9999: Ok(false)"
    );
    assert!(matches!(
        store.update(ids[0], &json!([1])),
        Err(DocError::NotAnObject)
    ));
}

#[test]
fn create_index_indexes_the_documents_already_stored() {
    let (mut store, ids) = people();
    store.create_index("address.city").unwrap();
    assert_eq!(
        index_rows(&store, "address.city"),
        rows(&[
            ("\"London\"", ids[0]),
            ("\"London\"", ids[3]),
            ("\"Manchester\"", ids[1]),
            ("\"New York\"", ids[2]),
        ]),
        "one index_entries row per document, with the value as JSON text"
    );
    assert_eq!(
        store.lookup("address.city", &json!("London")).unwrap(),
        [ids[0], ids[3]]
    );
    store.create_index("tags").unwrap();
    assert_eq!(
        store.lookup("tags", &json!("math")).unwrap(),
        [ids[0], ids[1]],
        "an array is indexed element by element"
    );
    store.create_index("address.city").unwrap();
    assert_eq!(
        index_rows(&store, "address.city").len(),
        4,
        "creating an existing index again changes nothing"
    );
}

#[test]
fn lookup_needs_an_index() {
    let (store, _) = people();
    let result = store.lookup("role", &json!("dev"));
    assert!(
        matches!(&result, Err(DocError::NotIndexed(field)) if field == "role"),
        "there is no index on `role`: expected Err(NotIndexed(\"role\")), got {result:?}"
    );
}

#[test]
fn the_index_follows_inserts_updates_and_deletes() {
    let (mut store, ids) = people();
    store.create_index("role").unwrap();

    let new = store
        .insert(json!({"name": "Barbara", "role": "dev"}))
        .unwrap();
    assert_eq!(
        store.lookup("role", &json!("dev")).unwrap(),
        [ids[0], ids[1], ids[3], new]
    );

    store.update(ids[1], &json!({"role": "manager"})).unwrap();
    store.update(ids[3], &json!({"role": null})).unwrap();
    assert_eq!(
        store.lookup("role", &json!("dev")).unwrap(),
        [ids[0], new],
        "Alan is now a manager and Linus has no role: both leave the \"dev\" entry"
    );
    assert_eq!(store.lookup("role", &json!("manager")).unwrap(), [ids[1]]);

    assert!(store.delete(ids[0]).unwrap());
    assert!(!store.delete(ids[0]).unwrap(), "deleting twice: Ok(false)");
    assert_eq!(
        index_rows(&store, "role"),
        rows(&[
            ("\"admiral\"", ids[2]),
            ("\"dev\"", new),
            ("\"manager\"", ids[1]),
        ]),
        "after inserts, updates and deletes the index holds exactly what the documents say"
    );
}

#[test]
fn find_gives_the_same_answers_with_and_without_an_index() {
    let (mut store, ids) = people();
    let filters = [
        Filter::new().eq("role", json!("dev")),
        Filter::new().eq("role", json!("dev")).gt("age", json!(30)),
        Filter::new()
            .eq("tags", json!("math"))
            .eq("address.city", json!("London")),
        Filter::new().eq("role", json!("nobody")),
    ];
    let before: Vec<Vec<Value>> = filters.iter().map(|f| store.find(f).unwrap()).collect();
    store.create_index("role").unwrap();
    store.create_index("tags").unwrap();
    let after: Vec<Vec<Value>> = filters.iter().map(|f| store.find(f).unwrap()).collect();
    assert_eq!(
        before, after,
        "an index may make find faster, never different"
    );
    store.update(ids[1], &json!({"role": "manager"})).unwrap();
    assert_eq!(
        names(&store.find(&filters[0]).unwrap()),
        ["Ada", "Linus"],
        "an indexed find must see the update"
    );
}

#[test]
fn an_indexed_find_reads_only_the_documents_the_index_names() {
    let (mut store, ids) = people();
    store.create_index("role").unwrap();
    // Change the table behind the store's back, as a disk error or a bug might: Grace's body
    // is no longer JSON, and a new dev is stored without any index entry.
    let conn = store.connection();
    conn.execute("UPDATE docs SET body = 'not json' WHERE id = ?1", [ids[2]])
        .unwrap();
    conn.execute(
        "INSERT INTO docs (body) VALUES ('{\"name\": \"Unindexed\", \"role\": \"dev\"}')",
        [],
    )
    .unwrap();

    let devs = store.find(&Filter::new().eq("role", json!("dev")));
    let devs = devs.unwrap_or_else(|e| {
        panic!(
            "`role` is indexed, so find(role = dev) reads only the documents the index names; \
             it read Grace's broken body too, so it scanned every document: {e}"
        )
    });
    assert_eq!(
        names(&devs),
        ["Ada", "Alan", "Linus"],
        "an equality on an indexed field takes its candidates from the index alone, so a \
         document the index does not name is never read"
    );
    let older_devs = store
        .find(&Filter::new().gt("age", json!(30)).eq("role", json!("dev")))
        .expect(
            "any equality on an indexed field picks the candidates, not only the first condition",
        );
    assert_eq!(names(&older_devs), ["Ada", "Alan"]);
}
