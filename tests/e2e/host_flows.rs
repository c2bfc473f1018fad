//! Host mode's commands on the private Docker Engine, each checked against what the real docker
//! CLI says about the same daemon: run, ps, logs, exec, inspect, stop, rm, images, history,
//! pull, and volumes and networks.

use crate::harness::{docker, docker_host, text, Server};
use crate::host_api::{dockyard_objects, Api};

/// The rows of a table without the columns that move with the clock.
fn without_times(table: &str, keep: &[usize]) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|line| {
            let cells: Vec<String> =
                line.split("   ").map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
            keep.iter().filter_map(|&i| cells.get(i).cloned()).collect()
        })
        .collect()
}

/// An image table's rows with each image's rows (consecutive, with one IMAGE ID) sorted.
fn by_image(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut start = 0;
    while start < rows.len() {
        let id = rows[start].get(2).cloned();
        let end = (start..rows.len()).find(|&i| rows[i].get(2) != id.as_ref()).unwrap_or(rows.len());
        rows[start..end].sort();
        start = end;
    }
    rows
}

#[test]
fn containers_go_through_their_lifecycle_as_in_docker() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();

    let id = session.ok("docker run -d --name web busybox sh -c 'echo started; echo oops >&2; sleep 300'");
    assert_eq!(id.trim().len(), 64, "{id}");
    // The real CLI sees it under its daemon-side name; the session sees it as web.
    let real =
        text(&docker(&["ps", "--filter", &format!("id={}", id.trim()), "--format", "{{.Names}} {{.Labels}}"]).stdout);
    assert!(real.contains(&format!("dy{}-web", session.id)) && real.contains(&session.id), "{real}");

    let ps = session.ok("docker ps");
    let lines: Vec<&str> = ps.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    );
    assert_eq!(lines.len(), 2, "{ps}");
    assert!(lines[1].starts_with(&id[..12]) && lines[1].contains("Up ") && lines[1].ends_with(" web"), "{ps}");
    assert!(lines[1].contains("\"sh -c 'echo started…\""), "{ps}");
    assert_eq!(session.ok("docker ps -q").trim(), &id[..12]);

    // Logs keep their streams apart.
    let logs = session.run("docker logs web");
    assert_eq!((logs.stdout.as_str(), logs.stderr.as_str()), ("started\n", "oops\n"), "{logs:?}");
    let exec = session.run("docker exec web sh -c 'echo $HOSTNAME; exit 4'");
    assert_eq!((exec.stdout.trim(), exec.exit_code), (&id[..12], 4), "{exec:?}");
    assert_eq!(
        session
            .ok("docker inspect -f '{{.State.Status}} {{.Name}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' web"),
        "running /web 268435456 64\n"
    );
    let inspect = session.ok("docker inspect web");
    assert!(
        inspect.starts_with("[\n    {\n        \"Id\": ") && inspect.contains("\"NetworkMode\": \"none\""),
        "{inspect}"
    );

    assert_eq!(session.ok("docker stop -t 1 web"), "web\n");
    let ps = session.ok("docker ps -a");
    assert!(ps.contains("Exited (137)"), "{ps}");
    assert_eq!(session.ok("docker ps"), "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n");
    let again = session.run("docker start web");
    assert_eq!(again.stdout, "web\n", "{again:?}");
    let busy = session.run("docker rm web");
    assert_eq!(busy.exit_code, 1, "{busy:?}");
    assert!(busy.stderr.starts_with("Error response from daemon: You cannot remove a running container"), "{busy:?}");
    assert_eq!(session.ok("docker rm -f web"), "web\n");
    let gone = session.run("docker stop web");
    assert_eq!((gone.stderr.as_str(), gone.exit_code), ("Error response from daemon: No such container: web\n", 1));

    // A command that does not exist in the image fails as Docker's does, and --rm still removes.
    let missing = session.run("docker run --rm busybox nosuchcmd");
    assert_eq!(missing.exit_code, 127, "{missing:?}");
    assert!(
        missing.stderr.starts_with("docker: Error response from daemon: ")
            && missing.stderr.contains("\"nosuchcmd\": executable file not found"),
        "{missing:?}"
    );
    let created = session.ok("docker create --name later busybox true");
    assert_eq!(created.trim().len(), 64);
    let ps = session.ok("docker ps -a");
    assert!(ps.contains("Created") && ps.contains(" later"), "{ps}");
    session.close();
    assert_eq!(dockyard_objects(&format!("dockyard.session={}", session.id)), Vec::<String>::new());
}

