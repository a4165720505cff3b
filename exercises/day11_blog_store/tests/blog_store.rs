//! What "done" means for day 11: a blog store on a real (in-memory) SQLite database.

use day11_blog_store::{BlogError, BlogStore, NewPost, slugify};

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

fn new_post(author_id: i64, title: &str, tag_list: &[&str]) -> NewPost {
    NewPost {
        author_id,
        title: title.into(),
        body: format!("All about {title}."),
        tags: tags(tag_list),
    }
}

/// A store with one author, Ada; returns her id too.
fn store_with_ada() -> (BlogStore, i64) {
    let store = BlogStore::open_in_memory().expect("open the store");
    let ada = store
        .create_author("Ada", "ada@example.com")
        .expect("create an author");
    (store, ada.id)
}

#[test]
fn slugify_makes_readable_url_safe_slugs() {
    assert_eq!(slugify("Hello, World!"), "hello-world");
    assert_eq!(
        slugify("  What's new in Rust 2024?  "),
        "whats-new-in-rust-2024"
    );
    assert_eq!(slugify("SQL -- the   good parts"), "sql-the-good-parts");
    assert_eq!(
        slugify("Crème brûlée"),
        "cr-me-br-l-e",
        "only ASCII letters and digits are kept; every other run becomes one '-'"
    );
    assert_eq!(
        slugify("!!!"),
        "",
        "a title without letters or digits has no slug"
    );
}

#[test]
fn creates_a_post_and_reads_it_back_with_normalized_tags() {
    let (mut store, ada) = store_with_ada();
    let created = store
        .create_post(new_post(ada, "Hello, World!", &["Rust", " rust ", "web"]))
        .expect("create a post");
    assert_eq!(created.slug, "hello-world");
    assert_eq!(
        created.tags,
        ["rust", "web"],
        "tags are trimmed, lowercased, deduplicated and sorted"
    );
    let read = store.post_by_slug("hello-world").unwrap();
    assert_eq!(
        read.as_ref(),
        Some(&created),
        "post_by_slug should return what create_post returned"
    );
    assert_eq!(store.post_by_slug("no-such-post").unwrap(), None);
}

#[test]
fn a_taken_slug_gets_a_number() {
    let (mut store, ada) = store_with_ada();
    let slugs: Vec<String> = (0..3)
        .map(|_| {
            store
                .create_post(new_post(ada, "Hello World", &[]))
                .unwrap()
                .slug
        })
        .collect();
    assert_eq!(
        slugs,
        ["hello-world", "hello-world-2", "hello-world-3"],
        "slugs are unique: the second post with a title gets -2, the third -3"
    );
}

#[test]
fn rejects_a_duplicate_author_email() {
    let (store, _) = store_with_ada();
    let again = store.create_author("Another Ada", "ada@example.com");
    assert!(
        matches!(&again, Err(BlogError::DuplicateEmail(e)) if e == "ada@example.com"),
        "expected Err(DuplicateEmail(\"ada@example.com\")), got {again:?}"
    );
}

#[test]
fn rejects_an_empty_title_and_an_unknown_author() {
    let (mut store, ada) = store_with_ada();
    let empty = store.create_post(new_post(ada, "   ", &[]));
    assert!(
        matches!(empty, Err(BlogError::Invalid(_))),
        "an empty title is Err(Invalid(..)), got {empty:?}"
    );
    let no_slug = store.create_post(new_post(ada, "?!", &[]));
    assert!(
        matches!(no_slug, Err(BlogError::Invalid(_))),
        "a title that gives an empty slug is Err(Invalid(..)), got {no_slug:?}"
    );
    let stranger = store.create_post(new_post(99, "Hello", &["rust"]));
    assert!(
        matches!(stranger, Err(BlogError::UnknownAuthor(99))),
        "author 99 does not exist: expected Err(UnknownAuthor(99)), got {stranger:?}"
    );
    assert!(
        store.tag_counts().unwrap().is_empty(),
        "a refused post must leave no tags behind"
    );
}

#[test]
fn a_bad_tag_rolls_back_the_whole_post() {
    let (mut store, ada) = store_with_ada();
    let result = store.create_post(new_post(ada, "Half a post", &["rust", "  "]));
    assert!(
        matches!(result, Err(BlogError::Invalid(_))),
        "an empty tag is Err(Invalid(..)), got {result:?}"
    );
    assert_eq!(
        store.post_by_slug("half-a-post").unwrap(),
        None,
        "the post must not exist without its tags: all or nothing"
    );
    assert!(
        store.tag_counts().unwrap().is_empty(),
        "and the tag \"rust\" must not exist either"
    );
}

#[test]
fn tags_are_shared_between_posts() {
    let (mut store, ada) = store_with_ada();
    let first = store
        .create_post(new_post(ada, "First", &["rust", "web"]))
        .unwrap();
    let second = store
        .create_post(new_post(ada, "Second", &["rust"]))
        .unwrap();
    let tagged: Vec<i64> = store
        .posts_tagged("rust")
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        tagged,
        [second.id, first.id],
        "both posts carry \"rust\", newest first"
    );
    assert_eq!(
        store.posts_tagged("Web").unwrap(),
        [first],
        "tag lookups are normalized too"
    );
    assert_eq!(
        store.tag_counts().unwrap(),
        [("rust".to_string(), 2), ("web".to_string(), 1)],
        "one row per tag, however many posts carry it"
    );
}

#[test]
fn set_tags_replaces_a_posts_tags_and_drops_unused_ones() {
    let (mut store, ada) = store_with_ada();
    let post = store
        .create_post(new_post(ada, "Post", &["old", "keep"]))
        .unwrap();
    let updated = store.set_tags(post.id, &tags(&["keep", "New"])).unwrap();
    assert_eq!(updated.tags, ["keep", "new"]);
    assert_eq!(
        store.post_by_slug("post").unwrap().unwrap().tags,
        ["keep", "new"]
    );
    assert_eq!(
        store.tag_counts().unwrap(),
        [("keep".to_string(), 1), ("new".to_string(), 1)],
        "\"old\" is used by no post any more and should be gone"
    );
    let missing = store.set_tags(999, &tags(&["x"]));
    assert!(
        matches!(missing, Err(BlogError::PostNotFound(999))),
        "expected Err(PostNotFound(999)), got {missing:?}"
    );
}

#[test]
fn deleting_a_post_removes_its_tag_links() {
    let (mut store, ada) = store_with_ada();
    let doomed = store
        .create_post(new_post(ada, "Doomed", &["rust", "gone"]))
        .unwrap();
    store
        .create_post(new_post(ada, "Stays", &["rust"]))
        .unwrap();
    assert!(store.delete_post(doomed.id).unwrap());
    assert!(
        !store.delete_post(doomed.id).unwrap(),
        "deleting it again deletes nothing: Ok(false)"
    );
    assert_eq!(store.post_by_slug("doomed").unwrap(), None);
    assert_eq!(
        store.tag_counts().unwrap(),
        [("rust".to_string(), 1)],
        "the deleted post no longer counts, and \"gone\" has no post left"
    );
}
