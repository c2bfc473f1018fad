//! The image a `docker build` is making, while it makes it: the stack so far, each slab marked as
//! the base image's, made by this build, or taken from the cache, and the step running now. A
//! build leaves the engine between its steps (it travels in the command that resumes it), so the
//! engine keeps a small note of where the build stands each time it hands a `RUN` to the host,
//! and drops it when the build ends either way.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Slab;
use crate::digest::ImageId;
use crate::image::Image;
use crate::Engine;

/// Where a build stands while the host runs one of its `RUN` steps; kept by the engine, not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuildProgress {
    /// The tags the image will get, as given to `-t`.
    pub tags: Vec<String>,
    /// The image the current stage's last step made (or its base), if any yet.
    pub image: Option<ImageId>,
    /// The image the current stage started from.
    pub base: Option<ImageId>,
    /// The images this build took from the cache.
    pub cached: BTreeSet<ImageId>,
    pub step: usize,
    pub total: usize,
    /// The instruction running now, as the Dockerfile has it.
    pub running: String,
}

/// Where one slab of an image being built comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlabSource {
    /// The stage's base image.
    Base,
    /// A step of this build made it.
    Built,
    /// A step of this build found it in the cache ("Using cache", "CACHED").
    Cached,
}

/// One slab of the image being built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildSlab {
    #[serde(flatten)]
    pub slab: Slab,
    pub source: SlabSource,
}

/// The image a build is making, as far as it has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildView {
    pub tags: Vec<String>,
    /// The step running now, counted as the classic builder counts ("Step 3/5").
    pub step: usize,
    pub total: usize,
    /// The instruction running now (`RUN make`).
    pub running: String,
    /// The layers so far, base first.
    pub layers: Vec<BuildSlab>,
}

impl Engine {
    /// The image being built while a build waits on one of its `RUN` steps; `None` between
    /// builds.
    pub fn build_view(&self) -> Option<BuildView> {
        let progress = self.building.as_ref()?;
        let image = progress.image.and_then(|id| self.images.images.get(&id));
        let layers = match image {
            Some(image) => {
                let shown: Vec<&Image> = self.shown_images();
                let stack = self.image_stack(image, &shown);
                let sources = self.slab_sources(image, progress);
                stack
                    .layers
                    .into_iter()
                    .enumerate()
                    .map(|(i, slab)| BuildSlab { slab, source: sources.get(i).copied().unwrap_or(SlabSource::Built) })
                    .collect()
            }
            None => Vec::new(),
        };
        Some(BuildView {
            tags: progress.tags.clone(),
            step: progress.step,
            total: progress.total,
            running: progress.running.clone(),
            layers,
        })
    }

    /// The image being built now, which the images picture shows as the build rather than on its
    /// own.
    pub(crate) fn building_image(&self) -> Option<ImageId> {
        // Before its first step, a stage's image is its base, which stays an image of its own.
        self.building.as_ref().filter(|b| b.image != b.base).and_then(|b| b.image)
    }

    /// Each of `image`'s layers: the base image's, or made by a step of this build, from the
    /// cache or not. A step's layer is the one its image has over its parent's.
    fn slab_sources(&self, image: &Image, progress: &BuildProgress) -> Vec<SlabSource> {
        let count = |id: Option<ImageId>| {
            id.and_then(|id| self.images.images.get(&id)).map_or(0, |i| i.config.rootfs.diff_ids.len())
        };
        let base = count(progress.base);
        let mut sources = vec![SlabSource::Base; image.config.rootfs.diff_ids.len()];
        for source in sources.iter_mut().skip(base) {
            *source = SlabSource::Built;
        }
        // Down the chain of parents to the base; saved state could hold a loop, so each image is
        // visited once.
        let mut seen = BTreeSet::new();
        let mut at = Some(image);
        while let Some(step) = at {
            if !seen.insert(step.id) || Some(step.id) == progress.base {
                break;
            }
            let (made, below) = (step.config.rootfs.diff_ids.len(), count(step.parent));
            if made == below + 1 && made > base && progress.cached.contains(&step.id) {
                if let Some(source) = sources.get_mut(made - 1) {
                    *source = SlabSource::Cached;
                }
            }
            at = step.parent.and_then(|p| self.images.images.get(&p));
        }
        sources
    }
}
