//! Each command's calls, checked against the Engine API reference's paths, parameters and
//! body fields.

use super::*;
use crate::cli;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn parse(line: &str) -> Command {
    cli::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn calls_of(line: &str) -> Vec<ApiCall> {
    calls(&parse(line), &Outcome::default())
}

/// The request lines of `line`'s calls, with nothing known of how it went.
fn lines(line: &str) -> Vec<String> {
    calls_of(line).iter().map(ApiCall::line).collect()
}

fn body(call: &ApiCall) -> &Value {
    match &call.body {
        Some(Body::Json(value)) => value,
        other => panic!("{} has no JSON body: {other:?}", call.line()),
    }
}

#[test]
fn run_detached_creates_then_starts_with_the_ports_in_the_body() {
    let known = Outcome { container: Some("4f2a".into()), pulled: Some(false) };
    let calls = calls(&parse("docker run -d -p 8080:80 --name site web"), &known);
    let lines: Vec<String> = calls.iter().map(ApiCall::line).collect();
    assert_eq!(
        lines,
        [
            "POST /v1.41/containers/create?name=site",
            "POST /v1.41/containers/4f2a/wait?condition=next-exit",
            "POST /v1.41/containers/4f2a/start",
        ],
        "even detached, the client waits before it starts"
    );
    let body = body(&calls[0]);
    assert_eq!(body["Image"], "web");
    assert_eq!(body["AttachStdout"], false, "a detached container's output is not attached");
    assert_eq!(body["ExposedPorts"], json!({ "80/tcp": {} }));
    assert_eq!(body["HostConfig"]["PortBindings"], json!({ "80/tcp": [{ "HostIp": "", "HostPort": "8080" }] }));
    assert_eq!(body["HostConfig"]["NetworkMode"], "default");
    assert_eq!(body["HostConfig"]["RestartPolicy"], json!({ "Name": "no", "MaximumRetryCount": 0 }));
    assert!(body.get("Cmd").is_none(), "no command: the image's");
    // Docker's field order: the container's config, then the host's.
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys.first().map(|k| k.as_str()), Some("AttachStdin"));
    assert_eq!(keys.last().map(|k| k.as_str()), Some("HostConfig"));
}

#[test]
fn run_in_the_foreground_attaches_and_waits_before_it_starts() {
    let known = Outcome { container: Some("abc".into()), pulled: Some(false) };
    let lines: Vec<String> =
        calls(&parse("docker run --rm -it toolbox sh"), &known).iter().map(ApiCall::line).collect();
    assert_eq!(
        lines,
        [
            "POST /v1.41/containers/create",
            "POST /v1.41/containers/abc/attach?stderr=1&stdin=1&stdout=1&stream=1",
            "POST /v1.41/containers/abc/wait?condition=removed",
            "POST /v1.41/containers/abc/start",
        ]
    );
    let call = &calls(&parse("docker run --rm -it toolbox sh"), &known)[0];
    let body = body(call);
    assert_eq!(
        (body["Tty"].clone(), body["OpenStdin"].clone(), body["StdinOnce"].clone()),
        (json!(true), json!(true), json!(true))
    );
    assert_eq!(body["Cmd"], json!(["sh"]));
    assert_eq!(body["HostConfig"]["AutoRemove"], true);
    // Without -i, stdin stays out; without --rm, the wait is for the next exit.
    let plain = lines_with("docker run hello-world", &known);
    assert_eq!(plain[1], "POST /v1.41/containers/abc/attach?stderr=1&stdout=1&stream=1");
    assert_eq!(plain[2], "POST /v1.41/containers/abc/wait?condition=next-exit");
}

fn lines_with(line: &str, outcome: &Outcome) -> Vec<String> {
    calls(&parse(line), outcome).iter().map(ApiCall::line).collect()
}

