//! What "done" means for day 3: requests reach the right handler with the right parameters, and
//! everything else gets 404, 405 + Allow, or 400.

use day03_router::{Method, Params, Request, Response, RouteError, Router};

/// A handler that answers 200 with a fixed body.
fn says(body: &'static str) -> impl Fn(&Request, &Params) -> Response + Send + Sync + 'static {
    move |_, _| Response::text(200, body)
}

/// A handler that echoes the parameters `names`, as `name=value` joined by `;`.
fn echoes(
    names: &'static [&'static str],
) -> impl Fn(&Request, &Params) -> Response + Send + Sync + 'static {
    move |_, params| {
        let parts: Vec<String> = names
            .iter()
            .map(|n| format!("{n}={}", params.get(n).unwrap_or("<missing>")))
            .collect();
        Response::text(200, &parts.join(";"))
    }
}

fn send(router: &Router, method: Method, target: &str) -> Response {
    router.handle(&Request::new(method, target))
}

/// A small todo API used by several tests.
fn todo_api() -> Router {
    let mut router = Router::new();
    router.add(Method::Get, "/todos", says("list")).unwrap();
    router.add(Method::Post, "/todos", says("create")).unwrap();
    router
        .add(Method::Get, "/todos/{id}", echoes(&["id"]))
        .unwrap();
    router
        .add(Method::Delete, "/todos/{id}", says("deleted"))
        .unwrap();
    router
}

#[test]
fn routes_a_static_path_to_its_handler_ignoring_the_query() {
    let mut router = Router::new();
    router.add(Method::Get, "/", says("home")).unwrap();
    router.add(Method::Get, "/health", says("ok")).unwrap();

    let response = send(&router, Method::Get, "/health");
    assert_eq!(response.status, 200, "GET /health has a route");
    assert_eq!(
        response.body, "ok",
        "GET /health must reach the /health handler"
    );
    assert_eq!(
        send(&router, Method::Get, "/health?verbose=1").body,
        "ok",
        "the query string (after '?') is not part of the path"
    );
    assert_eq!(
        send(&router, Method::Get, "/").body,
        "home",
        "`/` is a route too"
    );
}

#[test]
fn the_method_chooses_between_handlers_of_one_path() {
    let router = todo_api();
    assert_eq!(send(&router, Method::Get, "/todos").body, "list");
    assert_eq!(
        send(&router, Method::Post, "/todos").body,
        "create",
        "POST /todos and GET /todos are different routes"
    );
}

#[test]
fn captures_path_parameters_by_name() {
    let mut router = Router::new();
    router
        .add(
            Method::Get,
            "/users/{user}/posts/{post_id}",
            echoes(&["user", "post_id"]),
        )
        .unwrap();
    let response = send(&router, Method::Get, "/users/ada/posts/7?x=1");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.body, "user=ada;post_id=7",
        "each {{name}} segment captures the text of the same segment in the path"
    );
    assert_eq!(send(&todo_api(), Method::Get, "/todos/42").body, "id=42");
}

#[test]
fn percent_decodes_parameters_one_segment_at_a_time() {
    let mut router = Router::new();
    router
        .add(Method::Get, "/files/{name}", echoes(&["name"]))
        .unwrap();

    assert_eq!(
        send(&router, Method::Get, "/files/my%20notes%2Fdraft.txt").body,
        "name=my notes/draft.txt",
        "%20 is a space and %2F a '/' that is part of the value: split the path first, decode after"
    );
    assert_eq!(
        send(&router, Method::Get, "/files/J%C3%BCrgen").body,
        "name=Jürgen",
        "escapes are UTF-8 bytes: %C3%BC is ü"
    );
    for bad in ["/files/100%", "/files/%zz", "/files/%C3"] {
        assert_eq!(
            send(&router, Method::Get, bad).status,
            400,
            "{bad} has a malformed escape (or is not UTF-8 once decoded): 400 Bad Request"
        );
    }
}

#[test]
fn answers_404_when_no_pattern_fits_the_path() {
    let router = todo_api();
    for target in [
        "/nothing",
        "/todos/",
        "/todos/1/extra",
        "/Todos",
        "//todos",
        "*",
    ] {
        let response = send(&router, Method::Get, target);
        assert_eq!(
            response.status, 404,
            "{target} fits no pattern (segments must match exactly, a parameter is never empty, case matters): 404"
        );
        assert_eq!(response.header("Allow"), None, "a 404 has no Allow header");
    }
}

