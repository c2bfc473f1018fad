//! A lesson's prose, fetched when the learner enters the lesson: the page carries each lesson's
//! outline (its plan), and its rendered blocks come from `lessons/<name>.txt` beside the app,
//! once per page, so the app's module stays small. A failed fetch (offline before the service
//! worker has cached the file) is kept until the learner tries again.

use std::collections::HashMap;

use yew::prelude::*;

use crate::markdown::{rendered, Block, Lesson};

/// How the shown lesson's prose is coming.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Fetching {
    /// It is here.
    #[default]
    Done,
    Loading,
    /// The fetch failed, for this reason.
    Failed(String),
}

/// `lesson` with its prose once fetched, how the fetch goes, and a callback that tries a failed
/// fetch again. Prose fetched once is kept, so entering the lesson again needs no fetch.
#[hook]
pub fn use_prose(lesson: Option<Lesson>) -> (Option<Lesson>, Fetching, Callback<()>) {
    let kept = use_mut_ref(HashMap::<String, (Vec<Block>, Vec<String>)>::new);
    // The file whose fetch failed last, and why.
    let failed = use_state(|| None::<(String, String)>);
    let tries = use_state(|| 0u32);
    let redraw = use_force_update();
    let file = lesson.as_ref().and_then(|l| l.pending.clone());
    {
        let (kept, failed) = (kept.clone(), failed.clone());
        use_effect_with((file, *tries), move |(file, _)| {
            if let Some(file) = file.clone().filter(|file| !kept.borrow().contains_key(file)) {
                failed.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    let fetched = crate::beside::fetch(&file, "the lesson")
                        .await
                        .and_then(|bytes| rendered::decode(&String::from_utf8(bytes).map_err(|e| e.to_string())?));
                    match fetched {
                        Ok(prose) => {
                            kept.borrow_mut().insert(file, prose);
                            redraw.force_update();
                        }
                        Err(why) => failed.set(Some((file, why))),
                    }
                });
            }
        });
    }
    let retry = {
        let tries = tries.clone();
        Callback::from(move |()| tries.set(*tries + 1))
    };
    let Some(file) = lesson.as_ref().and_then(|l| l.pending.clone()) else {
        return (lesson, Fetching::Done, retry);
    };
    if let Some((blocks, links)) = kept.borrow().get(&file).cloned() {
        return (lesson.map(|l| l.with_prose(blocks, links)), Fetching::Done, retry);
    }
    let fetching = match &*failed {
        Some((at, why)) if *at == file => Fetching::Failed(why.clone()),
        _ => Fetching::Loading,
    };
    (lesson, fetching, retry)
}