#[test]
fn a_missing_image_is_pulled_between_two_creates() {
    let pulled = Outcome { container: None, pulled: Some(true) };
    let lines = lines_with("docker create hello-world", &pulled);
    assert_eq!(
        lines,
        [
            "POST /v1.41/containers/create",
            "POST /v1.41/images/create?fromImage=hello-world&tag=latest",
            "POST /v1.41/containers/create",
        ]
    );
    // Unknown: the pull shows, with when it happens.
    let unknown = calls_of("docker run -d hello-world");
    assert_eq!(unknown.len(), 5);
    assert!(unknown[1].note.as_deref().is_some_and(|n| n.contains("404")), "{:?}", unknown[1]);
    assert_eq!(unknown[4].line(), "POST /v1.41/containers/{id}/start");
    assert!(unknown[3].note.as_deref().is_some_and(|n| n.contains("Id that create answered")));
}

#[test]
fn run_options_land_in_their_fields() {
    let known = Outcome { container: Some("c".into()), pulled: Some(false) };
    let line = "docker run -d -e A=1 -w /app -u nobody --entrypoint sh -m 64m --stop-timeout 3 \
                --restart on-failure:2 -v data:/data -v /cache --mount type=volume,source=logs,target=/logs,readonly \
                --network none -P -p 127.0.0.1:5353:53/udp toolbox -c 'echo hi'";
    let calls = calls(&parse(line), &known);
    let body = body(&calls[0]);
    assert_eq!(body["Env"], json!(["A=1"]));
    assert_eq!(body["WorkingDir"], "/app");
    assert_eq!(body["User"], "nobody");
    assert_eq!(body["Entrypoint"], json!(["sh"]));
    assert_eq!(body["Cmd"], json!(["-c", "echo hi"]));
    assert_eq!(body["StopTimeout"], 3);
    assert_eq!(body["Volumes"], json!({ "/cache": {} }));
    assert_eq!(body["ExposedPorts"], json!({ "53/udp": {} }));
    let host = &body["HostConfig"];
    assert_eq!(host["Binds"], json!(["data:/data"]));
    assert_eq!(host["Mounts"], json!([{ "Type": "volume", "Source": "logs", "Target": "/logs", "ReadOnly": true }]));
    assert_eq!(host["NetworkMode"], "none");
    assert_eq!(host["PortBindings"], json!({ "53/udp": [{ "HostIp": "127.0.0.1", "HostPort": "5353" }] }));
    assert_eq!(host["PublishAllPorts"], true);
    assert_eq!(host["Memory"], 64 << 20);
    assert_eq!(host["RestartPolicy"], json!({ "Name": "on-failure", "MaximumRetryCount": 2 }));
    // An empty --entrypoint clears the image's, as [""].
    let cleared = calls_of("docker create --entrypoint '' toolbox");
    assert_eq!(body_of(&cleared[0])["Entrypoint"], json!([""]));
}

fn body_of(call: &ApiCall) -> Value {
    body(call).clone()
}

#[test]
fn container_lifecycle_commands() {
    assert_eq!(lines("docker start a b"), ["POST /v1.41/containers/a/start", "POST /v1.41/containers/b/start"]);
    assert_eq!(
        lines("docker start -a web"),
        [
            "GET /v1.41/containers/web/json",
            "POST /v1.41/containers/{id}/attach?stderr=1&stdout=1&stream=1",
            "POST /v1.41/containers/{id}/wait?condition=next-exit",
            "POST /v1.41/containers/{id}/start",
        ]
    );
    assert_eq!(lines("docker stop -t 5 web"), ["POST /v1.41/containers/web/stop?t=5"]);
    assert_eq!(lines("docker stop --signal SIGINT web"), ["POST /v1.41/containers/web/stop?signal=SIGINT"]);
    assert_eq!(lines("docker kill web"), ["POST /v1.41/containers/web/kill"]);
    assert_eq!(lines("docker kill -s HUP web"), ["POST /v1.41/containers/web/kill?signal=HUP"]);
    assert_eq!(lines("docker restart -t 1 web"), ["POST /v1.41/containers/web/restart?t=1"]);
    assert_eq!(lines("docker wait web"), ["POST /v1.41/containers/web/wait"]);
    assert_eq!(lines("docker pause web"), ["POST /v1.41/containers/web/pause"]);
    assert_eq!(lines("docker unpause web"), ["POST /v1.41/containers/web/unpause"]);
    assert_eq!(lines("docker rename old new"), ["POST /v1.41/containers/old/rename?name=new"]);
    assert_eq!(lines("docker rm -f web"), ["DELETE /v1.41/containers/web?force=1"]);
    assert_eq!(lines("docker rm -v a b"), ["DELETE /v1.41/containers/a?v=1", "DELETE /v1.41/containers/b?v=1"]);
    assert_eq!(
        lines("docker attach web"),
        [
            "POST /v1.41/containers/web/wait",
            "GET /v1.41/containers/web/json",
            "POST /v1.41/containers/web/attach?stderr=1&stdout=1&stream=1",
            "GET /v1.41/containers/web/json",
        ]
    );
}

