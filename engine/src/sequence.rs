//! What every host does between steps: unwrap [`Step::Then`], keep the commands that follow, and
//! run them once the current step is done, so a command on many containers goes one at a time
//! and ends with the last failing exit code, as the docker CLI's does.

use std::collections::VecDeque;

use crate::cli::Command;
use crate::{Ctx, Engine, Reply, Step};

/// The steps of one command line, as a host walks them.
#[derive(Debug, Default)]
pub struct Sequence {
    queue: VecDeque<Command>,
    exit_code: i32,
}

impl Sequence {
    /// The step to perform now: a `Then` gives its first step, and its commands go ahead of any
    /// already waiting.
    pub fn current(&mut self, mut step: Step) -> Step {
        while let Step::Then { first, next } = step {
            for command in next.into_iter().rev() {
                self.queue.push_front(command);
            }
            step = *first;
        }
        step
    }

    /// Records the reply a finished step printed, and gives the next step, if a command waits.
    pub fn finished(&mut self, reply: &Reply, engine: &mut Engine, ctx: &mut Ctx<'_>) -> Option<Step> {
        if reply.exit_code != 0 {
            self.exit_code = reply.exit_code;
        }
        let command = self.queue.pop_front()?;
        let step = engine.execute_command(command, ctx);
        Some(self.current(step))
    }

    /// The command line's exit code: the last nonzero one a step's reply had, else 0.
    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::{docker_hub, Programs};
    use crate::Seeded;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn then_runs_its_commands_in_order_and_keeps_the_last_failure() {
        let mut engine = Engine::new(docker_hub(&Programs::default().with("hello", b"\0asm\x01\0\0\0")).unwrap());
        let mut entropy = Seeded::new(1);
        let mut ctx = Ctx { now: crate::Timestamp::from_secs(1), entropy: &mut entropy };
        let mut sequence = Sequence::default();
        let first = Step::Then {
            first: Box::new(Step::Done(Reply::out("one\n"))),
            next: vec![
                Command::Rm { force: false, volumes: false, containers: vec!["nosuch".into()] },
                Command::Version,
            ],
        };
        let Step::Done(reply) = sequence.current(first) else { panic!("the first step") };
        assert_eq!(reply.stdout, "one\n");
        let Some(Step::Done(reply)) = sequence.finished(&reply, &mut engine, &mut ctx) else { panic!("rm") };
        assert_eq!(reply.exit_code, 1);
        let Some(Step::Done(version)) = sequence.finished(&reply, &mut engine, &mut ctx) else { panic!("version") };
        assert!(sequence.finished(&version, &mut engine, &mut ctx).is_none());
        assert_eq!(sequence.exit_code(), 1, "the failure in the middle is the command line's");
    }
}
