//! `RUN` as a build step: from the cache, or in an intermediate container that the host runs
//! like any other, whose writable layer becomes the step's layer when it ends.

use super::{fail, Build, Failure};
use crate::container::{generate_name, Container, ContainerId, State};
use crate::image::Image;
use crate::layer::Layer;
use crate::{Ctx, Engine, Reply};

impl Engine {
    /// `RUN`: from the cache, or in an intermediate container the host runs.
    pub(super) fn run_step(
        &mut self,
        build: &mut Build,
        created_by: String,
        argv: Vec<String>,
        args: Vec<(String, String)>,
        out: &mut Reply,
        ctx: &mut Ctx<'_>,
    ) -> Result<Option<crate::Process>, Failure> {
        if self.reuse(build, &created_by, out) {
            return Ok(None);
        }
        let stage = build.stage.clone().ok_or_else(|| fail("no build stage"))?;
        // A scratch stage has no image yet: the container starts from an empty one.
        let image = match stage.image.and_then(|id| self.images.images.get(&id).cloned()) {
            Some(image) => image,
            None => {
                let image = Image::from_config(stage.config.clone(), ctx.now);
                self.images.insert(image.clone(), Vec::new());
                image
            }
        };
        let id = ContainerId::generate(ctx.entropy);
        let mut env = crate::ops::run::container_env(&image, &id, &[]);
        for (name, value) in &args {
            if !env.iter().any(|e| e.split('=').next() == Some(name.as_str())) {
                env.push(format!("{name}={value}"));
            }
        }
        let name = generate_name(ctx.entropy, &|n| self.containers.iter().any(|c| c.name == n));
        let config = &image.config.config;
        self.containers.push(Container {
            id: id.clone(),
            name,
            image: image.id,
            image_name: image.id.to_string(),
            path: argv.first().cloned().unwrap_or_default(),
            args: argv.iter().skip(1).cloned().collect(),
            env,
            created: ctx.now,
            state: State::created(),
            auto_remove: false,
            working_dir: config.working_dir.clone(),
            user: config.user.clone(),
            stop_timeout: None,
            restart_policy: "no".to_string(),
            restart_count: 0,
            manually_stopped: false,
            memory: None,
            mounts: Vec::new(),
            ports: Vec::new(),
            published: Vec::new(),
            open_stdin: false,
            tty: false,
            network_mode: "bridge".to_string(),
            networks: Vec::new(),
            rw: Layer::default(),
            logs: Vec::new(),
            labels: Default::default(),
        });
        let process = match self.start_process(&id, ctx.now) {
            Ok(process) => process,
            Err((message, code)) => {
                return Err((
                    format!("{message}\nThe command '{}' returned a non-zero code: {code}", argv.join(" ")),
                    code,
                ))
            }
        };
        build.running(id.short(), out);
        build.pending = Some((id, created_by, argv));
        Ok(Some(process))
    }
}
