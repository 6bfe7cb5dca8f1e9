//! The bounded pool files are inspected on. When the system refuses the threads (a process
//! limit on a busy server), the pool is the calling thread alone, so the same work (the parallel
//! loops inside an analysis included) runs one item at a time: slower, never a different
//! verdict.

use rayon::prelude::*;

pub(crate) struct Workers {
    pool: Option<rayon::ThreadPool>,
}

impl Workers {
    /// A pool of `jobs` threads, else of the calling thread alone (which must then be the one
    /// that calls [`Workers::map`]).
    pub(crate) fn start(jobs: usize) -> Workers {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.clamp(1, super::MAX_JOBS))
            .build()
            .or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .use_current_thread()
                    .build()
            })
            .ok();
        Workers { pool }
    }

    /// `work` over `items`, results in the order of `items` whatever order they finish in.
    pub(crate) fn map<T: Sync, R: Send>(
        &self,
        items: &[T],
        work: impl Fn(&T) -> R + Sync + Send,
    ) -> Vec<R> {
        match &self.pool {
            Some(pool) => pool.install(|| items.par_iter().map(&work).collect()),
            None => items.iter().map(work).collect(),
        }
    }
}
