//! What "done" means for day 8: a user store on a real (in-memory) SQLite database.

use day08_sqlite::{StoreError, User, UserStore};

fn store() -> UserStore {
    UserStore::open_in_memory().expect("open the store")
}

/// A store with three users: Ada, Alan and Grace.
fn store_with_people() -> UserStore {
    let store = store();
    store.add_user("Ada", "ada@example.com").unwrap();
    store.add_user("Alan", "alan@example.com").unwrap();
    store.add_user("Grace", "grace@example.com").unwrap();
    store
}

fn users_table_exists(store: &UserStore) -> bool {
    store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .unwrap()
        == 1
}

#[test]
fn a_new_store_has_a_users_table_and_no_users() {
    let store = store();
    assert!(
        users_table_exists(&store),
        "open_in_memory should run SCHEMA, which creates a table named `users`"
    );
    assert_eq!(store.count_users().unwrap(), 0, "a new store has no users");
}

#[test]
fn adds_a_user_and_reads_it_back_by_id() {
    let store = store();
    let id = store.add_user("Ada Lovelace", "ada@example.com").unwrap();
    let other = store.add_user("Alan Turing", "alan@example.com").unwrap();
    assert_ne!(id, other, "every user gets its own id");
    assert_eq!(
        store.get_user(id).unwrap(),
        Some(User {
            id,
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into()
        }),
        "get_user should return exactly what add_user stored"
    );
    assert_eq!(store.count_users().unwrap(), 2);
}

#[test]
fn an_unknown_id_or_email_is_none_not_an_error() {
    let store = store_with_people();
    assert_eq!(
        store.get_user(999).unwrap(),
        None,
        "no user has id 999: expected Ok(None) (hint: `.optional()`)"
    );
    assert_eq!(store.find_by_email("nobody@example.com").unwrap(), None);
}

#[test]
fn rejects_a_duplicate_email() {
    let store = store_with_people();
    let result = store.add_user("Another Ada", "ada@example.com");
    assert!(
        matches!(&result, Err(StoreError::DuplicateEmail(email)) if email == "ada@example.com"),
        "a second user with ada@example.com should be Err(DuplicateEmail(\"ada@example.com\")), got {result:?}"
    );
    assert_eq!(
        store.count_users().unwrap(),
        3,
        "the duplicate must not be stored"
    );
}

#[test]
fn the_schema_itself_refuses_a_user_without_a_name_or_email() {
    let store = store();
    let conn = store.connection();
    let no_name = conn.execute("INSERT INTO users (email) VALUES ('x@example.com')", []);
    assert!(
        no_name.is_err(),
        "the `name` column should be NOT NULL, but a row without a name was accepted"
    );
    let no_email = conn.execute("INSERT INTO users (name) VALUES ('X')", []);
    assert!(
        no_email.is_err(),
        "the `email` column should be NOT NULL, but a row without an email was accepted"
    );
}

#[test]
fn a_quote_in_a_name_is_just_a_character() {
    let store = store();
    let id = store
        .add_user("Miles O'Brien", "obrien@example.com")
        .expect("a name with a quote must be stored (are you formatting values into SQL?)");
    assert_eq!(store.get_user(id).unwrap().unwrap().name, "Miles O'Brien");
}

#[test]
fn sql_injection_in_a_lookup_finds_nothing() {
    let store = store_with_people();
    for attack in [
        "' OR '1'='1",
        "nobody@example.com' OR email LIKE '%",
        "x'; DROP TABLE users; --",
    ] {
        let found = store.find_by_email(attack);
        assert!(
            matches!(found, Ok(None)),
            "find_by_email({attack:?}) should find no user: the input is a value, never SQL; got {found:?}"
        );
    }
    assert!(users_table_exists(&store), "the users table must survive");
    assert_eq!(store.count_users().unwrap(), 3, "every user must survive");
}

#[test]
fn sql_injection_in_an_insert_is_stored_as_plain_text() {
    let store = store_with_people();
    let evil = "Robert'); DROP TABLE users; --";
    let id = store
        .add_user(evil, "bobby@example.com")
        .expect("the name is only text and must be stored");
    assert!(users_table_exists(&store), "the users table must survive");
    assert_eq!(store.count_users().unwrap(), 4);
    assert_eq!(
        store.get_user(id).unwrap().unwrap().name,
        evil,
        "the name should be stored exactly as given"
    );
}

#[test]
fn searches_names_by_prefix_in_name_order() {
    let store = store_with_people();
    store.add_user("Ada", "ada2@example.com").unwrap();
    let names: Vec<(String, String)> = store
        .search_by_name("A")
        .unwrap()
        .into_iter()
        .map(|u| (u.name, u.email))
        .collect();
    assert_eq!(
        names,
        [
            ("Ada".to_string(), "ada@example.com".to_string()),
            ("Ada".to_string(), "ada2@example.com".to_string()),
            ("Alan".to_string(), "alan@example.com".to_string()),
        ],
        "names starting with \"A\", ordered by name and then id"
    );
    assert!(store.search_by_name("Z").unwrap().is_empty());
}

#[test]
fn search_treats_percent_and_underscore_literally() {
    let store = store_with_people();
    store.add_user("100% Grace", "pct@example.com").unwrap();
    store.add_user("A_B", "ab@example.com").unwrap();
    let percent: Vec<String> = store
        .search_by_name("100%")
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(percent, ["100% Grace"]);
    let everything = store.search_by_name("%").unwrap();
    assert!(
        everything.is_empty(),
        "no name starts with a literal '%', but search_by_name(\"%\") found {everything:?}: escape LIKE wildcards"
    );
    let underscore: Vec<String> = store
        .search_by_name("A_")
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(
        underscore,
        ["A_B"],
        "\"A_\" must not match \"Ada\" or \"Alan\": `_` is a wildcard in LIKE unless escaped"
    );
}

#[test]
fn changes_an_email_and_deletes_a_user_reporting_whether_anything_changed() {
    let store = store_with_people();
    let ada = store.find_by_email("ada@example.com").unwrap().unwrap();
    assert!(store.change_email(ada.id, "lovelace@example.com").unwrap());
    assert_eq!(
        store
            .find_by_email("lovelace@example.com")
            .unwrap()
            .map(|u| u.id),
        Some(ada.id)
    );
    let taken = store.change_email(ada.id, "alan@example.com");
    assert!(
        matches!(taken, Err(StoreError::DuplicateEmail(_))),
        "changing to an email another user has should be DuplicateEmail, got {taken:?}"
    );
    assert!(
        !store.change_email(999, "x@example.com").unwrap(),
        "no user has id 999: change_email should return Ok(false)"
    );
    assert!(store.delete_user(ada.id).unwrap());
    assert!(
        !store.delete_user(ada.id).unwrap(),
        "deleting the same user twice: the second time nothing is deleted, Ok(false)"
    );
    assert_eq!(store.get_user(ada.id).unwrap(), None);
    assert_eq!(store.count_users().unwrap(), 2);
}
