//! Runs a parsed document against the store.
//!
//! The resolvers work on *lists* of parents: `resolve_posts(posts, selection)` resolves the
//! selection for every post at once, so a relation such as `author` is fetched for all posts in
//! one store call. A query then costs one store call per level of nesting, however many objects
//! each level holds: no N+1.

use std::collections::HashMap;

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
        match field.name.as_str() {
            "__typename" => Ok(json!("Query")),
            "posts" => {
                let posts = self.store.all_posts();
                Ok(Value::Array(list(
                    self.resolve_posts(&posts, field_selection(field, "Post")?)?,
                )))
            }
            "post" => {
                let post = self.store.post(self.id_argument(field, "id")?);
                self.one_post(post, field)
            }
            "authors" => {
                let authors = self.store.all_authors();
                Ok(Value::Array(list(self.resolve_authors(
                    &authors,
                    field_selection(field, "Author")?,
                )?)))
            }
            "author" => {
                let author = self.store.author(self.id_argument(field, "id")?);
                let selection = field_selection(field, "Author")?;
                match author {
                    Some(author) => Ok(first(self.resolve_authors(&[author], selection)?)),
                    None => Ok(Value::Null),
                }
            }
            other => Err(unknown_field(other, "Query")),
        }
    }

    /// A top-level field of `type Mutation`.
    fn mutation_field(&self, field: &Field) -> Result<Value, GraphQLError> {
        match field.name.as_str() {
            "__typename" => Ok(json!("Mutation")),
            "createPost" => {
                let author_id = self.id_argument(field, "authorId")?;
                let title = self.string_argument(field, "title")?;
                let body = self.string_argument(field, "body")?;
                if title.trim().is_empty() {
                    return Err(GraphQLError::new("createPost: title must not be empty"));
                }
                let post = self
                    .store
                    .create_post(author_id, &title, &body)
                    .ok_or_else(|| {
                        GraphQLError::new(format!("createPost: no author with id {author_id}"))
                    })?;
                self.one_post(Some(post), field)
            }
            other => Err(unknown_field(other, "Mutation")),
        }
    }

    fn one_post(&self, post: Option<Post>, field: &Field) -> Result<Value, GraphQLError> {
        let selection = field_selection(field, "Post")?;
        match post {
            Some(post) => Ok(first(self.resolve_posts(&[post], selection)?)),
            None => Ok(Value::Null),
        }
    }

    /// Resolves `selection` for every post in `posts`; one object per post, in order.
    fn resolve_posts(
        &self,
        posts: &[Post],
        selection: &[Field],
    ) -> Result<Vec<Object>, GraphQLError> {
        let mut objects = vec![Object::new(); posts.len()];
        for field in selection {
            let key = field.response_key().to_string();
            match field.name.as_str() {
                "__typename" => fill(&mut objects, &key, json!("Post")),
                "id" => fill_from(&mut objects, posts, &key, |post| json!(post.id.to_string())),
                "title" => fill_from(&mut objects, posts, &key, |post| json!(post.title)),
                "body" => fill_from(&mut objects, posts, &key, |post| json!(post.body)),
                "author" => {
                    let sub_selection = field_selection(field, "Author")?;
                    // The batch: every author these posts need, in one store call.
                    let mut ids: Vec<i64> = posts.iter().map(|post| post.author_id).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    let authors = if ids.is_empty() {
                        Vec::new()
                    } else {
                        self.store.authors_by_ids(&ids)
                    };
                    let resolved = self.resolve_authors(&authors, sub_selection)?;
                    let by_id: HashMap<i64, Object> =
                        authors.iter().map(|a| a.id).zip(resolved).collect();
                    // Then hand each post its author's object.
                    for (object, post) in objects.iter_mut().zip(posts) {
                        let author = by_id
                            .get(&post.author_id)
                            .cloned()
                            .map_or(Value::Null, Value::Object);
                        object.insert(key.clone(), author);
                    }
                }
                other => return Err(unknown_field(other, "Post")),
            }
        }
        Ok(objects)
    }

    /// Resolves `selection` for every author in `authors`; one object per author, in order.
    fn resolve_authors(
        &self,
        authors: &[Author],
        selection: &[Field],
    ) -> Result<Vec<Object>, GraphQLError> {
        let mut objects = vec![Object::new(); authors.len()];
        for field in selection {
            let key = field.response_key().to_string();
            match field.name.as_str() {
                "__typename" => fill(&mut objects, &key, json!("Author")),
                "id" => fill_from(&mut objects, authors, &key, |author| {
                    json!(author.id.to_string())
                }),
                "name" => fill_from(&mut objects, authors, &key, |author| json!(author.name)),
                "posts" => {
                    let sub_selection = field_selection(field, "Post")?;
                    let ids: Vec<i64> = authors.iter().map(|author| author.id).collect();
                    // One store call for the posts of all these authors...
                    let posts = if ids.is_empty() {
                        Vec::new()
                    } else {
                        self.store.posts_by_author_ids(&ids)
                    };
                    // ...resolved together (their own nested fields batch again)...
                    let resolved = self.resolve_posts(&posts, sub_selection)?;
                    // ...then grouped by author.
                    let mut by_author: HashMap<i64, Vec<Value>> = HashMap::new();
                    for (post, object) in posts.iter().zip(resolved) {
                        by_author
                            .entry(post.author_id)
                            .or_default()
                            .push(Value::Object(object));
                    }
                    for (object, author) in objects.iter_mut().zip(authors) {
                        let posts = by_author.remove(&author.id).unwrap_or_default();
                        object.insert(key.clone(), Value::Array(posts));
                    }
                }
                other => return Err(unknown_field(other, "Author")),
            }
        }
        Ok(objects)
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
