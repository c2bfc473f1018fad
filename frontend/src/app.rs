//! The whole page: a header with the engine switch, the lesson pane, and the terminal.

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::cli::complete;
use dockyard_engine::wasi::Stream;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::api_calls::UnderTheHood;
use crate::controls::{Keeper, SessionControls};
use crate::course::{self, Course};
use crate::host;
use crate::lesson::LessonView;
use crate::lesson_fetch::use_prose;
use crate::lesson_map::LessonMap;
use crate::markdown::{self, Lesson};
use crate::pictures::{EngineRef, Pictures, WorkspaceRef};
use crate::ports::{Pane, PortLink, Ports, ResponsePane};
use crate::presenter::{use_presenter_keys, Presenter, PresenterAction, PresenterToggle};
use crate::session::{self, Output};
use crate::share::{Link, Share};
use crate::splitter::{Edge, Layout, Splitter};
use crate::state::{Action, Mode, Terminal as TerminalState};
use crate::storage::Opened;
use crate::terminal::Terminal;
use crate::workspace;

/// What the page opened with: the session this browser kept, read before the first render.
#[derive(Properties)]
pub struct AppProps {
    pub opened: std::rc::Rc<Opened>,
    /// A shared link the page opened with: its commands run once the terminal is there.
    pub shared: Option<Link>,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.opened, &other.opened) && self.shared == other.shared
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let opened = &props.opened;
    let term =
        use_reducer(|| TerminalState::opened(opened.history.clone(), opened.notes.clone(), opened.storage.available()));
    let engine = use_mut_ref(|| opened.engine.take().unwrap_or_else(session::new_engine));
    // In host mode the pictures draw the real engine's images, loaded into an engine of their own.
    let real = use_mut_ref(session::new_engine);
    // The Dockerfile tab's files, as the learner left them, are what `docker build .` reads.
    let host =
        use_mut_ref(|| session::Host { workspace: Rc::new(RefCell::new(workspace::load())), ..Default::default() })
            .borrow()
            .clone();
    let workspace = WorkspaceRef(host.workspace.clone());
    let lessons: std::rc::Rc<Vec<Lesson>> = use_memo((), |_| markdown::shipped());
    let current = use_state(|| opened.lesson.min(lessons.len().saturating_sub(1)));
    // The lesson shown, with its prose once fetched.
    let (lesson, fetching, on_retry) = use_prose(lessons.get(*current).cloned());
    let keeper = (*use_memo((), |_| {
        Keeper::new(
            engine.clone(),
            host.workers.clone(),
            opened.storage.clone(),
            term.dispatcher(),
            opened.progress.clone(),
        )
    }))
    .clone();
    let course = (*use_memo((), |_| Course::default())).clone();
    keeper.idle.set(term.idle());
    let pane = use_state(|| None::<Pane>);
    let layout = use_reducer(Layout::load);
    let panes = use_node_ref();
    let shared_step = props.shared.as_ref().map(|link| link.step);
    let presenter = use_reducer(move || {
        let kept = Presenter::load();
        Presenter { step: shared_step.unwrap_or(kept.step), ..kept }
    });
    let sections = lesson.as_ref().map_or(1, |lesson| lesson.sections().len());
    use_presenter_keys(presenter.clone(), sections);
    {
        let layout = *layout;
        use_effect_with(layout, |layout| layout.keep());
    }

    // A shared link's commands run in order, as a lesson's Run button runs its block's.
    {
        let (dispatcher, shared) = (term.dispatcher(), props.shared.clone());
        use_effect_with((), move |_| {
            for command in shared.into_iter().flat_map(|link| link.commands) {
                dispatcher.dispatch(Action::Submit(command));
            }
        });
    }

    // Switching to host mode draws the real engine's images at once.
    {
        let real = real.clone();
        use_effect_with(term.mode, move |mode| {
            if *mode == Mode::Host {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(images) = host::real_images().await {
                        *real.borrow_mut() = images;
                    }
                });
            }
        });
    }

    // Ask once whether a real Docker Engine is behind the server.
    {
        let dispatcher = term.dispatcher();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(Action::Host(host::status().await));
            });
        });
    }

    // Start the next queued command whenever nothing is running.
    {
        let dispatcher = term.dispatcher();
        let next = term.next_command().cloned();
        let mode = term.mode;
        let engine = engine.clone();
        let host = host.clone();
        let keeper = keeper.clone();
        let real = real.clone();
        use_effect_with((next, term.running.clone()), move |(next, _)| {
            if let Some(line) = next.clone() {
                dispatcher.dispatch(Action::Start);
                wasm_bindgen_futures::spawn_local(async move {
                    // Only the simulated engine can go back to how it was before the command.
                    let before = (mode == Mode::Simulated).then(|| keeper.before());
                    let out = dispatcher.clone();
                    let emit = move |output: Output| {
                        out.dispatch(match output {
                            Output::Text(Stream::Stdout, text) => Action::Stdout(text),
                            Output::Text(Stream::Stderr, text) => Action::Stderr(text),
                            Output::Live(text) => Action::Live(text),
                        })
                    };
                    let code = match mode {
                        Mode::Simulated => session::execute(engine, &line, &host, emit).await,
                        Mode::Host if crate::host_tty::wants_terminal(&line) => host::terminal(&line).await,
                        Mode::Host => {
                            let context = host::build_context(&host.workspace.borrow(), &line);
                            let code = host::run(&line, context, move |stderr, text| {
                                emit(Output::Text(if stderr { Stream::Stderr } else { Stream::Stdout }, text))
                            })
                            .await;
                            // A picture that cannot be drawn is no reason to fail the command.
                            if let Ok(images) = host::real_images().await {
                                *real.borrow_mut() = images;
                            }
                            code
                        }
                    };
                    if let Some(before) = before {
                        keeper.after(before, &line);
                    }
                    dispatcher.dispatch(Action::Finished(code));
                    // What was typed ahead of a container that did not read it is the terminal's.
                    for line in host.stdin.take_leftover() {
                        dispatcher.dispatch(Action::Submit(line));
                    }
                });
            }
        });
    }

    // The browser keeps the session after every command, undo, load and change of lesson; what
    // the page opened with is kept already.
    {
        let (keeper, history) = (keeper.clone(), term.history.clone());
        let opening = use_mut_ref(|| true);
        use_effect_with((term.changes, *current), move |(_, lesson)| {
            if !std::mem::replace(&mut *opening.borrow_mut(), false) {
                keeper.keep(&history, *lesson);
            }
        });
    }

    // A lesson entered afresh becomes one step for Undo once its setup has run.
    {
        let (keeper, course) = (keeper.clone(), course.clone());
        use_effect_with((term.changes, term.idle()), move |(_, idle)| course.settle(&keeper, *idle));
    }

    // Ctrl-C stops what runs in the foreground: a question waiting for its answer wakes to see it.
    let on_interrupt = {
        let (workers, stdin) = (host.workers.clone(), host.stdin.clone());
        let running = term.running.is_some();
        Callback::from(move |()| {
            if running {
                // A command on the real engine hears it over its stream.
                crate::host_stream::interrupt();
                workers.interrupt.raise();
                stdin.wake();
            }
        })
    };
    // Tab completes from the simulated engine's names, which the real engine's mode shares.
    let complete = {
        let engine = engine.clone();
        Callback::from(move |before: String| match engine.try_borrow() {
            Ok(engine) => complete::complete(&before, &complete::Names::of(&engine)),
            Err(_) => complete::Completion::default(),
        })
    };
    // Ctrl-D ends the input of a container reading the terminal.
    let on_end = {
        let stdin = host.stdin.clone();
        Callback::from(move |_| {
            stdin.offer_end();
        })
    };
    // A line typed while a command waits for an answer is that answer, not a new command.
    let on_submit = {
        let dispatcher = term.dispatcher();
        Callback::from(move |line: String| {
            if let Err(line) = host.stdin.offer(line) {
                dispatcher.dispatch(Action::Submit(line));
            }
        })
    };
    // A published port's link asks the container behind it, as a browser on the host would.
    let on_open_port = {
        let (engine, workers, pane) = (engine.clone(), host.workers.clone(), pane.clone());
        Callback::from(move |host_port: u16| {
            let url = format!("http://localhost:{host_port}/");
            pane.set(Some(Pane { url: url.clone(), response: None }));
            let (engine, workers, pane) = (engine.clone(), workers.clone(), pane.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let response = workers.http_get(&engine, host_port, "/").await;
                pane.set(Some(Pane { url, response: Some(response) }));
            });
        })
    };
    let on_close_pane = {
        let pane = pane.clone();
        Callback::from(move |()| pane.set(None))
    };
    let ports: Vec<PortLink> = engine
        .borrow()
        .published()
        .into_iter()
        .map(|(container, f)| PortLink { host_port: f.host_port, container, container_port: f.to.port })
        .collect();
    let on_run = {
        let dispatcher = term.dispatcher();
        Callback::from(move |commands: Vec<String>| {
            for command in commands {
                dispatcher.dispatch(Action::Submit(command));
            }
        })
    };
    // A picture's button types its command into the terminal, so the learner sees it.
    let on_command = {
        let dispatcher = term.dispatcher();
        Callback::from(move |command: String| dispatcher.dispatch(Action::Submit(command)))
    };
    let on_clear = {
        let dispatcher = term.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Clear))
    };
    let on_undo = {
        let (keeper, undo) = (keeper.clone(), term.undo.clone());
        Callback::from(move |()| keeper.undo(undo.as_ref()))
    };
    let on_lesson = {
        let (current, presenter) = (current.clone(), presenter.dispatcher());
        let count = lessons.len();
        Callback::from(move |lesson: usize| {
            current.set(lesson.min(count.saturating_sub(1)));
            presenter.dispatch(PresenterAction::Go(0));
        })
    };
    let set_mode = |mode: Mode| {
        let dispatcher = term.dispatcher();
        Callback::from(move |_: Event| dispatcher.dispatch(Action::SetMode(mode)))
    };

    let host_label = match &term.host {
        None => "checking for a Docker Engine…".to_string(),
        Some(info) if info.available => {
            format!("Docker Engine {} at {}", info.version.clone().unwrap_or_default(), info.endpoint)
        }
        Some(info) if info.endpoint.is_empty() => "no Dockyard server: simulated engine only".to_string(),
        Some(info) => format!("no Docker Engine at {}", info.endpoint),
    };
    // Goals are checked on every render, so each turns green as soon as a command meets it; `ran`
    // goals look only at the commands typed since the lesson was entered. The steps met are
    // ticked in the progress (kept with the session), and a step that begins has its state kept
    // for Reset step once its commands have finished.
    let plan = lesson.as_ref().and_then(|l| l.plan.as_ref().ok());
    let (met, progress): (Vec<Vec<bool>>, _) = match (plan, engine.try_borrow()) {
        (Some(plan), Ok(engine)) => {
            let mut kept = keeper.progress.borrow_mut();
            let entered = kept.lesson(&plan.id, term.history.len()).entered.min(term.history.len());
            let since = &term.history[entered..];
            let now = session::now();
            let met: Vec<Vec<bool>> = plan
                .steps
                .iter()
                .map(|step| step.goals.iter().map(|(_, goal)| goal.met_at(&engine, since, now)).collect())
                .collect();
            if kept.update(plan, &met, term.history.len()) {
                course.began();
            }
            let progress = kept.lessons.get(&plan.id).cloned().unwrap_or_default();
            course.remember(&engine, &plan.id, progress.current(plan), term.idle());
            (met, progress)
        }
        _ => (Vec::new(), Default::default()),
    };
    // A swarm's tasks start (and a failed node goes down) as time passes: while a step waits on
    // the swarm, its goals are checked again each second.
    let swarm_waiting = plan.and_then(|plan| plan.steps.get(progress.current(plan)?)).is_some_and(|step| {
        step.goals.iter().any(|(text, _)| text.starts_with("service ") || text.starts_with("node "))
    });
    let redraw = use_force_update();
    use_effect_with(swarm_waiting, move |waiting| {
        let tick = waiting.then(|| Closure::<dyn FnMut()>::new(move || redraw.force_update()));
        let id = tick.as_ref().and_then(|tick| {
            web_sys::window()?
                .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000)
                .ok()
        });
        move || {
            if let (Some(window), Some(id)) = (web_sys::window(), id) {
                window.clear_interval_with_handle(id);
            }
            drop(tick);
        }
    });
    // Entering a lesson not opened before makes its starting state: a fresh engine and its setup.
    let enter = {
        let (current, presenter, keeper, course, lessons) =
            (current.clone(), presenter.dispatcher(), keeper.clone(), course.clone(), lessons.clone());
        let history_len = term.history.len();
        Callback::from(move |at: usize| {
            let at = at.min(lessons.len().saturating_sub(1));
            current.set(at);
            presenter.dispatch(PresenterAction::Go(0));
            if let Some(plan) = lessons.get(at).and_then(|l| l.plan.as_ref().ok()) {
                let fresh = !keeper.progress.borrow().started(&plan.id);
                if fresh && plan.steps.iter().any(|s| !s.goals.is_empty()) {
                    course.enter(&keeper, plan, history_len);
                }
            }
        })
    };
    let on_open_file = {
        let (enter, lessons) = (enter.clone(), lessons.clone());
        Callback::from(move |file: String| {
            if let Some(at) = crate::lessons::LESSONS.iter().position(|(name, _)| *name == file) {
                enter.emit(at.min(lessons.len().saturating_sub(1)));
            }
        })
    };
    let on_reset_step = {
        let (keeper, course, plan, workspace) = (keeper.clone(), course.clone(), plan.cloned(), host.workspace.clone());
        let history_len = term.history.len();
        Callback::from(move |k: usize| {
            if let Some(plan) = &plan {
                course.reset_step(&keeper, &workspace, plan, k, history_len);
            }
        })
    };
    let on_file = {
        let (workspace, dispatcher) = (host.workspace.clone(), term.dispatcher());
        Callback::from(move |(path, text): (String, String)| {
            dispatcher.dispatch(Action::Note(course::put_file(&workspace, &path, &text)));
        })
    };
    let nav = |delta: isize| {
        let (current, enter) = (*current, enter.clone());
        let count = lessons.len();
        Callback::from(move |_: MouseEvent| {
            enter.emit((current as isize + delta).clamp(0, count.saturating_sub(1) as isize) as usize);
        })
    };
    let step = presenter.step.min(sections.saturating_sub(1));
    let on_step = {
        let presenter = presenter.dispatcher();
        Callback::from(move |action: PresenterAction| presenter.dispatch(action))
    };
    let on_present = {
        let presenter = presenter.dispatcher();
        Callback::from(move |()| presenter.dispatch(PresenterAction::Toggle))
    };
    let on_layout = {
        let layout = layout.dispatcher();
        Callback::from(move |action| layout.dispatch(action))
    };
    let widths = format!("--lesson: {}%; --pictures: {}%", layout.lesson, layout.pictures);

    html! {
        <div class="app">
            <header class="topbar">
                <span class="brand">{ "⚓ Dockyard" }</span>
                <nav class="lesson-nav" aria-label="Lessons">
                    <button onclick={nav(-1)} disabled={*current == 0} aria-label="Previous lesson">{ "◀" }</button>
                    <span class="lesson-count">{ format!("Lesson {} of {}", *current + 1, lessons.len()) }</span>
                    <button onclick={nav(1)} disabled={*current + 1 >= lessons.len()} aria-label="Next lesson">{ "▶" }</button>
                    <LessonMap lessons={lessons.clone()} progress={keeper.progress.borrow().clone()} current={*current}
                        on_open={enter.clone()} />
                </nav>
                <PresenterToggle on={presenter.on} on_toggle={on_present} />
                <Share lesson={*current} id={lessons.get(*current).map(|l| l.id.clone()).unwrap_or_default()} step={step}
                    history={term.history.clone()} />
                <SessionControls keeper={keeper} undo={term.undo.clone()} idle={term.idle()} history={term.history.clone()}
                    lesson={*current} on_lesson={on_lesson} keeping={term.keeping} />
                <fieldset class="engine-switch">
                    <legend>{ "Engine" }</legend>
                    <label>
                        <input type="radio" name="engine" id="engine-simulated" checked={term.mode == Mode::Simulated}
                            onchange={set_mode(Mode::Simulated)} />
                        { "Simulated" }
                    </label>
                    <label title={host_label.clone()}>
                        <input type="radio" name="engine" id="engine-host" checked={term.mode == Mode::Host}
                            disabled={!term.host_available()} onchange={set_mode(Mode::Host)} />
                        { "Real Docker" }
                    </label>
                    <span class="host-status" id="host-status">{ host_label }</span>
                </fieldset>
            </header>
            <main class="panes resizable" ref={panes.clone()} style={widths}>
                { match lesson {
                    Some(lesson) => html! {
                        <LessonView lesson={lesson} on_run={on_run} step={step} presenting={presenter.on} on_step={on_step} met={met}
                            progress={progress} on_file={on_file} on_reset_step={on_reset_step} on_open={on_open_file}
                            fetching={fetching} on_retry={on_retry} />
                    },
                    None => html! { <article class="lesson"><p>{ "No lessons are built in." }</p></article> },
                } }
                <Splitter edge={Edge::Lesson} layout={*layout} panes={panes.clone()} on_change={on_layout.clone()} />
                <section class="workbench">
                    <Ports ports={ports} on_open={on_open_port} />
                    if let Some(pane) = (*pane).clone() {
                        <ResponsePane pane={pane} on_close={on_close_pane} />
                    }
                    <Terminal state={term.clone()} on_submit={on_submit} on_clear={on_clear} on_interrupt={on_interrupt}
                        on_end={on_end} on_undo={on_undo} complete={complete} />
                    <UnderTheHood state={term.clone()} />
                </section>
                <Splitter edge={Edge::Pictures} layout={*layout} panes={panes} on_change={on_layout} />
                <Pictures engine={EngineRef(if term.mode == Mode::Host { real.clone() } else { engine.clone() })}
                    version={term.lines.len()} on_command={on_command}
                    workspace={workspace} />
            </main>
        </div>
    }
}
