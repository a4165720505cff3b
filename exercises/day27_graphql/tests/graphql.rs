//! What "done" means for day 27: the parser on its own, then the API over real HTTP against a
//! real SQLite store whose calls are counted.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::time::timeout;

use backlings_support::{Request, server_binary};
use day27_graphql::{Field, InputValue, OperationKind, Store, parse, router};

const WAIT: Duration = Duration::from_secs(5);

/// Ada (1) wrote posts 1 and 3, Grace (2) wrote post 2, Linus (3) wrote nothing.
fn blog() -> Arc<Store> {
    let store = Store::open_in_memory();
    let ada = store.add_author("Ada");
    let grace = store.add_author("Grace");
    store.add_author("Linus");
    store.create_post(ada.id, "Hello", "First post").unwrap();
    store
        .create_post(grace.id, "Compilers", "On compilers")
        .unwrap();
    store.create_post(ada.id, "Engines", "On engines").unwrap();
    Arc::new(store)
}

async fn start(store: Arc<Store>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router(store)).await });
    url
}

/// POSTs a GraphQL request and returns the whole response body.
async fn request(url: &str, query: &str, variables: Value) -> Value {
    let body = json!({ "query": query, "variables": variables });
    let response = timeout(WAIT, reqwest::Client::new().post(url).json(&body).send())
        .await
        .expect("no response within 5 s")
        .expect("POST /graphql should get a response");
    assert_eq!(
        response.status(),
        200,
        "GraphQL answers 200 and reports errors in the body"
    );
    response.json().await.expect("the response body is JSON")
}

/// The `data` of a response that must have no errors.
async fn data(url: &str, query: &str, variables: Value) -> Value {
    let response = request(url, query, variables).await;
    assert!(
        response.get("errors").is_none(),
        "{query} should succeed, got {response}"
    );
    response["data"].clone()
}

/// The first error message of a response that must have failed.
async fn error(url: &str, query: &str, variables: Value) -> String {
    let response = request(url, query, variables).await;
    let message = response["errors"][0]["message"].as_str();
    assert!(
        message.is_some(),
        "{query} should fail with {{\"errors\": [{{\"message\": ...}}]}}, got {response}"
    );
    message.unwrap().to_string()
}

fn field(
    alias: Option<&str>,
    name: &str,
    arguments: Vec<(&str, InputValue)>,
    selection: Vec<Field>,
) -> Field {
    Field {
        alias: alias.map(str::to_string),
        name: name.to_string(),
        arguments: arguments
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        selection,
    }
}

fn scalar(name: &str) -> Field {
    field(None, name, vec![], vec![])
}

#[test]
fn parse_reads_fields_aliases_arguments_and_nested_selections() {
    let document = parse(
        "{
           first: post(id: 1) { title author { name } }
           posts { id }   # comments and commas are ignored,
         }",
    )
    .expect("a valid query parses");
    assert_eq!(
        document.operation,
        OperationKind::Query,
        "a bare `{{ ... }}` is a query"
    );
    assert_eq!(
        document.selection,
        vec![
            field(
                Some("first"),
                "post",
                vec![("id", InputValue::Int(1))],
                vec![
                    scalar("title"),
                    field(None, "author", vec![], vec![scalar("name")])
                ],
            ),
            field(None, "posts", vec![], vec![scalar("id")]),
        ],
        "each field has its alias, name, arguments and nested selection"
    );
}

