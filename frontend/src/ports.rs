//! The published ports as links, and the pane that shows what one answered: the page plays
//! the browser on the host, so `-p 8080:80` can be tried without leaving the lesson.

use yew::prelude::*;

/// One published port, as the bar lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortLink {
    pub host_port: u16,
    pub container: String,
    pub container_port: u16,
}

#[derive(Properties, PartialEq)]
pub struct PortsProps {
    pub ports: Vec<PortLink>,
    pub on_open: Callback<u16>,
}

/// A strip of links, one per published port; nothing at all while none is published.
#[function_component(Ports)]
pub fn ports(props: &PortsProps) -> Html {
    if props.ports.is_empty() {
        return html! {};
    }
    html! {
        <nav class="ports" aria-label="Published ports">
            <span class="ports-label">{ "Published:" }</span>
            { for props.ports.iter().map(|port| {
                let open = props.on_open.clone();
                let host_port = port.host_port;
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    open.emit(host_port);
                });
                html! {
                    <a class="port-link" href={format!("http://localhost:{host_port}/")} onclick={onclick}
                        title={format!("Open what {} answers on its port {}", port.container, port.container_port)}>
                        { format!("localhost:{host_port}") }
                        <span class="port-target">{ format!(" → {}:{}", port.container, port.container_port) }</span>
                    </a>
                }
            }) }
        </nav>
    }
}

/// What the pane shows: the address asked for, and the answer once it came.
#[derive(Debug, Clone, PartialEq)]
pub struct Pane {
    pub url: String,
    pub response: Option<Result<String, String>>,
}

#[derive(Properties, PartialEq)]
pub struct PaneProps {
    pub pane: Pane,
    pub on_close: Callback<()>,
}

/// An HTTP response taken apart: the status line, the header lines, and the body.
#[derive(Debug, PartialEq)]
pub struct Response<'a> {
    pub status: &'a str,
    pub headers: Vec<&'a str>,
    pub body: &'a str,
}

impl<'a> Response<'a> {
    pub fn parse(raw: &'a str) -> Response<'a> {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap_or_default();
        Response { status, headers: lines.collect(), body }
    }

    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// The response to a click on a published port: HTML drawn in a sandboxed frame (no scripts,
/// no way out to the page), anything else as text, with the status and headers above.
#[function_component(ResponsePane)]
pub fn response_pane(props: &PaneProps) -> Html {
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let body = match &props.pane.response {
        None => html! { <p class="pane-status">{ "Waiting for the container to answer…" }</p> },
        Some(Err(why)) => html! { <p class="pane-error" role="alert">{ format!("curl: {why}") }</p> },
        Some(Ok(raw)) => {
            let response = Response::parse(raw);
            let html_body = response.header("content-type").is_some_and(|t| t.starts_with("text/html"));
            html! {
                <>
                    <details class="pane-head">
                        <summary>{ response.status }</summary>
                        <pre>{ response.headers.join("\n") }</pre>
                    </details>
                    if html_body {
                        <iframe class="pane-frame" sandbox="" srcdoc={response.body.to_string()}
                            title={format!("The page {} answered", props.pane.url)} />
                    } else {
                        <pre class="pane-text">{ response.body }</pre>
                    }
                </>
            }
        }
    };
    html! {
        <section class="response-pane" aria-label="Response" {onkeydown}>
            <header>
                <span class="pane-url">{ format!("GET {}", props.pane.url) }</span>
                <button class="pane-close" onclick={close} aria-label="Close the response">{ "✕" }</button>
            </header>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_response_comes_apart_into_status_headers_and_body() {
        let raw = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello";
        let response = Response::parse(raw);
        assert_eq!(response.status, "HTTP/1.1 200 OK");
        assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(response.header("Content-Length"), Some("5"));
        assert_eq!(response.body, "hello");
        assert_eq!(Response::parse("garbage").body, "");
    }
}
