//! Day 27: a GraphQL API over the blog.
//!
//! A deliberately small GraphQL implementation, written by hand: a lexer, a recursive-descent
//! parser for a subset of the language (one operation, fields, aliases, arguments, variables),
//! and an executor whose resolvers batch relations so that a nested query costs one store call
//! per level, not one per object.
//!
//! The schema it serves:
//!
//! ```graphql
//! type Query    { posts: [Post!]!  post(id: ID!): Post  authors: [Author!]!  author(id: ID!): Author }
//! type Mutation { createPost(authorId: ID!, title: String!, body: String!): Post! }
//! type Post     { id: ID!  title: String!  body: String!  author: Author! }
//! type Author   { id: ID!  name: String!  posts: [Post!]! }
//! ```
//!
//! Read `README.md` first. `ast.rs`, `lexer.rs` and `store.rs` are done for you. You write
//! `parse` in `parser.rs`, `router` in `http.rs`, and the executor between them, in modules of
//! your own design.

mod ast;
mod http;
mod lexer;
mod parser;
mod store;

pub use ast::{Document, Field, GraphQLError, InputValue, OperationKind};
pub use http::{GraphQLRequest, router};
pub use lexer::{Token, tokenize};
pub use parser::parse;
pub use store::{Author, Post, Store};
