//! Containers as cards: state, image, command, ports and volumes, the size of the thin writable
//! layer, the end of the log, and buttons for what one does next (each types its command into
//! the terminal, so the learner sees the command it stands for). A card's Files button opens a
//! browser of the container's files (`container_files.rs`) inside the card: looking changes
//! nothing, so it types no command.

use dockyard_engine::container::{ContainerId, ContainerStatus};
use dockyard_engine::format::human_size;
use dockyard_engine::{Engine, Timestamp};
use yew::prelude::*;

use super::container_files::ContainerFiles;
use super::EngineRef;

/// What a card shows of one container.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub container: ContainerId,
    pub name: String,
    pub id: String,
    pub image: String,
    pub status: ContainerStatus,
    pub status_text: String,
    pub command: String,
    pub ports: Vec<String>,
    pub mounts: Vec<String>,
    pub writable: u64,
    pub log_tail: Vec<String>,
}

/// The lines of a log tail a card shows.
const TAIL: usize = 4;

/// A card per container, newest first, as `docker ps -a` orders them.
pub fn cards(engine: &Engine) -> Vec<Card> {
    let now = Timestamp((js_sys::Date::now() * 1e6) as u64);
    engine
        .containers()
        .iter()
        .rev()
        .map(|c| {
            let log: String = c.logs.iter().map(|entry| entry.text.as_str()).collect();
            let lines: Vec<&str> = log.lines().collect();
            Card {
                container: c.id.clone(),
                name: c.name.clone(),
                id: c.id.short().to_string(),
                image: c.image_name.clone(),
                status: c.state.status,
                status_text: c.status_text(now),
                command: c.command_line(),
                ports: c.published.iter().map(|b| format!("{}->{}", b.public(), b.private())).collect(),
                mounts: c.mounts.iter().map(|m| format!("{} → /{}", m.volume, m.destination)).collect(),
                writable: c.rw.size(),
                log_tail: lines[lines.len().saturating_sub(TAIL)..].iter().map(|l| l.to_string()).collect(),
            }
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct ContainersProps {
    pub cards: Vec<Card>,
    pub on_command: Callback<String>,
    /// The engine, which the file browser reads.
    pub engine: EngineRef,
}

/// Where the file browser stands: its container, the directory shown, and the file open.
#[derive(Debug, Clone, PartialEq)]
struct Browsing {
    container: ContainerId,
    dir: String,
    file: Option<String>,
}

/// The file browser of `card`'s container, as `browsing` places it.
fn browser(card: &Card, browsing: &UseStateHandle<Option<Browsing>>, engine: &EngineRef) -> Html {
    let Some(at) = browsing.as_ref().filter(|b| b.container == card.container) else { return html! {} };
    let engine = engine.0.borrow();
    let dir = engine.container_dir(&at.container, &at.dir).map_err(|e| e.to_string());
    let file = at.file.as_ref().map(|path| engine.container_file(&at.container, path).map_err(|e| e.to_string()));
    let on_dir = {
        let (browsing, at) = (browsing.clone(), at.clone());
        Callback::from(move |dir: String| browsing.set(Some(Browsing { dir, file: None, ..at.clone() })))
    };
    let on_file = {
        let (browsing, at) = (browsing.clone(), at.clone());
        Callback::from(move |file: Option<String>| browsing.set(Some(Browsing { file, ..at.clone() })))
    };
    let on_close = {
        let browsing = browsing.clone();
        Callback::from(move |()| browsing.set(None))
    };
    let running = matches!(card.status, ContainerStatus::Running | ContainerStatus::Paused);
    html! { <ContainerFiles name={card.name.clone()} {running} {dir} {file} {on_dir} {on_file} {on_close} /> }
}

#[function_component(Containers)]
pub fn containers(props: &ContainersProps) -> Html {
    let browsing = use_state(|| None::<Browsing>);
    if props.cards.is_empty() {
        return html! {
            <p class="empty">{ "No containers yet. " }<code>{ "docker run hello-world" }</code>
                { " makes one and runs it; " }<code>{ "docker run -d --name site -p 8080:80 web" }</code>{ " keeps one running." }</p>
        };
    }
    let button = |label: &str, command: String| {
        let on_command = props.on_command.clone();
        html! { <button class="action" onclick={Callback::from(move |_| on_command.emit(command.clone()))}>{ label.to_string() }</button> }
    };
    html! {
        <div class="cards">
            { for props.cards.iter().map(|card| {
                let state = match card.status {
                    ContainerStatus::Running => "running",
                    ContainerStatus::Paused => "paused",
                    ContainerStatus::Exited => "exited",
                    ContainerStatus::Created => "created",
                };
                html! {
                    <article class={classes!("card", state)} aria-label={format!("Container {}", card.name)}>
                        <header>
                            <strong>{ card.name.clone() }</strong>
                            <span class="meta">{ format!(" {} · {}", card.id, card.image) }</span>
                            <span class="state">{ card.status_text.clone() }</span>
                        </header>
                        <p class="command"><code>{ card.command.clone() }</code></p>
                        if !card.ports.is_empty() { <p class="card-ports">{ format!("ports: {}", card.ports.join(", ")) }</p> }
                        if !card.mounts.is_empty() { <p class="mounts">{ format!("volumes: {}", card.mounts.join(", ")) }</p> }
                        <p class="writable">{ format!("writable layer: {}", human_size(card.writable)) }</p>
                        if !card.log_tail.is_empty() {
                            <pre class="log" aria-label="The end of its log">{ card.log_tail.join("\n") }</pre>
                        }
                        <footer>
                            { match card.status {
                                ContainerStatus::Running => html! { <>
                                    { button("Stop", format!("docker stop {}", card.name)) }
                                    { button("Shell", format!("docker exec -it {} sh", card.name)) }
                                </> },
                                ContainerStatus::Paused => button("Unpause", format!("docker unpause {}", card.name)),
                                _ => html! { <>
                                    { button("Start", format!("docker start {}", card.name)) }
                                    { button("Remove", format!("docker rm {}", card.name)) }
                                </> },
                            } }
                            { button("Logs", format!("docker logs {}", card.name)) }
                            { files_button(card, &browsing) }
                        </footer>
                        { browser(card, &browsing, &props.engine) }
                    </article>
                }
            }) }
        </div>
    }
}

/// The button that opens (or closes) the file browser of `card`'s container.
fn files_button(card: &Card, browsing: &UseStateHandle<Option<Browsing>>) -> Html {
    let open = browsing.as_ref().is_some_and(|b| b.container == card.container);
    let (browsing, container) = (browsing.clone(), card.container.clone());
    let onclick = Callback::from(move |_| {
        browsing.set((!open).then(|| Browsing { container: container.clone(), dir: "/".to_string(), file: None }))
    });
    html! { <button class="action" aria-expanded={open.to_string()} {onclick}>{ "Files" }</button> }
}
