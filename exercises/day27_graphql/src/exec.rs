//! Runs a parsed document against the store.
//!
//! The resolvers work on *lists* of parents: `resolve_posts(posts, selection)` resolves the
//! selection for every post at once, so a relation such as `author` is fetched for all posts in
//! one store call. A query then costs one store call per level of nesting, however many objects
//! each level holds: no N+1.

use serde_json::{Map, Value, json};

use crate::ast::{Document, Field, GraphQLError, InputValue, OperationKind};
use crate::parser::parse;
use crate::store::{Author, Post, Store};

/// One JSON object being built for one parent.
type Object = Map<String, Value>;

/// Parses and runs `query`, and wraps the outcome as a GraphQL response:
/// `{"data": {...}}` on success, `{"errors": [{"message": "..."}]}` on failure.
pub fn execute_request(store: &Store, query: &str, variables: &Map<String, Value>) -> Value {
    let outcome = parse(query).and_then(|document| execute(store, &document, variables));
    match outcome {
        Ok(data) => json!({ "data": data }),
        Err(error) => json!({ "errors": [{ "message": error.message }] }),
    }
}

/// Runs a parsed document; returns the `data` object.
pub fn execute(
    store: &Store,
    document: &Document,
    variables: &Map<String, Value>,
) -> Result<Value, GraphQLError> {
    let executor = Executor { store, variables };
    let mut data = Object::new();
    // Mutation fields run one after another, in order (queries could run in any order).
    for field in &document.selection {
        let value = match document.operation {
            OperationKind::Query => executor.query_field(field)?,
            OperationKind::Mutation => executor.mutation_field(field)?,
        };
        data.insert(field.response_key().to_string(), value);
    }
    Ok(Value::Object(data))
}

struct Executor<'a> {
    store: &'a Store,
    variables: &'a Map<String, Value>,
}