#[test]
fn parse_reads_operations_and_variables_and_rejects_what_it_cannot_parse() {
    let named = parse("query PostTitle($id: ID!, $n: [Int!]) { post(id: $id) { title } }")
        .expect("a named query with variable definitions parses");
    assert_eq!(named.operation, OperationKind::Query);
    assert_eq!(
        named.selection[0].arguments,
        vec![("id".to_string(), InputValue::Variable("id".to_string()))],
        "`$id` in an argument is a variable"
    );

    let mutation = parse(r#"mutation { createPost(title: "A \"quoted\" title", draft: false, rank: -3, note: null) { id } }"#)
        .expect("a mutation parses");
    assert_eq!(mutation.operation, OperationKind::Mutation);
    assert_eq!(
        mutation.selection[0].arguments,
        vec![
            (
                "title".to_string(),
                InputValue::String("A \"quoted\" title".to_string())
            ),
            ("draft".to_string(), InputValue::Boolean(false)),
            ("rank".to_string(), InputValue::Int(-3)),
            ("note".to_string(), InputValue::Null),
        ],
        "strings, booleans, ints and null are literal values"
    );

    for bad in [
        "{ posts { title }",
        "{ }",
        "{ post(id: ) { title } }",
        "{ posts { ...PostFields } }",
        "{ posts { id } } { authors { id } }",
        "subscription { posts { id } }",
    ] {
        assert!(
            parse(bad).is_err(),
            "{bad:?} is not a valid query in our subset: expected an Err"
        );
    }
}

#[tokio::test]
async fn a_query_returns_exactly_the_fields_asked_for() {
    let url = start(blog()).await;
    assert_eq!(
        data(&url, "{ posts { title } }", json!({})).await,
        json!({ "posts": [{ "title": "Hello" }, { "title": "Compilers" }, { "title": "Engines" }] }),
        "only `title` was asked for, so each post has only `title`"
    );
    assert_eq!(
        data(&url, "{ authors { id name } }", json!({})).await,
        json!({ "authors": [
            { "id": "1", "name": "Ada" }, { "id": "2", "name": "Grace" }, { "id": "3", "name": "Linus" }
        ] }),
        "IDs are serialized as strings"
    );
}

/// Asked of the program itself (`cargo run -p day27_graphql`), which serves the same small blog.
#[test]
fn nested_fields_follow_relations_in_both_directions() {
    let server = backlings_support::Server::start(server_binary!());
    let ask = |query: &str| server.send(Request::post("/graphql").json(&json!({ "query": query })));
    ask("{ posts { title author { name } } }")
        .expect_status(200)
        .expect_json(json!({ "data": { "posts": [
            { "title": "Hello", "author": { "name": "Ada" } },
            { "title": "Compilers", "author": { "name": "Grace" } },
            { "title": "Engines", "author": { "name": "Ada" } },
        ] } }));
    ask("{ authors { name posts { title } } }")
        .because("an author's posts, oldest first; an author with none has an empty list")
        .expect_status(200)
        .expect_json(json!({ "data": { "authors": [
            { "name": "Ada", "posts": [{ "title": "Hello" }, { "title": "Engines" }] },
            { "name": "Grace", "posts": [{ "title": "Compilers" }] },
            { "name": "Linus", "posts": [] },
        ] } }));
}

#[tokio::test]
async fn arguments_and_variables_pick_one_post_and_a_missing_one_is_null() {
    let url = start(blog()).await;
    assert_eq!(
        data(&url, "{ post(id: 2) { title } }", json!({})).await,
        json!({ "post": { "title": "Compilers" } })
    );
    let query = "query ($id: ID!) { post(id: $id) { id body } }";
    assert_eq!(
        data(&url, query, json!({ "id": "3" })).await,
        json!({ "post": { "id": "3", "body": "On engines" } }),
        "`$id` takes its value from the request's variables"
    );
    assert_eq!(
        data(&url, query, json!({ "id": "99" })).await,
        json!({ "post": null }),
        "a post that does not exist is null, not an error"
    );
}

#[tokio::test]
async fn aliases_let_one_query_ask_for_the_same_field_twice() {
    let url = start(blog()).await;
    assert_eq!(
        data(
            &url,
            "{ a: post(id: 1) { title } b: post(id: 2) { heading: title } }",
            json!({})
        )
        .await,
        json!({ "a": { "title": "Hello" }, "b": { "heading": "Compilers" } }),
        "an alias is the key the field gets in the response"
    );
}

#[tokio::test]
async fn a_mutation_creates_a_post_and_returns_the_fields_asked_for() {
    let url = start(blog()).await;
    let mutation = "mutation Publish($author: ID!, $title: String!, $body: String!) {
        createPost(authorId: $author, title: $title, body: $body) { id title author { name } }
    }";
    let title = r#"Quotes " and {braces} in a variable"#;
    assert_eq!(
        data(
            &url,
            mutation,
            json!({ "author": "2", "title": title, "body": "Text" })
        )
        .await,
        json!({ "createPost": { "id": "4", "title": title, "author": { "name": "Grace" } } }),
        "createPost stores the post and answers with the selected fields"
    );
    assert_eq!(
        data(&url, "{ post(id: 4) { title body } }", json!({})).await,
        json!({ "post": { "title": title, "body": "Text" } }),
        "the new post can be queried afterwards"
    );
}

#[tokio::test]
async fn errors_come_back_in_an_errors_array_with_a_useful_message() {
    let store = blog();
    let url = start(store.clone()).await;
    let message = error(&url, "{ posts { title rating } }", json!({})).await;
    assert!(
        message.contains("rating"),
        "an unknown field is named in the error, got {message:?}"
    );
    error(&url, "{ posts { title }", json!({})).await;
    error(&url, "{ posts }", json!({})).await;
    error(
        &url,
        "{ createPost(authorId: 1, title: \"x\", body: \"y\") { id } }",
        json!({}),
    )
    .await;
    let message = error(
        &url,
        "mutation { createPost(authorId: 99, title: \"x\", body: \"y\") { id } }",
        json!({}),
    )
    .await;
    assert!(
        message.contains("99"),
        "creating a post for a missing author says which, got {message:?}"
    );
    assert_eq!(
        store.all_posts().len(),
        3,
        "no failed request may have created a post"
    );
}

#[tokio::test]
async fn posts_with_their_authors_cost_two_store_calls_however_many_posts_there_are() {
    let store = blog();
    let url = start(store.clone()).await;
    let query = "{ posts { title author { name } } }";

    let before = store.calls();
    data(&url, query, json!({})).await;
    let calls = store.calls() - before;
    assert_eq!(
        calls, 2,
        "one call for the posts and ONE for all their authors (authors_by_ids), not one per post: made {calls}"
    );

    for n in 0..20 {
        store
            .create_post(1 + n % 3, &format!("More {n}"), "...")
            .unwrap();
    }
    let before = store.calls();
    let posts = data(&url, query, json!({})).await;
    assert_eq!(posts["posts"].as_array().unwrap().len(), 23);
    let calls = store.calls() - before;
    assert_eq!(
        calls, 2,
        "23 posts with authors must still cost 2 store calls, made {calls} (the N+1 problem)"
    );
}

#[tokio::test]
async fn each_level_of_nesting_costs_one_store_call() {
    let store = blog();
    let url = start(store.clone()).await;
    let before = store.calls();
    let result = data(
        &url,
        "{ authors { name posts { title author { name } } } }",
        json!({}),
    )
    .await;
    let calls = store.calls() - before;
    assert_eq!(
        result["authors"][0],
        json!({ "name": "Ada", "posts": [
            { "title": "Hello", "author": { "name": "Ada" } },
            { "title": "Engines", "author": { "name": "Ada" } },
        ] })
    );
    assert_eq!(
        calls, 3,
        "authors, then all their posts in one call (posts_by_author_ids), then all those posts' \
         authors in one call: 3 store calls, made {calls}"
    );
}