#[test]
fn answers_405_with_allow_when_the_path_exists_for_other_methods() {
    let router = todo_api();
    let response = send(&router, Method::Put, "/todos/3");
    assert_eq!(
        response.status, 405,
        "PUT /todos/3: the path has routes, just not for PUT, so 405 Method Not Allowed (not 404)"
    );
    assert_eq!(
        response.header("Allow"),
        Some("GET, HEAD, DELETE"),
        "Allow lists the methods that would work, in Method order; GET implies HEAD"
    );

    let response = send(&router, Method::Delete, "/todos");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("Allow"), Some("GET, HEAD, POST"));
}

#[test]
fn answers_head_with_the_get_handler_and_no_body() {
    let router = todo_api();
    let response = send(&router, Method::Head, "/todos/5");
    assert_eq!(
        response.status, 200,
        "HEAD is a GET without the body: a GET route answers it"
    );
    assert_eq!(response.body, "", "the answer to HEAD has no body");

    let mut explicit = Router::new();
    explicit.add(Method::Get, "/", says("get")).unwrap();
    explicit
        .add(Method::Head, "/", |_: &Request, _: &Params| {
            Response::text(204, "").with_header("X-Head", "own")
        })
        .unwrap();
    let response = send(&explicit, Method::Head, "/");
    assert_eq!(
        response.header("X-Head"),
        Some("own"),
        "a route registered for HEAD itself wins over the GET fallback"
    );
}

#[test]
fn prefers_a_literal_segment_over_a_parameter_whatever_the_order() {
    let mut router = Router::new();
    router
        .add(Method::Get, "/todos/{id}", echoes(&["id"]))
        .unwrap();
    router.add(Method::Get, "/todos/new", says("form")).unwrap();
    router
        .add(Method::Get, "/{section}/archive", echoes(&["section"]))
        .unwrap();

    assert_eq!(
        send(&router, Method::Get, "/todos/new").body,
        "form",
        "/todos/new fits both patterns; the literal `new` is more specific than {{id}}"
    );
    assert_eq!(send(&router, Method::Get, "/todos/9").body, "id=9");
    assert_eq!(
        send(&router, Method::Get, "/todos/archive").body,
        "id=archive",
        "compare patterns from the left: /todos/{{id}} has a literal first, /{{section}}/archive a parameter"
    );
}

#[test]
fn refuses_invalid_patterns() {
    let cases = [
        ("todos", "a pattern without a leading '/'"),
        ("/todos/{}", "an empty parameter name"),
        ("/todos/{id", "an unclosed brace"),
        ("/todos/id}", "a stray closing brace"),
        (
            "/todos/item-{id}",
            "a parameter that is not a whole segment",
        ),
        ("/a/{id}/b/{id}", "the same parameter name twice"),
        ("/a/{my id}", "a space in a parameter name"),
    ];
    for (pattern, what) in cases {
        let mut router = Router::new();
        let result = router.add(Method::Get, pattern, says("x"));
        assert!(
            matches!(result, Err(RouteError::InvalidPattern(_))),
            "{what} ({pattern:?}) must be RouteError::InvalidPattern, got {result:?}"
        );
    }
}

#[test]
fn refuses_a_route_that_conflicts_with_an_existing_one() {
    let mut router = todo_api();
    let result = router.add(Method::Get, "/todos/{todo_id}", says("again"));
    assert!(
        matches!(result, Err(RouteError::Conflict(_))),
        "GET /todos/{{todo_id}} matches exactly the paths GET /todos/{{id}} does: RouteError::Conflict, got {result:?}"
    );
    assert_eq!(
        router.add(Method::Put, "/todos/{todo_id}", says("put")),
        Ok(()),
        "another method on the same pattern is no conflict"
    );
    assert_eq!(
        router.add(Method::Get, "/todos/latest", says("latest")),
        Ok(()),
        "a literal next to a parameter is no conflict: the literal wins"
    );
    assert_eq!(
        send(&router, Method::Get, "/todos/1").body,
        "id=1",
        "a refused route must not replace the existing one"
    );
}
