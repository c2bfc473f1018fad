//! The program inside the `hello-world` image: it explains what just happened to run it.
//!
//! It reads what the container gave it (its arguments and its HOSTNAME, which Docker sets to the
//! container's short id), so its words are about this very run, not a canned text. Lines stay
//! under 80 columns, as a terminal's are.

use std::env;

fn main() {
    let hostname = env::var("HOSTNAME").unwrap_or_else(|_| "an unnamed container".to_string());
    let program = env::args().next().unwrap_or_else(|| "/hello".to_string());
    println!();
    println!("Hello from Dockyard!");
    println!("If you can read this, a container just ran a program for you.");
    println!();
    println!("Here is what happened, step by step:");
    println!(" 1. The docker client, the terminal you typed in, sent \"run hello-world\"");
    println!("    to the engine.");
    println!(" 2. The engine looked for the \"hello-world\" image on this machine and,");
    println!("    if it was not here yet, fetched it from the registry (Docker Hub).");
    println!(" 3. The engine made a new container from that image: a filesystem of its");
    println!("    own, built from the image's layers, with a thin writable layer on top.");
    println!(" 4. The engine started {program} inside container {hostname}");
    println!("    and sent everything it printed back to your terminal.");
    println!();
    println!("Try something else next:");
    println!(" docker ps -a      lists containers, including this one, now exited");
    println!(" docker images     lists the images on this machine");
}