#[test]
fn container_queries() {
    assert_eq!(lines("docker ps"), ["GET /v1.41/containers/json"]);
    assert_eq!(lines("docker ps -a"), ["GET /v1.41/containers/json?all=1"]);
    assert_eq!(lines("docker ps -n 2 -s"), ["GET /v1.41/containers/json?limit=2&size=1"]);
    assert_eq!(
        lines("docker ps -a --filter status=exited"),
        ["GET /v1.41/containers/json?all=1&filters=%7B%22status%22%3A%7B%22exited%22%3Atrue%7D%7D"]
    );
    assert!(calls_of("docker ps --filter status=exited")[0].query_is_escaped());
    assert_eq!(
        lines("docker logs -f --tail 5 -t web"),
        [
            "GET /v1.41/containers/web/json",
            "GET /v1.41/containers/{id}/logs?follow=1&stderr=1&stdout=1&tail=5&timestamps=1"
        ]
    );
    assert_eq!(lines("docker logs web")[1], "GET /v1.41/containers/{id}/logs?stderr=1&stdout=1&tail=all");
    assert_eq!(
        lines("docker logs --since 10m web")[1],
        "GET /v1.41/containers/{id}/logs?since=10m&stderr=1&stdout=1&tail=all"
    );
    assert_eq!(lines("docker top web"), ["GET /v1.41/containers/web/top"]);
    assert_eq!(lines("docker port web 80"), ["GET /v1.41/containers/web/json"]);
    assert_eq!(lines("docker diff web"), ["GET /v1.41/containers/web/changes"]);
    assert_eq!(lines("docker stats web"), ["GET /v1.41/containers/web/stats?stream=0"]);
    assert_eq!(
        lines("docker stats -a"),
        ["GET /v1.41/containers/json?all=1", "GET /v1.41/containers/{id}/stats?stream=0"]
    );
    assert_eq!(
        lines("docker inspect web"),
        ["GET /v1.41/containers/web/json", "GET /v1.41/images/web/json", "GET /v1.41/volumes/web"]
    );
    assert_eq!(lines("docker inspect --type image web"), ["GET /v1.41/images/web/json"]);
    assert_eq!(lines("docker inspect --type volume data"), ["GET /v1.41/volumes/data"]);
    assert_eq!(lines("docker inspect --type container web"), ["GET /v1.41/containers/web/json"]);
    assert_eq!(lines("docker export -o web.tar web"), ["GET /v1.41/containers/web/export"]);
}

#[test]
fn exec_creates_an_instance_starts_it_and_asks_how_it_ended() {
    let calls = calls_of("docker exec -it -e A=1 -w /tmp -u root web sh -c ls");
    let lines: Vec<String> = calls.iter().map(ApiCall::line).collect();
    assert_eq!(
        lines,
        [
            "GET /v1.41/containers/web/json",
            "POST /v1.41/containers/web/exec",
            "POST /v1.41/exec/{id}/start",
            "GET /v1.41/exec/{id}/json",
        ]
    );
    assert_eq!(
        body(&calls[1]),
        &json!({ "User": "root", "Tty": true, "AttachStdin": true, "AttachStderr": true, "AttachStdout": true,
                 "Env": ["A=1"], "WorkingDir": "/tmp", "Cmd": ["sh", "-c", "ls"] })
    );
    assert_eq!(body(&calls[2]), &json!({ "Detach": false, "Tty": true }));
    let detached = calls_of("docker exec -d web sleep 1");
    assert_eq!(detached.len(), 3, "nobody waits for a detached process's end");
    assert_eq!(body(&detached[1])["AttachStdout"], false);
    assert_eq!(body(&detached[2]), &json!({ "Detach": true, "Tty": false }));
}

