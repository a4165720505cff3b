//! The rules: who may do what to which post.

use crate::directory::{Role, User};
use crate::posts::Post;

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
}

/// Why a request is refused; each becomes one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// 401: we do not know who you are, and this needs to.
    Unauthenticated,
    /// 403: we know who you are, and you may not.
    Forbidden,
    /// 404: as far as you are concerned, this post does not exist.
    NotFound,
}

/// Whether `user` (`None`: anonymous) may know that `post` exists: published posts are public,
/// drafts are seen by their owner and by admins.
pub fn can_see(user: Option<&User>, post: &Post) -> bool {
    // TODO: the rule in the doc comment.
    let _ = (user, post, Role::Admin);
    todo!("who may know this post exists?")
}

/// Decides whether `user` may do `action` to `post` (`None` for `Create`, or when the post does
/// not exist).
///
/// The order of the checks is the lesson:
/// 1. Reading needs no login, but a post you cannot see is `NotFound`.
/// 2. Everything else needs a login first: `Unauthenticated`.
/// 3. Creating needs the Author or Admin role: `Forbidden` for readers.
/// 4. A post you cannot see is `NotFound`, whatever you wanted to do with it: answering 403
///    would confirm that the draft exists.
/// 5. Updating is for the owner only; deleting for the owner or an admin: `Forbidden` otherwise.
pub fn authorize(user: Option<&User>, action: Action, post: Option<&Post>) -> Result<(), Denied> {
    // TODO: the five rules above; when several apply, the first one in that order decides.
    let _ = (user, action, post);
    todo!("decide: Ok, Unauthenticated, Forbidden or NotFound")
}