#[test]
fn images_and_history_match_the_real_cli() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    let ours = session.ok("docker images");
    let real = text(&docker(&["images"]).stdout);
    // Repository, tag, id and size agree; CREATED moves with the clock. The CLI groups an image's
    // tags by repository in a Go map, so one image's rows come in any order: each image's rows
    // are compared as a set, the images in the CLI's order.
    assert_eq!(
        by_image(without_times(&ours, &[0, 1, 2, 4])),
        by_image(without_times(&real, &[0, 1, 2, 4])),
        "{ours}\n{real}"
    );
    assert!(ours.contains("busybox"), "{ours}");
    assert_eq!(session.ok("docker images -q"), text(&docker(&["images", "-q"]).stdout));

    let ours = session.ok("docker history busybox");
    let real = text(&docker(&["history", "busybox"]).stdout);
    assert_eq!(ours.lines().next(), real.lines().next(), "{ours}\n{real}");
    assert_eq!(ours.lines().count(), real.lines().count(), "{ours}\n{real}");
    assert_eq!(session.ok("docker history -q busybox"), text(&docker(&["history", "-q", "busybox"]).stdout));
    let real_id = text(&docker(&["image", "inspect", "-f", "{{.Id}}", "busybox"]).stdout);
    assert_eq!(session.ok("docker image inspect -f '{{.Id}}' busybox"), real_id);
    assert_eq!(session.ok("docker inspect -f '{{.Id}}' busybox"), real_id);

    let missing = session.run("docker image inspect nosuch");
    assert_eq!(missing.exit_code, 1);
    assert_eq!(missing.stdout, "[]\n");
    assert!(missing.stderr.contains("No such image: nosuch"), "{missing:?}");
    // The private engine has no network, so a pull reports the daemon's reason, and run says
    // first that the image is not here.
    let pull = session.run("docker pull nosuch-image");
    assert_eq!(pull.exit_code, 1, "{pull:?}");
    assert!(
        pull.stdout.starts_with("Using default tag: latest\n")
            && pull.stderr.starts_with("Error response from daemon: "),
        "{pull:?}"
    );
    let run = session.run("docker run --rm nosuch-image");
    assert_eq!(run.exit_code, 125, "{run:?}");
    assert!(run.stderr.starts_with("Unable to find image 'nosuch-image:latest' locally\n"), "{run:?}");
    session.close();
}

#[test]
fn volumes_and_networks_belong_to_the_session() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    assert_eq!(session.ok("docker volume create data"), "data\n");
    assert_eq!(session.ok("docker volume ls"), "DRIVER    VOLUME NAME\nlocal     data\n");
    session.ok("docker run --rm -v data:/data busybox sh -c 'echo kept > /data/file'");
    assert_eq!(session.ok("docker run --rm -v data:/data busybox cat /data/file"), "kept\n");
    // A volume a run names is made for the session, with its labels.
    session.ok("docker run --rm --mount source=cache,target=/cache busybox touch /cache/x");
    assert_eq!(session.ok("docker volume ls -q"), "cache\ndata\n");

    let id = session.ok("docker network create front");
    assert_eq!(id.trim().len(), 64, "{id}");
    let ls = session.ok("docker network ls");
    assert_eq!(
        without_times(&ls, &[1, 2, 3]),
        [["NAME", "DRIVER", "SCOPE"], ["front", "bridge", "local"], ["none", "null", "local"]]
    );
    let real = text(
        &docker(&["network", "inspect", "-f", "{{.Internal}} {{.Labels}}", &format!("dy{}-front", session.id)]).stdout,
    );
    assert!(real.starts_with("true ") && real.contains(&session.id), "{real}");
    let api_id = session
        .ok("docker run -d --name api --network front busybox sh -c 'while true; do hostname | nc -l -p 8080; done'");
    let addr = session.ok("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' api");
    let addr = addr.trim();
    assert!(addr.contains('.'), "{addr}");
    // Another container on the network reaches it (by address: the static busybox cannot ask
    // Docker's embedded DNS) and reads the server's hostname. The server may not be listening
    // yet, so the client tries for a while.
    let client = format!("docker run --rm --network front busybox nc {addr} 8080");
    let mut got = session.run(&client);
    for _ in 0..20 {
        if got.exit_code == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
        got = session.run(&client);
    }
    assert_eq!((got.stdout.trim(), got.exit_code), (&api_id[..12], 0), "{got:?}");
    let busy = session.run("docker network rm front");
    assert_eq!(busy.exit_code, 1, "{busy:?}");
    session.ok("docker rm -f api");
    assert_eq!(session.ok("docker network rm front"), "front\n");
    assert_eq!(session.ok("docker volume rm data cache"), "data\ncache\n");
    // An anonymous volume carries no label, so it goes with its container even without -v.
    let volumes = || text(&docker(&["volume", "ls", "-q"]).stdout).lines().count();
    let before = volumes();
    session.ok("docker run -d --name anon -v /scratch busybox sleep 300");
    assert_eq!(volumes(), before + 1);
    session.ok("docker rm -f anon");
    assert_eq!(volumes(), before);
    assert_eq!(dockyard_objects(&format!("dockyard.session={}", session.id)), Vec::<String>::new());
}