impl Executor<'_> {
    /// A top-level field of `type Query`.
    fn query_field(&self, field: &Field) -> Result<Value, GraphQLError> {
        // TODO: match on `field.name`:
        // - "posts": `self.store.all_posts()`, resolved with `resolve_posts` against the
        //   field's selection (`field_selection(field, "Post")?`), as a JSON array (`list`);
        // - "post": `self.store.post(self.id_argument(field, "id")?)`, then `one_post`;
        // - "authors" and "author": the same with authors;
        // - "__typename": "Query"; anything else: `unknown_field`.
        let _ = field;
        todo!("resolve a Query field")
    }

    /// A top-level field of `type Mutation`.
    fn mutation_field(&self, field: &Field) -> Result<Value, GraphQLError> {
        // TODO: "createPost": read `authorId` (`id_argument`), `title` and `body`
        // (`string_argument`); refuse an empty title; `self.store.create_post(..)` returns None
        // for an unknown author: an error that names the id. Answer with `one_post`.
        // "__typename": "Mutation"; anything else: `unknown_field`.
        let _ = field;
        todo!("resolve a Mutation field")
    }

    fn one_post(&self, post: Option<Post>, field: &Field) -> Result<Value, GraphQLError> {
        // TODO: null for None; else the first object of `resolve_posts(&[post], selection)`.
        let _ = (post, field);
        todo!("resolve a single post")
    }

    /// Resolves `selection` for every post in `posts`; one object per post, in order.
    fn resolve_posts(
        &self,
        posts: &[Post],
        selection: &[Field],
    ) -> Result<Vec<Object>, GraphQLError> {
        // TODO: one `Object` per post. For each field of the selection, set its response key on
        // every object: `id` (as a string), `title`, `body`, `__typename` ("Post") with `fill`
        // and `fill_from`. For `author`: collect the posts' distinct author ids, fetch them ALL
        // with one `self.store.authors_by_ids(..)` call (skip the call if there are none),
        // resolve them with `resolve_authors`, and give each post its author's object (a
        // `std::collections::HashMap<i64, Object>` from author id to object helps). Calling
        // `self.store.author(id)` once per post here would be the N+1 problem.
        let _ = (posts, selection);
        todo!("resolve fields for a list of posts")
    }

    /// Resolves `selection` for every author in `authors`; one object per author, in order.
    fn resolve_authors(
        &self,
        authors: &[Author],
        selection: &[Field],
    ) -> Result<Vec<Object>, GraphQLError> {
        // TODO: like `resolve_posts`: `id`, `name`, `__typename` ("Author"), and `posts`: ONE
        // `self.store.posts_by_author_ids(..)` call for all the authors, `resolve_posts` on the
        // lot, then group the resolved objects by author (every author gets a list, maybe empty).
        let _ = (authors, selection);
        todo!("resolve fields for a list of authors")
    }

    /// The argument `name` of `field`, with variables substituted; `Null` when absent.
    fn argument(&self, field: &Field, name: &str) -> Result<Value, GraphQLError> {
        let Some((_, value)) = field.arguments.iter().find(|(arg, _)| arg == name) else {
            return Ok(Value::Null);
        };
        Ok(match value {
            InputValue::Int(n) => json!(n),
            InputValue::String(text) => json!(text),
            InputValue::Boolean(b) => json!(b),
            InputValue::Null => Value::Null,
            // Values arrive separately from the query text, like SQL parameters: no quoting,
            // no injection, and one query text the server can cache.
            InputValue::Variable(variable) => {
                self.variables.get(variable).cloned().ok_or_else(|| {
                    GraphQLError::new(format!("variable ${variable} was not provided"))
                })?
            }
        })
    }

    /// An `ID!` argument: GraphQL sends IDs as strings, but an int literal is accepted too.
    fn id_argument(&self, field: &Field, name: &str) -> Result<i64, GraphQLError> {
        let value = self.argument(field, name)?;
        let id = match &value {
            Value::String(text) => text.parse().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        };
        id.ok_or_else(|| {
            GraphQLError::new(format!(
                "{}: argument `{name}` must be an ID, got {value}",
                field.name
            ))
        })
    }

    /// A `String!` argument.
    fn string_argument(&self, field: &Field, name: &str) -> Result<String, GraphQLError> {
        match self.argument(field, name)? {
            Value::String(text) => Ok(text),
            other => Err(GraphQLError::new(format!(
                "{}: argument `{name}` must be a string, got {other}",
                field.name
            ))),
        }
    }
}

/// The sub-selection of an object-typed field, which must not be empty: GraphQL never returns
/// "the whole object", only the fields asked for.
fn field_selection<'f>(field: &'f Field, type_name: &str) -> Result<&'f [Field], GraphQLError> {
    if field.selection.is_empty() {
        Err(GraphQLError::new(format!(
            "field `{}` of type {type_name} needs a selection of subfields, like `{} {{ id }}`",
            field.name, field.name
        )))
    } else {
        Ok(&field.selection)
    }
}

fn unknown_field(name: &str, type_name: &str) -> GraphQLError {
    GraphQLError::new(format!("cannot query field `{name}` on type {type_name}"))
}

/// Sets `key` to `value` on every object.
fn fill(objects: &mut [Object], key: &str, value: Value) {
    for object in objects {
        object.insert(key.to_string(), value.clone());
    }
}

/// Sets `key` on each object from its parent.
fn fill_from<T>(objects: &mut [Object], parents: &[T], key: &str, value: impl Fn(&T) -> Value) {
    for (object, parent) in objects.iter_mut().zip(parents) {
        object.insert(key.to_string(), value(parent));
    }
}

fn list(objects: Vec<Object>) -> Vec<Value> {
    objects.into_iter().map(Value::Object).collect()
}

/// The object resolved for a single parent.
fn first(objects: Vec<Object>) -> Value {
    objects
        .into_iter()
        .next()
        .map_or(Value::Null, Value::Object)
}
