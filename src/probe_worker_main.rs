//! `dailies-qc-probe`: the probe worker. `dailies-qc` starts one per engine thread, beside
//! itself, and asks it for one file after another what ffprobe would print
//! (`src/probe/worker.c`, protocol in `dailies_qc::probe::worker`). Not for people to run.

use std::process::ExitCode;

#[cfg(probe_worker)]
unsafe extern "C" {
    fn dailies_qc_probe_worker_serve() -> std::ffi::c_int;
}

fn main() -> ExitCode {
    #[cfg(probe_worker)]
    {
        // SAFETY: the C loop only reads stdin and writes stdout; it takes no Rust state.
        let code = unsafe { dailies_qc_probe_worker_serve() };
        ExitCode::from(u8::try_from(code).unwrap_or(2))
    }
    #[cfg(not(probe_worker))]
    {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "dailies-qc-probe: built without libavformat: no probe worker"
        );
        ExitCode::from(2)
    }
}
