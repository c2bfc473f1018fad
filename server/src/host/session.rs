//! Sessions: each page that uses host mode gets one, and every object it makes on the daemon
//! carries its label and a name prefix, so it sees and touches only its own, and everything it
//! made can be found and removed when it ends, when it goes quiet, or after a crash.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListImagesOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
    RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder, RemoveVolumeOptionsBuilder,
};
use bollard::Docker;

use super::allowlist::{Refusal, Rule};

/// The label naming the session an object belongs to.
pub const SESSION_LABEL: &str = "dockyard.session";
/// The label naming the server instance, so a restarted server finds its leftovers and leaves
/// another instance's sessions alone.
pub const INSTANCE_LABEL: &str = "dockyard.instance";
/// At most this many sessions at once.
pub const MAX_SESSIONS: usize = 64;

/// A session's id: random hex, chosen by the server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    pub fn random() -> Self {
        let mut bytes = [0u8; 6];
        // Without randomness ids could collide, and sessions would see each other's objects.
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        SessionId(dockyard_engine::digest::hex(&bytes))
    }

    /// The id a request names, if it has the shape of one.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 12 && text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
            .then(|| SessionId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the daemon-side names of this session's objects start with.
    pub fn prefix(&self) -> String {
        format!("dy{}-", self.0)
    }

    /// The daemon-side name for a name the learner chose.
    pub fn daemon_name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix())
    }

    /// The name the learner chose, from a daemon-side name.
    pub fn learner_name<'a>(&self, daemon_name: &'a str) -> &'a str {
        let name = daemon_name.trim_start_matches('/');
        name.strip_prefix(&self.prefix()).unwrap_or(name)
    }

    /// The labels every object of this session carries.
    pub fn labels(&self, instance: &str) -> HashMap<String, String> {
        HashMap::from([(SESSION_LABEL.to_string(), self.0.clone()), (INSTANCE_LABEL.to_string(), instance.to_string())])
    }

    /// The label filter that finds this session's objects.
    pub fn filter(&self) -> HashMap<String, Vec<String>> {
        HashMap::from([("label".to_string(), vec![format!("{SESSION_LABEL}={}", self.0)])])
    }
}

/// The sessions this server knows, with when each was last heard from.
#[derive(Default)]
pub struct Sessions {
    live: Mutex<HashMap<SessionId, Live>>,
}

struct Live {
    last_seen: Instant,
    /// One command at a time per session, so quotas are counted before each create.
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl Sessions {
    pub fn open(&self) -> Result<SessionId, Refusal> {
        let mut live = self.live.lock().expect("sessions lock");
        if live.len() >= MAX_SESSIONS {
            return Err(Refusal::new(Rule::Quota, format!("at most {MAX_SESSIONS} sessions at once")));
        }
        let id = SessionId::random();
        live.insert(id.clone(), Live { last_seen: Instant::now(), turn: Arc::default() });
        Ok(id)
    }

    /// Marks the session as heard from now, and hands back its turn lock.
    pub fn touch(&self, id: &SessionId) -> Result<Arc<tokio::sync::Mutex<()>>, Refusal> {
        let mut live = self.live.lock().expect("sessions lock");
        let session = live
            .get_mut(id)
            .ok_or_else(|| Refusal::new(Rule::Session, "unknown or expired session; reload the page"))?;
        session.last_seen = Instant::now();
        Ok(session.turn.clone())
    }

    pub fn close(&self, id: &SessionId) -> bool {
        self.live.lock().expect("sessions lock").remove(id).is_some()
    }

    /// Forgets the sessions not heard from within `grace`, and returns them for cleanup.
    pub fn expire(&self, grace: Duration) -> Vec<SessionId> {
        let mut live = self.live.lock().expect("sessions lock");
        let gone: Vec<SessionId> =
            live.iter().filter(|(_, s)| s.last_seen.elapsed() > grace).map(|(id, _)| id.clone()).collect();
        for id in &gone {
            live.remove(id);
        }
        gone
    }

    pub fn all(&self) -> Vec<SessionId> {
        self.live.lock().expect("sessions lock").keys().cloned().collect()
    }
}

/// Removes every container, then volume, then network whose labels match `label` (`key=value`);
/// containers first, since volumes and networks in use cannot go. Returns how many went.
pub async fn remove_labelled(docker: &Docker, label: &str) -> usize {
    let filters = HashMap::from([("label".to_string(), vec![label.to_string()])]);
    let mut removed = 0;
    let containers = docker
        .list_containers(Some(ListContainersOptionsBuilder::default().all(true).filters(&filters).build()))
        .await
        .unwrap_or_default();
    let force = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
    for id in containers.into_iter().filter_map(|c| c.id) {
        match docker.remove_container(&id, Some(force.clone())).await {
            Ok(()) => removed += 1,
            Err(e) => eprintln!("dockyard: could not remove container {id}: {e}"),
        }
    }
    let volumes = docker
        .list_volumes(Some(ListVolumesOptionsBuilder::default().filters(&filters).build()))
        .await
        .map(|list| list.volumes.unwrap_or_default())
        .unwrap_or_default();
    for volume in volumes {
        match docker.remove_volume(&volume.name, Some(RemoveVolumeOptionsBuilder::default().force(true).build())).await
        {
            Ok(()) => removed += 1,
            Err(e) => eprintln!("dockyard: could not remove volume {}: {e}", volume.name),
        }
    }
    let networks = docker
        .list_networks(Some(ListNetworksOptionsBuilder::default().filters(&filters).build()))
        .await
        .unwrap_or_default();
    for id in networks.into_iter().filter_map(|n| n.id) {
        match docker.remove_network(&id).await {
            Ok(()) => removed += 1,
            Err(e) => eprintln!("dockyard: could not remove network {id}: {e}"),
        }
    }
    // The images the session built, last, once no container of the session uses them.
    let images = docker
        .list_images(Some(ListImagesOptionsBuilder::default().filters(&filters).build()))
        .await
        .unwrap_or_default();
    for image in images {
        match docker.remove_image(&image.id, Some(RemoveImageOptionsBuilder::default().force(true).build()), None).await
        {
            Ok(_) => removed += 1,
            Err(e) => eprintln!("dockyard: could not remove image {}: {e}", image.id),
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_strangers_are_turned_away() {
        let id = SessionId::random();
        assert_eq!(SessionId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(SessionId::parse("../../etc"), None);
        assert_eq!(SessionId::parse("ABCDEF012345"), None);
        assert_eq!(id.learner_name(&format!("/{}web", id.prefix())), "web");
        assert_eq!(id.learner_name("/eager_turing"), "eager_turing");
    }

    #[test]
    fn quiet_sessions_expire_and_busy_ones_stay() {
        let sessions = Sessions::default();
        let quiet = sessions.open().unwrap();
        std::thread::sleep(Duration::from_millis(30));
        let busy = sessions.open().unwrap();
        assert_eq!(sessions.expire(Duration::from_millis(20)), vec![quiet.clone()]);
        assert!(sessions.touch(&busy).is_ok());
        assert_eq!(sessions.touch(&quiet).unwrap_err().rule, Rule::Session);
    }
}