#[test]
fn cp_goes_through_the_containers_archive() {
    assert_eq!(lines("docker cp web:/etc/motd ."), ["GET /v1.41/containers/web/archive?path=%2Fetc%2Fmotd"]);
    assert_eq!(
        lines("docker cp -L web:/link ."),
        ["HEAD /v1.41/containers/web/archive?path=%2Flink", "GET /v1.41/containers/web/archive?path=%2Flink"]
    );
    let into = calls_of("docker cp -a notes.txt web:/tmp");
    assert_eq!(
        into.iter().map(ApiCall::line).collect::<Vec<_>>(),
        [
            "HEAD /v1.41/containers/web/archive?path=%2Ftmp",
            "PUT /v1.41/containers/web/archive?copyUIDGID=true&noOverwriteDirNonDir=true&path=%2Ftmp",
        ]
    );
    assert!(matches!(&into[1].body, Some(Body::Stream(_))));
    assert!(lines("docker cp ./a ./b").is_empty(), "no container on either side: the client refuses");
}

#[test]
fn image_commands() {
    assert_eq!(lines("docker pull hello-world"), ["POST /v1.41/images/create?fromImage=hello-world&tag=latest"]);
    assert_eq!(
        lines("docker pull localhost:5000/app:v2"),
        ["POST /v1.41/images/create?fromImage=localhost%3A5000%2Fapp&tag=v2"]
    );
    let digest = format!("sha256:{}", "a".repeat(64));
    assert_eq!(
        lines(&format!("docker pull hello-world@{digest}")),
        [format!("POST /v1.41/images/create?fromImage=hello-world&tag=sha256%3A{}", "a".repeat(64))]
    );
    assert_eq!(lines("docker push localhost:5000/hello"), ["POST /v1.41/images/localhost:5000/hello/push?tag=latest"]);
    assert_eq!(lines("docker push -a localhost:5000/hello"), ["POST /v1.41/images/localhost:5000/hello/push"]);
    assert!(lines("docker push UPPER").is_empty(), "the client refuses a bad reference itself");
    assert_eq!(
        lines("docker tag hello-world localhost:5000/hello"),
        ["POST /v1.41/images/hello-world/tag?repo=localhost%3A5000%2Fhello&tag=latest"]
    );
    assert_eq!(lines("docker images"), ["GET /v1.41/images/json"]);
    assert_eq!(
        lines("docker images -a hello-world"),
        ["GET /v1.41/images/json?all=1&filters=%7B%22reference%22%3A%7B%22hello-world%22%3Atrue%7D%7D"]
    );
    assert_eq!(lines("docker rmi -f a b"), ["DELETE /v1.41/images/a?force=1", "DELETE /v1.41/images/b?force=1"]);
    assert_eq!(lines("docker rmi --no-prune a"), ["DELETE /v1.41/images/a?noprune=1"]);
    assert_eq!(lines("docker history web"), ["GET /v1.41/images/web/history"]);
    assert_eq!(lines("docker image inspect web"), ["GET /v1.41/images/web/json"]);
    assert_eq!(lines("docker save -o out.tar a b"), ["GET /v1.41/images/get?names=a&names=b"]);
    let load = calls_of("docker load -i in.tar");
    assert_eq!(load[0].line(), "POST /v1.41/images/load");
    assert!(matches!(&load[0].body, Some(Body::Stream(_))));
    // The prune's dangling filter is always sent: true, or false with -a.
    let prune = calls_of("docker image prune -a -f");
    assert_eq!(prune[0].path, "/images/prune");
    assert_eq!(prune[0].query, [("filters".to_string(), r#"{"dangling":{"false":true}}"#.to_string())]);
    let dangling = calls_of("docker image prune -f --filter until=24h");
    assert_eq!(dangling[0].query[0].1, r#"{"dangling":{"true":true},"until":{"24h":true}}"#);
    assert_eq!(
        lines("docker commit -m 'add greeting' -c 'CMD [\"sh\"]' writer greeted:v1"),
        ["POST /v1.41/commit?author=&changes=CMD+%5B%22sh%22%5D&comment=add+greeting&container=writer&repo=greeted&tag=v1"]
    );
}

#[test]
fn build_sends_the_context_with_its_settings() {
    let calls = calls_of(
        "docker build -t web:v1 -t web -f web.Dockerfile --build-arg A=1 --build-arg B --target app --no-cache -q .",
    );
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!((call.method, call.path.as_str()), ("POST", "/build"));
    let query: Vec<(&str, &str)> = call.query.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(
        query,
        [
            ("buildargs", r#"{"A":"1","B":null}"#),
            ("dockerfile", "web.Dockerfile"),
            ("nocache", "1"),
            ("q", "1"),
            ("rm", "1"),
            ("t", "web:v1"),
            ("t", "web"),
            ("target", "app"),
        ]
    );
    assert!(matches!(&call.body, Some(Body::Stream(what)) if what.contains("tar")));
    assert_eq!(lines("docker build ."), ["POST /v1.41/build?dockerfile=Dockerfile&rm=1"]);
    assert!(calls_of("docker build --check .")[0].note.as_deref().is_some_and(|n| n.contains("BuildKit")));
    assert_eq!(lines("docker builder prune -a -f"), ["POST /v1.41/build/prune?all=1"]);
}

#[test]
fn volume_and_system_commands() {
    let create = calls_of("docker volume create --label team=web data");
    assert_eq!(create[0].line(), "POST /v1.41/volumes/create");
    assert_eq!(
        body(&create[0]),
        &json!({ "Driver": "local", "DriverOpts": {}, "Labels": { "team": "web" }, "Name": "data" })
    );
    assert!(body(&calls_of("docker volume create")[0]).get("Name").is_none(), "the daemon names it");
    assert_eq!(lines("docker volume ls"), ["GET /v1.41/volumes"]);
    assert_eq!(
        lines("docker volume ls -f dangling=true"),
        ["GET /v1.41/volumes?filters=%7B%22dangling%22%3A%7B%22true%22%3Atrue%7D%7D"]
    );
    assert_eq!(lines("docker volume inspect a b"), ["GET /v1.41/volumes/a", "GET /v1.41/volumes/b"]);
    assert_eq!(lines("docker volume rm -f data"), ["DELETE /v1.41/volumes/data?force=1"]);
    assert_eq!(lines("docker volume prune -f"), ["POST /v1.41/volumes/prune"]);
    assert_eq!(lines("docker system df"), ["GET /v1.41/system/df"]);
    assert_eq!(lines("docker version"), ["GET /v1.41/version"]);
}

#[test]
fn what_the_daemon_never_hears_of_makes_no_call() {
    assert!(lines("docker run --help").is_empty());
    assert!(calls(&Command::ExitCodeOf { container: "web".into() }, &Outcome::default()).is_empty());
    let id = crate::container::ContainerId::generate(&mut crate::Seeded::new(1));
    assert!(calls(&Command::BuildAwait { container: id }, &Outcome::default()).is_empty());
}

#[test]
fn what_a_command_printed_tells_how_it_went() {
    let id = "4f2a".repeat(16);
    let pulled = Outcome::from_output(
        &format!("{id}\n"),
        "Unable to find image 'web:latest' locally\nlatest: Pulling from library/web\n",
        true,
    );
    assert_eq!(pulled, Outcome { container: Some(id.clone()), pulled: Some(true) });
    assert_eq!(Outcome::from_output("hi\n", "", true), Outcome { container: None, pulled: Some(false) });
    assert_eq!(Outcome::from_output("", "", false), Outcome::default(), "still running: a pull may come");
    let lines: Vec<String> = calls(&parse("docker run -d web"), &pulled).iter().map(ApiCall::line).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[4], format!("POST /v1.41/containers/{id}/start"));
}

#[test]
fn query_values_are_escaped_as_go_escapes_them() {
    assert_eq!(escape("a b/c:d~e_f.g-h"), "a+b%2Fc%3Ad~e_f.g-h");
    assert_eq!(escape("é"), "%C3%A9");
}
