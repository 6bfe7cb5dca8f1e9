//! contrib/slurm on a real one-node Slurm cluster: munged, slurmctld and slurmd started from a
//! config written into a temporary folder, a 3-shard job array over the demo folder, a merge
//! job that waits for it, and the merged report compared with a one-machine `check`: over the
//! demo folder, and over folders whose verdicts hang on files judged together (OP-Atom clips,
//! double-system sound; see `tests/it/one_verdict.rs`), file by file and clip by clip.
//!
//! Needs Debian's `slurm-wlm` and `munge` and root (as CI runs); fails loudly without them.

use crate::common::deliveries;
use crate::common::verdicts::{Verdicts, differences};
use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dailies-qc");

/// The daemons of the test cluster; stopped by their pid files however the test ends.
struct Cluster {
    dir: PathBuf,
    conf: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for pid_file in ["slurmd.pid", "slurmctld.pid", "munge/munged.pid"] {
            let Ok(pid) = std::fs::read_to_string(self.dir.join(pid_file)) else {
                continue;
            };
            let pid = pid.trim();
            let _ = Command::new("kill").args(["-TERM", pid]).status();
            let proc_entry = PathBuf::from(format!("/proc/{pid}"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while proc_entry.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            if proc_entry.exists() {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
        }
    }
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("SLURM_CONF", &self.conf).stdin(Stdio::null());
        command
    }

    /// Runs `program args`, panicking with its output (and the daemons' logs) on failure.
    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) -> Output {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        if !output.status.success() {
            panic!(
                "{program} {args:?} failed: {}{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                self.logs()
            );
        }
        output
    }

    fn logs(&self) -> String {
        let mut text = String::new();
        for log in ["slurmctld.log", "slurmd.log", "munged.log"] {
            let body = std::fs::read_to_string(self.dir.join("log").join(log)).unwrap_or_default();
            let tail: Vec<&str> = body.lines().rev().take(15).collect();
            text += &format!("--- {log} (last lines)\n");
            for line in tail.iter().rev() {
                text += line;
                text += "\n";
            }
        }
        text
    }
}

