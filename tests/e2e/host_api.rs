//! A client of `dockyard serve`'s host API for the host-mode tests: the token from the page,
//! sessions, commands, and what is left on the private Docker Engine.

use crate::harness::{docker, Server};

/// What a command printed on the real engine.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i64,
}

/// The host API of one server, with its page's token and Origin.
pub struct Api<'a> {
    pub server: &'a Server,
    pub token: String,
    pub origin: String,
}

impl<'a> Api<'a> {
    pub fn new(server: &'a Server) -> Self {
        let (status, page) = server.request("GET", "/", &[], "");
        assert_eq!(status, 200);
        let after = page.split("name=\"dockyard-token\" content=\"").nth(1).expect("the page carries a token");
        let token = after.split('"').next().expect("token ends").to_string();
        Api { server, token, origin: format!("http://127.0.0.1:{}", server.port()) }
    }

    /// A call with the page's Origin and token, plus `extra` headers.
    pub fn call(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &str) -> (u16, String) {
        let mut headers = vec![
            ("Origin", self.origin.as_str()),
            ("x-dockyard-token", self.token.as_str()),
            ("Content-Type", "application/json"),
        ];
        headers.extend_from_slice(extra);
        self.server.request(method, path, &headers, body)
    }

    pub fn open(&self) -> Session<'_> {
        let (status, body) = self.call("POST", "/api/host/session", &[], "");
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        Session { api: self, id: json["session"].as_str().expect("a session id").to_string() }
    }
}

/// One page's session.
pub struct Session<'a> {
    pub api: &'a Api<'a>,
    pub id: String,
}

impl Session<'_> {
    pub fn run(&self, command: &str) -> Reply {
        let body = serde_json::json!({ "command": command }).to_string();
        let (status, text) = self.api.call("POST", "/api/host/run", &[("x-dockyard-session", &self.id)], &body);
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{command}: not json ({e}): {text}"));
        Reply {
            status,
            stdout: json["stdout"].as_str().unwrap_or_default().to_string(),
            stderr: json["stderr"].as_str().unwrap_or_default().to_string(),
            exit_code: json["exit_code"].as_i64().unwrap_or(-1),
        }
    }

    /// Runs a command that must succeed, and returns its standard output.
    pub fn ok(&self, command: &str) -> String {
        let reply = self.run(command);
        assert_eq!(reply.exit_code, 0, "{command}: {reply:?}");
        reply.stdout
    }

    pub fn heartbeat(&self) -> u16 {
        self.api.call("PUT", "/api/host/session", &[("x-dockyard-session", &self.id)], "").0
    }

    pub fn close(&self) -> (u16, String) {
        self.api.call("DELETE", "/api/host/session", &[("x-dockyard-session", &self.id)], "")
    }
}

/// Dockyard's containers, volumes and networks on the daemon, found by label with the real CLI.
pub fn dockyard_objects(label: &str) -> Vec<String> {
    let mut found = Vec::new();
    for kind in [["ps", "-aq"], ["volume", "ls -q"], ["network", "ls -q"]] {
        let mut args: Vec<&str> = vec![kind[0]];
        args.extend(kind[1].split(' '));
        let filter = format!("label={label}");
        args.extend(["--filter", &filter]);
        let out = docker(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        found.extend(String::from_utf8_lossy(&out.stdout).lines().map(|l| format!("{} {l}", kind[0])));
    }
    found
}
