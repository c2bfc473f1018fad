//! `docker tag`: another name for an image that already exists.

use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::reference::Reference;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn tag(&mut self, source: &str, target: &str) -> Reply {
        let Some(id) = self.images.resolve(source).map(|image| image.id) else {
            return Reply::err(daemon_error(format!("No such image: {}", ImageStore::missing_name(source))), 1);
        };
        let reference = match Reference::parse(target) {
            Ok(r) => r,
            Err(e) => {
                return Reply::err(
                    format!("Error parsing reference: \"{target}\" is not a valid repository/tag: {e}"),
                    1,
                )
            }
        };
        if reference.digest.is_some() {
            return Reply::err(daemon_error("refusing to create a tag with a digest reference"), 1);
        }
        self.images.tag(&reference.with_default_tag(), id);
        Reply::default()
    }
}