fn require(tools: &[&str]) {
    for tool in tools {
        let found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
            .iter()
            .any(|dir| Path::new(dir).join(tool).exists());
        assert!(
            found,
            "{tool} is required for the Slurm test (apt-get install -y slurm-wlm munge)"
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

fn short_hostname() -> String {
    let out = Command::new("hostname")
        .arg("-s")
        .output()
        .expect("hostname");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Writes the munge key and slurm.conf into `dir` and starts the three daemons.
fn start_cluster(dir: &Path) -> Cluster {
    require(&["munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue"]);
    for sub in ["munge", "state", "spool", "log"] {
        std::fs::create_dir_all(dir.join(sub)).expect("cluster folder");
    }
    use std::os::unix::fs::PermissionsExt;
    let key = dir.join("munge/munge.key");
    let mut bytes = vec![0u8; 1024];
    std::io::Read::read_exact(
        &mut std::fs::File::open("/dev/urandom").expect("urandom"),
        &mut bytes,
    )
    .expect("random key");
    std::fs::write(&key, &bytes).expect("munge key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o400)).expect("chmod key");
    let socket = dir.join("munge/munge.socket");
    let host = short_hostname();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let d = dir.display();
    let conf = dir.join("slurm.conf");
    std::fs::write(
        &conf,
        format!(
            "ClusterName=qctest\n\
             SlurmctldHost={host}(127.0.0.1)\n\
             SlurmctldPort={ctld}\n\
             SlurmdPort={slurmd}\n\
             AuthType=auth/munge\n\
             AuthInfo=socket={socket}\n\
             CredType=cred/munge\n\
             SlurmUser=root\n\
             SlurmdUser=root\n\
             StateSaveLocation={d}/state\n\
             SlurmdSpoolDir={d}/spool\n\
             SlurmctldPidFile={d}/slurmctld.pid\n\
             SlurmdPidFile={d}/slurmd.pid\n\
             SlurmctldLogFile={d}/log/slurmctld.log\n\
             SlurmdLogFile={d}/log/slurmd.log\n\
             ProctrackType=proctrack/linuxproc\n\
             TaskPlugin=task/none\n\
             JobAcctGatherType=jobacct_gather/none\n\
             SelectType=select/cons_tres\n\
             MpiDefault=none\n\
             ReturnToService=2\n\
             NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN\n\
             PartitionName=qc Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            ctld = free_port(),
            slurmd = free_port(),
            socket = socket.display(),
        ),
    )
    .expect("slurm.conf");
    let cluster = Cluster {
        dir: dir.to_path_buf(),
        conf,
    };
    cluster.run(
        "munged",
        &[
            "--force".as_ref(),
            format!("--socket={}", socket.display()).as_ref(),
            format!("--key-file={}", key.display()).as_ref(),
            format!("--log-file={d}/log/munged.log").as_ref(),
            format!("--pid-file={d}/munge/munged.pid").as_ref(),
            format!("--seed-file={d}/munge/seed").as_ref(),
        ],
    );
    cluster.run("slurmctld", &[]);
    cluster.run("slurmd", &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let states = cluster.run("sinfo", &["-h".as_ref(), "-o".as_ref(), "%T".as_ref()]);
        if String::from_utf8_lossy(&states.stdout).trim() == "idle" {
            return cluster;
        }
        assert!(
            Instant::now() < deadline,
            "the node never became idle: {}\n{}",
            String::from_utf8_lossy(&states.stdout),
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn files_of(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f["findings"]
                .as_array_mut()
                .expect("findings")
                .sort_by_key(|x| x.to_string());
            f
        })
        .collect()
}

/// Submits `contrib/slurm/submit.sh 3 SPEC OUT MEDIA` (the shards sharing the cache `cache`);
/// returns the merge job's id.
fn submit(cluster: &Cluster, spec: &Path, out: &Path, media: &Path, cache: &Path) -> String {
    let submit = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/slurm/submit.sh");
    let submitted = cluster
        .command("bash")
        .arg(&submit)
        .args([
            "3".as_ref(),
            spec.as_os_str(),
            out.as_os_str(),
            media.as_os_str(),
        ])
        .env("DAILIES_QC", BIN)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("submit.sh");
    assert!(
        submitted.status.success(),
        "submit.sh: {}{}",
        String::from_utf8_lossy(&submitted.stdout),
        String::from_utf8_lossy(&submitted.stderr)
    );
    let merge_job = String::from_utf8_lossy(&submitted.stdout).trim().to_owned();
    assert!(!merge_job.is_empty(), "submit.sh printed no merge job id");
    merge_job
}

/// Waits until the queue is empty: every job submitted has finished.
fn wait_for_the_jobs(cluster: &Cluster) {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let queue = cluster.run("squeue", &["-h".as_ref()]);
        if String::from_utf8_lossy(&queue.stdout).trim().is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the jobs did not finish in 10 minutes: {}\n{}",
            String::from_utf8_lossy(&queue.stdout),
            cluster.logs()
        );
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// `OUT/report.json`, the merge job's report, once every shard report is there.
fn merged_report(cluster: &Cluster, out: &Path, merge_job: &str) -> serde_json::Value {
    let merged = std::fs::read(out.join("report.json")).unwrap_or_else(|e| {
        let log = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
        panic!(
            "no merged report ({e}); merge job {merge_job}:\n{}\nshard logs:\n{}{}{}\n{}",
            log("merge.log"),
            log("shard-1.log"),
            log("shard-2.log"),
            log("shard-3.log"),
            cluster.logs()
        )
    });
    for k in 1..=3 {
        assert!(
            out.join(format!("shard-{k}.json")).is_file(),
            "shard {k} report in {}",
            out.display()
        );
    }
    serde_json::from_slice(&merged).expect("merged JSON")
}

#[test]
#[ignore = "needs a Slurm cluster (slurm-wlm, munge): run by .ci/run"]
fn a_three_shard_job_array_and_its_merge_equal_one_machine() {
    let work = temp_dir();
    let demo = work.path().join("demo");
    let made = run(&["demo".as_ref(), demo.as_os_str()]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let spec = demo.join(dailies_qc::demo::SPEC_FILE);
    let whole = check_json(&spec, &[&demo]);
    assert_eq!(whole.code, 1, "the demo has defects: {}", whole.stderr);
    let whole = whole.json();
    // Folders whose verdicts hang on files judged together: clips and double-system sound.
    let together = [
        deliveries::clips_by_umid(work.path()),
        deliveries::double_system(work.path()),
    ];

    // munged refuses a key in a folder others can reach: the cluster lives in a private one.
    let cluster_dir = tempfile::Builder::new()
        .prefix("dailies-qc-slurm-")
        .tempdir()
        .expect("cluster dir");
    let cluster = start_cluster(cluster_dir.path());
    let cache = work.path().join("cache");
    let out = work.path().join("out");
    let merge_job = submit(&cluster, &spec, &out, &demo, &cache);
    let jobs: Vec<(PathBuf, String)> = together
        .iter()
        .map(|d| {
            let out = work.path().join(format!("out-{}", d.name));
            let job = submit(&cluster, &d.spec, &out, &d.media, &cache);
            (out, job)
        })
        .collect();
    wait_for_the_jobs(&cluster);

    let merged = merged_report(&cluster, &out, &merge_job);
    assert_eq!(files_of(&merged), files_of(&whole));
    assert_eq!(merged["summary"], whole["summary"]);

    let mut problems = Vec::new();
    for (d, (out, job)) in together.iter().zip(&jobs) {
        let merged = merged_report(&cluster, out, job);
        let one_machine = check_json(&d.spec, &[&d.media]);
        assert!(one_machine.code <= 1, "{}", one_machine.stderr);
        let one_machine = one_machine.json();
        let label = format!("{} on Slurm", d.name);
        problems.extend(differences(
            &label,
            &Verdicts::of_report(&one_machine, &d.media),
            &Verdicts::of_report(&merged, &d.media),
        ));
        for key in ["summary", "verdict"] {
            if merged[key] != one_machine[key] {
                problems.push(format!(
                    "{label}: {key} {}, one machine's {}",
                    merged[key], one_machine[key]
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} difference(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
